"""The citizen's pages through HTTP: choose, fill (server-side validation, drafts), upload into slots
(JSON for the page script, redirects without JavaScript), hostile files, submit, track, withdraw."""

from pathlib import Path

import pytest
from django.urls import reverse

from capil.accounts.tests.factories import login_client

from ..models import Application, RequirementUpload, State
from . import factories

pytestmark = pytest.mark.usefixtures("catalog")
HOSTILE = factories.SAMPLES / "hostile"
# What each hostile sample must get (shared/samples/hostile/README): refused, or accepted and re-encoded.
HOSTILE_EXPECT = {
    "bomb_png_renamed.jpg": "refused", "empty.jpg": "refused", "exe_renamed.jpg": "refused",
    "pdf_renamed.jpg": "refused", "svg_script.jpg": "refused", "truncated.jpg": "refused",
    "html_appended.jpg": "accepted", "ok_cmyk.jpg": "accepted", "ok_grayscale.jpg": "accepted",
    "ok_png_named_jpg.jpg": "accepted", "ok_progressive.jpg": "accepted",
}


@pytest.fixture
def citizen_client(client, db):
    user = factories.citizen(full_name="Siti Nurhaliza")
    login_client(client, user)
    client.user = user
    return client


def test_choose_lists_online_services_only(citizen_client):
    page = citizen_client.get(reverse("applications:choose")).content.decode()
    assert "Akta Kelahiran" in page
    assert reverse("applications:start", args=["akta-kelahiran"]) in page
    assert reverse("applications:start", args=["pengangkatan-anak"]) not in page  # a counter service


def test_counter_service_cannot_be_started_online(citizen_client):
    assert citizen_client.post(reverse("applications:start", args=["pengangkatan-anak"])).status_code == 404


def test_start_opens_a_draft_under_the_current_version(citizen_client):
    response = citizen_client.post(reverse("applications:start", args=["akta-kelahiran"]))
    application = Application.objects.get(applicant=citizen_client.user)
    assert response.status_code == 302 and response["Location"] == reverse("applications:edit", args=[application.pk])
    assert application.state == State.DRAFT
    assert application.service_version == factories.version_of("akta-kelahiran")


def test_future_birth_date_is_refused_and_nothing_saved(citizen_client):
    application = factories.draft(applicant=citizen_client.user, answers={})
    version = application.service_version
    data = factories.valid_answers(version, tanggal_lahir_anak="2099-01-01")
    response = citizen_client.post(reverse("applications:edit", args=[application.pk]), data)
    assert response.status_code == 200
    assert "Tanggal tidak boleh di masa depan." in response.content.decode()
    application.refresh_from_db()
    assert application.answers == {}


def test_bad_nik_is_refused_with_a_message(citizen_client):
    application = factories.draft(applicant=citizen_client.user, answers={})
    data = factories.valid_answers(application.service_version, nik_ibu="12345")
    response = citizen_client.post(reverse("applications:edit", args=[application.pk]), data)
    assert "harus 16 angka" in response.content.decode()


