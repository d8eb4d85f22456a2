"""KTP-el recording booking without an account: the pages, the SMS, the signed link, reminders, no-shows,
and every abuse the issue names answered clearly with no booking created."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from capil.accounts.models import Role
from capil.accounts.tests.factories import StaffFactory
from capil.queueing import services
from capil.queueing.models import Booking, BookingSlot, BookingStatus

from .conftest import next_office_day, wita
from .factories import booking, new_phone
from .helpers import captcha_token_in, sms_to, solve_captcha

pytestmark = pytest.mark.django_db

T0900 = datetime.time(9, 0)


def _pass_captcha(client, phone: str, *, ip: str = "10.1.1.1"):
    page = client.get(reverse("queueing:booking_start"), REMOTE_ADDR=ip)
    token = captcha_token_in(page.content.decode())
    return client.post(reverse("queueing:booking_start"),
                       {"phone": phone, "captcha_token": token, "captcha_answer": solve_captcha(token)},
                       REMOTE_ADDR=ip)


def _book_over_http(client, phone: str, day: datetime.date, hhmm: str = "09:00", *, ip: str = "10.1.1.1"):
    assert _pass_captcha(client, phone, ip=ip).status_code == 302
    response = client.post(reverse("queueing:booking_slot"), {"date": day.isoformat(), "time": hhmm}, REMOTE_ADDR=ip)
    assert response.status_code == 302, response.content.decode()[-2000:]
    return client.post(reverse("queueing:booking_confirm"), {"agree": "on"}, REMOTE_ADDR=ip, follow=True)


def test_booking_over_http_gives_a_number_on_screen_and_by_sms(client, office_day, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _book_over_http(client, "0812-3456-7890", office_day, "10:00")
    html = response.content.decode()
    booking = Booking.objects.get()
    assert booking.phone == "+6281234567890" and booking.status == BookingStatus.BOOKED
    assert booking.slot.start == datetime.time(10, 0) and booking.date == office_day
    assert f'data-testid="queue-number">{booking.code}<' in html and booking.code == "B-001"
    assert "+6281****90" in html or "+62812******90" in html  # masked, never in full
    [sms] = sms_to("+6281234567890", "booking_confirmed")
    assert "B-001" in sms.body and "10.00 WITA" in sms.body
    manage_url = services.booking_manage_url(booking)
    assert manage_url in sms.body
    assert client.get(manage_url.replace("http://testserver", "")).status_code == 200
    assert BookingSlot.objects.get().booked == 1


def test_statement_must_be_accepted(client, office_day):
    _pass_captcha(client, new_phone())
    client.post(reverse("queueing:booking_slot"), {"date": office_day.isoformat(), "time": "09:00"})
    response = client.post(reverse("queueing:booking_confirm"), {})
    assert response.status_code == 200
    assert "Centang persetujuan" in response.content.decode()
    assert not Booking.objects.exists()


def test_booking_pages_need_the_captcha_first(client):
    response = client.get(reverse("queueing:booking_slot"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("queueing:booking_start")
    response = client.post(reverse("queueing:booking_confirm"), {"agree": "on"})
    assert response.status_code == 302 and not Booking.objects.exists()


@pytest.mark.parametrize("answer_of", [lambda right: str(int(right) + 1), lambda right: "", lambda right: "abc"])
def test_a_wrong_captcha_answer_is_refused_and_creates_nothing(client, answer_of):
    page = client.get(reverse("queueing:booking_start"))
    token = captcha_token_in(page.content.decode())
    response = client.post(reverse("queueing:booking_start"),
                           {"phone": "081234567890", "captcha_token": token,
                            "captcha_answer": answer_of(solve_captcha(token))})
    assert response.status_code == 200
    html = response.content.decode()
    assert "kode keamanan" in html.lower()
    assert captcha_token_in(html) != token  # a fresh captcha for the next try
    assert "queueing_booking_draft" not in client.session


def test_a_captcha_token_works_once_and_cannot_be_forged(client):
    page = client.get(reverse("queueing:booking_start"))
    token = captcha_token_in(page.content.decode())
    answer = solve_captcha(token)
    first = client.post(reverse("queueing:booking_start"),
                        {"phone": "081234567890", "captcha_token": token, "captcha_answer": answer})
    assert first.status_code == 302
    client.session.flush()
    again = client.post(reverse("queueing:booking_start"),
                        {"phone": "081234567891", "captcha_token": token, "captcha_answer": answer})
    assert "sudah dipakai" in again.content.decode()
    forged = client.post(reverse("queueing:booking_start"),
                         {"phone": "081234567892", "captcha_token": token[:-3] + "abc", "captcha_answer": answer})
    assert "tidak sah" in forged.content.decode()


def test_an_expired_captcha_is_refused(client, settings):
    settings.CAPIL_QUEUEING = {**settings.CAPIL_QUEUEING, "captcha_max_age": -1}
    page = client.get(reverse("queueing:booking_start"))
    token = captcha_token_in(page.content.decode())
    response = client.post(reverse("queueing:booking_start"),
                           {"phone": "081234567890", "captcha_token": token, "captcha_answer": solve_captcha(token)})
    assert "kedaluwarsa" in response.content.decode()


def test_repeated_captcha_failures_from_one_address_are_locked_out(client):
    for _attempt in range(10):
        page = client.get(reverse("queueing:booking_start"), REMOTE_ADDR="10.9.9.9")
        token = captcha_token_in(page.content.decode())
        client.post(reverse("queueing:booking_start"),
                    {"phone": "081234567890", "captcha_token": token, "captcha_answer": "999"},
                    REMOTE_ADDR="10.9.9.9")
    response = _pass_captcha(client, "081234567890", ip="10.9.9.9")
    assert response.status_code == 200
    assert "Terlalu banyak jawaban kode keamanan yang salah" in response.content.decode()
    # Another address is not affected.
    assert _pass_captcha(client, "081234567890", ip="10.9.9.10").status_code == 302


def test_an_invalid_phone_number_is_refused_with_the_reason(client):
    page = client.get(reverse("queueing:booking_start"))
    token = captcha_token_in(page.content.decode())
    response = client.post(reverse("queueing:booking_start"),
                           {"phone": "0542 123456", "captcha_token": token, "captcha_answer": solve_captcha(token)})
    assert response.status_code == 200
    assert "Nomor" in response.content.decode() and "queueing_booking_draft" not in client.session


def test_many_bookings_from_one_address_are_limited(client, office_day):
    for _n in range(10):
        response = _book_over_http(client, new_phone(), office_day, ip="10.2.2.2")
        assert "queue-number" in response.content.decode()
    response = _book_over_http(client, new_phone(), office_day, ip="10.2.2.2")
    assert "Terlalu banyak antrian dari jaringan Anda" in response.content.decode()
    assert Booking.objects.count() == 10


def test_cancel_and_rebook_loops_from_one_phone_are_limited(client, office_day):
    phone = new_phone()
    for _n in range(3):
        _book_over_http(client, phone, office_day)
        services.booking_cancel(booking=Booking.objects.get(status=BookingStatus.BOOKED))
    response = _book_over_http(client, phone, office_day)
    assert "terlalu sering mengambil antrian hari ini" in response.content.decode()
    assert not Booking.objects.filter(status=BookingStatus.BOOKED).exists()


def test_one_active_booking_per_phone(office_day):
    phone = new_phone()
    first = booking(day=office_day, phone=phone)
    with pytest.raises(services.QueueError) as refused:
        booking(day=office_day, start="10:00", phone=phone)
    assert refused.value.code == "active_exists"
    services.booking_cancel(booking=first)
    assert booking(day=office_day, start="10:00", phone=phone).status == BookingStatus.BOOKED


def test_past_dates_days_off_odd_times_and_far_dates_are_refused(office_day, move_clock):
    move_clock(wita(office_day, "12:40"))
    cases = {
        "past": (office_day - datetime.timedelta(days=1), "09:00"),
        "closed": (next(office_day + datetime.timedelta(days=n) for n in range(1, 8)
                        if (office_day + datetime.timedelta(days=n)).weekday() == 6), "09:00"),
        "not_a_slot": (next_office_day(office_day), "09:30"),
        "too_far": (office_day + datetime.timedelta(days=60), "09:00"),
    }
    for code, (day, hhmm) in cases.items():
        with pytest.raises(services.QueueError) as refused:
            booking(day=day, start=hhmm)
        assert refused.value.code == code, (code, refused.value.code)
    # Today, a slot that is over.
    with pytest.raises(services.QueueError) as refused:
        booking(day=office_day, start="11:00")
    assert refused.value.code == "past"
    assert not Booking.objects.exists() and not BookingSlot.objects.filter(booked__gt=0).exists()


def test_a_public_holiday_is_a_day_off(move_clock):
    # 17 August (Independence Day) of next year, whatever weekday it falls on.
    from django.utils import timezone

    year = timezone.localdate().year + 1
    holiday = datetime.date(year, 8, 17)
    move_clock(wita(holiday - datetime.timedelta(days=3), "08:00"))
    with pytest.raises(services.QueueError) as refused:
        booking(day=holiday)
    assert refused.value.code == "closed"


def test_a_past_date_over_http_is_answered_clearly(client, office_day):
    _pass_captcha(client, new_phone())
    response = client.post(reverse("queueing:booking_slot"), {"date": "2020-01-06", "time": "09:00"})
    assert response.status_code == 200 and "sudah lewat" in response.content.decode()
    response = client.post(reverse("queueing:booking_slot"), {"date": "kemarin", "time": "09:00"})
    assert response.status_code == 200 and "queueing_booking_draft" in client.session
    assert not Booking.objects.exists()


def test_a_full_slot_takes_no_more_bookings(settings, office_day, client):
    settings.CAPIL_QUEUEING = {**settings.CAPIL_QUEUEING, "slot_capacity": 2}
    booking(day=office_day)
    booking(day=office_day)
    with pytest.raises(services.QueueError) as refused:
        booking(day=office_day)
    assert refused.value.code == "full"
    assert BookingSlot.objects.get().booked == 2 and Booking.objects.count() == 2
    response = _book_over_http(client, new_phone(), office_day)
    assert "sudah penuh" in response.content.decode() and Booking.objects.count() == 2


def test_a_tampered_link_shows_nothing_and_cancels_nothing(client, office_day):
    b = booking(day=office_day)
    token = services.booking_manage_token(b)
    other = booking(day=office_day)
    other_token = services.booking_manage_token(other)
    pk, key_sig = token.split(".", 1)
    forged = [token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
              f"{other.pk}.{key_sig}",          # another booking's id with this link's key and signature
              other_token.split(":")[0] + ":" + token.split(":")[1],
              "1", "x" * 40]
    for bad in forged:
        response = client.get(reverse("queueing:booking_manage", kwargs={"token": bad}))
        assert response.status_code == 404 and "Tautan tidak berlaku" in response.content.decode()
        response = client.post(reverse("queueing:booking_cancel", kwargs={"token": bad}))
        assert response.status_code == 404
    assert Booking.objects.filter(status=BookingStatus.BOOKED).count() == 2


def test_a_link_stops_working_when_its_key_is_replaced(client, office_day):
    b = booking(day=office_day)
    token = services.booking_manage_token(b)
    Booking.objects.filter(pk=b.pk).update(manage_key="replaced")
    assert client.get(reverse("queueing:booking_manage", kwargs={"token": token})).status_code == 404


def test_cancel_by_link_frees_the_place(client, office_day):
    b = booking(day=office_day)
    token = services.booking_manage_token(b)
    response = client.post(reverse("queueing:booking_cancel", kwargs={"token": token}), follow=True)
    assert "dibatalkan" in response.content.decode()
    b.refresh_from_db()
    assert b.status == BookingStatus.CANCELLED and b.slot.booked == 0
    # Cancelling twice is answered, not an error.
    response = client.post(reverse("queueing:booking_cancel", kwargs={"token": token}), follow=True)
    assert response.status_code == 200 and "tidak dapat dilakukan" in response.content.decode()


def test_reschedule_by_link_moves_the_place_and_sends_a_new_sms(client, office_day):
    b = booking(day=office_day)
    later = next_office_day(office_day)
    token = services.booking_manage_token(b)
    response = client.post(reverse("queueing:booking_reschedule", kwargs={"token": token}),
                           {"date": later.isoformat(), "time": "13:00"}, follow=True)
    assert response.status_code == 200 and "Jadwal diubah" in response.content.decode()
    b.refresh_from_db()
    assert (b.date, b.slot.start, b.status) == (later, datetime.time(13, 0), BookingStatus.BOOKED)
    assert BookingSlot.objects.get(date=office_day, start=T0900).booked == 0
    assert len(sms_to(b.phone, "booking_confirmed")) == 2
    # Rescheduling into a full slot keeps the booking where it was.
    BookingSlot.objects.filter(date=office_day, start=T0900).update(capacity=0)
    with pytest.raises(services.QueueError):
        services.booking_reschedule(booking=b, day=office_day, start=T0900)
    b.refresh_from_db()
    assert b.date == later and BookingSlot.objects.get(date=later, start=datetime.time(13, 0)).booked == 1


def test_reminder_goes_once_the_day_before(office_day, move_clock):
    day_before = office_day - datetime.timedelta(days=1)
    move_clock(wita(day_before - datetime.timedelta(days=1), "15:00"))
    early = booking(day=office_day)
    move_clock(wita(day_before, "08:00"))
    late = booking(day=office_day, start="10:00")  # booked on the day before: its confirmation is fresh
    assert services.bookings_send_reminders() == 0  # before the reminder hour
    move_clock(wita(day_before, "10:05"))
    assert services.bookings_send_reminders() == 1
    assert services.bookings_send_reminders() == 0
    [reminder] = sms_to(early.phone, "booking_reminder")
    assert early.code in reminder.body
    assert not sms_to(late.phone, "booking_reminder")


def test_a_no_show_frees_the_place_after_the_grace_period(office_day, move_clock, settings):
    settings.CAPIL_QUEUEING = {**settings.CAPIL_QUEUEING, "slot_capacity": 1}
    move_clock(wita(office_day, "07:00"))
    b = booking(day=office_day)
    move_clock(wita(office_day, "09:29"))
    assert services.bookings_expire_no_shows() == 0
    move_clock(wita(office_day, "09:31"))
    assert services.queueing_housekeeping() == {"expired": 1, "reminded": 0}
    b.refresh_from_db()
    assert b.status == BookingStatus.NO_SHOW and b.slot.booked == 0
    # The place can be taken again while the slot is still on, and the phone can book again; the late
    # booking has its own grace period from the moment it was made.
    again = booking(day=office_day, phone=b.phone)
    assert again.status == BookingStatus.BOOKED
    move_clock(wita(office_day, "09:59"))
    assert services.bookings_expire_no_shows() == 0
    move_clock(wita(office_day, "10:02"))
    assert services.bookings_expire_no_shows() == 1


def test_check_in_after_the_grace_period_is_refused(office_day, move_clock):
    staff = StaffFactory(role=Role.OPERATOR)
    move_clock(wita(office_day, "07:00"))
    b = booking(day=office_day)
    move_clock(wita(office_day, "09:45"))
    with pytest.raises(services.QueueError) as refused:
        services.booking_check_in(number=b.code, actor=staff)
    assert refused.value.code == "no_show" and "09:30" in refused.value.message
    cache.clear()
