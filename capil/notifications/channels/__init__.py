"""Channels behind one interface, chosen by settings.

`CAPIL_NOTIFICATION_CHANNELS` maps a channel name (the value stored in `Notification.channel` and the name
callers pass in `channels=`) to a class and its options:

    CAPIL_NOTIFICATION_CHANNELS = {
        "sms": {"BACKEND": "capil.notifications.channels.http_sms.HttpSmsChannel", "OPTIONS": {...}},
        "email": {"BACKEND": "capil.notifications.channels.email.EmailChannel", "OPTIONS": {"mailer": "default"}},
    }

A WhatsApp Business channel is one more class implementing `Channel` (address_kind "phone", text_kind
"short", its `send` calling the provider's API and raising TemporaryFailure/PermanentFailure) and one more
entry here ("whatsapp"); templates for it are added in the template editor (until then it uses the SMS
texts through `template_fallback`). Nothing else changes: the outbox, retries, the sweep, the delivery log and
the staff pages work on any registered channel.
"""

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .base import Channel, DeliveryReceipt, OutgoingMessage, PermanentFailure, TemporaryFailure

__all__ = ["Channel", "DeliveryReceipt", "OutgoingMessage", "PermanentFailure", "TemporaryFailure",
           "channel_registry", "get_channel"]


@cache
def channel_registry() -> dict[str, Channel]:
    config = getattr(settings, "CAPIL_NOTIFICATION_CHANNELS", None)
    if not config:
        raise ImproperlyConfigured("CAPIL_NOTIFICATION_CHANNELS must name at least one channel.")
    registry = {}
    for name, entry in config.items():
        try:
            cls = import_string(entry["BACKEND"])
        except (KeyError, ImportError) as exc:
            raise ImproperlyConfigured(f"Notification channel {name!r}: cannot load its BACKEND ({exc}).") from exc
        registry[name] = cls(name=name, **entry.get("OPTIONS", {}))
    return registry


def get_channel(name: str) -> Channel:
    try:
        return channel_registry()[name]
    except KeyError:
        raise ImproperlyConfigured(f"No notification channel named {name!r} in CAPIL_NOTIFICATION_CHANNELS.") from None


@receiver(setting_changed)
def _reset_registry(*, setting, **kwargs):
    if setting in {"CAPIL_NOTIFICATION_CHANNELS", "CAPIL_NOTIFICATIONS", "VAR_DIR"}:
        channel_registry.cache_clear()
