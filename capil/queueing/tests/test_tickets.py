"""Queue tickets at the counters: numbering, calling, recall, no-show, served, transfer, the display page
and day statistics."""

import datetime

import pytest
from django.urls import reverse

from capil.audit.selectors import audit_events_for
from capil.queueing import selectors, services
from capil.queueing.models import Ticket, TicketCall, TicketStatus

from .conftest import wita
from .factories import counter, group, operator, staff_client, ticket

pytestmark = pytest.mark.django_db


def test_tickets_are_numbered_per_group_and_day(office_day, move_clock):
    move_clock(wita(office_day, "08:01"))
    codes = [ticket("A").code, ticket("A").code, ticket("B").code, ticket("A").code]
    assert codes == ["A-001", "A-002", "B-001", "A-003"]
    move_clock(wita(office_day + datetime.timedelta(days=1), "08:01"))
    assert ticket("A").code == "A-001"


def test_call_next_takes_the_oldest_ticket_of_the_counters_groups(office_day, move_clock):
    move_clock(wita(office_day, "08:01"))
    staff = operator()
    first_a, _b, second_a = ticket("A"), ticket("B"), ticket("A")
    called = services.ticket_call_next(counter=counter(1), actor=staff)
    assert called.pk == first_a.pk and called.status == TicketStatus.CALLED
    # Loket 3 serves only B (KTP-el recording).
    assert services.ticket_call_next(counter=counter(3), actor=staff).code == "B-001"
    with pytest.raises(services.QueueError) as refused:
        services.ticket_call_next(counter=counter(1), actor=staff)
    assert "A-001" in refused.value.message
    services.ticket_mark_served(counter=counter(1), ticket_id=first_a.pk, actor=staff)
    assert services.ticket_call_next(counter=counter(1), actor=staff).pk == second_a.pk
    services.ticket_mark_no_show(counter=counter(1), ticket_id=second_a.pk, actor=staff)
    assert services.ticket_call_next(counter=counter(1), actor=staff) is None
    assert Ticket.objects.get(pk=second_a.pk).status == TicketStatus.NO_SHOW


def test_recall_announces_again_and_the_display_sees_a_new_announcement(office_day, move_clock):
    move_clock(wita(office_day, "08:01"))
    staff = operator()
    t = ticket("A")
    services.ticket_call_next(counter=counter(1), actor=staff)
    before = selectors.display_state()
    services.ticket_recall(counter=counter(1), ticket_id=t.pk, actor=staff)
    after = selectors.display_state()
    assert before["recent"][0]["ticket"] == after["recent"][0]["ticket"] == "A-001"
    assert before["recent"][0]["announce"] != after["recent"][0]["announce"]
    loket_1 = next(row for row in after["current"] if row["counter_number"] == 1)
    assert loket_1["ticket"] == "A-001" and loket_1["counter"] == "Loket 1"


def test_transfer_puts_the_ticket_first_in_line_at_the_other_counter(office_day, move_clock):
    move_clock(wita(office_day, "08:01"))
    staff = operator()
    t1, t2 = ticket("A"), ticket("A")
    services.ticket_call_next(counter=counter(1), actor=staff)
    services.ticket_transfer(counter=counter(1), ticket_id=t1.pk, to_counter=counter(2), actor=staff)
    # Loket 1 can no longer act on it; it is waiting for Loket 2, ahead of A-002.
    with pytest.raises(services.QueueError):
        services.ticket_mark_served(counter=counter(1), ticket_id=t1.pk, actor=staff)
    assert services.ticket_call_next(counter=counter(1), actor=staff).pk == t2.pk
    again = services.ticket_call_next(counter=counter(2), actor=staff)
    assert again.pk == t1.pk and again.transferred
    outcomes = list(TicketCall.objects.filter(ticket=t1).order_by("called_at", "id").values_list("counter__number",
                                                                                                "outcome"))
    assert outcomes == [(1, "TRANSFERRED"), (2, "")]


def test_transfer_to_the_same_counter_is_refused(office_day, move_clock):
    move_clock(wita(office_day, "08:01"))
    staff = operator()
    t = ticket("A")
    services.ticket_call_next(counter=counter(1), actor=staff)
    with pytest.raises(services.QueueError):
        services.ticket_transfer(counter=counter(1), ticket_id=t.pk, to_counter=counter(1), actor=staff)


def test_a_served_ticket_cannot_be_served_or_recalled_again(office_day, move_clock):
    move_clock(wita(office_day, "08:01"))
    staff = operator()
    t = ticket("A")
    services.ticket_call_next(counter=counter(1), actor=staff)
    services.ticket_mark_served(counter=counter(1), ticket_id=t.pk, actor=staff)
    for action in (services.ticket_mark_served, services.ticket_recall, services.ticket_mark_no_show):
        with pytest.raises(services.QueueError):
            action(counter=counter(1), ticket_id=t.pk, actor=staff)


