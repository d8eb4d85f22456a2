"""The workflow through its services: the path from draft to the Kadis, the Tdk/ya loop, withdrawal,
claims, conflicts between two staff members, and the tracking number."""

import re

import pytest
from django.core import mail
from django.db import connection

from capil.accounts.models import Role
from capil.audit.selectors import audit_events_for
from capil.notifications.models import Notification

from .. import services
from ..models import Application, ApplicationEvent, RejectionReason, RequirementUpload, State, UploadStatus
from ..workflow import TransitionConflict, TransitionRefused, application_transition
from . import factories

pytestmark = pytest.mark.usefixtures("catalog")


def test_tracking_numbers_come_from_a_sequence_and_carry_office_and_year(db):
    first = factories.draft()
    second = factories.draft()
    assert re.fullmatch(r"BPN-\d{4}-\d{6}", first.tracking_number)
    assert int(second.tracking_number[-6:]) == int(first.tracking_number[-6:]) + 1


def test_tracking_number_survives_a_deleted_newest_application(db):
    """A sequence never hands out a number twice, even when the newest row is gone (Max()+1 would)."""
    first = factories.draft()
    number = first.tracking_number
    ApplicationEvent.objects.filter(application=first).delete()
    Application.objects.filter(pk=first.pk).delete()
    assert factories.draft().tracking_number != number


def test_submit_moves_to_operator_with_event_audit_and_notice(db):
    application = factories.submitted()
    assert application.state == State.VERIFICATION
    event = application.events.get()
    assert (event.action, event.from_state, event.to_state, event.sop_step) == ("submit", "draft", "verification", 7)
    assert event.actor == application.applicant
    assert application.due_at is not None  # step 8's 5 minutes of office time
    actions = [e.action for e in audit_events_for(target_type="applications.application", target_id=application.pk)]
    assert "application.submit" in actions
    assert Notification.objects.filter(event="application_received", subject_id=str(application.pk)).count() == 2


def test_incomplete_application_cannot_be_submitted(db):
    application = factories.draft()
    with pytest.raises(TransitionRefused) as info:
        application_transition(application=application, action="submit", actor=application.applicant)
    assert info.value.code == "incomplete"
    application.refresh_from_db()
    assert application.state == State.DRAFT and not application.events.exists()


def test_requirements_not_met_loop_keeps_every_version_and_tells_exactly_what(db, team):
    operator = team[Role.OPERATOR]
    application = factories.submitted()
    slots = services.application_slots(application=application)
    bad, good = slots[0], slots[1:]
    services.requirement_review(upload=bad.upload, actor=operator, accepted=False,
                                reason_code=RejectionReason.UNREADABLE, reason_text="Foto buram di bagian NIK")
    for s in good:
        services.requirement_review(upload=s.upload, actor=operator, accepted=True)
    with pytest.raises(TransitionRefused):
        application_transition(application=application, action="requirements_met", actor=operator)
    application_transition(application=application, action="requirements_not_met", actor=operator)
    application.refresh_from_db()
    assert application.state == State.RETURNED
    notice = Notification.objects.get(event="requirements_not_met", channel="email")
    assert bad.requirement.label in notice.body and "Foto buram di bagian NIK" in notice.body

    # The applicant may replace only the rejected file, and must replace it before resubmitting.
    with pytest.raises(TransitionRefused):
        services.requirement_upload(application=application, actor=application.applicant, slot=good[0].slot,
                                    fileobj=factories.photo())
    with pytest.raises(TransitionRefused):
        application_transition(application=application, action="resubmit", actor=application.applicant)
    services.requirement_upload(application=application, actor=application.applicant, slot=bad.slot,
                                fileobj=factories.photo())
    application_transition(application=application, action="resubmit", actor=application.applicant)
    application.refresh_from_db()
    assert application.state == State.VERIFICATION
    versions = RequirementUpload.objects.filter(application=application, slot=bad.slot).order_by("version")
    assert [(v.version, v.status, v.superseded_at is None) for v in versions] == [
        (1, UploadStatus.REJECTED, False), (2, UploadStatus.PENDING, True)]
    # Accepted files stay accepted; only the new version needs a look.
    services.requirement_review(upload=versions[1], actor=operator, accepted=True)
    application_transition(application=application, action="requirements_met", actor=operator)
    application.refresh_from_db()
    assert application.state == State.DATA_ENTRY
    assert [e.sop_step for e in application.events.all()] == [7, 8, 7, 9]


def test_kasi_sends_back_to_operator_with_a_reason(db, team):
    application = factories.advance(factories.submitted(), to=State.KASI_VERIFICATION, staff_by_role=team)
    with pytest.raises(TransitionRefused):
        application_transition(application=application, action="send_back", actor=team[Role.KASI])
    application_transition(application=application, action="send_back", actor=team[Role.KASI],
                           reason="Nama ayah salah eja")
    application.refresh_from_db()
    assert application.state == State.DATA_ENTRY
    assert application.events.last().reason == "Nama ayah salah eja"


