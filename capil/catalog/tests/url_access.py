"""URL access rows for the central URL matrix test: every catalog page is public."""

from capil.catalog.tests.factories import service_slug

URL_ACCESS = [
    {"name": "catalog:home", "kwargs": lambda world: {}, "method": "get", "expect": {"*": 200}},
    {
        "name": "catalog:service_detail",
        "kwargs": lambda world: {"slug": service_slug("akta-kelahiran")},
        "method": "get",
        "expect": {"*": 200},
    },
    {
        "name": "catalog:standard",
        "kwargs": lambda world: {"slug": service_slug("akta-kelahiran")},
        "method": "get",
        "expect": {"*": 200},
    },
]
