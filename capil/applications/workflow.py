"""The transitions table of the 18-step online SOP skeleton, and the one function that performs a
transition. Nothing else assigns `Application.state`.

A transition names the SOP step it performs. Who may perform it is the role the catalog's step names for
the application's service version (the SOP's Pelaksana), falling back to the skeleton's role where the
catalog says nothing; a transition without a role is refused. Step 9's decision ("Tdk"/"ya") is the pair
`requirements_not_met` (→ back to the applicant, step 8's notice) / `requirements_met` (→ step 10).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capil.accounts.models import Role
from capil.audit.services import audit_record

from . import sop
from .models import Application, ApplicationEvent, RecordEntry, State, UploadStatus
from .signals import application_state_changed

PEMOHON = "PEMOHON"  # the applicant who owns the application
SYSTEM = "SYSTEM"  # the system itself (steps 16–17: sent by the system for the operator)


class TransitionRefused(Exception):
    """The actor may not do this, or the application is not ready for it. `message` is for people."""

    def __init__(self, message: str, *, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code


class TransitionConflict(TransitionRefused):
    """Someone else changed the application first (two staff acting at once: one wins)."""

    def __init__(self, message: str):
        super().__init__(message, code="conflict")


@dataclass(frozen=True)
class StateInfo:
    steps: tuple[int, ...]  # the SOP steps this state waits for (their standard times make its due time)
    holder: str  # who holds it when the catalog is silent


# Where each state stands in the SOP. VERIFICATION waits for step 9's check, within step 8's standard time
# (step 9 has none in the document; counter SOPs give step 8 "2 hari kerja" for saying what does not fit).
STATES: dict[str, StateInfo] = {
    State.DRAFT: StateInfo((5, 6, 7), PEMOHON),
    State.VERIFICATION: StateInfo((8, 9), Role.OPERATOR),
    State.RETURNED: StateInfo((7,), PEMOHON),
    State.DATA_ENTRY: StateInfo((10,), Role.OPERATOR),
    State.KASI_VERIFICATION: StateInfo((11,), Role.KASI),
    State.CERTIFICATION_REQUEST: StateInfo((12,), Role.KASI),
    State.CERTIFICATION: StateInfo((13,), Role.KASI),
    State.TTE_VALIDATION: StateInfo((14,), Role.KADIS),
    State.SIGNING: StateInfo((15,), Role.KADIS),
    State.DELIVERY: StateInfo((16, 17), SYSTEM),
    State.ARCHIVING: StateInfo((18,), Role.ARSIPARIS),
    State.ARCHIVED: StateInfo((), ""),
    State.WITHDRAWN: StateInfo((), ""),
}
TERMINAL = frozenset({State.ARCHIVED, State.WITHDRAWN})


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    step: int | None  # the SOP step this action performs (None: outside the SOP, e.g. withdrawal)
    default_role: str
    label: object  # lazy translatable label for buttons and the timeline
    guard: Callable[[Application, "TransitionContext"], None] | None = None
    needs_reason: bool = False
    notify: Callable[[Application, ApplicationEvent], None] | None = None


@dataclass
class TransitionContext:
    actor: object
    reason: str = ""
    data: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------------------------- guards

def _guard_complete(app: Application, ctx: TransitionContext) -> None:
    from .services import application_missing_items

    missing = application_missing_items(application=app)
    if missing:
        raise TransitionRefused(_("Permohonan belum lengkap: %(items)s.") % {"items": "; ".join(missing)},
                                code="incomplete")


def _current_uploads(app: Application):
    return list(app.uploads.filter(superseded_at__isnull=True))


def _guard_all_reviewed_some_rejected(app: Application, ctx: TransitionContext) -> None:
    current = _current_uploads(app)
    if any(u.status == UploadStatus.PENDING for u in current):
        raise TransitionRefused(_("Periksa dulu setiap berkas persyaratan."), code="not_reviewed")
    if not any(u.status == UploadStatus.REJECTED for u in current):
        raise TransitionRefused(_("Tidak ada berkas yang ditolak."), code="nothing_rejected")


def _guard_all_accepted(app: Application, ctx: TransitionContext) -> None:
    from .services import application_missing_items

    current = _current_uploads(app)
    if any(u.status != UploadStatus.ACCEPTED for u in current) or application_missing_items(application=app):
        raise TransitionRefused(_("Semua berkas persyaratan harus sesuai sebelum lanjut ke entri data."),
                                code="not_all_accepted")


def _guard_resubmittable(app: Application, ctx: TransitionContext) -> None:
    _guard_complete(app, ctx)
    if any(u.status == UploadStatus.REJECTED for u in _current_uploads(app)):
        raise TransitionRefused(_("Ganti dulu setiap berkas yang ditolak."), code="still_rejected")


def _guard_record_entered(app: Application, ctx: TransitionContext) -> None:
    if not RecordEntry.objects.filter(application=app).exists():
        raise TransitionRefused(_("Data dokumen belum dientri."), code="no_record")


def _guard_document_issued(app: Application, ctx: TransitionContext) -> None:
    if app.output_document_id is None:
        raise TransitionRefused(_("Dokumen belum ditandatangani."), code="not_signed")


# ---------------------------------------------------------------------------------------- notifications

def _notify_received(app, event):
    from .notify import notify_application_received

    notify_application_received(application=app, event=event)


def _notify_not_met(app, event):
    from .notify import notify_requirements_not_met

    notify_requirements_not_met(application=app, event=event)


def _notify_status(app, event):
    from .notify import notify_status_changed

    notify_status_changed(application=app, event=event)


def _notify_delivery(app, event):
    from .notify import notify_delivery

    notify_delivery(application=app, event=event)


# --------------------------------------------------------------------------------------------- the table

_t = Transition
TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    _t("submit", (State.DRAFT,), State.VERIFICATION, 7, PEMOHON, gettext_lazy("Ajukan permohonan"),
       _guard_complete, notify=_notify_received),
    _t("withdraw", (State.DRAFT, State.VERIFICATION, State.RETURNED), State.WITHDRAWN, None, PEMOHON,
       gettext_lazy("Batalkan permohonan"), notify=_notify_status),
    _t("requirements_not_met", (State.VERIFICATION,), State.RETURNED, 8, Role.OPERATOR,
       gettext_lazy("Kembalikan ke pemohon (syarat tidak sesuai)"), _guard_all_reviewed_some_rejected,
       notify=_notify_not_met),
    _t("resubmit", (State.RETURNED,), State.VERIFICATION, 7, PEMOHON, gettext_lazy("Ajukan kembali"),
       _guard_resubmittable, notify=_notify_status),
    _t("requirements_met", (State.VERIFICATION,), State.DATA_ENTRY, 9, Role.OPERATOR,
       gettext_lazy("Persyaratan sesuai, lanjut entri data"), _guard_all_accepted),
    _t("enter_data", (State.DATA_ENTRY,), State.KASI_VERIFICATION, 10, Role.OPERATOR,
       gettext_lazy("Selesai entri data, kirim ke Kasi"), _guard_record_entered),
    _t("send_back", (State.KASI_VERIFICATION,), State.DATA_ENTRY, 11, Role.KASI,
       gettext_lazy("Kembalikan ke operator"), needs_reason=True),
    _t("verify", (State.KASI_VERIFICATION,), State.CERTIFICATION_REQUEST, 11, Role.KASI,
       gettext_lazy("Verifikasi permohonan")),
    _t("request_certification", (State.CERTIFICATION_REQUEST,), State.CERTIFICATION, 12, Role.KASI,
       gettext_lazy("Ajukan sertifikasi")),
    _t("certify", (State.CERTIFICATION,), State.TTE_VALIDATION, 13, Role.KASI,
       gettext_lazy("Sertifikasi dokumen")),
    _t("validate", (State.TTE_VALIDATION,), State.SIGNING, 14, Role.KADIS,
       gettext_lazy("Validasi TTE")),
    _t("sign", (State.SIGNING,), State.DELIVERY, 15, Role.KADIS,
       gettext_lazy("Tandatangani secara elektronik"), _guard_document_issued),
    _t("deliver", (State.DELIVERY,), State.ARCHIVING, 17, SYSTEM,
       gettext_lazy("Dokumen dikirim ke pemohon"), notify=_notify_delivery),
    _t("archive", (State.ARCHIVING,), State.ARCHIVED, 18, Role.ARSIPARIS,
       gettext_lazy("Arsipkan")),
]}

# Actions a member of staff takes from the back office, by state (the buttons offered).
STAFF_ACTIONS = {
    State.VERIFICATION: ("requirements_met", "requirements_not_met"),
    State.DATA_ENTRY: ("enter_data",),
    State.KASI_VERIFICATION: ("verify", "send_back"),
    State.CERTIFICATION_REQUEST: ("request_certification",),
    State.CERTIFICATION: ("certify",),
    State.TTE_VALIDATION: ("validate",),
    State.SIGNING: ("sign",),
    State.ARCHIVING: ("archive",),
}


# ---------------------------------------------------------------------------------------------- roles

def transition_role(application: Application, transition: Transition) -> str:
    """The role that performs `transition` for this application: the catalog step's Pelaksana, else the
    skeleton's default. Steps 16–17 are sent by the system whatever the catalog's column says."""
    if transition.default_role in (PEMOHON, SYSTEM) or transition.step is None:
        return transition.default_role
    return sop.step_role(application.service_version, transition.step) or transition.default_role


def state_holder(application: Application, state: str | None = None) -> str:
    """The role that holds the application in `state` (default: its current state)."""
    state = state or application.state
    info = STATES[state]
    if info.holder in (PEMOHON, SYSTEM, ""):
        return info.holder
    return sop.step_role(application.service_version, info.steps[-1]) or info.holder


def actor_may(application: Application, transition: Transition, actor) -> bool:
    role = transition_role(application, transition)
    if role == SYSTEM:
        return actor is None
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if role == PEMOHON:
        return actor.role == Role.CITIZEN and actor.pk == application.applicant_id
    return actor.role == role


def state_due(application: Application, state: str, start: datetime) -> datetime | None:
    """When the standard time of `state`'s SOP steps runs out, from `start` (working days in WITA)."""
    return sop.steps_deadline(application.service_version, STATES[state].steps, start)


