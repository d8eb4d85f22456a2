"""The archive's rows of the URL access matrix (see capil/accounts/tests/test_url_access.py)."""

ARCHIVE_STAFF = {"anonymous": 302, "arsiparis": 200, "kasi": 200, "kadis": 200, "admin": 200, "*": 403}


def _record_pk(world):
    from .factories import sealed_quickly

    return {"pk": sealed_quickly(archivist=world.arsiparis).pk}


URL_ACCESS = [
    {"name": "archive:search", "expect": ARCHIVE_STAFF},
    {"name": "archive:search", "data": lambda world: {"person_number": "6471031507880004"}, "expect": ARCHIVE_STAFF},
    {"name": "archive:detail", "kwargs": _record_pk, "expect": ARCHIVE_STAFF},
    {"name": "archive:manifest", "kwargs": _record_pk, "expect": ARCHIVE_STAFF},
    {"name": "archive:recheck", "kwargs": _record_pk, "method": "post",
     "expect": {"anonymous": 302, "arsiparis": 302, "kasi": 302, "kadis": 302, "admin": 302, "*": 403}},
    {"name": "archive:detail", "kwargs": lambda world: {"pk": 999999},
     "expect": {"anonymous": 302, "arsiparis": 404, "kasi": 404, "kadis": 404, "admin": 404, "*": 403}},
]
