"""At the office: check-in by number, recording, the "ready for pick-up" SMS, and handing the card over
to a person whose identity was checked."""

import datetime

import pytest
from django.urls import reverse

from capil.accounts.models import Role
from capil.accounts.tests.factories import StaffFactory
from capil.audit.selectors import audit_events_for
from capil.notifications.models import Notification
from capil.queueing import services
from capil.queueing.models import Booking, BookingStatus, Pickup, PickupStatus, Ticket, TicketStatus
from capil.queueing.officehours import slot_times

from .conftest import wita
from .factories import booking, counter, operator, staff_client
from .helpers import sms_to

pytestmark = pytest.mark.django_db


def test_check_in_by_number_puts_the_booking_in_the_recording_queue(client, office_day, move_clock):
    move_clock(wita(office_day, "07:00"))
    booking(day=office_day)
    b = booking(day=office_day)
    staff = operator()
    staff_client(client, staff)
    move_clock(wita(office_day, "08:55"))
    response = client.post(reverse("queueing:booking_check_in"), {"number": " b002 "}, follow=True)
    assert response.status_code == 200 and "B-002 hadir" in response.content.decode()
    b.refresh_from_db()
    assert b.status == BookingStatus.CHECKED_IN
    ticket = Ticket.objects.get(booking=b)
    assert ticket.code == "B-002" and ticket.status == TicketStatus.WAITING
    # Loket 3 serves the recording group and calls it.
    assert services.ticket_call_next(counter=counter(3), actor=staff).pk == ticket.pk
    # Checking in twice, or a number that does not exist today, is answered clearly.
    response = client.post(reverse("queueing:booking_check_in"), {"number": "B-002"})
    assert "tindakan ini tidak dapat dilakukan" in response.content.decode()
    response = client.post(reverse("queueing:booking_check_in"), {"number": "B-077"})
    assert "Tidak ada antrian perekaman bernomor B-077" in response.content.decode()
    response = client.post(reverse("queueing:booking_check_in"), {"number": "<script>"})
    assert "&lt;script&gt;" in response.content.decode()
    assert [e.action for e in audit_events_for(target_type="queueing.booking", target_id=str(b.pk))] == [
        "booking.check_in"]


def test_a_booking_of_another_day_cannot_be_checked_in_today(office_day, move_clock):
    move_clock(wita(office_day, "07:00"))
    tomorrow = office_day + datetime.timedelta(days=1)
    while not slot_times(tomorrow, 60):
        tomorrow += datetime.timedelta(days=1)
    b = booking(day=tomorrow)
    move_clock(wita(office_day, "09:00"))
    with pytest.raises(services.QueueError) as refused:
        services.booking_check_in(number=b.code, actor=operator())
    assert refused.value.code == "not_found"


