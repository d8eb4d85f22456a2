"""Writes of the notifications context: enqueue (the outbox entry point), deliver, sweep, resend, templates.

Reliability in one paragraph: `notification_enqueue` writes the rows in the caller's transaction and, only
once that transaction commits, enqueues one delivery task per row. `notification_deliver` claims a row with a
conditional UPDATE (queued/failed and due → sending, committed before the provider is called), sends, and
records the outcome only if it still holds the claim. A crash between claim and outcome leaves the row in
"sending"; the sweep finds it after SENDING_TIMEOUT and sends it again with the same client reference, which
a gateway that honours references does not deliver twice. A task lost between commit and enqueue (or with a
killed worker) is found by the sweep too. Duplicate tasks for one row are harmless: only one claim succeeds.
"""

import hashlib
import logging
import random
import time
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.tasks import task_backends
from django.utils import timezone
from django.utils.crypto import get_random_string

from capil.audit.services import audit_record
from capil.core.phones import normalise_phone

from .channels import OutgoingMessage, PermanentFailure, TemporaryFailure, get_channel
from .defaults import EVENTS, default_text
from .models import FailureKind, Notification, NotificationAttachment, NotificationTemplate, State, SweepLease
from .rendering import (
    NotificationRenderError,
    base_context,
    email_html,
    mask_address,
    notification_settings,
    render_template_text,
    sms_text,
)

logger = logging.getLogger("capil.notifications")


# ---------------------------------------------------------------------------------------------- enqueue


def _subject_ref(subject) -> tuple[str, str]:
    if isinstance(subject, tuple):
        subject_type, subject_id = subject
        return str(subject_type), str(subject_id)
    if isinstance(subject, models.Model):
        return f"{subject._meta.app_label}.{subject._meta.model_name}", str(subject.pk)
    raise TypeError("subject must be a model instance or a (type, id) tuple")


def _language(language: str | None, recipient) -> str:
    known = {code for code, _ in settings.LANGUAGES}
    for candidate in (language, getattr(recipient, "language", None)):
        if candidate and candidate in known:
            return candidate
    return settings.LANGUAGE_CODE


def idempotency_key(*, subject_type: str, subject_id: str, event: str, channel: str, address: str,
                    key_suffix: str) -> str:
    raw = "\x1f".join([subject_type, subject_id, event, channel, address, key_suffix])
    return hashlib.sha256(raw.encode()).hexdigest()


def template_for(*, event: str, channel: str, language: str) -> tuple[str, str]:
    """(title, body) of an event on a channel in a language: the edited row, else the shipped default, else
    the same in Bahasa Indonesia, else the channel's fallback channel."""
    fallback = get_channel(channel).template_fallback
    channels = [ch for ch in (channel, fallback) if ch]
    languages = list(dict.fromkeys((language, settings.LANGUAGE_CODE)))
    edited = {
        (row.channel, row.language): (row.title, row.body)
        for row in NotificationTemplate.objects.filter(event=event, channel__in=channels, language__in=languages)
    }
    for ch in channels:
        for lang in languages:
            text = edited.get((ch, lang)) or default_text(event, ch, lang)
            if text is not None:
                return text
    raise NotificationRenderError(f"No template for event {event!r} on channel {channel!r}.")


def render_message(*, event: str, channel: str, language: str, context: dict, name: str = "") -> dict:
    """The fields of a notification row: title, body, body_html and SMS segments."""
    ch = get_channel(channel)
    title_source, body_source = template_for(event=event, channel=channel, language=language)
    full_context = base_context(context, name=name, language=language)
    title = " ".join(render_template_text(title_source, full_context).split())[:200]
    body = render_template_text(body_source, full_context).strip()
    if ch.text_kind == "short":
        sms = sms_text(body)
        return {"title": "", "body": sms.text, "body_html": "", "segments": sms.segments}
    return {"title": title, "body": body, "body_html": email_html(title=title, text=body, language=language),
            "segments": 0}


