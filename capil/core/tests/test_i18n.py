import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from capil.core.phones import normalise_phone


def test_messages_are_indonesian_by_default_and_english_when_chosen():
    with pytest.raises(ValidationError) as exc:
        normalise_phone("")
    assert exc.value.messages == ["Nomor HP wajib diisi."]
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc:
            normalise_phone("")
        assert exc.value.messages == ["A mobile number is required."]


@pytest.mark.django_db
def test_health_check_answers():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_pages_are_indonesian_even_for_a_browser_set_to_english_until_english_is_chosen():
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Langsung ke isi" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Skip to content" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert "Langsung ke isi" in client.get("/").content.decode()
