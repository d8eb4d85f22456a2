"""The interface every channel implements."""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field


class TemporaryFailure(Exception):
    """Try again later: timeout, connection refused, HTTP 5xx or 429. `retry_after` (seconds) is honoured
    as the shortest wait when the provider names one."""

    def __init__(self, reason: str, *, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class PermanentFailure(Exception):
    """Do not try again: invalid number, refused credentials, any other 4xx. The reason is recorded."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class OutgoingMessage:
    """What a channel sends. `reference` is stable across retries of the same notification."""

    notification_id: int
    reference: str
    event: str
    address: str
    language: str
    title: str
    body: str
    body_html: str = ""
    attachments: tuple[tuple[str, bytes, str], ...] = field(default=())


@dataclass(frozen=True)
class DeliveryReceipt:
    provider_message_id: str = ""


class Channel(ABC):
    # "phone" (normalised E.164) or "email": which address of the recipient this channel uses.
    address_kind: str = "phone"
    # "short": one text with SMS rules (GSM-7, segments, no personal numbers); "email": title + text + HTML.
    text_kind: str = "short"
    # When this channel has no template for an event, use the template of this channel (a WhatsApp channel
    # may start with the SMS texts).
    template_fallback: str | None = None

    def __init__(self, *, name: str, **options):
        self.name = name
        self.options = options

    @property
    def supports_client_reference(self) -> bool:
        """True when the provider recognises `reference` and so never delivers one reference twice; a
        message whose outcome is unknown after a crash is then safe to send again."""
        return False

    @abstractmethod
    def send(self, message: OutgoingMessage) -> DeliveryReceipt:
        """Hand the message to the provider. Return the receipt, or raise TemporaryFailure/PermanentFailure.
        Any other exception is treated as temporary."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"
