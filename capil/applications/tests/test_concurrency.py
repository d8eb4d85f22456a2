"""Two members of staff acting on the same application at the same moment, on PostgreSQL with real
connections: one wins, the other is told; tracking numbers drawn at once never repeat."""

import threading

import pytest
from django.db import connection

from capil.accounts.models import Role

from ..models import Application, ApplicationEvent, State
from ..workflow import TransitionConflict, application_transition
from . import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(functions):
    barrier = threading.Barrier(len(functions))
    outcomes = [None] * len(functions)

    def runner(i, fn):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = ("ok", fn())
        except Exception as exc:  # the outcome is what the test inspects
            outcomes[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_two_kasi_at_once_one_wins_the_other_is_told(team):
    factories.catalog_load()
    application = factories.advance(factories.submitted(), to=State.KASI_VERIFICATION, staff_by_role=team)
    other_kasi = factories.staff(Role.KASI, full_name="Kasi Kedua")
    outcomes = _race([
        lambda: application_transition(application=application.pk, action="verify", actor=team[Role.KASI],
                                       expected_state=State.KASI_VERIFICATION),
        lambda: application_transition(application=application.pk, action="send_back", actor=other_kasi,
                                       reason="Nama salah", expected_state=State.KASI_VERIFICATION),
    ])
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, TransitionConflict) and "sudah diproses" in error.message
    moved = ApplicationEvent.objects.filter(application_id=application.pk, from_state=State.KASI_VERIFICATION)
    assert moved.count() == 1


def test_tracking_numbers_drawn_at_once_are_unique():
    factories.catalog_load()
    applicants = [factories.citizen() for _ in range(8)]
    outcomes = _race([lambda a=a: factories.draft(applicant=a).tracking_number for a in applicants])
    numbers = [value for kind, value in outcomes if kind == "ok"]
    assert len(numbers) == 8 and len(set(numbers)) == 8
    assert Application.objects.count() == 8


def test_editing_one_application_does_not_lock_its_service_for_everyone_else():
    """An application's row lock must not lock the service version it points at: under load (issue 8) every
    applicant of a service waited on one catalog row, and the deferred foreign-key checks of new drafts
    deadlocked against it (HTTP 500 for "open draft" in the load test)."""
    from django.db import transaction

    from ..services import _lock_editable, application_answers_save, application_create

    factories.catalog_load()
    first, second = factories.citizen(), factories.citizen()
    mine = factories.draft(applicant=first)
    version = mine.service_version
    holding, release = threading.Event(), threading.Event()

    def hold_lock():
        with transaction.atomic():
            _lock_editable(mine, first)
            holding.set()
            release.wait(timeout=30)
        return "held"

    def others_carry_on():
        holding.wait(timeout=10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")  # waiting on the held lock would fail here
        other = application_create(applicant=second, service_version=version)
        application_answers_save(application=other, actor=second, answers=other.answers)
        release.set()
        return other.pk

    outcomes = _race([hold_lock, others_carry_on])
    release.set()
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
