"""Reads of the queueing context: the waiting-room display, the counter screen, slot availability, and
day statistics."""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from . import clock
from .conf import queueing_setting
from .models import (
    Booking,
    BookingSlot,
    BookingStatus,
    CallOutcome,
    Counter,
    Pickup,
    PickupStatus,
    ServiceGroup,
    Ticket,
    TicketCall,
    TicketStatus,
)
from .officehours import slot_times
from .services import QueueError, booking_slot_validate


def display_state(*, now=None, recent: int = 8) -> dict:
    """What the waiting-room screen shows: the ticket each counter is calling, the last calls, and how
    many wait per group. No personal data: numbers and counters only."""
    now = now or clock.now()
    today = timezone.localdate(now)
    counters = list(Counter.objects.filter(is_active=True).order_by("number"))
    open_calls = {
        call.counter_id: call
        for call in TicketCall.objects.filter(ticket__day=today, ended_at__isnull=True).select_related("ticket__group")
    }
    current = []
    for counter in counters:
        call = open_calls.get(counter.pk)
        current.append({
            "counter": counter.name,
            "counter_number": counter.number,
            "ticket": call.ticket.code if call else None,
            "announce": f"{call.pk}.{call.announce_count}" if call else None,
            "announced_at": timezone.localtime(call.announced_at).strftime("%H:%M:%S") if call else None,
        })
    calls = (TicketCall.objects.filter(ticket__day=today).select_related("ticket__group", "counter")
             .order_by("-announced_at", "-id")[:recent])
    waiting = dict(Ticket.objects.filter(day=today, status=TicketStatus.WAITING).values_list("group_id")
                   .annotate(n=Count("id")).values_list("group_id", "n"))
    groups = [{"code": g.code, "name": g.name, "waiting": waiting.get(g.pk, 0)}
              for g in ServiceGroup.objects.filter(is_active=True)]
    local = timezone.localtime(now)
    return {
        "day": today.isoformat(),
        "time": local.strftime("%H:%M"),
        "current": current,
        "recent": [{"ticket": c.ticket.code, "counter": c.counter.name,
                    "announce": f"{c.pk}.{c.announce_count}",
                    "at": timezone.localtime(c.announced_at).strftime("%H:%M")} for c in calls],
        "groups": groups,
    }


@dataclass
class CounterPanel:
    counter: Counter
    current: TicketCall | None
    waiting_total: int
    next_codes: list[str]
    transferred_in: int
    other_counters: list[Counter]
    served_today: int


def counter_panel(counter: Counter, *, now=None) -> CounterPanel:
    now = now or clock.now()
    today = timezone.localdate(now)
    current = (TicketCall.objects.select_related("ticket__group", "ticket__booking__slot")
               .filter(counter=counter, ended_at__isnull=True).order_by("-called_at").first())
    group_ids = list(counter.groups.filter(is_active=True).values_list("id", flat=True))
    waiting = (Ticket.objects.filter(day=today, status=TicketStatus.WAITING)
               .filter(Q(counter=counter) | Q(counter__isnull=True, group_id__in=group_ids))
               .select_related("group").order_by("queued_at", "id"))
    upcoming = list(waiting[:5])
    return CounterPanel(
        counter=counter,
        current=current,
        waiting_total=waiting.count(),
        next_codes=[t.code for t in upcoming],
        transferred_in=waiting.filter(counter=counter).count(),
        other_counters=list(Counter.objects.filter(is_active=True).exclude(pk=counter.pk)),
        served_today=TicketCall.objects.filter(counter=counter, ticket__day=today, outcome=CallOutcome.SERVED).count(),
    )


def counters_active() -> list[Counter]:
    return list(Counter.objects.filter(is_active=True).prefetch_related("groups"))


@dataclass
class SlotView:
    start: datetime.time
    end: datetime.time
    capacity: int
    booked: int
    bookable: bool

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.booked)

    @property
    def value(self) -> str:
        return self.start.strftime("%H:%M")


