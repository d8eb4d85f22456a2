"""Every write of the queueing context: tickets at the counters, KTP-el recording bookings, pick-ups.

Each state change follows one shape: check the transition is in its table and the actor may make it,
lock the row, change it (with a guarded UPDATE where two requests may race), write the event/audit row,
and enqueue notifications in the same transaction (the notifications outbox).
"""

import datetime
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from capil.accounts.models import Role
from capil.audit.services import audit_record
from capil.core.phones import normalise_phone

from . import clock
from .conf import queueing_setting
from .models import (
    Booking,
    BookingEvent,
    BookingSlot,
    BookingStatus,
    CallOutcome,
    Counter,
    DailySequence,
    OutputKind,
    Pickup,
    PickupStatus,
    ServiceGroup,
    Ticket,
    TicketCall,
    TicketStatus,
)
from .officehours import slot_times


class QueueError(Exception):
    """A refusal with a message for the person who asked (Bahasa Indonesia, translatable)."""

    def __init__(self, message, *, code: str = "refused"):
        super().__init__(str(message))
        self.message = message
        self.code = code


# ---------------------------------------------------------------------------------------------------------
# Transition tables: (from status, action) -> to status, and the roles allowed to act. Anything not listed
# is refused.

COUNTER_ROLES = frozenset({Role.OPERATOR, Role.KASI, Role.ADMIN})
SUPERVISOR_ROLES = frozenset({Role.KASI, Role.ADMIN})

TICKET_TRANSITIONS: dict[tuple[str, str], str] = {
    (TicketStatus.WAITING, "call"): TicketStatus.CALLED,
    (TicketStatus.CALLED, "recall"): TicketStatus.CALLED,
    (TicketStatus.CALLED, "serve"): TicketStatus.SERVED,
    (TicketStatus.CALLED, "no_show"): TicketStatus.NO_SHOW,
    (TicketStatus.CALLED, "transfer"): TicketStatus.WAITING,
}

# (from, action) -> (to, roles that may act; None = the citizen through the signed link or the system)
BOOKING_TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset | None]] = {
    (BookingStatus.BOOKED, "cancel"): (BookingStatus.CANCELLED, None),
    (BookingStatus.BOOKED, "reschedule"): (BookingStatus.BOOKED, None),
    (BookingStatus.BOOKED, "expire"): (BookingStatus.NO_SHOW, None),
    (BookingStatus.BOOKED, "check_in"): (BookingStatus.CHECKED_IN, COUNTER_ROLES),
    (BookingStatus.CHECKED_IN, "record"): (BookingStatus.RECORDED, COUNTER_ROLES),
}

PICKUP_TRANSITIONS: dict[tuple[str, str], str] = {
    (PickupStatus.READY, "hand_over"): PickupStatus.COLLECTED,
}


def _require_role(actor, roles) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise QueueError(_("Tindakan ini hanya untuk petugas."), code="forbidden")
    if actor.role not in roles:
        raise QueueError(_("Peran Anda tidak berwenang untuk tindakan ini."), code="forbidden")


def _ticket_next_status(ticket: Ticket, action: str) -> str:
    try:
        return TICKET_TRANSITIONS[(ticket.status, action)]
    except KeyError:
        raise QueueError(
            _("Tiket %(code)s berstatus %(status)s; tindakan ini tidak dapat dilakukan.")
            % {"code": ticket.code, "status": ticket.get_status_display()},
            code="bad_state",
        ) from None


def _booking_transition(booking: Booking, action: str, actor) -> str:
    try:
        to_status, roles = BOOKING_TRANSITIONS[(booking.status, action)]
    except KeyError:
        raise QueueError(
            _("Antrian %(code)s berstatus %(status)s; tindakan ini tidak dapat dilakukan.")
            % {"code": booking.code, "status": booking.get_status_display()},
            code="bad_state",
        ) from None
    if roles is not None:
        _require_role(actor, roles)
    return to_status


def _booking_event(booking: Booking, *, action: str, from_status: str, actor=None, at=None) -> None:
    BookingEvent.objects.create(booking=booking, at=at or clock.now(), action=action, from_status=from_status,
                                to_status=booking.status, actor=actor if getattr(actor, "pk", None) else None)


def _notify(**kwargs) -> None:
    # The notifications context owns delivery; its outbox row is written in our transaction.
    from capil.notifications.services import notification_enqueue

    notification_enqueue(**kwargs)


# ---------------------------------------------------------------------------------------------------------
# Numbers