def _actor_label(actor) -> str:
    return str(actor) if actor is not None else _("sistem")


# ------------------------------------------------------------------------------------------ the function

def application_transition(
    *,
    application: Application | int,
    action: str,
    actor,
    reason: str = "",
    data: dict | None = None,
    expected_state: str | None = None,
    request=None,
    recorded_by=None,
) -> Application:
    """Perform `action` on the application, in one transaction: role check, row lock, guard, state change,
    event row, audit row, notifications (outbox rows, delivered after commit). Returns the application.

    Repeating an action that the same actor has just performed (a double click, a retried request) returns
    without a second event. Anyone else acting on a state that has already moved gets TransitionConflict.
    `recorded_by`: the staff member who acts for the applicant at a counter; the event keeps the applicant
    as its actor (whose step it is) and names them, and the audit row is theirs.
    """
    try:
        transition = TRANSITIONS[action]
    except KeyError as exc:
        raise TransitionRefused(_("Tindakan tidak dikenal."), code="unknown_action") from exc
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise TransitionRefused(_("Tuliskan alasannya."), code="reason_required")
    pk = application.pk if isinstance(application, Application) else application
    actor_id = getattr(actor, "pk", None)

    with transaction.atomic():
        # The lock comes first: two staff members acting at once are serialised here, and the second one
        # sees the state the first one left.
        app = Application.objects.select_for_update(of=("self",)).select_related("service_version").get(pk=pk)
        if not actor_may(app, transition, actor):
            raise TransitionRefused(_("Anda tidak berwenang melakukan tindakan ini."), code="forbidden")
        if app.state not in transition.sources or (expected_state and app.state != expected_state):
            last = app.events.order_by("-created_at", "-id").first()
            if last and last.action == action and last.actor_id == actor_id and app.state == transition.target:
                return app  # already done by this actor: idempotent
            who = _("petugas lain")
            if last and last.actor_id != actor_id:
                who = _actor_label(last.actor)
            raise TransitionConflict(
                _("Permohonan %(number)s sudah diproses oleh %(who)s; statusnya sekarang: %(state)s. "
                  "Muat ulang halaman.") % {"number": app.tracking_number, "who": who,
                                            "state": app.get_state_display()})
        if (app.claimed_by_id and actor_id != app.claimed_by_id and transition.default_role not in (PEMOHON, SYSTEM)
                and app.claimed_by.role == getattr(actor, "role", None)):
            raise TransitionConflict(
                _("Permohonan %(number)s sedang ditangani oleh %(who)s.")
                % {"number": app.tracking_number, "who": app.claimed_by})
        ctx = TransitionContext(actor=actor, reason=reason, data=dict(data or {}))
        if recorded_by is not None:
            ctx.data["recorded_by"] = {"id": recorded_by.pk, "name": recorded_by.full_name,
                                       "role": str(recorded_by.role)}
        if transition.guard:
            transition.guard(app, ctx)

        now = timezone.now()
        from_state = app.state
        event = ApplicationEvent.objects.create(
            application=app, action=action, from_state=from_state, to_state=transition.target,
            sop_step=transition.step, actor=actor if actor_id else None,
            actor_role=transition_role(app, transition) if actor is not None else SYSTEM,
            reason=reason, data=ctx.data, started_at=app.state_entered_at, due_at=app.due_at, created_at=now,
        )
        app.state = transition.target
        info = STATES[transition.target]
        app.sop_step = info.steps[0] if info.steps else (transition.step or app.sop_step)
        app.state_entered_at = now
        app.due_at = state_due(app, transition.target, now)
        # A claim follows the work while the same role holds the next state (the operator's steps 9→10);
        # otherwise the application goes back to the next role's queue.
        next_holder = state_holder(app)
        if not (actor_id and app.claimed_by_id == actor_id and next_holder == getattr(actor, "role", None)):
            app.claimed_by, app.claimed_at = None, None
        if action == "submit":
            app.submitted_at = now
        if transition.target in TERMINAL:
            app.completed_at = now
        app.save(update_fields=["state", "sop_step", "state_entered_at", "due_at", "claimed_by", "claimed_at",
                                "submitted_at", "completed_at"])
        audit_record(actor=recorded_by or actor, action=f"application.{action}", target=app, request=request,
                     data={"from": from_state, "to": transition.target, "step": transition.step,
                           "event": event.pk, **({"on_behalf_of": actor.pk} if recorded_by is not None else {})})
        if transition.notify:
            transition.notify(app, event)
        number, state = app.tracking_number, app.state
        transaction.on_commit(lambda: application_state_changed.send(
            sender=Application, tracking_number=number, state=state))
    return app
