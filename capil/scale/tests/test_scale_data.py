"""scale_data: realistic volume that reads as the office's own work — every row consistent with what the
transition function and the services would have written. Small sizes here (SQLite or PostgreSQL); the big
ones are for bench/."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from capil.accounts.models import Role, User
from capil.applications import selectors
from capil.applications.models import Application, ApplicationEvent, RequirementUpload, State
from capil.applications.workflow import STATES, TRANSITIONS
from capil.catalog.tests.factories import catalog_imported
from capil.notifications.models import Notification
from capil.queueing.models import Booking, BookingSlot
from capil.scale.generate import SCALE_DOMAIN, SQLITE_LIMIT


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "private"}}}
    return tmp_path / "private"


@pytest.fixture
def filled(db, private_storage):
    catalog_imported()
    out = StringIO()
    call_command("scale_data", applications=150, days=60, stdout=out)
    return out.getvalue()


def test_fills_a_consistent_office(filled):
    """One fill (the command is the slow part), read from every side."""
    _applications_over_services_and_states(filled)
    _every_history_is_a_chain_of_declared_transitions()
    _uploads_keep_every_version_and_one_current_per_slot()
    _staff_citizens_notifications_and_bookings()
    _the_application_code_reads_it()
    _the_archive_finds_archived_applications_by_nik()


def _applications_over_services_and_states(output):
    assert Application.objects.count() == 150
    states = Counter(Application.objects.values_list("state", flat=True))
    # Most of two months' applications are finished; some wait in the queues; a few drafts.
    assert states[State.ARCHIVED] > 75
    assert states[State.DRAFT] > 0
    assert sum(states[s] for s in (State.VERIFICATION, State.DATA_ENTRY, State.KASI_VERIFICATION,
                                   State.CERTIFICATION_REQUEST, State.CERTIFICATION, State.TTE_VALIDATION,
                                   State.SIGNING, State.ARCHIVING, State.RETURNED)) > 0
    services = Application.objects.values("service_version").distinct().count()
    assert services >= 8
    assert "Done in" in output and "archived" in output


def _every_history_is_a_chain_of_declared_transitions():
    by_app: dict[int, list[ApplicationEvent]] = {}
    for event in ApplicationEvent.objects.order_by("created_at", "id"):
        by_app.setdefault(event.application_id, []).append(event)
    for app in Application.objects.all():
        events = by_app.get(app.pk, [])
        state = State.DRAFT
        for event in events:
            transition = TRANSITIONS[event.action]
            assert event.from_state == state and state in transition.sources
            assert event.to_state == transition.target and event.sop_step == transition.step
            state = event.to_state
        assert state == app.state, app.tracking_number
        if events:
            assert app.state_entered_at == events[-1].created_at
        assert app.sop_step == (STATES[app.state].steps[0] if STATES[app.state].steps else 18)


def _uploads_keep_every_version_and_one_current_per_slot():
    returned_once = ApplicationEvent.objects.filter(action="requirements_not_met").values("application")
    replaced = RequirementUpload.objects.filter(application__in=returned_once, version=2)
    assert replaced.exists()
    for upload in replaced:
        first = RequirementUpload.objects.get(application=upload.application_id, slot=upload.slot, version=1)
        assert first.status == "rejected" and first.superseded_at is not None
    current = Counter(RequirementUpload.objects.filter(superseded_at__isnull=True)
                      .values_list("application", "slot"))
    assert set(current.values()) == {1}


def _staff_citizens_notifications_and_bookings():
    assert User.objects.filter(role=Role.CITIZEN, email__endswith=SCALE_DOMAIN).count() == 75
    assert User.objects.filter(role=Role.OPERATOR, email__endswith=SCALE_DOMAIN).exists()
    submitted = Application.objects.filter(submitted_at__isnull=False).count()
    assert Notification.objects.filter(event="application_received", channel="sms").count() == submitted
    assert Booking.objects.exists() and BookingSlot.objects.exists()


def _the_application_code_reads_it():
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    busiest = (Application.objects.values_list("applicant").annotate(n=Count("id")).order_by("-n")[0][0])
    user = User.objects.get(pk=busiest)
    with CaptureQueriesContext(connection) as queries:
        services = [a.service_version.service.slug for a in selectors.applications_of(user=user)]
    assert len(services) > 1 and len(queries) == 1  # the citizen's list: one query, whatever its length

    queue = selectors.work_queue(role=Role.OPERATOR)
    assert all(a.state in (State.VERIFICATION, State.DATA_ENTRY) for a in queue)
    app = Application.objects.filter(state=State.ARCHIVED).first()
    timeline = selectors.application_timeline(application=app)
    assert any(step.status == "done" for step in timeline)


def _the_archive_finds_archived_applications_by_nik():
    from capil.archive.models import ArchiveRecord
    from capil.archive.selectors import archive_search

    archived = Application.objects.filter(state=State.ARCHIVED)
    assert ArchiveRecord.objects.count() == archived.count()
    app = archived.select_related("applicant").first()
    assert app.archive_record in archive_search(person_number=app.applicant.nik)
    assert app.archive_record in archive_search(number=app.tracking_number)


def test_a_second_run_adds_with_new_tracking_numbers(filled):
    call_command("scale_data", applications=20, days=30, stdout=StringIO())
    assert Application.objects.count() == 170
    numbers = list(Application.objects.values_list("tracking_number", flat=True))
    assert len(set(numbers)) == 170


@pytest.mark.django_db
def test_large_sizes_need_postgresql():
    if connection.vendor == "postgresql":
        pytest.skip("the refusal is for SQLite; PostgreSQL takes any size")
    with pytest.raises(CommandError, match="PostgreSQL is needed"):
        call_command("scale_data", applications=SQLITE_LIMIT + 1, stdout=StringIO())
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_refuses_nonsense_sizes():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("scale_data", applications=0, stdout=StringIO())


def test_sla_figures_from_daily_sums_equal_the_exact_ones_on_generated_data(filled):
    """The generator writes events into the past and forgets the SLA sums; the page's figures (daily sums and
    today live) then equal those read from every event, the median within 0.5 %."""
    from django.utils import timezone

    from capil.applications.sla import sla_month, sla_month_exact

    today = timezone.localdate()
    for year, month in ((today.year, today.month), ((today.year, today.month - 1) if today.month > 1
                                                    else (today.year - 1, 12))):
        summed, exact = sla_month(year=year, month=month), sla_month_exact(year=year, month=month)
        if month == today.month:
            assert summed
        assert [(r.service_slug, r.sop_step, r.count, r.late) for r in summed] == \
               [(r.service_slug, r.sop_step, r.count, r.late) for r in exact]
        for a, b in zip(summed, exact, strict=True):
            assert a.median_minutes == pytest.approx(b.median_minutes, rel=0.006, abs=0.1)
            assert a.within_share == pytest.approx(b.within_share)