def _update_returning(sql: str, params: list) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def sequence_next(*, series: str, day: datetime.date) -> int:
    """The next number of `series` on `day`: 1, 2, 3 … never twice, and without Max()+1.

    One UPDATE … RETURNING takes the row lock and reads the new value in one round trip; concurrent callers
    queue behind the lock until this transaction ends (PostgreSQL row lock; SQLite serialises writers).
    Called outside a transaction it is its own short transaction, so the lock is held only for the
    increment. The first number of a day inserts the row; a concurrent insert of the same row fails on the
    unique constraint and falls back to the UPDATE."""
    table = connection.ops.quote_name(DailySequence._meta.db_table)
    sql = f"UPDATE {table} SET last_number = last_number + 1 WHERE series = %s AND day = %s RETURNING last_number"  # noqa: S608
    params = [series, connection.ops.adapt_datefield_value(day)]
    with transaction.atomic(savepoint=False):
        number = _update_returning(sql, params)
        if number is not None:
            return number
        try:
            with transaction.atomic():
                DailySequence.objects.create(series=series, day=day, last_number=1)
            return 1
        except IntegrityError:
            return _update_returning(sql, params)


# ---------------------------------------------------------------------------------------------------------
# Tickets


def ticket_issue(*, group: ServiceGroup, actor=None, request=None) -> Ticket:
    """A walk-in ticket of `group` for today (A-001 …), taken at the entrance desk or kiosk."""
    _require_role(actor, COUNTER_ROLES)
    if not group.is_active:
        raise QueueError(_("Kelompok layanan ini sedang tidak melayani."), code="inactive")
    now = clock.now()
    day = timezone.localdate(now)
    with transaction.atomic():
        number = sequence_next(series=group.code, day=day)
        ticket = Ticket.objects.create(group=group, day=day, number=number, issued_at=now, queued_at=now,
                                       issued_by=actor)
        audit_record(actor=actor, action="queue.ticket_issue", target=ticket, data={"code": ticket.code},
                     request=request)
    return ticket


def _open_call(counter: Counter) -> TicketCall | None:
    return (TicketCall.objects.select_related("ticket__group").filter(counter=counter, ended_at__isnull=True)
            .order_by("-called_at").first())


def ticket_call_next(*, counter: Counter, actor, request=None) -> Ticket | None:
    """Call the next waiting ticket to `counter`: tickets transferred to this counter first, then the
    oldest waiting ticket of the groups it serves. None when nobody waits.

    Two counters calling at the same moment never get the same ticket: on PostgreSQL the candidate row is
    taken with FOR UPDATE SKIP LOCKED (the other counter skips it and takes the next one), and the status
    change is a guarded UPDATE (status still WAITING) that a second caller cannot win."""
    _require_role(actor, COUNTER_ROLES)
    now = clock.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        counter = Counter.objects.select_for_update().get(pk=counter.pk)
        if not counter.is_active:
            raise QueueError(_("Loket ini sedang tidak aktif."), code="inactive")
        busy = _open_call(counter)
        if busy is not None:
            raise QueueError(
                _("Loket ini masih memanggil %(code)s. Tandai selesai, tidak hadir, atau pindahkan dahulu.")
                % {"code": busy.ticket.code},
                code="busy",
            )
        group_ids = list(counter.groups.filter(is_active=True).values_list("id", flat=True))
        waiting = (
            Ticket.objects.filter(day=today, status=TicketStatus.WAITING)
            .filter(Q(counter=counter) | Q(counter__isnull=True, group_id__in=group_ids))
            .order_by(F("counter_id").asc(nulls_last=True), "queued_at", "id")
        )
        for _attempt in range(5):
            candidate = waiting.select_for_update(skip_locked=True).first()
            if candidate is None:
                return None
            won = Ticket.objects.filter(pk=candidate.pk, status=TicketStatus.WAITING).update(
                status=_ticket_next_status(candidate, "call"), counter=counter,
                first_called_at=candidate.first_called_at or now,
            )
            if won:
                break
        else:
            return None
        ticket = Ticket.objects.select_related("group", "counter").get(pk=candidate.pk)
        TicketCall.objects.create(ticket=ticket, counter=counter, operator=actor, called_at=now, announced_at=now)
        audit_record(actor=actor, action="queue.ticket_call", target=ticket,
                     data={"code": ticket.code, "counter": counter.number}, request=request)
    return ticket


def _locked_ticket_at(counter: Counter, ticket_id: int, action: str) -> tuple[Ticket, TicketCall, str]:
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("group").get(pk=ticket_id)
    to_status = _ticket_next_status(ticket, action)
    call = TicketCall.objects.filter(ticket=ticket, counter=counter, ended_at__isnull=True).first()
    if call is None or ticket.counter_id != counter.pk:
        raise QueueError(_("Tiket %(code)s tidak sedang dipanggil di loket ini.") % {"code": ticket.code},
                         code="not_here")
    return ticket, call, to_status


def ticket_recall(*, counter: Counter, ticket_id: int, actor, request=None) -> Ticket:
    """Announce the called ticket again (the display page plays it once more)."""
    _require_role(actor, COUNTER_ROLES)
    with transaction.atomic():
        ticket, call, _to = _locked_ticket_at(counter, ticket_id, "recall")
        TicketCall.objects.filter(pk=call.pk).update(announced_at=clock.now(),
                                                     announce_count=F("announce_count") + 1)
        audit_record(actor=actor, action="queue.ticket_recall", target=ticket,
                     data={"code": ticket.code, "counter": counter.number}, request=request)
    return ticket