def notification_enqueue(
    *,
    event: str,
    subject: "models.Model | tuple[str, str]",
    recipient=None,
    phone: str | None = None,
    email: str | None = None,
    context: dict | None = None,
    channels: Sequence[str] = ("sms", "email"),
    attachments: Sequence[tuple[str, bytes, str]] = (),
    language: str | None = None,
    key_suffix: str = "",
) -> list[Notification]:
    """Write one notification per channel in the caller's transaction; deliver after it commits.

    `recipient` (a User) supplies phone, e-mail, name and language unless given. A channel whose address is
    unknown (no phone, no e-mail) is left out. The same (subject, event, channel, address, key_suffix)
    enqueued again returns the existing row and sends nothing more. Raises ValidationError for a phone number
    that cannot receive SMS and NotificationRenderError when the text may not be sent (e.g. a NIK in an SMS).
    """
    subject_type, subject_id = _subject_ref(subject)
    lang = _language(language, recipient)
    phone = phone or getattr(recipient, "phone", None) or None
    phone_e164 = normalise_phone(phone).e164 if phone else None
    email = (email or getattr(recipient, "email", None) or "").strip().lower() or None
    if email and email.endswith(".invalid"):
        # RFC 2606: never deliverable. Accounts made at the counter for a citizen without e-mail carry one.
        email = None
    name = getattr(recipient, "full_name", "") or ""
    context = dict(context or {})
    key_suffix = str(key_suffix)
    sensitive = EVENTS[event].sensitive if event in EVENTS else False
    now = timezone.now()

    rows: list[Notification] = []
    created_ids: list[int] = []
    with transaction.atomic():
        for channel_name in dict.fromkeys(channels):
            channel = get_channel(channel_name)
            address = phone_e164 if channel.address_kind == "phone" else email
            if not address:
                logger.info("notification %s/%s for %s:%s skipped: no %s address", event, channel_name,
                            subject_type, subject_id, channel.address_kind)
                continue
            key = idempotency_key(subject_type=subject_type, subject_id=subject_id, event=event,
                                  channel=channel_name, address=address, key_suffix=key_suffix)
            existing = Notification.objects.filter(idempotency_key=key).first()
            if existing is not None:
                rows.append(existing)
                continue
            fields = render_message(event=event, channel=channel_name, language=lang, context=context, name=name)
            try:
                with transaction.atomic():
                    notification = Notification.objects.create(
                        idempotency_key=key, event=event, channel=channel_name, subject_type=subject_type,
                        subject_id=subject_id, key_suffix=key_suffix[:64], recipient=recipient if getattr(
                            recipient, "pk", None) else None,
                        address=address, language=lang, sensitive=sensitive, next_attempt_at=now, **fields,
                    )
                    if channel.text_kind == "email":
                        for filename, content, mimetype in attachments:
                            NotificationAttachment.objects.create(
                                notification=notification, filename=filename[:200], mimetype=mimetype[:100],
                                size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                                content=bytes(content),
                            )
            except IntegrityError:
                # Enqueued at the same moment by a concurrent transaction that committed first.
                rows.append(Notification.objects.get(idempotency_key=key))
                continue
            rows.append(notification)
            created_ids.append(notification.pk)
            logger.info("notification #%s %s/%s queued to %s", notification.pk, event, channel_name,
                        mask_address(address))
    if created_ids:
        priority = 10 if sensitive else 0
        transaction.on_commit(lambda: _dispatch(created_ids, priority=priority), robust=True)
    return rows


def _backend():
    from .tasks import deliver_notification

    return task_backends[deliver_notification.backend]


def _dispatch(notification_ids: list[int], *, priority: int = 0) -> None:
    """After commit: one delivery task per row. Marked enqueued only afterwards, so a crash in between
    leaves rows the sweep re-enqueues (a duplicate task is harmless)."""
    from .tasks import deliver_notification

    backend = _backend()
    task = deliver_notification.using(priority=priority) if backend.supports_priority else deliver_notification
    for notification_id in notification_ids:
        task.enqueue(notification_id)
    # Only rows still waiting: a backend that ran the task already (immediate) has recorded its outcome.
    Notification.objects.filter(pk__in=notification_ids, task_enqueued_at__isnull=True, state=State.QUEUED).update(
        task_enqueued_at=timezone.now()
    )
    sweep_ensure_scheduled()


# --------------------------------------------------------------------------------------------- deliver


