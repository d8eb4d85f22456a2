"""URL access rows of core and of Django's own URLs (format: capil/accounts/tests/test_url_access.py)."""

URL_ACCESS = [
    {"name": "core:health", "expect": {"*": 200}},
    {"name": "set_language", "method": "post", "data": lambda w: {"language": "en", "next": "/"},
     "expect": {"*": 302}, "redirect_to": "*"},
]