def _ticket_finish(*, counter: Counter, ticket_id: int, actor, action: str, outcome: str, request) -> Ticket:
    _require_role(actor, COUNTER_ROLES)
    now = clock.now()
    with transaction.atomic():
        ticket, call, to_status = _locked_ticket_at(counter, ticket_id, action)
        TicketCall.objects.filter(pk=call.pk).update(ended_at=now, outcome=outcome)
        ticket.status, ticket.finished_at = to_status, now
        ticket.save(update_fields=["status", "finished_at"])
        audit_record(actor=actor, action=f"queue.ticket_{action}", target=ticket,
                     data={"code": ticket.code, "counter": counter.number}, request=request)
    return ticket


def ticket_mark_served(*, counter: Counter, ticket_id: int, actor, request=None) -> Ticket:
    return _ticket_finish(counter=counter, ticket_id=ticket_id, actor=actor, action="serve",
                          outcome=CallOutcome.SERVED, request=request)


def ticket_mark_no_show(*, counter: Counter, ticket_id: int, actor, request=None) -> Ticket:
    return _ticket_finish(counter=counter, ticket_id=ticket_id, actor=actor, action="no_show",
                          outcome=CallOutcome.NO_SHOW, request=request)


def ticket_link_application(*, counter: Counter, ticket_id: int, tracking_number: str, actor,
                            request=None) -> Ticket:
    """Link the ticket being served to the application opened for it, by its tracking number."""
    from capil.applications.models import Application  # read-only lookup by the number on the receipt

    _require_role(actor, COUNTER_ROLES)
    number = (tracking_number or "").strip().upper()
    application = Application.objects.filter(tracking_number=number).only("pk", "tracking_number").first()
    if application is None:
        raise QueueError(_("Tidak ada permohonan bernomor %(number)s.") % {"number": number[:40]}, code="not_found")
    with transaction.atomic():
        ticket, _call, _to = _locked_ticket_at(counter, ticket_id, "recall")
        ticket.application = application
        ticket.save(update_fields=["application"])
        audit_record(actor=actor, action="queue.ticket_link_application", target=ticket,
                     data={"code": ticket.code, "tracking_number": application.tracking_number}, request=request)
    return ticket


def ticket_transfer(*, counter: Counter, ticket_id: int, to_counter: Counter, actor, request=None) -> Ticket:
    """Send the called ticket to another counter: it waits there ahead of new tickets."""
    _require_role(actor, COUNTER_ROLES)
    if to_counter.pk == counter.pk:
        raise QueueError(_("Pilih loket lain sebagai tujuan."), code="same_counter")
    if not to_counter.is_active:
        raise QueueError(_("Loket tujuan sedang tidak aktif."), code="inactive")
    now = clock.now()
    with transaction.atomic():
        ticket, call, to_status = _locked_ticket_at(counter, ticket_id, "transfer")
        TicketCall.objects.filter(pk=call.pk).update(ended_at=now, outcome=CallOutcome.TRANSFERRED)
        ticket.status, ticket.counter, ticket.transferred, ticket.queued_at = to_status, to_counter, True, now
        ticket.save(update_fields=["status", "counter", "transferred", "queued_at"])
        audit_record(actor=actor, action="queue.ticket_transfer", target=ticket,
                     data={"code": ticket.code, "from_counter": counter.number, "to_counter": to_counter.number},
                     request=request)
    return ticket


# ---------------------------------------------------------------------------------------------------------
# KTP-el recording bookings


def booking_group() -> ServiceGroup:
    return ServiceGroup.objects.get(code=queueing_setting("booking_group"))


def booking_manage_token(booking: Booking) -> str:
    """The secret part of the cancel/reschedule link sent by SMS: signed, so it cannot be altered or guessed."""
    return signing.Signer(salt="capil.queueing.booking-manage").sign(f"{booking.pk}.{booking.manage_key}")


def booking_manage_url(booking: Booking) -> str:
    from django.conf import settings

    path = reverse("queueing:booking_manage", kwargs={"token": booking_manage_token(booking)})
    return settings.CAPIL_SITE_URL.rstrip("/") + path


@dataclass(frozen=True)
class SlotChoice:
    day: datetime.date
    start: datetime.time
    end: datetime.time


def _slot_start_end(day: datetime.date, start: datetime.time) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    for slot_start, slot_end in slot_times(day, queueing_setting("slot_minutes")):
        if slot_start == start:
            return (timezone.make_aware(datetime.datetime.combine(day, slot_start), tz),
                    timezone.make_aware(datetime.datetime.combine(day, slot_end), tz))
    raise QueueError(_("Jam yang dipilih bukan jam layanan perekaman pada tanggal itu."), code="not_a_slot")


