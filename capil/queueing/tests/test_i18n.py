import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_booking_page_reads_in_english_when_chosen(client):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("queueing:booking_start"))
    html = response.content.decode()
    assert "Online queue for KTP-el recording" in html and "What is the result of the sum" in html


def test_display_reads_in_bahasa_indonesia_by_default(client):
    assert "Nomor dipanggil" in client.get(reverse("queueing:display")).content.decode()
