import pytest
from django.db import connection, transaction

from capil.accounts.models import Role, User
from capil.audit.models import AuditEvent
from capil.audit.services import audit_chain_verify, audit_record

pytestmark = pytest.mark.django_db


def make_staff():
    return User.objects.create_user("op@example.go.id", "x-secret-123", full_name="Op", role=Role.OPERATOR)


def test_events_are_chained_and_verify():
    staff = make_staff()
    first = audit_record(actor=staff, action="staff.create", target=staff, data={"role": "OPERATOR"})
    second = audit_record(actor=None, action="system.tick")
    assert second.previous_hash == first.hash
    assert first.actor_role == "OPERATOR"
    assert audit_chain_verify() is None


def test_editing_a_row_in_the_database_breaks_the_chain_from_that_row():
    staff = make_staff()
    for n in range(4):
        audit_record(actor=staff, action="application.view", target_type="app", target_id=n)
    victim = AuditEvent.objects.get(sequence=2)
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {AuditEvent._meta.db_table} SET action = %s WHERE id = %s", ["x", victim.pk])
    assert audit_chain_verify() == 2


def test_deleting_a_row_breaks_the_chain():
    for n in range(3):
        audit_record(actor=None, action="tick", target_id=n)
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE sequence = 2")
    assert audit_chain_verify() == 3


def test_the_model_refuses_update_and_delete():
    event = audit_record(actor=None, action="tick")
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_an_audit_row_rolls_back_with_the_action_it_records():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_record(actor=None, action="doomed")
        1 / 0  # noqa: B018
    assert not AuditEvent.objects.filter(action="doomed").exists()
    assert audit_chain_verify() is None


def test_removing_the_actor_keeps_the_chain_valid():
    staff = make_staff()
    audit_record(actor=staff, action="x")
    staff.delete()
    assert audit_chain_verify() is None
