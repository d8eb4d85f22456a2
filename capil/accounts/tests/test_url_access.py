"""The URL access matrix: every URL pattern of the project against every kind of visitor.

Every installed `capil.*` app that defines URLs keeps its rows in `capil/<app>/tests/url_access.py`:

    URL_ACCESS = [
        {"name": "catalog:service_detail",                     # the URL name with its namespace, or
         # "path": "/some/unnamed/path/",                      # for a pattern without a name
         "kwargs": lambda world: {"slug": "akta-kelahiran"},   # optional; build objects here with factories
         "method": "get",                                      # optional: "get" (default) or "post"
         "data": lambda world: {"field": "value"},             # optional: the POST (or GET query) data
         "expect": {"anonymous": 302, "citizen": 200, "*": 403},
         "redirect_to": "accounts:login",                     # optional, see below
         },
    ]

- Visitor kinds: anonymous, unverified (a citizen who has not verified phone and e-mail), citizen (verified),
  other_citizen (verified, owns nothing of `citizen`'s), operator, kasi, kadis, arsiparis, admin. Staff are
  signed in WITH their second factor satisfied. Each is an attribute of `world` (capil/conftest.py).
- `expect` maps kinds to the HTTP status; "*" is the default for kinds not listed. Every kind must get an
  answer (directly or through "*").
- A 302 for the anonymous visitor must lead to the sign-in page, unless every kind expects 302 (a redirect
  everybody gets) or the row names `redirect_to`: a URL name (every 302 of the row must lead there) or "*"
  (any redirect is right, e.g. set_language).
- `kwargs` and `data` are called once per kind, inside a savepoint that is rolled back after the request,
  so a POST that changes something for one kind does not change what the next kind sees. The cache (rate
  limits) is cleared between kinds as well.
- Several rows may name the same URL (GET and POST, or different objects).

The coverage test fails when a pattern of capil.urls (walked recursively, Django's own included) has no
row: add the row with the URL.
"""

import importlib
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from .world import KINDS


@dataclass(frozen=True)
class Pattern:
    name: str | None
    route: str

    @property
    def key(self) -> str:
        return self.name or self.route


def walk_patterns(patterns=None, prefix: str = "", namespace: str = ""):
    """Every URL pattern reachable from capil.urls, with its full route and namespaced name."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk_patterns(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = None
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Pattern(name, prefix + str(entry.pattern))


def collect_rows() -> list[tuple[str, dict]]:
    rows = []
    for config in apps.get_app_configs():
        if not config.name.startswith("capil."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.url_access")
        except ModuleNotFoundError as exc:
            if exc.name not in (f"{config.name}.tests.url_access", f"{config.name}.tests"):
                raise
            continue
        rows.extend((config.label, row) for row in module.URL_ACCESS)
    return rows


ROWS = collect_rows()


def _row_key(row: dict) -> str:
    if "name" in row:
        return row["name"]
    return resolve(row["path"]).route


def _row_id(app_row) -> str:
    _app, row = app_row
    return f"{row.get('name') or row.get('path')}:{row.get('method', 'get')}"


def test_every_url_pattern_has_an_access_row():
    covered = {_row_key(row) for _app, row in ROWS}
    missing = sorted({p.key for p in walk_patterns()} - covered)
    assert not missing, (
        "These URL patterns have no row in any capil/<app>/tests/url_access.py (see the format at the top of "
        f"capil/accounts/tests/test_url_access.py): {missing}"
    )


def test_every_row_names_an_existing_pattern_and_answers_every_kind():
    keys = {p.key for p in walk_patterns()}
    for app, row in ROWS:
        assert _row_key(row) in keys, f"{app}: row for unknown URL {row}"
        expect = row["expect"]
        unknown = set(expect) - set(KINDS) - {"*"}
        assert not unknown, f"{app}: {_row_id((app, row))} names unknown visitor kinds {unknown}"
        for kind in KINDS:
            assert kind in expect or "*" in expect, f"{app}: {_row_id((app, row))} has no answer for {kind}"


def test_the_walk_finds_nested_and_django_patterns():
    keys = {p.key for p in walk_patterns()}
    assert "set_language" in keys
    assert "accounts:login" in keys


@pytest.mark.parametrize("app_row", ROWS, ids=[_row_id(r) for r in ROWS])
def test_url_access(world, app_row):
    app, row = app_row
    method = row.get("method", "get")
    login_url = reverse(settings.LOGIN_URL)
    failures = []
    for kind in KINDS:
        expected = row["expect"].get(kind, row["expect"].get("*"))
        cache.clear()
        savepoint = transaction.savepoint_create()
        try:
            client = world.client(kind)
            kwargs = row["kwargs"](world) if "kwargs" in row else {}
            url = reverse(row["name"], kwargs=kwargs) if "name" in row else row["path"]
            data = row["data"](world) if "data" in row else {}
            response = getattr(client, method)(url, data)
        finally:
            transaction.savepoint_rollback(savepoint)
        if response.status_code != expected:
            failures.append(f"{kind}: expected {expected}, got {response.status_code} ({url})")
            continue
        if response.status_code == 302:
            location = response["Location"]
            target = row.get("redirect_to")
            if target and target != "*" and not location.startswith(reverse(target)):
                failures.append(f"{kind}: redirected to {location}, expected {reverse(target)}")
            # An anonymous 302 that differs from what signed-in visitors get is the sign-in redirect; one that
            # everybody gets (a form that redirects to its page) is not.
            everyone = {row["expect"].get(k, row["expect"].get("*")) for k in KINDS} == {302}
            if not target and kind == "anonymous" and not everyone and not location.startswith(login_url):
                failures.append(f"{kind}: redirected to {location}, expected the sign-in page")
    assert not failures, f"{app} {_row_id(app_row)}:\n  " + "\n  ".join(failures)


def test_a_pattern_added_without_a_row_is_reported():
    from django.urls import include, path

    def view(request):
        return None

    extra = [
        path("baru/", view, name="brand_new"),
        path("tanpa-nama/<int:pk>/", view),
        path("grup/", include(([path("dalam/", view, name="inner")], "grup"))),
    ]
    keys = {p.key for p in walk_patterns(extra, prefix="x/")}
    assert keys == {"brand_new", "x/tanpa-nama/<int:pk>/", "grup:inner"}
    covered = {_row_key(row) for _app, row in ROWS}
    assert not keys & covered
