"""Races on PostgreSQL, with real concurrent transactions: threads, each with its own connection."""

import datetime
import threading
from collections import Counter as Tally

import pytest
from django.db import connections

from capil.queueing import services
from capil.queueing.models import Booking, BookingSlot, BookingStatus, Ticket, TicketCall

from .conftest import wita
from .factories import counter, group, new_phone, operator

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(n: int, work) -> list:
    """Run work(i) in n threads released together; return each result or the exception it raised."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # the outcome of each racer is what the test inspects
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_racing_for_the_last_places_of_a_slot_gives_exactly_the_capacity(settings, office_day, move_clock):
    settings.CAPIL_QUEUEING = {**settings.CAPIL_QUEUEING, "slot_capacity": 12}
    move_clock(wita(office_day, "07:00"))
    for _n in range(9):  # 3 places left
        services.booking_create(phone=new_phone(), day=office_day, start=datetime.time(9), statement_accepted=True)
    phones = [new_phone() for _n in range(24)]
    results = _race(24, lambda i: services.booking_create(phone=phones[i], day=office_day, start=datetime.time(9),
                                                          statement_accepted=True))
    won = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, services.QueueError)]
    assert len(won) == 3 and len(refused) == 21, results
    assert {r.code for r in refused} == {"full"}
    slot = BookingSlot.objects.get(date=office_day, start=datetime.time(9))
    assert slot.booked == 12 == Booking.objects.filter(slot=slot, status=BookingStatus.BOOKED).count()
    numbers = list(Booking.objects.filter(date=office_day).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 12


def test_racing_for_a_fresh_slot_creates_it_once_and_fills_it_exactly(settings, office_day, move_clock):
    settings.CAPIL_QUEUEING = {**settings.CAPIL_QUEUEING, "slot_capacity": 5}
    move_clock(wita(office_day, "07:00"))
    phones = [new_phone() for _n in range(16)]
    results = _race(16, lambda i: services.booking_create(phone=phones[i], day=office_day,
                                                          start=datetime.time(13), statement_accepted=True))
    assert sum(isinstance(r, Booking) for r in results) == 5, results
    assert BookingSlot.objects.filter(date=office_day, start=datetime.time(13)).get().booked == 5


def test_one_phone_racing_itself_gets_one_booking(office_day, move_clock):
    move_clock(wita(office_day, "07:00"))
    phone = new_phone()
    starts = [datetime.time(h) for h in (8, 9, 10, 11, 12, 13)]
    results = _race(6, lambda i: services.booking_create(phone=phone, day=office_day, start=starts[i],
                                                         statement_accepted=True))
    assert sum(isinstance(r, Booking) for r in results) == 1, results
    assert {r.code for r in results if isinstance(r, services.QueueError)} == {"active_exists"}
    # The refused ones gave their places back (their transaction rolled back as a whole).
    assert sum(BookingSlot.objects.values_list("booked", flat=True)) == 1


def test_two_counters_calling_next_at_once_never_get_the_same_ticket(office_day, move_clock):
    move_clock(wita(office_day, "08:00"))
    staff = [operator() for _n in range(2)]
    issued = [services.ticket_issue(group=group("A"), actor=staff[0]) for _n in range(30)]
    counters = [counter(1), counter(2)]

    def work_until_empty(i: int) -> list[int]:
        mine = []
        while True:
            ticket = services.ticket_call_next(counter=counters[i], actor=staff[i])
            if ticket is None:
                return mine
            mine.append(ticket.pk)
            services.ticket_mark_served(counter=counters[i], ticket_id=ticket.pk, actor=staff[i])

    results = _race(2, work_until_empty)
    assert all(isinstance(r, list) for r in results), results
    called = results[0] + results[1]
    assert sorted(called) == sorted(t.pk for t in issued)  # every ticket once, none twice
    assert set(results[0]).isdisjoint(results[1])
    assert Tally(TicketCall.objects.values_list("ticket_id", flat=True)).most_common(1)[0][1] == 1
    assert not Ticket.objects.filter(status="WAITING").exists()


def test_many_counters_calling_at_the_same_instant_each_get_a_different_ticket(office_day, move_clock):
    move_clock(wita(office_day, "08:00"))
    staff = operator()
    for _n in range(3):
        services.ticket_issue(group=group("A"), actor=staff)
    # Loket 1 and 2 serve A; run the same moment many times over fresh tickets.
    results = _race(2, lambda i: services.ticket_call_next(counter=counter(1 + i), actor=staff))
    assert all(isinstance(r, Ticket) for r in results), results
    assert results[0].pk != results[1].pk


def test_ticket_numbers_stay_unique_when_issued_at_once(office_day, move_clock):
    move_clock(wita(office_day, "08:00"))
    staff = operator()
    results = _race(20, lambda i: services.ticket_issue(group=group("A"), actor=staff).number)
    assert sorted(results) == list(range(1, 21)), results