def slot_availability(day: datetime.date, *, now=None) -> list[SlotView]:
    """Every recording slot of `day`, with the places left and whether it can still be booked."""
    now = now or clock.now()
    rows = {s.start: s for s in BookingSlot.objects.filter(date=day)}
    views = []
    for start, end in slot_times(day, queueing_setting("slot_minutes")):
        row = rows.get(start)
        capacity = row.capacity if row else queueing_setting("slot_capacity")
        booked = row.booked if row else 0
        try:
            booking_slot_validate(day=day, start=start, now=now)
            open_for_booking = True
        except QueueError:
            open_for_booking = False
        views.append(SlotView(start=start, end=end, capacity=capacity, booked=booked,
                              bookable=open_for_booking and booked < capacity))
    return views


def booking_days(*, now=None) -> list[tuple[datetime.date, int]]:
    """Office days that can be booked, from today to the horizon, with the places left on each."""
    now = now or clock.now()
    today = timezone.localdate(now)
    days = []
    for offset in range(queueing_setting("days_ahead") + 1):
        day = today + datetime.timedelta(days=offset)
        slots = slot_availability(day, now=now)
        if slots:
            left = sum(s.remaining for s in slots if s.bookable)
            if offset or left:
                days.append((day, left))
    return days


def bookings_of_day(day: datetime.date) -> list[Booking]:
    return list(Booking.objects.filter(date=day).select_related("slot").order_by("slot__start", "number"))


def pickups_waiting() -> list[Pickup]:
    return list(Pickup.objects.filter(status=PickupStatus.READY).order_by("ready_at"))


def pickups_collected_recently(limit: int = 20) -> list[Pickup]:
    return list(Pickup.objects.filter(status=PickupStatus.COLLECTED).select_related("handed_over_by")
                .order_by("-collected_at")[:limit])


def _minutes(deltas: list[datetime.timedelta]) -> dict:
    values = [d.total_seconds() / 60 for d in deltas]
    if not values:
        return {"count": 0, "median": None, "mean": None, "max": None}
    return {"count": len(values), "median": round(statistics.median(values), 1),
            "mean": round(statistics.fmean(values), 1), "max": round(max(values), 1)}


def day_statistics(day: datetime.date) -> dict:
    """Waiting time per group (ticket taken → first call) and service time per counter (call → served,
    no-show or transfer), in minutes; the booking outcomes of the day."""
    tickets = list(Ticket.objects.filter(day=day).select_related("group"))
    groups = []
    for group in ServiceGroup.objects.all():
        mine = [t for t in tickets if t.group_id == group.pk]
        if not mine and not group.is_active:
            continue
        waits = [t.first_called_at - t.issued_at for t in mine if t.first_called_at]
        groups.append({
            "group": group,
            "issued": len(mine),
            "served": sum(1 for t in mine if t.status == TicketStatus.SERVED),
            "no_show": sum(1 for t in mine if t.status == TicketStatus.NO_SHOW),
            "waiting": sum(1 for t in mine if t.status == TicketStatus.WAITING),
            "wait": _minutes(waits),
        })
    calls = list(TicketCall.objects.filter(ticket__day=day).select_related("counter"))
    counters = []
    for counter in Counter.objects.all():
        mine = [c for c in calls if c.counter_id == counter.pk]
        if not mine and not counter.is_active:
            continue
        finished = [c for c in mine if c.ended_at and c.outcome in (CallOutcome.SERVED, CallOutcome.TRANSFERRED)]
        counters.append({
            "counter": counter,
            "calls": len(mine),
            "served": sum(1 for c in mine if c.outcome == CallOutcome.SERVED),
            "no_show": sum(1 for c in mine if c.outcome == CallOutcome.NO_SHOW),
            "transferred": sum(1 for c in mine if c.outcome == CallOutcome.TRANSFERRED),
            "service": _minutes([c.ended_at - c.called_at for c in finished]),
        })
    booking_counts = dict(Booking.objects.filter(date=day).values_list("status").annotate(n=Count("id"))
                          .values_list("status", "n"))
    bookings = [{"status": status, "label": label, "count": booking_counts.get(status, 0)}
                for status, label in BookingStatus.choices]
    return {"day": day, "groups": groups, "counters": counters, "bookings": bookings}
