"""Reads of the notifications context."""

from django.db.models import Count, QuerySet

from capil.core.phones import normalise_phone

from .channels.development import read_dev_messages
from .defaults import EVENTS
from .models import Notification, State
from .services import _subject_ref


def notifications_for_subject(subject) -> QuerySet[Notification]:
    """Every notification about one subject (a model instance or a (type, id) tuple), newest first."""
    subject_type, subject_id = _subject_ref(subject)
    return Notification.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by("-created_at",
                                                                                                 "-id")


def notification_log(*, state: str = "", channel: str = "", event: str = "", subject_type: str = "",
                     subject_id: str = "") -> QuerySet[Notification]:
    qs = Notification.objects.all().order_by("-created_at", "-id")
    if state:
        qs = qs.filter(state=state)
    if channel:
        qs = qs.filter(channel=channel)
    if event:
        qs = qs.filter(event=event)
    if subject_type:
        qs = qs.filter(subject_type=subject_type, subject_id=subject_id)
    return qs


STATE_COUNT_CAP = 1_000


def notification_state_counts(*, cap: int | None = STATE_COUNT_CAP) -> dict[str, str]:
    """How many messages are in each state, for the log's header: "1000+" past `cap`. A city's outbox holds
    millions of sent messages; counting them exactly reads the whole table on every page load, while a count
    up to the cap reads at most `cap` entries of the (state, …) index per state. `cap=None`: exact counts."""
    if cap is None:
        counts = {s: 0 for s in State.values}
        for row in Notification.objects.values("state").annotate(n=Count("id")):
            counts[row["state"]] = row["n"]
        return {state: str(n) for state, n in counts.items()}
    out = {}
    for state in State.values:
        n = Notification.objects.filter(state=state).order_by().values("id")[:cap].count()
        out[state] = f"{cap}+" if n >= cap else str(n)
    return out


def dev_messages(phone: str | None = None, *, email: str | None = None, limit: int = 200) -> list[dict]:
    """Messages the development channel wrote (newest first): each a dict with id, channel, event, to,
    title, body, body_html, attachments, sent_at. `phone` in any spelling; `email` case-insensitive."""
    address = None
    if phone:
        address = normalise_phone(phone).e164
    elif email:
        address = email.strip().lower()
    return read_dev_messages(address=address, limit=limit)


def template_rows() -> list[dict]:
    """Every (event, channel, language) an administrator can edit, with whether it differs from the default."""
    from .channels import channel_registry
    from .defaults import default_text
    from .models import NotificationTemplate

    edited = {(t.event, t.channel, t.language): t for t in NotificationTemplate.objects.all()}
    rows = []
    for event, spec in EVENTS.items():
        for channel in channel_registry():
            for language in ("id", "en"):
                row = edited.get((event, channel, language))
                default = default_text(event, channel, language)
                rows.append({
                    "event": event, "label": spec.label, "channel": channel, "language": language,
                    "customised": row is not None and default is not None and (row.title, row.body) != default,
                    "missing": row is None and default is None,
                    "updated_at": row.updated_at if row else None,
                })
    return rows


def notifications_personal_data(user) -> list[dict]:
    """The notifications section of a citizen's data download: every SMS and e-mail addressed to them. The
    text of a message that carried a secret (a code, a link) is not repeated; it is erased once sent anyway."""
    rows = (Notification.objects.filter(recipient=user).order_by("created_at", "id")
            .prefetch_related("attachments"))
    return [
        {
            "dibuat_pada": n.created_at.isoformat(),
            "peristiwa": n.event_label,
            "kanal": n.channel,
            "alamat": n.address,
            "judul": n.title or None,
            "isi": None if n.sensitive else (n.body or None),
            "status": n.get_state_display(),
            "terkirim_pada": n.sent_at.isoformat() if n.sent_at else None,
            "percobaan": n.attempts,
            "lampiran": [{"nama": a.filename, "ukuran": a.size} for a in n.attachments.all()],
        }
        for n in rows
    ]
