"""The back office through HTTP: queues oldest first with overdue marked, the audited application view,
the image viewer, verification with reasons, data entry from the output kind, Kasi actions with conflicts,
Kadis batch signing, and the SLA page with its late list."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from capil.accounts.models import Role
from capil.accounts.tests.factories import login_client
from capil.audit.selectors import audit_events_for

from .. import services
from ..models import Application, ApplicationEvent, RecordEntry, State
from ..workflow import application_transition
from . import factories

pytestmark = pytest.mark.usefixtures("catalog")


def _client(client, user):
    login_client(client, user)
    return client


def test_operator_queue_is_oldest_first_and_marks_overdue(client, team):
    older = factories.submitted()
    newer = factories.submitted()
    Application.objects.filter(pk=older.pk).update(state_entered_at=timezone.now() - timedelta(days=3),
                                                   due_at=timezone.now() - timedelta(days=2))
    page = _client(client, team[Role.OPERATOR]).get(reverse("applications:queue")).content.decode()
    assert page.index(older.tracking_number) < page.index(newer.tracking_number)
    assert 'class="overdue"' in page and "terlambat" in page


def test_kasi_queue_does_not_show_operator_work(client, team):
    application = factories.submitted()
    page = _client(client, team[Role.KASI]).get(reverse("applications:queue")).content.decode()
    assert application.tracking_number not in page


def test_every_staff_view_of_an_application_is_audited(client, team):
    application = factories.submitted()
    _client(client, team[Role.OPERATOR])
    client.get(reverse("applications:office_detail", args=[application.pk]))
    upload = application.uploads.first()
    client.get(reverse("applications:office_viewer", args=[application.pk, upload.pk]))
    actions = [e.action for e in audit_events_for(target_type="applications.application", target_id=application.pk)]
    assert actions.count("application.view") == 1 and actions.count("application.view_file") == 1


def test_the_operator_is_told_when_the_applicants_nik_disagrees_with_what_they_entered(client, team):
    application = factories.submitted()
    url = reverse("applications:office_detail", args=[application.pk])
    _client(client, team[Role.OPERATOR])
    assert "Periksa NIK pemohon" not in client.get(url).content.decode()
    warning = "Tanggal lahir yang diisi tidak sama dengan tanggal lahir di NIK."
    type(application.applicant).objects.filter(pk=application.applicant_id).update(nik_warning=warning)
    page = client.get(url).content.decode()
    assert "Periksa NIK pemohon" in page and warning in page


def test_image_is_streamed_never_from_a_public_url(client, team, settings):
    application = factories.submitted()
    upload = application.uploads.first()
    page = _client(client, team[Role.OPERATOR]).get(
        reverse("applications:office_viewer", args=[application.pk, upload.pk])).content.decode()
    assert settings.MEDIA_URL not in page or settings.MEDIA_URL in ("", "/")
    image = client.get(reverse("applications:office_file", args=[application.pk, upload.pk]))
    assert image.status_code == 200 and image["Cache-Control"] == "private, no-store"
    assert b"".join(image.streaming_content).startswith(b"\xff\xd8")


def test_operator_rejects_with_reason_and_returns_then_applicant_sees_why(client, team):
    application = factories.submitted()
    _client(client, team[Role.OPERATOR])
    uploads = list(application.uploads.order_by("slot"))
    response = client.post(reverse("applications:review", args=[application.pk, uploads[0].pk]),
                           {"decision": "reject", "reason_code": ""})
    uploads[0].refresh_from_db()
    assert uploads[0].status == "pending"  # a rejection needs a reason
    client.post(reverse("applications:review", args=[application.pk, uploads[0].pk]),
                {"decision": "reject", "reason_code": "unreadable", "reason_text": "Tulisan NIK tidak terbaca"})
    for upload in uploads[1:]:
        response = client.post(reverse("applications:review", args=[application.pk, upload.pk]),
                               {"decision": "accept"})
    assert response.status_code == 302
    client.post(reverse("applications:act", args=[application.pk]),
                {"action": "requirements_not_met", "expected_state": State.VERIFICATION})
    application.refresh_from_db()
    assert application.state == State.RETURNED
    citizen = client.__class__()
    login_client(citizen, application.applicant)
    page = citizen.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "Tulisan NIK tidak terbaca" in page and uploads[0].slot_label in page


def test_data_entry_form_is_prefilled_and_saved_through_siak_interface(client, team):
    application = factories.advance(factories.submitted(), to=State.DATA_ENTRY, staff_by_role=team)
    _client(client, team[Role.OPERATOR])
    page = client.get(reverse("applications:data_entry", args=[application.pk])).content.decode()
    assert application.answers["nama_anak"] in page  # pre-filled from the application
    from capil.documents.forms import form_data_from_document_data
    from capil.documents.kinds import output_kind_get

    data = form_data_from_document_data(output_kind_get("akta-kelahiran"), factories.record_data(application))
    bad = {**data, "nik_ibu": "123"}
    assert client.post(reverse("applications:data_entry", args=[application.pk]), bad).status_code == 200
    assert not RecordEntry.objects.exists()
    response = client.post(reverse("applications:data_entry", args=[application.pk]), data)
    assert response.status_code == 302
    record = RecordEntry.objects.get(application=application)
    assert record.backend == "local" and record.entered_by == team[Role.OPERATOR]
    application.refresh_from_db()
    assert application.state == State.KASI_VERIFICATION


def test_second_kasi_clicking_a_stale_page_is_told_who_acted(client, team):
    application = factories.advance(factories.submitted(), to=State.KASI_VERIFICATION, staff_by_role=team)
    application_transition(application=application, action="verify", actor=team[Role.KASI])
    other = factories.staff(Role.KASI, full_name="Kasi Kedua")
    response = _client(client, other).post(reverse("applications:act", args=[application.pk]),
                                           {"action": "send_back", "reason": "x",
                                            "expected_state": State.KASI_VERIFICATION}, follow=True)
    assert "sudah diproses oleh" in response.content.decode()
    assert not ApplicationEvent.objects.filter(action="send_back").exists()


def test_kadis_batch_signs_and_applicant_downloads_only_their_pdf(client, team):
    first = factories.advance(factories.submitted(), to=State.SIGNING, staff_by_role=team)
    second = factories.advance(factories.submitted(), to=State.SIGNING, staff_by_role=team)
    _client(client, team[Role.KADIS])
    page = client.get(reverse("applications:sign_batch")).content.decode()
    assert first.tracking_number in page and second.tracking_number in page
    response = client.post(reverse("applications:sign_batch"), {"application": [first.pk, second.pk]}, follow=True)
    assert "2 dokumen ditandatangani" in response.content.decode()
    for application in (first, second):
        application.refresh_from_db()
        assert application.state == State.ARCHIVING and application.output_document is not None
    owner = client.__class__()
    login_client(owner, first.applicant)
    pdf = owner.get(reverse("applications:document", args=[first.pk]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert owner.get(reverse("applications:document", args=[second.pk])).status_code == 404


def test_sla_page_counts_this_month_and_links_late_ones(client, team):
    application = factories.submitted()
    factories.accept_all(application, team[Role.OPERATOR])
    ApplicationEvent.objects.filter(application=application).update(due_at=timezone.now() - timedelta(hours=1))
    Application.objects.filter(pk=application.pk).update(due_at=timezone.now() - timedelta(hours=1))
    application_transition(application=application, action="requirements_met", actor=team[Role.OPERATOR])
    page = _client(client, team[Role.KASI]).get(reverse("applications:sla")).content.decode()
    assert "Akta Kelahiran" in page and "0%" in page
    late = client.get(reverse("applications:sla_late"), {"layanan": "akta-kelahiran", "langkah": "9"})
    assert application.tracking_number in late.content.decode()


def test_kasi_reassigns_over_http(client, team):
    application = factories.submitted()
    services.application_claim(application=application, actor=team[Role.OPERATOR])
    other = factories.staff(Role.OPERATOR, full_name="Operator Kedua")
    _client(client, team[Role.KASI]).post(reverse("applications:reassign", args=[application.pk]),
                                          {"to_user": other.pk})
    application.refresh_from_db()
    assert application.claimed_by == other


def test_queue_merges_its_states_oldest_first_across_pages(db):
    from ..selectors import work_queue

    applicant = factories.citizen()
    now = timezone.now()
    made = []
    for minutes, state in ((50, State.DATA_ENTRY), (40, State.VERIFICATION), (30, State.DATA_ENTRY),
                           (20, State.VERIFICATION), (10, State.KASI_VERIFICATION)):
        row = factories.application_row(applicant=applicant, state=state)
        Application.objects.filter(pk=row.pk).update(state_entered_at=now - timedelta(minutes=minutes))
        made.append(row.pk)
    first = work_queue(role=Role.OPERATOR, limit=2)
    second = work_queue(role=Role.OPERATOR, limit=2, after=(first[-1].state_entered_at, first[-1].pk))
    assert [a.pk for a in first] == made[:2] and [a.pk for a in second] == made[2:4]
    back = work_queue(role=Role.OPERATOR, limit=2, before=(second[0].state_entered_at, second[0].pk))
    assert [a.pk for a in back] == made[:2]


def test_queue_pages_by_keyset_forward_and_back_with_equal_times(client, db):
    """Next / previous walk the whole queue once, in order, even when many rows entered at the same instant
    (the id breaks the tie), and a cursor that does not parse shows the first page."""
    from ..selectors import work_queue_page

    applicant = factories.citizen()
    same = timezone.now() - timedelta(hours=1)
    made = []
    for i in range(7):
        row = factories.application_row(applicant=applicant,
                                        state=(State.VERIFICATION, State.DATA_ENTRY)[i % 2])
        Application.objects.filter(pk=row.pk).update(state_entered_at=same if i < 5 else same + timedelta(seconds=i))
        made.append(row.pk)
    seen, page, pages = [], work_queue_page(role=Role.OPERATOR, size=3), 0
    while True:
        seen += [a.pk for a in page.items]
        pages += 1
        if not page.next_cursor:
            break
        page = work_queue_page(role=Role.OPERATOR, size=3, after=page.next_cursor)
    assert seen == sorted(made[:5]) + made[5:] and pages == 3
    assert page.prev_cursor  # the last page links back
    back = work_queue_page(role=Role.OPERATOR, size=3, before=page.prev_cursor)
    assert [a.pk for a in back.items] == seen[3:6] and back.prev_cursor and back.next_cursor
    first = work_queue_page(role=Role.OPERATOR, size=3, before=back.prev_cursor)
    assert [a.pk for a in first.items] == seen[:3] and first.is_first

    _client(client, factories.staff(Role.OPERATOR))
    response = client.get(reverse("applications:queue"), {"after": back.next_cursor})
    assert [row["application"].pk for row in response.context["rows"]] == seen[6:]
    assert b'rel="prev"' in response.content and b'rel="next"' not in response.content
    for junk in ("x", "99999999999999999999-1", "1-", "-1-2", "1764720000000000-abc"):
        response = client.get(reverse("applications:queue"), {"after": junk, "before": junk})
        assert response.status_code == 200
        assert response.context["page"].is_first