def test_recording_then_ready_sms_then_hand_over_to_the_holder(client, office_day, move_clock,
                                                               django_capture_on_commit_callbacks):
    move_clock(wita(office_day, "07:00"))
    b = booking(day=office_day)
    staff = operator()
    move_clock(wita(office_day, "09:05"))
    services.booking_check_in(number=b.code, actor=staff)
    ticket = services.ticket_call_next(counter=counter(3), actor=staff)
    staff_client(client, staff)
    response = client.post(reverse("queueing:counter_action", kwargs={"pk": counter(3).pk, "action": "record"}),
                           {"ticket": ticket.pk}, follow=True)
    assert "Perekaman B-001 selesai" in response.content.decode()
    b.refresh_from_db()
    ticket.refresh_from_db()
    assert b.status == BookingStatus.RECORDED and ticket.status == TicketStatus.SERVED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("queueing:booking_staff_detail", kwargs={"pk": b.pk}),
                               {"holder_name": "Rina Wulandari", "nik_suffix": "0042"}, follow=True)
    assert "siap diambil" in response.content.decode()
    pickup = Pickup.objects.get(booking=b)
    [sms] = sms_to(b.phone, "ready_for_pickup")
    assert pickup.reference in sms.body and "Loket 2" in sms.body and "0042" not in sms.body
    # Wrong NIK digits: refused, counted, audited, nothing handed over.
    hand_over = reverse("queueing:pickup_hand_over", kwargs={"pk": pickup.pk})
    form = {"reference": pickup.reference, "nik_suffix": "0043", "receiver_name": "Rina Wulandari",
            "receiver_relation": "SELF", "receiver_document": "KTP_KK", "receiver_id_suffix": "0042",
            "identity_checked": "on"}
    response = client.post(hand_over, form)
    assert "tidak cocok" in response.content.decode()
    pickup.refresh_from_db()
    assert pickup.status == PickupStatus.READY and pickup.failed_checks == 1
    # Without the identity check ticked: refused.
    response = client.post(hand_over, {**form, "nik_suffix": "0042", "identity_checked": ""})
    assert response.status_code == 200
    pickup.refresh_from_db()
    assert pickup.status == PickupStatus.READY
    response = client.post(hand_over, {**form, "nik_suffix": "0042"}, follow=True)
    assert "diserahkan" in response.content.decode()
    pickup.refresh_from_db()
    assert pickup.status == PickupStatus.COLLECTED and pickup.receiver_name == "Rina Wulandari"
    assert pickup.handed_over_by == staff
    actions = [e.action for e in audit_events_for(target_type="queueing.pickup", target_id=str(pickup.pk))]
    assert actions == ["pickup.ready", "pickup.identity_mismatch", "pickup.hand_over"]
    assert all("0042" not in str(e.data) for e in audit_events_for(target_type="queueing.pickup",
                                                                   target_id=str(pickup.pk)))
    # Handing over twice is refused.
    with pytest.raises(services.QueueError):
        services.pickup_hand_over(pickup=pickup, actor=staff, reference=pickup.reference, nik_suffix="0042",
                                  receiver_name="X", receiver_relation="SELF", receiver_document="KTP_EL",
                                  receiver_id_suffix="1111", identity_checked=True)


def test_repeated_identity_mismatches_hold_the_card_for_a_kasi(office_day):
    staff = operator()
    pickup = services.pickup_mark_ready(actor=staff, kind="kia", reference="BPN-2026-000123",
                                        holder_name="Anak Uji", nik_suffix="1234", phone="081299990000")
    wrong = {"reference": "BPN-2026-000123", "nik_suffix": "9999", "receiver_name": "Ibu Uji",
             "receiver_relation": "PARENT", "receiver_document": "KTP_KK", "receiver_id_suffix": "5555",
             "identity_checked": True}
    for _attempt in range(3):
        with pytest.raises(services.QueueError):
            services.pickup_hand_over(pickup=pickup, actor=staff, **wrong)
    with pytest.raises(services.QueueError) as held:
        services.pickup_hand_over(pickup=pickup, actor=staff, **{**wrong, "nik_suffix": "1234"})
    assert held.value.code == "held"
    kasi = StaffFactory(role=Role.KASI)
    done = services.pickup_hand_over(pickup=pickup, actor=kasi, **{**wrong, "nik_suffix": "1234"})
    assert done.status == PickupStatus.COLLECTED and done.receiver_relation == "PARENT"


def test_a_kia_is_marked_ready_from_the_pickup_page(client, django_capture_on_commit_callbacks):
    staff_client(client, operator())
    data = {"kind": "kia", "reference": "bpn-2026-000777", "holder_name": "Anak Uji", "nik_suffix": "4321",
            "phone": "0812 7777 0000", "email": "ibu@contoh.id"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("queueing:pickup_list"), data, follow=True)
    assert "BPN-2026-000777 siap diambil" in response.content.decode()
    assert len(sms_to("+6281277770000", "ready_for_pickup")) == 1
    # The same number cannot be marked ready twice; a form without any contact is refused.
    response = client.post(reverse("queueing:pickup_list"), data)
    assert "sudah tercatat siap diambil" in response.content.decode()
    response = client.post(reverse("queueing:pickup_list"), {**data, "reference": "X-1", "phone": "", "email": ""})
    assert "nomor HP atau alamat email" in response.content.decode()
    assert Pickup.objects.count() == 1