def booking_slot_validate(*, day: datetime.date, start: datetime.time, now=None) -> SlotChoice:
    """Refuse, with the reason, a date or time that cannot be booked."""
    now = now or clock.now()
    today = timezone.localdate(now)
    if day < today:
        raise QueueError(_("Tanggal yang dipilih sudah lewat. Pilih tanggal mulai hari ini."), code="past")
    if day > today + datetime.timedelta(days=queueing_setting("days_ahead")):
        raise QueueError(_("Antrian hanya dapat dipesan paling lama %(days)s hari ke depan.")
                         % {"days": queueing_setting("days_ahead")}, code="too_far")
    if not slot_times(day, queueing_setting("slot_minutes")):
        raise QueueError(_("Kantor tutup pada tanggal itu (akhir pekan atau hari libur). Pilih hari kerja."),
                         code="closed")
    slot_start, slot_end = _slot_start_end(day, start)
    # A slot can be booked until it ends (places freed by no-shows go to same-day bookers); a late booking
    # gets its grace period from the moment it was made, see _grace_deadline.
    if now >= slot_end:
        raise QueueError(_("Jam yang dipilih sudah lewat. Pilih jam lain."), code="past")
    return SlotChoice(day=day, start=start, end=timezone.localtime(slot_end).time())


def _slot_get_or_create(choice: SlotChoice) -> BookingSlot:
    slot = BookingSlot.objects.filter(date=choice.day, start=choice.start).first()
    if slot is not None:
        return slot
    try:
        with transaction.atomic():
            return BookingSlot.objects.create(date=choice.day, start=choice.start, end=choice.end,
                                              capacity=queueing_setting("slot_capacity"))
    except IntegrityError:  # created by a concurrent booking a moment ago
        return BookingSlot.objects.get(date=choice.day, start=choice.start)


def _full() -> QueueError:
    return QueueError(_("Jam yang dipilih sudah penuh. Pilih jam atau tanggal lain."), code="full")


def _slot_take(slot_id: int) -> None:
    # The conditional UPDATE is the capacity guard: of N racing bookings for the last place exactly one
    # matches booked < capacity; the check constraint backs it in the database.
    if not BookingSlot.objects.filter(pk=slot_id, booked__lt=F("capacity")).update(booked=F("booked") + 1):
        raise _full()


def _slot_take_for(choice: SlotChoice) -> int:
    """Take one place of the slot (creating the slot row on its first booking); the slot's id. The same
    guarded UPDATE as _slot_take, by date and time with RETURNING: one round trip in the common case."""
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(BookingSlot._meta.db_table)} SET booked = booked + 1 "  # noqa: S608
           f"WHERE {quote('date')} = %s AND {quote('start')} = %s AND booked < capacity RETURNING id")
    params = [connection.ops.adapt_datefield_value(choice.day), connection.ops.adapt_timefield_value(choice.start)]
    slot_id = _update_returning(sql, params)
    if slot_id is None:
        if BookingSlot.objects.filter(date=choice.day, start=choice.start).exists():
            raise _full()
        slot_id = _slot_get_or_create(choice).pk
        _slot_take(slot_id)
    return slot_id


def _slot_release(slot_id: int) -> None:
    BookingSlot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def _booking_notice_context(booking: Booking, start: datetime.time | None = None) -> dict:
    start = start or booking.slot.start
    with translation.override(booking.language):
        return {"queue_number": booking.code, "date": date_format(booking.date, "l, j F Y"),
                "time": start.strftime("%H.%M") + " WITA", "cancel_url": booking_manage_url(booking)}


def _booking_confirm_notice(booking: Booking, *, key_suffix: str, start: datetime.time | None = None) -> None:
    _notify(event="booking_confirmed", subject=booking, phone=booking.phone, channels=("sms",),
            language=booking.language, key_suffix=key_suffix, context=_booking_notice_context(booking, start))


