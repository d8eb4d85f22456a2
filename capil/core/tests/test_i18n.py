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
