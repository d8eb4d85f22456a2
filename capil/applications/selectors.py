"""Reads on applications: object access (`access_*`), work queues, the timeline, SLA figures."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from capil.accounts.models import Role
from capil.core.pagination import KeysetPage, Position, cursor_decode, cursor_encode, keyset_page, seek

from . import sla as _sla
from . import sop
from .models import Application, ApplicationEvent, RequirementUpload, State
from .sla import SlaRow
from .workflow import STATES, TERMINAL, state_holder

BACK_OFFICE_ROLES = frozenset({Role.OPERATOR, Role.KASI, Role.KADIS, Role.ARSIPARIS})
# States a role works on. The SOP skeleton gives every online service the same holders (the catalog overlay
# assigns 8–10 OPERATOR, 11–13 KASI, 14–15 KADIS, 18 ARSIPARIS), so a queue is a plain indexed filter.
QUEUE_STATES: dict[str, tuple[str, ...]] = {
    Role.OPERATOR: (State.VERIFICATION, State.DATA_ENTRY),
    Role.KASI: (State.KASI_VERIFICATION, State.CERTIFICATION_REQUEST, State.CERTIFICATION),
    Role.KADIS: (State.TTE_VALIDATION, State.SIGNING),
    Role.ARSIPARIS: (State.ARCHIVING,),
}
QUEUE_PAGE_SIZE = 20


# ------------------------------------------------------------------------------------------- access

def access_application_by_id(user, pk: int) -> Application:
    """The applicant's own application, for the citizen pages. Anyone else's is 'not found' (404), so the
    existence of other people's numbers is not revealed."""
    if not user.is_authenticated:
        raise PermissionDenied
    if user.role != Role.CITIZEN:
        raise PermissionDenied
    try:
        return Application.objects.select_related("service_version").get(pk=pk, applicant=user)
    except (Application.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def access_backoffice_application_by_id(user, pk: int) -> Application:
    """An application as the back office sees it: staff of the SOP roles, once it has been submitted
    (a draft is the applicant's own business). The caller audits the view."""
    if not user.is_authenticated:
        raise PermissionDenied
    if not user.is_active:
        raise PermissionDenied
    if user.role not in BACK_OFFICE_ROLES:
        raise PermissionDenied
    try:
        application = Application.objects.select_related("service_version", "applicant", "claimed_by").get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if application.state == State.DRAFT or application.submitted_at is None:
        raise Http404
    return application


def access_upload_by_id(user, application: Application, upload_pk: int) -> RequirementUpload:
    """An uploaded file of an application the caller already has access to."""
    try:
        return application.uploads.get(pk=upload_pk)
    except (RequirementUpload.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# ------------------------------------------------------------------------------------------- reads

def applications_of(*, user) -> QuerySet[Application]:
    # The list shows each application's service (version → service): joined here, not one query per row
    # (perf, issue 8: 110 queries for a citizen with 107 applications).
    return (Application.objects.filter(applicant=user).select_related("service_version__service")
            .order_by("-created_at"))


MINE_PAGE_SIZE = 20


def applications_page_of(*, user, after: str = "", before: str = ""):
    """One page (newest first, keyset) of the citizen's own applications for "Permohonan saya": only the columns
    the list shows — not the answers nor the service version's form and SOP text, which made a list of a few
    hundred applications cost 60–100 ms to decode (issue 8). See capil/core/pagination.py."""
    from capil.core.pagination import keyset_page

    rows = (Application.objects.filter(applicant=user).select_related("service_version")
            .only("id", "tracking_number", "state", "created_at", "service_version__id", "service_version__name"))
    return keyset_page(rows, key="created_at", descending=True, size=MINE_PAGE_SIZE, after=after, before=before)


def application_current_uploads(*, application: Application) -> dict[str, RequirementUpload]:
    return {u.slot: u for u in application.uploads.filter(superseded_at__isnull=True)}


def application_upload_history(*, application: Application) -> QuerySet[RequirementUpload]:
    return application.uploads.select_related("uploaded_by", "reviewed_by").order_by("slot", "-version")


def application_output_document(*, application: Application):
    """The signed output document (an IssuedDocument of the documents context), or None before step 15."""
    if application.output_document_id is None:
        return None
    return application.output_document


# ------------------------------------------------------------------------------------------ queues

def work_queue(*, role: str, claimed: str = "all", user=None, service_slug: str | None = None,
               limit: int = QUEUE_PAGE_SIZE, after: Position | None = None,
               before: Position | None = None) -> list[Application]:
    """What waits for `role`, oldest first (by when it entered its current state). `claimed` is "all",
    "mine" (claimed by `user`) or "free". `after`/`before`: a (state_entered_at, id) position — the rows after
    it, or the `limit` rows just before it (keyset pagination: page 5,000 costs what page 1 costs).

    A role's queue spans several states. `state IN (…) ORDER BY state_entered_at` cannot be read in order
    from the (state, state_entered_at, id) index, so PostgreSQL would sort every waiting row (≈ 600 ms at
    100,000 applications). Instead each state is read in index order from the position up to the page's end,
    the short lists are merged here, and only the page's rows are then loaded with their joins."""
    backwards = before is not None and after is None
    per_state = []
    for state in QUEUE_STATES.get(role, ()):
        qs = Application.objects.filter(state=state)
        if claimed == "mine" and user is not None:
            qs = qs.filter(claimed_by=user)
        elif claimed == "free":
            qs = qs.filter(claimed_by__isnull=True)
        if service_slug:
            qs = sop.filter_by_service_slug(qs, service_slug)
        if backwards:
            qs = seek(qs, "state_entered_at", before, forward=False).order_by("-state_entered_at", "-id")
        else:
            if after is not None:
                qs = seek(qs, "state_entered_at", after, forward=True)
            qs = qs.order_by("state_entered_at", "id")
        per_state.append(qs.values_list("state_entered_at", "id")[:limit])
    if not per_state:
        return []
    if len(per_state) > 1 and connection.features.supports_slicing_ordering_in_compound:
        # One round trip: UNION ALL of the per-state index scans, each already limited to the page's end.
        candidates = list(per_state[0].union(*per_state[1:], all=True))
    else:  # SQLite cannot limit the branches of a compound query: one small query per state
        candidates = [row for qs in per_state for row in qs]
    if backwards:
        page_ids = [pk for _, pk in sorted(candidates, reverse=True)[:limit]][::-1]
    else:
        page_ids = [pk for _, pk in sorted(candidates)[:limit]]
    rows = (Application.objects.filter(pk__in=page_ids)
            .select_related("service_version", "claimed_by")
            .only("id", "tracking_number", "state", "sop_step", "state_entered_at", "due_at", "claimed_at",
                  "channel", "output_kind", "service_version__id", "service_version__name",
                  "service_version__content_hash", "service_version__service_id", "claimed_by__id",
                  "claimed_by__full_name", "claimed_by__role"))
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in page_ids if pk in by_id]


def work_queue_page(*, role: str, claimed: str = "all", user=None, size: int = QUEUE_PAGE_SIZE,
                    after: str = "", before: str = "") -> KeysetPage:
    """One page of the work queue for the queue page: the rows and the cursors of the pages around it."""
    after_at, before_at = cursor_decode(after), cursor_decode(before)
    if before_at and not after_at:
        rows = work_queue(role=role, claimed=claimed, user=user, limit=size + 1, before=before_at)
        if rows:
            more_before = len(rows) > size
            rows = rows[-size:]
            return KeysetPage(rows, next_cursor=_queue_cursor(rows[-1]),
                              prev_cursor=_queue_cursor(rows[0]) if more_before else "")
        after_at = None
    rows = work_queue(role=role, claimed=claimed, user=user, limit=size + 1, after=after_at)
    if after_at and not rows:  # past the end (the rows moved on meanwhile): the first page
        return work_queue_page(role=role, claimed=claimed, user=user, size=size)
    more_after = len(rows) > size
    rows = rows[:size]
    return KeysetPage(rows, next_cursor=_queue_cursor(rows[-1]) if more_after else "",
                      prev_cursor=_queue_cursor(rows[0]) if after_at and rows else "")


def _queue_cursor(application: Application) -> str:
    return cursor_encode(application.state_entered_at, application.pk)


QUEUE_COUNT_CAP = 500


def work_queue_count(*, role: str) -> tuple[int, bool]:
    """How many wait for `role`, counted up to QUEUE_COUNT_CAP (the page then says "500+"): an exact count
    of tens of thousands of rows costs more than the page itself and tells a desk nothing more."""
    per_state = [Application.objects.filter(state=state).order_by().values_list("id")[:QUEUE_COUNT_CAP]
                 for state in QUEUE_STATES.get(role, ())]
    if not per_state:
        return 0, False
    if len(per_state) > 1 and connection.features.supports_slicing_ordering_in_compound:
        total = per_state[0].union(*per_state[1:], all=True)[:QUEUE_COUNT_CAP].count()  # one round trip
    else:
        total = min(sum(qs.count() for qs in per_state), QUEUE_COUNT_CAP)
    capped = total >= QUEUE_COUNT_CAP
    return total, capped


def is_overdue(application: Application, now: datetime | None = None) -> bool:
    return application.due_at is not None and application.due_at < (now or timezone.now())


# ---------------------------------------------------------------------------------------- timeline

@dataclass
class TimelineStep:
    number: int
    description: str
    role: str
    status: str  # "done", "current", "pending", "skipped"
    done_at: datetime | None


def application_timeline(*, application: Application) -> list[TimelineStep]:
    """The SOP steps from 5 on, each done (when), current, or still to come, with the role that holds it
    (never the person)."""
    events = list(application.events.order_by("created_at", "id"))
    done_at: dict[int, datetime] = {}
    for event in events:
        if event.sop_step is not None:
            done_at[event.sop_step] = event.created_at
    current_steps = set(STATES[application.state].steps)
    terminal = application.state in TERMINAL
    reached = max([e.sop_step for e in events if e.sop_step is not None], default=0)
    steps = []
    for step in sop.steps(application.service_version):
        if step.number < 5:
            continue
        if step.number in current_steps and not terminal:
            status = "current"
        elif step.number in done_at or (step.number <= reached):
            status = "done"
        else:
            status = "pending"
        when = done_at.get(step.number)
        if status == "done" and when is None:
            later = [e.created_at for e in events if e.sop_step and e.sop_step > step.number]
            when = later[0] if later else None
        if application.state == State.WITHDRAWN and status == "pending":
            status = "skipped"
        steps.append(TimelineStep(step.number, step.description, step.role, status, when))
    return steps


def application_expected_completion(*, application: Application) -> datetime | None:
    """From now (or the current state's start), the standard times of the steps still to come."""
    if application.state in TERMINAL:
        return None
    start = application.state_entered_at if application.state != State.DRAFT else timezone.now()
    current = STATES[application.state].steps
    first = min(current) if current else 0
    remaining = [s.number for s in sop.steps(application.service_version) if s.number >= max(first, 8)]
    return sop.steps_deadline(application.service_version, tuple(remaining), start)


def application_holder_label(*, application: Application) -> str:
    return sop.role_label(state_holder(application))


# ---------------------------------------------------------------------------------------------- SLA

def sla_month(*, year: int, month: int) -> list[SlaRow]:
    """Per service and SOP step, the steps completed in the month: how many, the median time taken, the share
    done within the standard time and how many were late (from daily sums: see capil/applications/sla.py)."""
    return _sla.sla_month(year=year, month=month)


SLA_LATE_PAGE_SIZE = 50


def sla_late_events(*, year: int, month: int, service_slug: str, sop_step: int, after: str = "",
                    before: str = "", size: int = SLA_LATE_PAGE_SIZE) -> KeysetPage:
    """The month's late completions of one service's step, oldest first, a keyset page at a time (a busy
    step can have thousands in a month: read from the partial index of late events, app_event_late_idx)."""
    tz = timezone.get_current_timezone()
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    qs = (ApplicationEvent.objects.filter(created_at__gte=start, created_at__lt=end, sop_step=sop_step,
                                          due_at__isnull=False, created_at__gt=F("due_at"))
          .exclude(from_state__in=(State.DRAFT, State.RETURNED))
          .select_related("application", "actor"))
    return keyset_page(sop.filter_events_by_service_slug(qs, service_slug), key="created_at", size=size,
                       after=after, before=before)


def application_overdue_now(*, role: str | None = None) -> QuerySet[Application]:
    states = QUEUE_STATES.get(role, ()) if role else [s for v in QUEUE_STATES.values() for s in v]
    return (Application.objects.filter(state__in=states, due_at__lt=timezone.now())
            .select_related("service_version").order_by("due_at"))


# ------------------------------------------------------------------------------------- personal data

def applications_personal_data(user) -> list[dict]:
    """Everything this context holds about `user` as an applicant (for the "download my data" page)."""
    out = []
    for application in applications_of(user=user).prefetch_related("uploads", "events"):
        out.append({
            "tracking_number": application.tracking_number,
            "service": sop.service_name(application.service_version),
            "state": application.state,
            "created_at": application.created_at.isoformat(),
            "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
            "answers": application.answers,
            "uploads": [{"slot": u.slot_label, "version": u.version, "bytes": u.size, "status": u.status,
                         "reason": u.reason_text, "uploaded_at": u.uploaded_at.isoformat()}
                        for u in application.uploads.all()],
            "timeline": [{"at": e.created_at.isoformat(), "step": e.sop_step, "status": e.to_state,
                          "reason": e.reason} for e in application.events.all()],
        })
    return out


def applications_open_for(user) -> list[str]:
    """Why the account cannot be closed yet: applications still being processed."""
    from django.utils.translation import gettext as _

    busy = Application.objects.filter(applicant=user).exclude(
        state__in=(State.DRAFT, State.ARCHIVED, State.WITHDRAWN)).values_list("tracking_number", flat=True)
    return [_("Permohonan %(number)s masih diproses.") % {"number": number} for number in busy]