def test_applicant_can_withdraw_before_step_10_but_not_after(db, team):
    application = factories.submitted()
    application_transition(application=application, action="withdraw", actor=application.applicant)
    application.refresh_from_db()
    assert application.state == State.WITHDRAWN and application.completed_at is not None

    later = factories.advance(factories.submitted(), to=State.DATA_ENTRY, staff_by_role=team)
    with pytest.raises(TransitionConflict):
        application_transition(application=later, action="withdraw", actor=later.applicant)


def test_only_the_applicant_may_act_for_the_applicant(db):
    application = factories.draft()
    factories.upload_all(application)
    stranger = factories.citizen()
    with pytest.raises(TransitionRefused) as info:
        application_transition(application=application, action="submit", actor=stranger)
    assert info.value.code == "forbidden"


def test_same_action_twice_by_the_same_person_is_idempotent(db, team):
    application = factories.advance(factories.submitted(), to=State.KASI_VERIFICATION, staff_by_role=team)
    kasi = team[Role.KASI]
    application_transition(application=application, action="verify", actor=kasi, expected_state=State.KASI_VERIFICATION)
    again = application_transition(application=application, action="verify", actor=kasi,
                                   expected_state=State.KASI_VERIFICATION)
    assert again.state == State.CERTIFICATION_REQUEST
    assert application.events.filter(action="verify").count() == 1


def test_two_staff_acting_at_once_one_wins_the_other_is_told(db, team):
    application = factories.advance(factories.submitted(), to=State.KASI_VERIFICATION, staff_by_role=team)
    other_kasi = factories.staff(Role.KASI, full_name="Kasi Kedua")
    application_transition(application=application, action="verify", actor=team[Role.KASI],
                           expected_state=State.KASI_VERIFICATION)
    with pytest.raises(TransitionConflict) as info:
        application_transition(application=application, action="send_back", actor=other_kasi, reason="x",
                               expected_state=State.KASI_VERIFICATION)
    assert "Kasi Uji" in info.value.message or "Kepala Seksi" in info.value.message
    assert application.events.filter(action="send_back").count() == 0


def test_claims_one_at_a_time_and_kasi_reassigns(db, team):
    application = factories.submitted()
    first = team[Role.OPERATOR]
    second = factories.staff(Role.OPERATOR, full_name="Operator Kedua")
    services.application_claim(application=application, actor=first)
    with pytest.raises(TransitionConflict) as info:
        services.application_claim(application=application, actor=second)
    assert first.full_name in info.value.message
    upload = services.application_slots(application=application)[0].upload
    with pytest.raises(TransitionConflict):
        services.requirement_review(upload=upload, actor=second, accepted=True)
    with pytest.raises(TransitionRefused):
        services.application_reassign(application=application, actor=second, to_user=second)
    services.application_reassign(application=application, actor=team[Role.KASI], to_user=second)
    services.requirement_review(upload=upload, actor=second, accepted=True)
    application.refresh_from_db()
    assert application.claimed_by == second


def test_claim_follows_the_operator_from_verification_into_data_entry(db, team):
    operator = team[Role.OPERATOR]
    application = factories.submitted()
    factories.accept_all(application, operator)
    application_transition(application=application, action="requirements_met", actor=operator)
    application.refresh_from_db()
    assert application.state == State.DATA_ENTRY and application.claimed_by == operator
    services.record_enter(application=application, actor=operator, data=factories.record_data(application))
    application.refresh_from_db()
    assert application.state == State.KASI_VERIFICATION and application.claimed_by is None


def test_upload_refused_file_stores_nothing(db):
    application = factories.draft()
    from ..images import UploadRejected

    with pytest.raises(UploadRejected):
        services.requirement_upload(application=application, actor=application.applicant, slot="ktp",
                                    fileobj=factories.photo(content=b"%PDF-1.4 not an image"))
    assert not RequirementUpload.objects.exists()


def test_a_failure_after_the_file_was_written_leaves_neither_row_nor_file(db, monkeypatch, private_storage):
    application = factories.draft()
    from .. import services as module

    def boom(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(module, "audit_record", boom)
    with pytest.raises(RuntimeError):
        services.requirement_upload(application=application, actor=application.applicant, slot="ktp",
                                    fileobj=factories.photo())
    assert not RequirementUpload.objects.exists()
    assert list(private_storage.rglob("*.jpg")) == []


def test_conditional_requirement_only_when_its_condition_applies(db):
    version = factories.version_of("akta-hilang-rusak")
    lost = factories.draft(slug="akta-hilang-rusak", answers=factories.valid_answers(version, dokumen_hilang=True))
    damaged = factories.draft(slug="akta-hilang-rusak", answers=factories.valid_answers(version, dokumen_rusak=True))
    assert [s.slot for s in services.application_slots(application=lost)] == ["surat-kehilangan-dari-kepolisian"]
    assert "surat-kehilangan-dari-kepolisian" not in [s.slot for s in services.application_slots(application=damaged)]


def test_sequence_on_postgresql_is_a_real_sequence(db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_class WHERE relkind = 'S' AND relname = 'applications_tracking_seq'")
        assert cursor.fetchone() is not None


def test_outbox_mail_is_not_sent_before_commit(db):
    factories.submitted()
    # ImmediateBackend in tests delivers on commit; inside the test transaction nothing was sent yet.
    assert len(mail.outbox) == 0