def booking_create(*, phone: str, day: datetime.date, start: datetime.time, statement_accepted: bool,
                   language: str = "id", now=None) -> Booking:
    """Book a KTP-el recording slot for a phone number (SOP Perekaman KTP-el, steps 3–6)."""
    phone_e164 = normalise_phone(phone).e164
    if not statement_accepted:
        raise QueueError(_("Anda perlu menyetujui pernyataan untuk mengambil antrian."), code="statement")
    now = now or clock.now()
    choice = booking_slot_validate(day=day, start=start, now=now)
    if Booking.objects.filter(phone=phone_e164, status=BookingStatus.BOOKED).exists():
        raise QueueError(_("Nomor HP ini sudah memiliki antrian perekaman yang aktif. Gunakan tautan di SMS "
                           "untuk membatalkan atau mengubah jadwalnya."), code="active_exists")
    # The day's number is taken in its own short transaction, before the booking's: the day's counter row
    # is the one every booker of that day shares, so its lock must not wait for the rest of the booking.
    # A booking refused after this (slot full, a racing booking of the same phone) leaves a gap in the
    # day's numbers, as a cancellation does.
    number = sequence_next(series=queueing_setting("booking_group"), day=choice.day)
    try:
        with transaction.atomic():
            slot_id = _slot_take_for(choice)
            booking = Booking.objects.create(slot_id=slot_id, date=choice.day, number=number, phone=phone_e164,
                                             statement_accepted_at=now, created_at=now, language=language)
            _booking_event(booking, action="create", from_status="", at=now)
            _booking_confirm_notice(booking, key_suffix=f"{slot_id}-{number}", start=choice.start)
    except IntegrityError:
        # The partial unique index: a concurrent booking for the same phone won. Anything else is a bug.
        if Booking.objects.filter(phone=phone_e164, status=BookingStatus.BOOKED).exists():
            raise QueueError(_("Nomor HP ini sudah memiliki antrian perekaman yang aktif."),
                             code="active_exists") from None
        raise
    # Reminders and no-show expiry run on the worker; make sure their periodic task is alive (checked at
    # most once a minute per cache, not on every booking).
    if cache.add("queueing:housekeeping-checked", 1, timeout=60):
        transaction.on_commit(queueing_housekeeping_ensure_scheduled, robust=True)
    return booking


def booking_cancel(*, booking: Booking, actor=None, request=None) -> Booking:
    """Cancel through the signed link (the citizen) or at the office (staff, audited); frees the place."""
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        from_status = booking.status
        booking.status = _booking_transition(booking, "cancel", actor)
        booking.save(update_fields=["status"])
        _slot_release(booking.slot_id)
        _booking_event(booking, action="cancel", from_status=from_status, actor=actor)
        if getattr(actor, "is_authenticated", False):
            audit_record(actor=actor, action="booking.cancel", target=booking, data={"code": booking.code},
                         request=request)
    return booking


def booking_reschedule(*, booking: Booking, day: datetime.date, start: datetime.time, now=None) -> Booking:
    """Move a booking to another slot: the new place is taken and the old one freed in one transaction."""
    now = now or clock.now()
    choice = booking_slot_validate(day=day, start=start, now=now)
    with transaction.atomic():
        booking = Booking.objects.select_for_update(of=("self",)).select_related("slot").get(pk=booking.pk)
        from_status = booking.status
        booking.status = _booking_transition(booking, "reschedule", None)
        if booking.slot.date == choice.day and booking.slot.start == choice.start:
            raise QueueError(_("Itu jadwal Anda saat ini. Pilih jam atau tanggal lain."), code="same_slot")
        new_slot = _slot_get_or_create(choice)
        # Lock both slots in id order so that two reschedules in opposite directions cannot deadlock.
        list(BookingSlot.objects.select_for_update().filter(pk__in=[booking.slot_id, new_slot.pk]).order_by("pk"))
        _slot_take(new_slot.pk)
        _slot_release(booking.slot_id)
        if choice.day != booking.date:
            booking.number = sequence_next(series=queueing_setting("booking_group"), day=choice.day)
        booking.slot, booking.date, booking.reminder_sent_at = new_slot, choice.day, None
        booking.save(update_fields=["status", "slot", "date", "number", "reminder_sent_at"])
        _booking_event(booking, action="reschedule", from_status=from_status, at=now)
        _booking_confirm_notice(booking, key_suffix=f"{new_slot.pk}-{booking.number}")
    return booking


