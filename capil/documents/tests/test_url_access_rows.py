"""Until the project-wide matrix test runs them, this context checks its own URL_ACCESS rows: every URL
name of the documents app has a row, and each row's expectation holds for the visitors made here."""

import pytest
from django.urls import get_resolver, reverse

from capil.accounts.models import Role
from capil.accounts.tests.factories import login_client
from capil.documents.tests.url_access import URL_ACCESS

from .factories import UserFactory


def test_every_documents_url_has_a_row():
    names = {f"documents:{name}" for name in get_resolver().namespace_dict["documents"][1].reverse_dict
             if isinstance(name, str)}
    assert names == {row["name"] for row in URL_ACCESS}


def _visitor(kind):
    from django.utils import timezone

    if kind == "anonymous":
        return None
    if kind == "unverified":
        return UserFactory(role=Role.CITIZEN)
    if kind in ("citizen", "other_citizen"):
        return UserFactory(role=Role.CITIZEN, phone_verified_at=timezone.now(), email_verified_at=timezone.now())
    return UserFactory(role=getattr(Role, kind.upper()))


@pytest.mark.parametrize("row", URL_ACCESS, ids=[row["name"] for row in URL_ACCESS])
def test_row_expectations_hold(client, db, row):
    for kind in ("anonymous", "unverified", "citizen", "operator", "kasi", "kadis", "arsiparis", "admin"):
        expected = row["expect"].get(kind, row["expect"].get("*"))
        client.logout()
        user = _visitor(kind)
        if user is not None:
            login_client(client, user)
        url = reverse(row["name"], kwargs=row["kwargs"](None))
        response = getattr(client, row.get("method", "get"))(url)
        assert response.status_code == expected, (kind, url)