def test_draft_saves_incomplete_and_comes_back(citizen_client):
    application = factories.draft(applicant=citizen_client.user, answers={})
    response = citizen_client.post(reverse("applications:edit", args=[application.pk]),
                                   {"nama_anak": "PUTRI AYU", "save_draft": "1"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.answers == {"nama_anak": "PUTRI AYU"}
    page = citizen_client.get(reverse("applications:edit", args=[application.pk])).content.decode()
    assert 'value="PUTRI AYU"' in page


def test_upload_with_script_answers_json_and_preview_is_streamed_to_owner_only(citizen_client, client):
    application = factories.draft(applicant=citizen_client.user)
    url = reverse("applications:upload", args=[application.pk, "ktp"])
    response = citizen_client.post(url, {"file": factories.photo()}, headers={"X-Requested-With": "XMLHttpRequest"})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] and body["version"] == 1
    image = citizen_client.get(body["preview"])
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert image["Cache-Control"] == "private, no-store"
    other = factories.citizen()
    from django.test import Client

    stranger = Client()
    login_client(stranger, other)
    assert stranger.get(body["preview"]).status_code == 404


def test_upload_without_script_redirects_back_to_the_slot(citizen_client):
    application = factories.draft(applicant=citizen_client.user)
    response = citizen_client.post(reverse("applications:upload", args=[application.pk, "ktp"]),
                                   {"file": factories.photo()})
    assert response.status_code == 302
    assert response["Location"].endswith(reverse("applications:uploads", args=[application.pk]) + "#slot-ktp")
    assert RequirementUpload.objects.filter(application=application, slot="ktp").count() == 1


@pytest.mark.parametrize("name", sorted(HOSTILE_EXPECT))
def test_hostile_uploads_get_their_answer_over_http(citizen_client, private_storage, name):
    application = factories.draft(applicant=citizen_client.user)
    content = (HOSTILE / name).read_bytes()
    response = citizen_client.post(
        reverse("applications:upload", args=[application.pk, "kartu-keluarga"]),
        {"file": factories.photo(name=name, content=content)}, headers={"X-Requested-With": "XMLHttpRequest"})
    if HOSTILE_EXPECT[name] == "refused":
        assert response.status_code == 422
        assert "Kartu Keluarga" in response.json()["error"]
        assert not RequirementUpload.objects.exists()
        assert list(Path(private_storage).rglob("*")) == [] or not any(
            p.is_file() for p in Path(private_storage).rglob("*"))
    else:
        assert response.status_code == 200, response.content
        stored = RequirementUpload.objects.get()
        data = stored.file.read()
        assert data.startswith(b"\xff\xd8") and b"<html" not in data.lower() and b"<script" not in data.lower()


def test_heic_from_an_iphone_is_accepted_and_stored_as_jpeg(citizen_client):
    application = factories.draft(applicant=citizen_client.user)
    content = (factories.SAMPLES / "documents" / "kartu_keluarga_iphone.heic").read_bytes()
    response = citizen_client.post(reverse("applications:upload", args=[application.pk, "kartu-keluarga"]),
                                   {"file": factories.photo(name="IMG_0001.HEIC", content=content)},
                                   headers={"X-Requested-With": "XMLHttpRequest"})
    assert response.status_code == 200
    assert RequirementUpload.objects.get().file.read().startswith(b"\xff\xd8")


def test_unknown_slot_is_refused(citizen_client):
    application = factories.draft(applicant=citizen_client.user)
    response = citizen_client.post(reverse("applications:upload", args=[application.pk, "paspor"]),
                                   {"file": factories.photo()}, headers={"X-Requested-With": "XMLHttpRequest"})
    assert response.status_code == 422 and not RequirementUpload.objects.exists()


def test_submit_then_tracking_page_shows_timeline_holder_and_expected_completion(citizen_client):
    application = factories.draft(applicant=citizen_client.user)
    factories.upload_all(application)
    response = citizen_client.post(reverse("applications:submit", args=[application.pk]))
    assert response.status_code == 302
    page = citizen_client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert application.tracking_number in page
    assert "Verifikasi persyaratan" in page
    assert "Operator" in page  # the role holding it, never a name
    assert "Perkiraan selesai" in page
    assert 'aria-current="step"' in page


def test_submitting_an_incomplete_draft_says_what_is_missing(citizen_client):
    application = factories.draft(applicant=citizen_client.user)
    response = citizen_client.post(reverse("applications:submit", args=[application.pk]), follow=True)
    assert "Permohonan belum lengkap" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.DRAFT


def test_withdraw_before_step_10(citizen_client):
    application = factories.submitted(applicant=citizen_client.user)
    citizen_client.post(reverse("applications:withdraw", args=[application.pk]), {"reason": "salah layanan"})
    application.refresh_from_db()
    assert application.state == State.WITHDRAWN


def test_other_citizens_application_is_not_found(citizen_client):
    application = factories.submitted()
    for name in ("detail", "edit", "uploads"):
        assert citizen_client.get(reverse(f"applications:{name}", args=[application.pk])).status_code == 404


def test_my_applications_lists_mine_only(citizen_client):
    mine = factories.draft(applicant=citizen_client.user)
    theirs = factories.draft()
    page = citizen_client.get(reverse("applications:mine")).content.decode()
    assert mine.tracking_number in page and theirs.tracking_number not in page


def test_my_applications_come_a_page_at_a_time_newest_first_with_the_service_name(citizen_client,
                                                                                  django_assert_max_num_queries):
    """A citizen with many applications (a family head over the years, or someone who applies for relatives)
    gets 20 at a time, newest first, by position; every application appears exactly once across the pages, and a
    page costs the same few queries however many there are."""
    import re

    from ..selectors import MINE_PAGE_SIZE

    made = [factories.application_row(applicant=citizen_client.user) for _ in range(2 * MINE_PAGE_SIZE + 3)]
    factories.draft()  # someone else's
    numbers = re.compile(r"BPN-\d{4}-\d+")
    seen, url, pages = [], reverse("applications:mine"), 0
    while url:
        with django_assert_max_num_queries(8):
            html = citizen_client.get(url).content.decode()
        on_page = numbers.findall(html)
        assert 0 < len(on_page) <= MINE_PAGE_SIZE
        seen += on_page
        pages += 1
        found = re.search(r'href="\?after=([0-9-]+)" rel="next"', html)
        url = reverse("applications:mine") + "?after=" + found[1] if found else None
    assert pages == 3
    assert seen == [a.tracking_number for a in sorted(made, key=lambda a: (a.created_at, a.pk), reverse=True)]
    assert "Akta Kelahiran" in html and "akta-kelahiran v" not in html  # the service's name, not its slug
    # A cursor that does not parse is the first page, never an error.
    assert citizen_client.get(reverse("applications:mine") + "?after=nonsense").status_code == 200
