"""Start-up check: the configured channels load and every event has a text for each of them."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register()
def notification_channels_check(app_configs=None, **kwargs):
    from .channels import channel_registry

    try:
        registry = channel_registry()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="notifications.E001")]
    errors = []
    for name, channel in registry.items():
        if channel.address_kind not in {"phone", "email"}:
            errors.append(checks.Error(f"Channel {name!r}: address_kind must be 'phone' or 'email'.",
                                       id="notifications.E002"))
        if channel.text_kind not in {"short", "email"}:
            errors.append(checks.Error(f"Channel {name!r}: text_kind must be 'short' or 'email'.",
                                       id="notifications.E003"))
    return errors
