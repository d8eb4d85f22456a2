"""Turning an event's template and context into the text that leaves: SMS rules (GSM-7 only, segment count,
no personal numbers), e-mail subject/plain text/HTML, and masking of addresses for screens and logs."""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€\f")  # each costs two septets (escape + character)
_REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "«": '"', "»": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...", "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\t": " ", "\u2022": "-", "\u00b7": "-",
    "\u00d7": "x", "\u00b0": "o", "\u2122": "TM", "\u00a9": "(c)", "\u00ae": "(R)", "\u20b9": "Rs",
    "\u200b": "", "\ufeff": "",
}
# A NIK or family-card number is 16 digits; NIPs are 18. Any run of 16 or more digits, also when written
# in groups ("6471 0101 …"), is refused in an SMS.
_LONG_NUMBER = re.compile(r"(?<!\d)\d(?:[ .-]?\d){15,}(?!\d)")
_ENGINE = Engine(autoescape=False)


class NotificationRenderError(ValueError):
    """The template or the context cannot produce a message that may be sent."""


@dataclass(frozen=True)
class SmsText:
    text: str
    segments: int
    septets: int


def to_gsm7(text: str) -> str:
    """Replace every character that would force the whole SMS into UCS-2 (70 characters per segment) by its
    nearest GSM-7 spelling: typographic quotes and dashes, accents outside the GSM alphabet, emoji."""
    out = []
    for ch in text:
        if ch in GSM7_BASIC or ch in GSM7_EXTENSION:
            out.append(ch)
            continue
        if ch in _REPLACEMENTS:
            out.append(_REPLACEMENTS[ch])
            continue
        decomposed = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base and all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in base):
            out.append(base)
        elif unicodedata.category(ch).startswith(("Z",)):
            out.append(" ")
        elif unicodedata.category(ch) in {"Cc", "Cf", "So", "Sk", "Cs", "Co", "Cn"}:
            continue  # control characters, emoji and symbols are dropped
        else:
            out.append("?")
    return re.sub(r"[ ]{2,}", " ", "".join(out)).strip()


def gsm7_septets(text: str) -> int:
    return sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)


def sms_segments(text: str) -> int:
    """Segments of a GSM-7 text: 160 septets fit one; a longer text is split into parts of 153."""
    septets = gsm7_septets(text)
    if septets <= 160:
        return 1
    return -(-septets // 153)


def contains_personal_number(text: str) -> bool:
    return bool(_LONG_NUMBER.search(text))


def sms_text(raw: str) -> SmsText:
    """The final text of an SMS, or NotificationRenderError when it would carry a personal number or grow
    beyond the configured number of segments."""
    text = to_gsm7(" ".join(raw.split()))
    if contains_personal_number(text):
        raise NotificationRenderError("An SMS must not contain a NIK or another personal number of 16+ digits.")
    if not text:
        raise NotificationRenderError("The SMS text is empty.")
    segments = sms_segments(text)
    limit = notification_settings()["SMS_MAX_SEGMENTS"]
    if segments > limit:
        raise NotificationRenderError(f"The SMS needs {segments} segments; at most {limit} are allowed.")
    return SmsText(text=text, segments=segments, septets=gsm7_septets(text))


@lru_cache(maxsize=256)
def _compiled(source: str):
    # Keyed by the text itself, so an edited template is compiled afresh in every process.
    return _ENGINE.from_string(source)


def render_template_text(source: str, context: dict) -> str:
    try:
        return _compiled(source).render(Context(context, autoescape=False))
    except TemplateSyntaxError as exc:
        raise NotificationRenderError(f"Template error: {exc}") from exc


def validate_template_source(*, source: str, title: str, channel: str, sample: dict, language: str) -> None:
    """For the template editor: the text parses and, rendered with the event's sample context, makes a
    message that may be sent (for an SMS: GSM-7, no personal number, within the segment limit)."""
    from .channels import channel_registry

    context = base_context(sample, name="Siti Aminah", language=language)
    try:
        rendered = render_template_text(source, context)
        render_template_text(title, context)
        kind = channel_registry().get(channel).text_kind if channel in channel_registry() else "short"
        if kind == "short":
            sms_text(rendered)
    except NotificationRenderError as exc:
        raise ValidationError(_("Templat tidak dapat dipakai: %(reason)s"), params={"reason": str(exc)}) from exc


def base_context(context: dict, *, name: str, language: str) -> dict:
    office = settings.CAPIL_OFFICE
    return {
        "office": office["short_name"],
        "office_name": office["name"],
        "site_url": settings.CAPIL_SITE_URL,
        "name": name,
        "language": language,
        **context,
    }


def email_html(*, title: str, text: str, language: str) -> str:
    """The HTML part: the plain text in the office's simple e-mail layout (paragraphs, clickable links)."""
    with override(language):
        return render_to_string(
            "notifications/email.html",
            {"title": title, "text": text, "office": settings.CAPIL_OFFICE, "site_url": settings.CAPIL_SITE_URL},
        )


def mask_address(address: str) -> str:
    """+62812******90 for a phone number, s***@example.go.id for an e-mail address."""
    if "@" in address:
        local, _, domain = address.partition("@")
        return (local[:1] or "") + "***@" + domain
    if len(address) > 8:
        return address[:6] + "*" * (len(address) - 8) + address[-2:]
    return "*" * len(address)


def notification_settings() -> dict:
    defaults = {
        "MAX_ATTEMPTS": 8,
        "BACKOFF_BASE": 30.0,
        "BACKOFF_MAX": 3600.0,
        "SENDING_TIMEOUT": 300.0,
        "SWEEP_INTERVAL": 30.0,
        "ENQUEUE_GRACE": 60.0,
        "LOST_TASK_AFTER": 900.0,
        "SMS_MAX_SEGMENTS": 3,
        "OUTBOX_DIR": str(settings.VAR_DIR / "outbox"),
    }
    return {**defaults, **getattr(settings, "CAPIL_NOTIFICATIONS", {})}
