"""Two imports at the same moment (two set-ups, or an admin and a deploy script) add each version once."""

import threading

import pytest
from django.db import connection

from capil.catalog.models import Service, ServiceVersion
from capil.catalog.services import catalog_import
from capil.catalog.tests.factories import overlay, sop_text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_add_each_version_once():
    text = sop_text()
    edited = text.replace("- Kartu Keluarga, Akta Kelahiran, Pas foto 3x4 1 lembar", "- Kartu Keluarga, Akta Kelahiran")
    catalog_import(text=text, overlay=overlay())
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait(timeout=30)
            catalog_import(text=edited, overlay=overlay())
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert Service.objects.count() == 31
    assert ServiceVersion.objects.count() == 32
    kia = Service.objects.get(slug="kia")
    assert list(kia.versions.values_list("number", flat=True).order_by("number")) == [1, 2]
    assert kia.current_version.number == 2