def backoff_seconds(attempt: int) -> float:
    """Exponential backoff with jitter: base·2^(attempt−1), capped, of which a random half is waited ("equal
    jitter"), so that messages that failed together do not all come back at the same instant."""
    cfg = notification_settings()
    ceiling = min(float(cfg["BACKOFF_MAX"]), float(cfg["BACKOFF_BASE"]) * (2 ** max(0, attempt - 1)))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def _message_for(notification: Notification) -> OutgoingMessage:
    attachments = tuple(
        (a.filename, bytes(a.content or b""), a.mimetype) for a in notification.attachments.all()
    )
    return OutgoingMessage(
        notification_id=notification.pk, reference=notification.reference.hex, event=notification.event,
        address=notification.address, language=notification.language, title=notification.title,
        body=notification.body, body_html=notification.body_html, attachments=attachments,
    )


def notification_deliver(*, notification_id: int) -> str:
    """Send one notification if it is due and nobody else holds it. Returns the resulting state, or
    "skipped" when there was nothing to do (already sent, claimed by another worker, not yet due)."""
    now = timezone.now()
    token = get_random_string(32)
    claimed = Notification.objects.filter(
        pk=notification_id, state__in=[State.QUEUED, State.FAILED], next_attempt_at__lte=now
    ).update(state=State.SENDING, claimed_at=now, claim_token=token, attempts=F("attempts") + 1, updated_at=now)
    if not claimed:
        return "skipped"
    # From here the claim is committed: a crash leaves "sending", which the sweep recovers.
    notification = Notification.objects.get(pk=notification_id)
    try:
        channel = get_channel(notification.channel)
        message = _message_for(notification)
        receipt = channel.send(message)
    except PermanentFailure as exc:
        return _record_dead(notification, token, reason=exc.reason, kind=FailureKind.PERMANENT)
    except TemporaryFailure as exc:
        return _record_retry(notification, token, reason=exc.reason, retry_after=exc.retry_after)
    except Exception as exc:  # an unexpected error in a channel is treated as temporary, never lost
        logger.exception("notification #%s: channel %s raised", notification.pk, notification.channel)
        return _record_retry(notification, token, reason=f"{type(exc).__name__}", retry_after=None)
    return _record_sent(notification, token, provider_message_id=receipt.provider_message_id,
                        had_attachments=bool(message.attachments))


def _held(notification: Notification, token: str):
    return Notification.objects.filter(pk=notification.pk, state=State.SENDING, claim_token=token)


def _record_sent(notification: Notification, token: str, *, provider_message_id: str,
                 had_attachments: bool = False) -> str:
    now = timezone.now()
    fields = {"state": State.SENT, "sent_at": now, "provider_message_id": provider_message_id[:200],
              "failure_kind": FailureKind.NONE, "last_error": "", "claim_token": "", "updated_at": now}
    if notification.sensitive:
        # The secret has left; it is not kept in the database.
        fields.update(body="", body_html="")
    with transaction.atomic():
        if not _held(notification, token).update(**fields):
            logger.warning("notification #%s sent, but its claim had expired", notification.pk)
            return "stale"
        if had_attachments:
            NotificationAttachment.objects.filter(notification=notification).update(content=None)
    logger.info("notification #%s %s/%s sent to %s (attempt %s)", notification.pk, notification.event,
                notification.channel, mask_address(notification.address), notification.attempts)
    return State.SENT


def _record_dead(notification: Notification, token: str, *, reason: str, kind: str) -> str:
    now = timezone.now()
    _held(notification, token).update(state=State.DEAD, failure_kind=kind, last_error=reason[:1000],
                                      claim_token="", updated_at=now)
    logger.warning("notification #%s %s/%s to %s dead (%s): %s", notification.pk, notification.event,
                   notification.channel, mask_address(notification.address), kind, reason)
    return State.DEAD


def _record_retry(notification: Notification, token: str, *, reason: str, retry_after: float | None) -> str:
    cfg = notification_settings()
    if notification.attempts >= int(cfg["MAX_ATTEMPTS"]):
        return _record_dead(notification, token, reason=reason, kind=FailureKind.EXHAUSTED)
    delay = backoff_seconds(notification.attempts)
    if retry_after is not None:
        delay = max(delay, min(retry_after, float(cfg["BACKOFF_MAX"])))
    now = timezone.now()
    next_attempt_at = now + timedelta(seconds=delay)
    backend = _backend()
    with transaction.atomic():
        updated = _held(notification, token).update(
            state=State.FAILED, failure_kind=FailureKind.TEMPORARY, last_error=reason[:1000],
            next_attempt_at=next_attempt_at, claim_token="", updated_at=now,
            task_enqueued_at=now if backend.supports_defer else None,
        )
        if updated and backend.supports_defer:
            # With a database backend the retry task commits together with the new state.
            from .tasks import deliver_notification

            deliver_notification.using(run_after=next_attempt_at).enqueue(notification.pk)
    logger.info("notification #%s %s/%s attempt %s failed (%s); retry in %.1f s", notification.pk,
                notification.event, notification.channel, notification.attempts, reason, delay)
    return State.FAILED


