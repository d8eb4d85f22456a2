"""The public status page (the receipt's QR code) is served from the cache to anonymous visitors, each with their
own CSRF token, and is dropped from the cache the moment the application changes state."""

import re

import pytest
from django.test import Client

from capil.applications.models import State
from capil.applications.tests import factories
from capil.applications.workflow import application_transition
from capil.queueing import intake

pytestmark = pytest.mark.django_db(transaction=True)  # the cache is dropped after the transition commits


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def test_status_page_is_cached_per_language_and_dropped_on_a_state_change(django_assert_max_num_queries):
    factories.catalog_load()
    application = factories.submitted()
    url = intake.application_status_url(application).replace("http://testserver", "")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page = first.get(url).content.decode()
    assert application.get_state_display() in page
    with django_assert_max_num_queries(0):  # from the cache: no query at all
        again = second.get(url).content.decode()
    assert again.replace(_token(again), "") == page.replace(_token(page), "")
    assert _token(again) != _token(page)
    # The cached page's language form works with the visitor's own token.
    switched = second.post("/i18n/setlang/", {"language": "en", "next": url,
                                              "csrfmiddlewaretoken": _token(again)})
    assert switched.status_code == 302
    english = second.get(url).content.decode()
    assert 'lang="en"' in english and "Application status" in english

    application_transition(application=application, action="withdraw", actor=application.applicant)
    after = first.get(url).content.decode()
    application.refresh_from_db()
    assert application.state == State.WITHDRAWN and application.get_state_display() in after
    from django.utils import translation

    with translation.override("en"):
        withdrawn_en = application.get_state_display()
    assert withdrawn_en != application.get_state_display()
    assert withdrawn_en in second.get(url).content.decode()  # the English copy was dropped too


def test_a_signed_in_visitor_gets_the_page_rendered_for_them():
    factories.catalog_load()
    application = factories.submitted()
    url = intake.application_status_url(application).replace("http://testserver", "")
    Client().get(url)  # fills the cache
    client = Client()
    client.force_login(application.applicant)
    body = client.get(url).content.decode()
    assert "Keluar" in body  # the signed-in navigation, not the anonymous cached copy
