"""Channels for tests: scripted outcomes, recorded sends. Registered through settings like any channel."""

from capil.notifications.channels import Channel, DeliveryReceipt, PermanentFailure, TemporaryFailure

SENT: list = []
SCRIPT: list = []  # outcomes consumed in order: "ok", "temporary", "permanent", "crash"


class ScriptedChannel(Channel):
    address_kind = "phone"
    text_kind = "short"

    @property
    def supports_client_reference(self) -> bool:
        return True

    def send(self, message):
        outcome = SCRIPT.pop(0) if SCRIPT else "ok"
        if outcome == "temporary":
            raise TemporaryFailure("gateway HTTP 503")
        if outcome == "permanent":
            raise PermanentFailure("gateway HTTP 400: invalid number")
        if outcome == "crash":
            raise RuntimeError("unexpected")
        SENT.append(message)
        return DeliveryReceipt(provider_message_id=f"scripted-{len(SENT)}")


class PigeonChannel(Channel):
    """Stands in for a WhatsApp Business channel: a new class and a settings entry, nothing else."""

    address_kind = "phone"
    text_kind = "short"
    template_fallback = "sms"

    def send(self, message):
        SENT.append(message)
        return DeliveryReceipt(provider_message_id=f"wa-{message.reference[:8]}")
