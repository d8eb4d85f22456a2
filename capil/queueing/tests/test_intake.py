"""Counter intake: an operator opens an application for a walk-in citizen, scans the files into the same
slots, records the form, hands in, prints a receipt with a QR to the public status page."""

import pytest
from django.urls import reverse

from capil.accounts.models import User
from capil.applications.forms import answers_initial
from capil.applications.models import Channel, State
from capil.applications.tests.factories import catalog_load, photo, valid_answers
from capil.audit.selectors import audit_events_for
from capil.queueing import intake, services
from capil.queueing.models import BiometricResult, CounterIntake, Ticket

from .conftest import wita
from .factories import counter, operator, staff_client, ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(db):
    catalog_load()


def _answers_post(version) -> dict:
    return {f"f-{k}": ("yes" if v is True else "no" if v is False else v)
            for k, v in answers_initial(valid_answers(version)).items()} | {"do": "answers"}


def test_walk_in_application_from_ticket_to_receipt_and_public_status(client, catalog, office_day, move_clock):
    move_clock(wita(office_day, "08:01"))
    staff = operator()
    t = ticket("A")
    services.ticket_call_next(counter=counter(1), actor=staff)
    staff_client(client, staff)
    response = client.post(reverse("queueing:intake_start"), {
        "service": "sk-pencatatan-sipil", "full_name": "Siti Rahmawati", "phone": "0812 5555 0001", "email": "",
        "ticket": "a-001"}, follow=True)
    assert response.status_code == 200, response.content.decode()[-1500:]
    opened = CounterIntake.objects.get()
    application = opened.application
    assert application.channel == Channel.COUNTER and opened.walk_in_account
    assert application.applicant.phone == "+6281255550001" and not application.applicant.has_usable_password()
    assert Ticket.objects.get(pk=t.pk).application == application
    detail = reverse("queueing:intake_detail", kwargs={"pk": opened.pk})
    # Handing in before anything is there is refused with what is missing.
    response = client.post(detail, {"do": "submit"}, follow=True)
    assert "belum lengkap" in response.content.decode().lower()
    response = client.post(detail, _answers_post(application.service_version), follow=True)
    assert "Isian formulir disimpan" in response.content.decode()
    from capil.applications.services import application_slots

    for slot in application_slots(application=application):
        response = client.post(detail, {"do": "upload", "slot": slot.slot, "file": photo()}, follow=True)
        assert "Berkas disimpan" in response.content.decode()
    # A file that is not an image is refused with the slot named, nothing stored.
    response = client.post(detail, {"do": "upload", "slot": slot.slot,
                                    "file": photo("surat.pdf", b"%PDF-1.4 not an image")}, follow=True)
    assert response.status_code == 200
    response = client.post(detail, {"do": "submit"}, follow=True)
    html = response.content.decode()
    assert f'data-testid="tracking-number">{application.tracking_number}<' in html and "<svg" in html
    application.refresh_from_db()
    assert application.state == State.VERIFICATION and application.due_at is not None
    actions = [e.action for e in audit_events_for(target_type="applications.application",
                                                  target_id=str(application.pk)) if e.action.startswith("intake")]
    assert actions[0] == "intake.open" and actions[-1] == "intake.submit" and "intake.upload" in actions
    # The public status page (the receipt's QR) shows the state and no personal data.
    status = intake.application_status_url(application).replace("http://testserver", "")
    client.logout()
    page = client.get(status)
    assert page.status_code == 200
    body = page.content.decode()
    assert application.get_state_display() in body and "Siti Rahmawati" not in body and "5555" not in body
    assert client.get(status[:-3] + "xx/").status_code == 404
    # Once handed in, the intake cannot change the files any more.
    staff_client(client, staff)
    response = client.post(detail, {"do": "upload", "slot": slot.slot, "file": photo()}, follow=True)
    assert "sudah diserahkan" in response.content.decode()