def test_staff_actions_are_audited_without_personal_data(office_day, move_clock):
    move_clock(wita(office_day, "08:01"))
    staff = operator()
    t = ticket("A", actor=staff)
    services.ticket_call_next(counter=counter(1), actor=staff)
    services.ticket_recall(counter=counter(1), ticket_id=t.pk, actor=staff)
    services.ticket_mark_served(counter=counter(1), ticket_id=t.pk, actor=staff)
    actions = [e.action for e in audit_events_for(target_type="queueing.ticket", target_id=str(t.pk))]
    assert actions == ["queue.ticket_issue", "queue.ticket_call", "queue.ticket_recall", "queue.ticket_serve"]


def test_a_citizen_role_cannot_call_tickets(office_day, move_clock, world):
    move_clock(wita(office_day, "08:01"))
    ticket("A")
    with pytest.raises(services.QueueError):
        services.ticket_call_next(counter=counter(1), actor=world.citizen)


def test_day_statistics_give_waiting_and_service_minutes(office_day, move_clock):
    staff = operator()
    move_clock(wita(office_day, "08:00"))
    t1, t2 = ticket("A"), ticket("A")
    move_clock(wita(office_day, "08:10"))
    services.ticket_call_next(counter=counter(1), actor=staff)
    move_clock(wita(office_day, "08:16"))
    services.ticket_mark_served(counter=counter(1), ticket_id=t1.pk, actor=staff)
    move_clock(wita(office_day, "08:20"))
    services.ticket_call_next(counter=counter(2), actor=staff)
    move_clock(wita(office_day, "08:24"))
    services.ticket_mark_no_show(counter=counter(2), ticket_id=t2.pk, actor=staff)
    stats = selectors.day_statistics(office_day)
    group_a = next(g for g in stats["groups"] if g["group"].code == "A")
    assert (group_a["issued"], group_a["served"], group_a["no_show"]) == (2, 1, 1)
    assert group_a["wait"] == {"count": 2, "median": 15.0, "mean": 15.0, "max": 20.0}
    loket_1 = next(c for c in stats["counters"] if c["counter"].number == 1)
    assert loket_1["service"]["median"] == 6.0 and loket_1["served"] == 1
    loket_2 = next(c for c in stats["counters"] if c["counter"].number == 2)
    assert loket_2["no_show"] == 1 and loket_2["service"]["count"] == 0


def test_counter_screen_calls_the_next_ticket_over_http(client, office_day, move_clock):
    move_clock(wita(office_day, "08:01"))
    staff = operator()
    ticket("A")
    staff_client(client, staff)
    response = client.post(reverse("queueing:counter_action", kwargs={"pk": counter(1).pk, "action": "call"}),
                           follow=True)
    assert response.status_code == 200
    assert "A-001" in response.content.decode()
    assert 'data-testid="current-ticket">A-001<' in response.content.decode()
    # Calling again while A-001 is at the counter is answered, not a server error.
    response = client.post(reverse("queueing:counter_action", kwargs={"pk": counter(1).pk, "action": "call"}),
                           follow=True)
    assert "masih memanggil A-001" in response.content.decode()


def test_counter_screen_refuses_unknown_actions_and_foreign_tickets(client, office_day, move_clock):
    move_clock(wita(office_day, "08:01"))
    staff = operator()
    t = ticket("A")
    staff_client(client, staff)
    url = reverse("queueing:counter_action", kwargs={"pk": counter(1).pk, "action": "serve"})
    response = client.post(url, {"ticket": t.pk}, follow=True)
    assert "berstatus Menunggu; tindakan ini tidak dapat dilakukan" in response.content.decode()
    services.ticket_call_next(counter=counter(2), actor=staff)
    response = client.post(url, {"ticket": t.pk}, follow=True)
    assert "tidak sedang dipanggil di loket ini" in response.content.decode()
    response = client.post(url, {"ticket": "999999"}, follow=True)
    assert response.status_code == 200 and "Tiket tidak dikenal" in response.content.decode()
    response = client.post(reverse("queueing:counter_action", kwargs={"pk": counter(1).pk, "action": "explode"}),
                           follow=True)
    assert "Tindakan tidak dikenal" in response.content.decode()


def test_ticket_desk_issues_and_prints_a_ticket(client, office_day, move_clock):
    move_clock(wita(office_day, "08:01"))
    staff_client(client, operator())
    response = client.post(reverse("queueing:ticket_take"), {"group": group("C").pk}, follow=True)
    assert response.status_code == 200
    assert 'data-testid="ticket-number">C-001<' in response.content.decode()


def test_display_data_is_small_json_without_personal_data(client, office_day, move_clock):
    move_clock(wita(office_day, "08:01"))
    staff = operator()
    ticket("A")
    services.ticket_call_next(counter=counter(2), actor=staff)
    response = client.get(reverse("queueing:display_data"))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    data = response.json()
    assert data["recent"][0] == {"ticket": "A-001", "counter": "Loket 2", "announce": data["recent"][0]["announce"],
                                 "at": "08:01"}
    assert set(data) == {"day", "time", "current", "recent", "groups"}
    assert staff.full_name not in response.content.decode()
    page = client.get(reverse("queueing:display"))
    assert page.status_code == 200 and "A-001" in page.content.decode()