def _grace_deadline(booking: Booking) -> datetime.datetime:
    """Until when the citizen may check in: the slot's start (or the moment of booking, for a place taken
    after the slot began) plus the grace period."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(booking.date, booking.slot.start), tz)
    return max(start, booking.created_at) + datetime.timedelta(minutes=queueing_setting("no_show_grace_minutes"))


def booking_parse_number(text: str) -> int | None:
    """'B-007', 'b007', '7' → 7; None when it is not a booking number."""
    cleaned = (text or "").strip().upper().replace(" ", "")
    prefix = queueing_setting("booking_group").upper()
    if cleaned.startswith(prefix):
        cleaned = cleaned[len(prefix):].lstrip("-")
    return int(cleaned) if cleaned.isdigit() and 0 < int(cleaned) < 100000 else None


def booking_check_in(*, number: str, actor, request=None, now=None) -> Booking:
    """The citizen shows the queue number at the office (SOP step 7): the booking joins today's queue of
    the recording group as a ticket with the same number."""
    _require_role(actor, COUNTER_ROLES)
    now = now or clock.now()
    today = timezone.localdate(now)
    parsed = booking_parse_number(number)
    booking = (Booking.objects.select_related("slot").filter(date=today, number=parsed).first()
               if parsed else None)
    if booking is None:
        raise QueueError(_("Tidak ada antrian perekaman bernomor %(number)s untuk hari ini.")
                         % {"number": number.strip()[:20]}, code="not_found")
    if booking.status == BookingStatus.BOOKED and now > _grace_deadline(booking):
        bookings_expire_no_shows(now=now)
        booking.refresh_from_db()
    if booking.status == BookingStatus.NO_SHOW:
        deadline = timezone.localtime(_grace_deadline(booking)).strftime("%H:%M")
        raise QueueError(_("Antrian %(code)s sudah hangus karena tidak hadir sampai %(time)s. Berikan nomor "
                           "antrian loket biasa.") % {"code": booking.code, "time": deadline}, code="no_show")
    with transaction.atomic():
        booking = Booking.objects.select_for_update(of=("self",)).select_related("slot").get(pk=booking.pk)
        from_status = booking.status
        booking.status = _booking_transition(booking, "check_in", actor)
        booking.checked_in_at = now
        booking.save(update_fields=["status", "checked_in_at"])
        group = booking_group()
        Ticket.objects.create(group=group, day=today, number=booking.number, issued_at=now, queued_at=now,
                              booking=booking, issued_by=actor)
        _booking_event(booking, action="check_in", from_status=from_status, actor=actor, at=now)
        audit_record(actor=actor, action="booking.check_in", target=booking, data={"code": booking.code},
                     request=request)
    return booking


def booking_mark_recorded(*, booking: Booking, actor, counter: Counter | None = None, request=None) -> Booking:
    """Recording done (SOP step 8). The ticket of the booking is served at the counter that called it."""
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        from_status = booking.status
        booking.status = _booking_transition(booking, "record", actor)
        booking.recorded_at = clock.now()
        booking.save(update_fields=["status", "recorded_at"])
        ticket = Ticket.objects.filter(booking=booking).first()
        if ticket is not None and ticket.status == TicketStatus.CALLED and ticket.counter_id:
            ticket_mark_served(counter=counter or ticket.counter, ticket_id=ticket.pk, actor=actor, request=request)
        _booking_event(booking, action="record", from_status=from_status, actor=actor)
        audit_record(actor=actor, action="booking.record", target=booking, data={"code": booking.code},
                     request=request)
    return booking


def bookings_expire_no_shows(*, now=None) -> int:
    """Bookings not checked in by their slot's start plus the grace period become no-shows; their places
    are freed for others (same-day bookings and walk-ins). Safe to run often and from several workers."""
    now = now or clock.now()
    today = timezone.localdate(now)
    expired = 0
    candidates = (Booking.objects.filter(status=BookingStatus.BOOKED, date__lte=today).select_related("slot")
                  .order_by("date", "slot__start"))
    for candidate in candidates:
        if now <= _grace_deadline(candidate):
            continue
        with transaction.atomic():
            booking = Booking.objects.select_for_update().filter(pk=candidate.pk, status=BookingStatus.BOOKED).first()
            if booking is None:  # checked in or expired by someone else meanwhile
                continue
            booking.status = _booking_transition(booking, "expire", None)
            booking.save(update_fields=["status"])
            _slot_release(booking.slot_id)
            _booking_event(booking, action="expire", from_status=BookingStatus.BOOKED, at=now)
            expired += 1
    return expired


def bookings_send_reminders(*, now=None) -> int:
    """SMS a reminder the day before (from the configured hour, WITA) to bookings made before that day.
    Idempotent: a booking is reminded once (reminder_sent_at, and the outbox's idempotency key)."""
    now = now or clock.now()
    local = timezone.localtime(now)
    if local.hour < queueing_setting("reminder_hour"):
        return 0
    tomorrow = local.date() + datetime.timedelta(days=1)
    day_start = timezone.make_aware(datetime.datetime.combine(local.date(), datetime.time.min))
    sent = 0
    ids = list(Booking.objects.filter(status=BookingStatus.BOOKED, date=tomorrow, reminder_sent_at__isnull=True,
                                      created_at__lt=day_start).values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            booking = (Booking.objects.select_for_update(of=("self",)).select_related("slot")
                       .filter(pk=pk, status=BookingStatus.BOOKED, reminder_sent_at__isnull=True).first())
            if booking is None:
                continue
            booking.reminder_sent_at = now
            booking.save(update_fields=["reminder_sent_at"])
            _notify(event="booking_reminder", subject=booking, phone=booking.phone, channels=("sms",),
                    language=booking.language, key_suffix=f"{booking.date:%Y%m%d}",
                    context=_booking_notice_context(booking))
            sent += 1
    return sent


def booking_slot_set_capacity(*, slot_day: datetime.date, start: datetime.time, capacity: int, actor,
                              request=None) -> BookingSlot:
    """Change how many people a slot takes (Kasi/Admin); never below the places already booked."""
    _require_role(actor, SUPERVISOR_ROLES)
    if capacity < 0 or capacity > 500:
        raise QueueError(_("Kuota harus antara 0 dan 500."), code="capacity")
    choice = SlotChoice(day=slot_day, start=start, end=_slot_start_end(slot_day, start)[1].time())
    with transaction.atomic():
        slot = BookingSlot.objects.select_for_update().get(pk=_slot_get_or_create(choice).pk)
        if capacity < slot.booked:
            raise QueueError(_("Kuota tidak boleh lebih kecil dari %(booked)s antrian yang sudah terpesan.")
                             % {"booked": slot.booked}, code="capacity")
        old = slot.capacity
        slot.capacity = capacity
        slot.save(update_fields=["capacity"])
        audit_record(actor=actor, action="booking.capacity", target=slot,
                     data={"date": str(slot.date), "start": slot.start.strftime("%H:%M"), "from": old, "to": capacity},
                     request=request)
    return slot


# ---------------------------------------------------------------------------------------------------------
# Pick-up of printed KTP-el and KIA


def pickup_location() -> str:
    """Where printed cards are collected: the counters serving the pick-up group ("Loket 2")."""
    names = Counter.objects.filter(is_active=True, groups__code=queueing_setting("pickup_group")).values_list(
        "name", flat=True)
    return ", ".join(names)


def pickup_mark_ready(*, actor, kind: str, reference: str, holder_name: str, nik_suffix: str, phone: str = "",
                      email: str = "", booking: Booking | None = None, request=None) -> Pickup:
    """The card is printed and waits at the pick-up counter (SOP KTP-el step 9, KIA step 17): SMS (and
    e-mail) to the holder saying it can be collected."""
    _require_role(actor, COUNTER_ROLES)
    if kind not in OutputKind.values:
        raise QueueError(_("Jenis dokumen tidak dikenal."), code="kind")
    reference = reference.strip().upper()
    if not reference:
        raise QueueError(_("Nomor permohonan atau antrian wajib diisi."), code="reference")
    if not (len(nik_suffix) == 4 and nik_suffix.isdigit()):
        raise QueueError(_("Isi 4 digit terakhir NIK pemilik dokumen."), code="nik_suffix")
    if booking is not None:
        phone = phone or booking.phone
        if booking.status != BookingStatus.RECORDED:
            raise QueueError(_("KTP-el hanya dapat disiapkan setelah perekaman selesai."), code="not_recorded")
    if phone:
        phone = normalise_phone(phone).e164
    if not phone and not email:
        raise QueueError(_("Isi nomor HP atau alamat email untuk pemberitahuan."), code="contact")
    now = clock.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                pickup = Pickup.objects.create(kind=kind, reference=reference, booking=booking,
                                               holder_name=holder_name.strip(), nik_suffix=nik_suffix, phone=phone,
                                               email=email.strip(), ready_at=now, ready_by=actor)
        except IntegrityError:
            raise QueueError(_("Dokumen dengan nomor ini sudah tercatat siap diambil."), code="duplicate") from None
        channels = tuple(name for name, value in (("sms", phone), ("email", email)) if value)
        language = booking.language if booking else None
        with translation.override(language or translation.get_language()):
            document_name = str(pickup.get_kind_display())
        # An online application whose card is collected here (KIA) told its applicant already at its SOP
        # step 17; the notice is keyed on that application, so the same phone or e-mail is not told twice.
        from .intake import application_by_number

        application = application_by_number(reference)
        subject = application if application is not None and application.output_kind == kind else pickup
        _notify(event="ready_for_pickup", subject=subject, phone=phone or None, email=email or None,
                channels=channels, language=language,
                context={"tracking_number": reference, "document_name": document_name,
                         "location": pickup_location()})
        audit_record(actor=actor, action="pickup.ready", target=pickup, data={"kind": kind, "reference": reference},
                     request=request)
    return pickup


def pickup_hand_over(*, pickup: Pickup, actor, reference: str, nik_suffix: str, receiver_name: str,
                     receiver_relation: str, receiver_document: str, receiver_id_suffix: str,
                     identity_checked: bool, request=None) -> Pickup:
    """Hand the card over: the number the person gives must be the pick-up's, the last four NIK digits
    on the identity shown must be the holder's, and who received it is recorded. Repeated mismatches hold
    the pick-up for a Kasi."""
    _require_role(actor, COUNTER_ROLES)
    if not identity_checked:
        raise QueueError(_("Cocokkan dahulu identitas penerima dengan dokumen aslinya."), code="identity")
    if not receiver_name.strip():
        raise QueueError(_("Nama penerima wajib diisi."), code="receiver")
    limit = queueing_setting("pickup_failed_checks_limit")
    with transaction.atomic():
        locked = Pickup.objects.select_for_update().get(pk=pickup.pk)
        to_status = PICKUP_TRANSITIONS.get((locked.status, "hand_over"))
        if to_status is None:
            raise QueueError(_("Dokumen ini sudah diserahkan pada %(time)s.")
                             % {"time": timezone.localtime(locked.collected_at).strftime("%d-%m-%Y %H:%M")},
                             code="bad_state")
        if locked.failed_checks >= limit and actor.role not in SUPERVISOR_ROLES:
            raise QueueError(_("Penyerahan ditahan setelah %(n)s kali identitas tidak cocok. Hubungi Kasi.")
                             % {"n": locked.failed_checks}, code="held")
        matches = (reference.strip().upper() == locked.reference and nik_suffix.strip() == locked.nik_suffix)
        if matches:
            locked.status, locked.collected_at, locked.handed_over_by = to_status, clock.now(), actor
            locked.receiver_name, locked.receiver_relation = receiver_name.strip(), receiver_relation
            locked.receiver_document, locked.receiver_id_suffix = receiver_document, receiver_id_suffix.strip()[:4]
            locked.save(update_fields=["status", "collected_at", "handed_over_by", "receiver_name",
                                       "receiver_relation", "receiver_document", "receiver_id_suffix"])
            audit_record(actor=actor, action="pickup.hand_over", target=locked,
                         data={"kind": locked.kind, "reference": locked.reference, "relation": receiver_relation,
                               "document": receiver_document}, request=request)
            return locked
        # A mismatch is recorded (committed) before the refusal, so repeated guessing is counted.
        locked.failed_checks += 1
        locked.save(update_fields=["failed_checks"])
        audit_record(actor=actor, action="pickup.identity_mismatch", target=locked,
                     data={"reference": locked.reference, "failed_checks": locked.failed_checks}, request=request)
    raise QueueError(_("Nomor atau 4 digit terakhir NIK tidak cocok dengan dokumen yang siap diambil. Jangan "
                       "serahkan dokumen."), code="mismatch")


# ---------------------------------------------------------------------------------------------------------
# Housekeeping: reminders the day before and no-show expiry, every few minutes on the task worker.

HOUSEKEEPING_INTERVAL = datetime.timedelta(minutes=5)


def queueing_housekeeping(*, now=None) -> dict[str, int]:
    now = now or clock.now()
    return {"expired": bookings_expire_no_shows(now=now), "reminded": bookings_send_reminders(now=now)}


def queueing_housekeeping_scheduled() -> dict[str, int] | None:
    """The periodic run as a self-renewing task: whoever claims the lease runs it and schedules the next one
    in the same transaction; a second chain finds the lease not yet due and ends."""
    from django.tasks import task_backends

    from .models import HousekeepingLease

    now = clock.now()
    with transaction.atomic():
        HousekeepingLease.objects.get_or_create(pk=1, defaults={"next_run_at": now})
        if not HousekeepingLease.objects.filter(pk=1, next_run_at__lte=now).update(
                next_run_at=now + HOUSEKEEPING_INTERVAL):
            return None
        if task_backends["default"].supports_defer:
            from .tasks import housekeeping

            housekeeping.using(run_after=now + HOUSEKEEPING_INTERVAL).enqueue()
    return queueing_housekeeping(now=now)


def queueing_housekeeping_ensure_scheduled() -> bool:
    """Start the chain when it is not running (first start, or its task died with a killed worker)."""
    from django.tasks import task_backends

    from .models import HousekeepingLease

    if not task_backends["default"].supports_defer:
        return False  # the immediate (test) backend has no worker; tests call queueing_housekeeping()
    now = clock.now()
    with transaction.atomic():
        lease, created = HousekeepingLease.objects.get_or_create(pk=1, defaults={"next_run_at": now})
        if not created and not HousekeepingLease.objects.filter(
                pk=1, next_run_at__lte=now - 3 * HOUSEKEEPING_INTERVAL).update(next_run_at=now):
            return False
        from .tasks import housekeeping

        housekeeping.enqueue()
    return True


def queueing_personal_data_erase(user) -> dict:
    """Account closure: active bookings of the citizen's phone are cancelled (their places freed) and the
    phone is removed from every booking; pick-ups keep who received what and when (the hand-over record of
    an identity document) but lose the phone and e-mail used as contact."""
    phone = getattr(user, "phone", None) or ""
    email = (getattr(user, "email", "") or "").lower()
    cancelled = 0
    if phone:
        for booking in Booking.objects.filter(phone=phone, status=BookingStatus.BOOKED):
            booking_cancel(booking=booking)
            cancelled += 1
    anonymised = Booking.objects.filter(phone=phone).update(phone="") if phone else 0
    contacts = 0
    if phone:
        contacts += Pickup.objects.filter(phone=phone).update(phone="")
    if email:
        contacts += Pickup.objects.filter(email__iexact=email).update(email="")
    return {"bookings_cancelled": cancelled, "bookings_anonymised": anonymised, "pickup_contacts_removed": contacts}