def test_an_existing_account_gets_the_application(catalog, world):
    version = intake.counter_service_by_slug("sk-pencatatan-sipil")
    opened = intake.counter_intake_open(actor=operator(), version=version, full_name="x",
                                        phone=world.citizen.phone, email="")
    assert opened.application.applicant == world.citizen and not opened.walk_in_account
    with pytest.raises(services.QueueError) as refused:
        intake.counter_intake_open(actor=operator(), version=version, full_name="x", phone="", email="")
    assert refused.value.code == "contact"
    with pytest.raises(services.QueueError):
        intake.counter_intake_open(actor=world.citizen, version=version, full_name="x", phone="081255550009")
    staff = User.objects.filter(role="OPERATOR").first()
    with pytest.raises(services.QueueError) as refused:
        intake.counter_intake_open(actor=staff, version=version, full_name="x", email=staff.email)
    assert refused.value.code == "staff_contact"


def _walk_in_with_files(staff, *, full_name: str, phone: str):
    """A Pengganti Identitas intake opened by `staff`, its form recorded and every slot scanned."""
    from capil.applications.services import application_slots

    version = intake.counter_service_by_slug("pengganti-identitas")
    opened = intake.counter_intake_open(actor=staff, version=version, full_name=full_name, phone=phone)
    intake.counter_intake_answers(intake=opened, actor=staff, answers=valid_answers(version))
    for slot in application_slots(application=opened.application):
        intake.counter_intake_upload(intake=opened, actor=staff, slot=slot.slot, fileobj=photo())
    return opened


def test_pengganti_identitas_needs_interview_biometrics_and_f101_before_handing_in(catalog):
    staff = operator()
    opened = _walk_in_with_files(staff, full_name="Tanpa Dokumen", phone="081255550002")
    with pytest.raises(services.QueueError) as refused:
        intake.counter_intake_submit(intake=opened, actor=staff)
    assert refused.value.code == "identity_steps" and "F1.01" in refused.value.message
    opened = intake.counter_intake_identity_steps(intake=opened, actor=staff, interview_minutes=15,
                                                  biometric_result=BiometricResult.NOT_FOUND, f101_rt=True,
                                                  f101_lurah=True, f101_camat=False)
    with pytest.raises(services.QueueError) as refused:
        intake.counter_intake_submit(intake=opened, actor=staff)
    assert "F1.01" in refused.value.message and "wawancara" not in refused.value.message
    opened = intake.counter_intake_identity_steps(intake=opened, actor=staff, interview_minutes=15,
                                                  biometric_result=BiometricResult.NOT_FOUND, f101_rt=True,
                                                  f101_lurah=True, f101_camat=True)
    done = intake.counter_intake_submit(intake=opened, actor=staff)
    done.application.refresh_from_db()
    assert done.submitted_at and done.application.state == State.VERIFICATION
    # The walk-in gave no e-mail: the notice goes by SMS only, nothing to the placeholder address.
    from capil.notifications.models import Notification

    assert set(Notification.objects.filter(subject_id=str(done.application.pk)).values_list("channel", flat=True)
               ) == {"sms"}
    assert (done.interview_minutes, done.biometric_result) == (15, "NOT_FOUND")


def test_the_operator_who_took_the_files_at_the_counter_is_named_in_the_record_and_the_audit(client, catalog):
    """The application is the walk-in citizen's (their step, their timeline), but the files were scanned and
    handed in by the operator: the uploads, the submission event and the audit rows say who did it."""
    staff = operator()
    opened = _walk_in_with_files(staff, full_name="Datang Sendiri", phone="081255550003")
    opened = intake.counter_intake_identity_steps(intake=opened, actor=staff, interview_minutes=15,
                                                  biometric_result=BiometricResult.NOT_FOUND, f101_rt=True,
                                                  f101_lurah=True, f101_camat=True)
    application = intake.counter_intake_submit(intake=opened, actor=staff).application
    assert {u.uploaded_by_id for u in application.uploads.all()} == {staff.pk}
    event = application.events.get(action="submit")
    assert event.actor_id == application.applicant_id
    assert event.data["recorded_by"] == {"id": staff.pk, "name": staff.full_name, "role": str(staff.role)}
    audits = audit_events_for(target_type="applications.application", target_id=application.pk)
    submitted = next(a for a in audits if a.action == "application.submit")
    assert submitted.actor_id == staff.pk and submitted.data["on_behalf_of"] == application.applicant_id
    uploads = [a for a in audits if a.action == "application.upload"]
    assert uploads and all(a.actor_id == staff.pk for a in uploads)
    staff_client(client, staff)
    page = client.get(reverse("applications:office_detail", args=[application.pk])).content.decode()
    assert f"dicatat di loket oleh {staff.full_name}" in page