def test_a_kia_applied_for_online_is_not_announced_twice(django_capture_on_commit_callbacks, world):
    """Applications tells the applicant at SOP step 17 that the KIA waits at the counter; the counter then
    records the pick-up for the same number and phone: one SMS, one e-mail. Another phone is still told."""
    from capil.applications.notify import notify_delivery
    from capil.applications.tests.factories import application_row

    citizen = world.citizen
    application = application_row(applicant=citizen, slug="kia")
    assert application.output_kind == "kia"
    with django_capture_on_commit_callbacks(execute=True):
        notify_delivery(application=application, event=None)
    assert len(sms_to(citizen.phone, "ready_for_pickup")) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.pickup_mark_ready(actor=operator(), kind="kia", reference=application.tracking_number.lower(),
                                   holder_name="Anak Uji", nik_suffix="4321", phone=citizen.phone,
                                   email=citizen.email)
    assert len(sms_to(citizen.phone, "ready_for_pickup")) == 1
    assert Notification.objects.filter(event="ready_for_pickup", channel="email").count() == 1
    assert Pickup.objects.get().reference == application.tracking_number
    # A different number given at the counter (the other parent) is told.
    Pickup.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.pickup_mark_ready(actor=operator(), kind="kia", reference=application.tracking_number,
                                   holder_name="Anak Uji", nik_suffix="4321", phone="081277770001")
    assert len(sms_to("+6281277770001", "ready_for_pickup")) == 1


def test_ready_is_refused_before_recording(office_day, move_clock):
    move_clock(wita(office_day, "07:00"))
    b = booking(day=office_day)
    with pytest.raises(services.QueueError) as refused:
        services.pickup_mark_ready(actor=operator(), kind="ktp-el", reference=b.reference, holder_name="A",
                                   nik_suffix="1111", booking=b)
    assert refused.value.code == "not_recorded"


def test_slot_capacity_is_set_by_a_kasi_not_below_the_booked(client, office_day):
    b = booking(day=office_day)
    kasi = StaffFactory(role=Role.KASI)
    with pytest.raises(services.QueueError):
        services.booking_slot_set_capacity(slot_day=office_day, start=b.slot.start, capacity=3, actor=operator())
    with pytest.raises(services.QueueError) as refused:
        services.booking_slot_set_capacity(slot_day=office_day, start=b.slot.start, capacity=0, actor=kasi)
    assert refused.value.code == "capacity"
    staff_client(client, kasi)
    response = client.post(reverse("queueing:capacity"), {"date": office_day.isoformat(), "time": "09:00",
                                                          "capacity": "25"}, follow=True)
    assert "Kuota diperbarui" in response.content.decode()
    b.slot.refresh_from_db()
    assert b.slot.capacity == 25
    response = client.post(reverse("queueing:capacity"), {"date": office_day.isoformat(), "time": "09:17",
                                                          "capacity": "25"})
    assert "bukan jam layanan" in response.content.decode()
    assert Booking.objects.count() == 1


def test_personal_data_export_and_erase(office_day, world):
    from capil.accounts import personal_data

    section = next(s for s in personal_data.sections() if s.name == "queueing")
    b = booking(day=office_day, phone=world.citizen.phone)
    services.pickup_mark_ready(actor=operator(), kind="kia", reference="BPN-2026-000555", holder_name="Anak",
                               nik_suffix="1234", email=world.citizen.email)
    exported = section.export(world.citizen)
    assert exported["ktp_el_recording_bookings"][0]["number"] == b.code
    assert exported["pickups"][0]["reference"] == "BPN-2026-000555"
    summary = section.erase(world.citizen)
    assert summary == {"bookings_cancelled": 1, "bookings_anonymised": 1, "pickup_contacts_removed": 1}
    b.refresh_from_db()
    assert b.status == BookingStatus.CANCELLED and b.phone == "" and b.slot.booked == 0
    assert Pickup.objects.get().email == "" and Pickup.objects.get().status == PickupStatus.READY
