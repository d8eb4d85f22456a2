"""The archive pages: search by number, NIK, service and date; a record's seal; re-checking it."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from capil.accounts.tests.factories import login_client
from capil.applications.models import RequirementUpload
from capil.applications.tests import factories as app_factories
from capil.archive.models import ArchiveRecord
from capil.archive.selectors import archive_search
from capil.audit.models import AuditEvent
from capil.core.workdays import WITA

from .factories import Staff, archived, sealed_quickly

pytestmark = pytest.mark.django_db

FATHER_NIK = "6471031507880004"
MOTHER_NIK = "6471035903910002"


@pytest.fixture
def staff():
    return Staff()


@pytest.fixture
def two_records(staff):
    app_factories.catalog_load()
    version = app_factories.version_of("akta-kelahiran")
    first = sealed_quickly(archivist=staff.arsiparis,
                           applicant=app_factories.citizen(full_name="RIZKY ADITYA PRATAMA", nik=MOTHER_NIK))
    answers = app_factories.valid_answers(version)
    answers = {key: ("6471031105200001" if value == FATHER_NIK else value) for key, value in answers.items()}
    second = sealed_quickly(archivist=staff.arsiparis, answers=answers)
    return first, second


def client_for(user):
    from django.test import Client

    client = Client()
    login_client(client, user)
    return client


def test_search_by_tracking_number_whole_or_part(two_records):
    first, second = two_records
    assert list(archive_search(number=first.tracking_number)) == [first]
    assert list(archive_search(number=first.tracking_number[-6:].lower())) == [first]
    year_part = first.tracking_number.rsplit("-", 1)[0]  # "BPN-2026"
    assert set(archive_search(number=year_part)) == {first, second}
    assert list(archive_search(number="BPN-1999-")) == []


def test_search_by_nik_is_exact_and_covers_the_applicant_and_the_form(two_records):
    first, second = two_records
    assert list(archive_search(person_number=MOTHER_NIK)) == [first]  # the applicant's own NIK
    assert list(archive_search(person_number=FATHER_NIK)) == [first]  # a NIK in the form answers
    assert list(archive_search(person_number="6471031105200001")) == [second]
    assert list(archive_search(person_number=FATHER_NIK[:-1] + "5")) == []


def test_no_nik_is_stored_in_clear_in_the_archive(two_records):
    first, _ = two_records
    keys = list(first.person_keys.values_list("number_hash", flat=True))
    assert keys and all(len(k) == 64 and FATHER_NIK not in k for k in keys)
    assert FATHER_NIK not in str(first.manifest)
    assert not AuditEvent.objects.filter(data__icontains=FATHER_NIK).exists()


def test_search_by_service_and_submission_date(two_records):
    first, second = two_records
    assert set(archive_search(service="akta-kelahiran")) == {first, second}
    assert list(archive_search(service="kartu-keluarga-baru")) == []
    today = first.submitted_at.astimezone(WITA).date()
    assert set(archive_search(date_from=today, date_to=today)) == {first, second}
    assert list(archive_search(date_to=today - dt.timedelta(days=1))) == []
    ArchiveRecord.objects.filter(pk=first.pk).update(submitted_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=WITA))
    assert list(archive_search(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 1))) == [first]
    assert list(archive_search(date_from=dt.date(2026, 3, 2), date_to=dt.date(2026, 3, 2))) == []


def test_archivist_searches_by_nik_through_the_page(two_records, staff):
    first, second = two_records
    response = client_for(staff.arsiparis).get(reverse("archive:search"), {"person_number": "6471 0315 0788 0004"})
    assert response.status_code == 200
    body = response.content.decode()
    assert first.tracking_number in body
    assert second.tracking_number not in body
    event = AuditEvent.objects.get(action="archive.search_person")
    assert FATHER_NIK not in str(event.data)


def test_a_malformed_nik_gets_a_message_not_an_error(staff):
    response = client_for(staff.arsiparis).get(reverse("archive:search"), {"person_number": "12345"})
    assert response.status_code == 200
    assert "16 angka" in response.content.decode()


def test_reversed_dates_get_a_message(staff):
    response = client_for(staff.kasi).get(reverse("archive:search"),
                                          {"date_from": "2026-12-05", "date_to": "2026-12-01"})
    assert response.status_code == 200
    assert "tidak boleh sebelum" in response.content.decode()


def test_search_page_lists_recent_archives_with_their_service_choices(two_records, staff):
    response = client_for(staff.kadis).get(reverse("archive:search"))
    assert response.status_code == 200
    body = response.content.decode()
    assert two_records[0].tracking_number in body and two_records[1].tracking_number in body
    assert 'value="akta-kelahiran"' in body


@pytest.mark.parametrize("role", ["operator", "citizen"])
def test_the_archive_is_closed_to_operators_and_citizens(staff, role):
    user = staff.operator if role == "operator" else app_factories.citizen()
    response = client_for(user).get(reverse("archive:search"))
    assert response.status_code == 403


def test_record_page_shows_the_seal_and_is_audited(staff):
    record = archived(staff=staff)
    response = client_for(staff.arsiparis).get(reverse("archive:detail", args=[record.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert record.manifest_sha256 in body
    for entry in record.manifest:
        assert entry["sha256"] in body
    assert AuditEvent.objects.filter(action="archive.view", target_id=str(record.pk)).exists()


def test_recheck_button_reports_the_changed_file_by_name(staff):
    record = sealed_quickly(archivist=staff.arsiparis)
    upload = RequirementUpload.objects.filter(application=record.application).first()
    with default_storage.open(upload.file.name, "wb") as handle:
        handle.write(b"tampered")
    client = client_for(staff.arsiparis)
    response = client.post(reverse("archive:recheck", args=[record.pk]), follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Segel TIDAK utuh" in body
    assert f"Berkas {upload.slot_label}, versi {upload.version}" in body
    record.refresh_from_db()
    assert record.last_check_ok is False


def test_recheck_of_an_intact_seal_says_so(staff):
    record = sealed_quickly(archivist=staff.arsiparis)
    response = client_for(staff.kasi).post(
        reverse("archive:recheck", args=[record.pk]), follow=True)
    assert "Segel utuh" in response.content.decode()


def test_manifest_download_is_the_sealed_manifest(staff):
    import hashlib
    import json

    record = sealed_quickly(archivist=staff.arsiparis)
    response = client_for(staff.arsiparis).get(reverse("archive:manifest", args=[record.pk]))
    assert response.status_code == 200
    payload = json.loads(response.content)
    canonical = json.dumps(payload["manifest"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(canonical.encode()).hexdigest() == payload["manifest_sha256"] == record.manifest_sha256


def test_unknown_record_is_not_found(staff):
    assert client_for(staff.arsiparis).get(reverse("archive:detail", args=[999999])).status_code == 404



def test_archive_pages_speak_english_when_chosen(staff):
    from django.conf import settings

    client = client_for(staff.arsiparis)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("archive:search"), {"person_number": "12"}).content.decode()
    assert "Application archive" in body
    assert "A NIK or family card number has 16 digits." in body


def test_search_results_page_by_position_newest_first(two_records, staff, monkeypatch):
    """Keyset pages: next and previous walk the archive from a position, and the count is capped, not exact."""
    from capil.archive import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    monkeypatch.setattr(views, "COUNT_CAP", 2)
    first, second = two_records
    client = client_for(staff.arsiparis)
    url = reverse("archive:search")
    newest = client.get(url, {"service": "akta-kelahiran"})
    assert [r.pk for r in newest.context["page"].items] == [second.pk]
    body = newest.content.decode()
    assert "2+ permohonan" in body and 'rel="next"' in body and 'rel="prev"' not in body
    older = client.get(url, {"service": "akta-kelahiran", "after": newest.context["page"].next_cursor})
    assert [r.pk for r in older.context["page"].items] == [first.pk]
    body = older.content.decode()
    assert 'rel="prev"' in body and 'rel="next"' not in body
    assert "service=akta-kelahiran&amp;before=" in body  # the search is kept while paging
    back = client.get(url, {"service": "akta-kelahiran", "before": older.context["page"].prev_cursor})
    assert [r.pk for r in back.context["page"].items] == [second.pk]
    junk = client.get(url, {"after": "not-a-position", "before": "1-"})
    assert junk.status_code == 200 and junk.context["page"].is_first


def test_a_too_short_number_part_gets_a_message(staff):
    response = client_for(staff.arsiparis).get(reverse("archive:search"), {"number": "01"})
    assert response.status_code == 200
    assert "sedikitnya 3 karakter" in response.content.decode()


@pytest.mark.postgres
def test_searching_by_a_number_part_can_use_the_trigram_index(two_records):
    """The GIN index of migration 0002 is on the very expression `icontains` compares, so PostgreSQL can use
    it (with sequential scans off, because two rows are cheaper to scan than to look up)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = archive_search(number="000123").explain()
    assert "archive_number_trgm_idx" in plan
    whole = archive_search(number=two_records[0].tracking_number.lower()).explain()
    assert "archive_number_trgm_idx" not in whole  # a whole number goes to the unique index