# ----------------------------------------------------------------------------------------------- sweep


def notification_sweep() -> dict[str, int]:
    """Crash recovery, run periodically: rows stuck in "sending" longer than SENDING_TIMEOUT (their worker
    died) go back to the queue, or to the dead letters when their attempts are used up; rows due for longer
    than ENQUEUE_GRACE without a recent task (a task lost between commit and enqueue, or swallowed by a killed
    worker) get a new task."""
    cfg = notification_settings()
    now = timezone.now()
    grace = timedelta(seconds=float(cfg["ENQUEUE_GRACE"]))
    stuck_before = now - timedelta(seconds=float(cfg["SENDING_TIMEOUT"]))
    counts = {"recovered": 0, "exhausted": 0, "enqueued": 0}

    stuck = Notification.objects.filter(state=State.SENDING, claimed_at__lte=stuck_before)
    for notification in stuck.only("id", "attempts", "channel"):
        reason = "Worker stopped while sending; outcome unknown, sent again with the same reference."
        if notification.attempts >= int(cfg["MAX_ATTEMPTS"]):
            counts["exhausted"] += Notification.objects.filter(
                pk=notification.pk, state=State.SENDING, claimed_at__lte=stuck_before
            ).update(state=State.DEAD, failure_kind=FailureKind.EXHAUSTED, last_error=reason, claim_token="",
                     updated_at=now)
        else:
            counts["recovered"] += Notification.objects.filter(
                pk=notification.pk, state=State.SENDING, claimed_at__lte=stuck_before
            ).update(state=State.FAILED, failure_kind=FailureKind.TEMPORARY, last_error=reason, claim_token="",
                     next_attempt_at=now, task_enqueued_at=None, updated_at=now)

    # Never enqueued (the process died between commit and enqueue): after ENQUEUE_GRACE. Enqueued but never
    # run (its task was claimed by a worker that was then killed): only after LOST_TASK_AFTER, which is long
    # enough that a backlog of waiting tasks is not mistaken for lost ones and doubled.
    lost_after = timedelta(seconds=float(cfg["LOST_TASK_AFTER"]))
    lost = Notification.objects.filter(
        Q(task_enqueued_at__isnull=True, next_attempt_at__lte=now - grace)
        | Q(task_enqueued_at__lte=now - lost_after, next_attempt_at__lte=now - lost_after),
        state__in=[State.QUEUED, State.FAILED],
    ).order_by("next_attempt_at").values_list("id", flat=True)[:1000]
    ids = list(lost)
    if ids:
        from .tasks import deliver_notification

        Notification.objects.filter(pk__in=ids).update(task_enqueued_at=now)
        for notification_id in ids:
            deliver_notification.enqueue(notification_id)
        counts["enqueued"] = len(ids)
    if any(counts.values()):
        logger.info("notification sweep: %s", counts)
    return counts


def notification_sweep_scheduled() -> dict[str, int] | None:
    """The periodic sweep as a self-renewing task: whoever claims the lease runs the sweep and schedules the
    next one in the same transaction. A second chain (two workers kicked it at once) finds the lease not yet
    due and ends, so one sweep runs per interval however many workers there are."""
    interval = float(notification_settings()["SWEEP_INTERVAL"])
    now = timezone.now()
    backend = _backend()
    with transaction.atomic():
        SweepLease.objects.get_or_create(pk=1, defaults={"next_run_at": now})
        claimed = SweepLease.objects.filter(pk=1, next_run_at__lte=now).update(
            next_run_at=now + timedelta(seconds=interval)
        )
        if not claimed:
            return None
        if backend.supports_defer:
            from .tasks import sweep_notifications

            sweep_notifications.using(run_after=now + timedelta(seconds=interval)).enqueue()
    return notification_sweep()


_last_sweep_check: dict[str, float] = {}


