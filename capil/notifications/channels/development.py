"""The development channel: nothing leaves the machine. Every message is appended to
`<outbox>/<channel>.log` (one line each, for `tail -f`), written as one JSON file in `<outbox>/messages/`
(read by the staff page and by `dev_messages()`), and e-mails also as a `.eml` file with their attachments.
Like a gateway that honours client references, a reference already written is not written again."""

import json
import os
from pathlib import Path

from django.utils import timezone

from ..rendering import notification_settings
from .base import Channel, DeliveryReceipt, OutgoingMessage


def outbox_dir() -> Path:
    return Path(notification_settings()["OUTBOX_DIR"])


class DevelopmentChannel(Channel):
    def __init__(self, *, name: str, address_kind: str = "phone", text_kind: str | None = None, **options):
        super().__init__(name=name, **options)
        self.address_kind = address_kind
        self.text_kind = text_kind or ("email" if address_kind == "email" else "short")

    @property
    def supports_client_reference(self) -> bool:
        return True

    def send(self, message: OutgoingMessage) -> DeliveryReceipt:
        root = outbox_dir()
        messages = root / "messages"
        messages.mkdir(parents=True, exist_ok=True)
        now = timezone.now()
        message_id = f"dev-{message.reference}"
        path = messages / f"{message.reference}.json"
        if path.exists():
            return DeliveryReceipt(provider_message_id=message_id)
        record = {
            "id": message_id,
            "notification_id": message.notification_id,
            "channel": self.name,
            "event": message.event,
            "to": message.address,
            "language": message.language,
            "title": message.title,
            "body": message.body,
            "body_html": message.body_html,
            "attachments": [{"filename": f, "mimetype": m, "size": len(c)} for f, c, m in message.attachments],
            "sent_at": now.isoformat(),
        }
        if self.text_kind == "email":
            from .email import build_email

            eml = root / "mail" / f"{message.reference}.eml"
            eml.parent.mkdir(parents=True, exist_ok=True)
            eml.write_bytes(build_email(message).message().as_bytes())
            record["eml"] = str(eml)
        # Written to a temporary name and renamed, so a reader never sees half a file and a crash never
        # leaves one behind.
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1))
        os.replace(tmp, path)
        line = f"{now:%Y-%m-%d %H:%M:%S%z}\t{message.address}\t{message.event}\t" + " ".join(
            (message.title + " " + message.body).split()
        )
        with open(root / f"{self.name}.log", "a", encoding="utf-8") as log:
            log.write(line + "\n")
        return DeliveryReceipt(provider_message_id=message_id)


def read_dev_messages(*, address: str | None = None, limit: int = 200) -> list[dict]:
    """Messages written by the development channel, newest first, optionally only those to one address."""
    folder = outbox_dir() / "messages"
    if not folder.is_dir():
        return []
    records = []
    for path in sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True):
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if address is None or record.get("to") == address:
            records.append(record)
        if len(records) >= limit:
            break
    records.sort(key=lambda r: r.get("sent_at", ""), reverse=True)
    return records