def sweep_ensure_scheduled(*, force: bool = False) -> bool:
    """Start the sweep chain when it is not running (first use, or its task died with a killed worker).
    Cheap: one conditional UPDATE that normally matches nothing."""
    backend = _backend()
    if not backend.supports_defer:
        return False  # the immediate (test) backend has no worker; tests call notification_sweep()
    interval = float(notification_settings()["SWEEP_INTERVAL"])
    now = timezone.now()
    stale = now - timedelta(seconds=max(3 * interval, 5.0))
    if not force:
        # Called after every delivery: a process looks at most once per interval, and only reads.
        checked = _last_sweep_check.get("at", 0.0)
        if time.monotonic() - checked < interval:
            return False
        _last_sweep_check["at"] = time.monotonic()
        if SweepLease.objects.filter(pk=1, next_run_at__gt=stale).exists():
            return False
    with transaction.atomic():
        lease, created = SweepLease.objects.get_or_create(pk=1, defaults={"next_run_at": now})
        if not created:
            condition = Q(pk=1) if force else Q(pk=1, next_run_at__lte=stale)
            if not SweepLease.objects.filter(condition).update(next_run_at=now):
                return False
        from .tasks import sweep_notifications

        sweep_notifications.enqueue()
    return True


# ---------------------------------------------------------------------------------------------- resend


def notification_resend(*, notification: Notification, actor, request=None) -> Notification:
    """Staff put a dead letter back in the queue: attempts start again from zero. Audited."""
    now = timezone.now()
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        if locked.state != State.DEAD:
            return locked
        previous = {"failure_kind": locked.failure_kind, "last_error": locked.last_error[:300],
                    "attempts": locked.attempts}
        locked.state, locked.attempts, locked.next_attempt_at = State.QUEUED, 0, now
        locked.failure_kind, locked.task_enqueued_at = FailureKind.NONE, None
        locked.save(update_fields=["state", "attempts", "next_attempt_at", "failure_kind", "task_enqueued_at",
                                   "updated_at"])
        audit_record(actor=actor, action="notification.resend", target=locked, request=request,
                     data={"event": locked.event, "channel": locked.channel, "previous": previous})
        transaction.on_commit(lambda: _dispatch([locked.pk]), robust=True)
    return locked


# ------------------------------------------------------------------------------------------- templates


def notification_template_save(*, event: str, channel: str, language: str, title: str, body: str, actor,
                               request=None) -> NotificationTemplate:
    """An administrator's edit of one template (validated by the form beforehand). Audited."""
    with transaction.atomic():
        template, created = NotificationTemplate.objects.select_for_update().get_or_create(
            event=event, channel=channel, language=language, defaults={"title": title, "body": body,
                                                                       "updated_by": actor}
        )
        if not created:
            template.title, template.body, template.updated_by = title, body, actor
            template.save(update_fields=["title", "body", "updated_by", "updated_at"])
        audit_record(actor=actor, action="notification.template_edit", target=template, request=request,
                     data={"event": event, "channel": channel, "language": language})
    return template


def notification_template_reset(*, event: str, channel: str, language: str, actor, request=None) -> None:
    """Back to the shipped default text. Audited."""
    default = default_text(event, channel, language)
    if default is None:
        return
    notification_template_save(event=event, channel=channel, language=language, title=default[0],
                               body=default[1], actor=actor, request=request)


def notifications_personal_data_erase(user) -> dict:
    """Account closure (inside its transaction): messages not sent yet are not sent at all; every message to the
    citizen keeps what proves the office told them — which event, by which channel, when, and whether it
    arrived — with the address masked and the text and attachments erased."""
    now = timezone.now()
    mine = Notification.objects.filter(recipient=user)
    cancelled = mine.filter(state__in=[State.QUEUED, State.FAILED]).update(
        state=State.DEAD, failure_kind=FailureKind.PERMANENT, last_error="Akun ditutup sebelum pesan terkirim.",
        claim_token="", updated_at=now)
    rows = list(mine.only("id", "address"))
    for row in rows:
        row.address, row.title, row.body, row.body_html, row.updated_at = (
            mask_address(row.address), "", "", "", now)
    Notification.objects.bulk_update(rows, ["address", "title", "body", "body_html", "updated_at"], batch_size=500)
    anonymised = len(rows)
    NotificationAttachment.objects.filter(notification__recipient=user).update(content=None)
    return {"messages_anonymised": anonymised, "unsent_cancelled": cancelled}
