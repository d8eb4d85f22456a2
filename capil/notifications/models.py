"""The outbox: one row per message and channel, written in the transaction of the change that causes it."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    """Delivery states. `failed` is a temporary failure with a retry scheduled; `dead` is the dead letter:
    a permanent failure (the reason says which) or temporary failures until the attempts ran out."""

    QUEUED = "queued", _("Antre")
    SENDING = "sending", _("Sedang dikirim")
    SENT = "sent", _("Terkirim")
    FAILED = "failed", _("Gagal, akan dicoba lagi")
    DEAD = "dead", _("Gagal permanen")


class FailureKind(models.TextChoices):
    NONE = "", _("—")
    TEMPORARY = "temporary", _("Sementara")
    PERMANENT = "permanent", _("Permanen")
    EXHAUSTED = "exhausted", _("Batas percobaan habis")


class Notification(models.Model):
    """One message to one address over one channel.

    The idempotency key (a SHA-256 of subject, event, channel, address and key suffix) is unique: enqueuing
    the same event twice finds the existing row. `reference` is the client reference sent to gateways that
    accept one, so a retry after a crash is recognised by the gateway instead of delivered twice.
    """

    idempotency_key = models.CharField(max_length=64, unique=True, editable=False)
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(_("peristiwa"), max_length=60, db_index=True)
    channel = models.CharField(_("kanal"), max_length=30)
    subject_type = models.CharField(max_length=80)
    subject_id = models.CharField(max_length=64)
    key_suffix = models.CharField(max_length=64, blank=True)
    recipient = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    address = models.CharField(_("alamat"), max_length=254)
    language = models.CharField(max_length=8)
    title = models.CharField(_("judul"), max_length=200, blank=True)
    body = models.TextField(_("isi"))
    body_html = models.TextField(blank=True)
    # True for messages that carry a secret (OTP, reset link): the body is hidden from staff pages and
    # erased once the message has left.
    sensitive = models.BooleanField(default=False)
    segments = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    next_attempt_at = models.DateTimeField(_("percobaan berikutnya"))
    task_enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(_("terkirim pada"), null=True, blank=True)
    provider_message_id = models.CharField(_("id pesan penyedia"), max_length=200, blank=True)
    failure_kind = models.CharField(max_length=10, choices=FailureKind.choices, blank=True, default="")
    last_error = models.TextField(_("alasan gagal"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["channel", "state"]),
            # The delivery log: newest first, a keyset page at a time (read backwards).
            models.Index(fields=["created_at", "id"], name="notification_recent_idx"),
        ]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")

    def __str__(self) -> str:
        return f"{self.event}/{self.channel} #{self.pk} ({self.state})"

    @property
    def event_label(self) -> str:
        from .defaults import EVENTS

        spec = EVENTS.get(self.event)
        return str(spec.label) if spec else self.event

    @property
    def masked_address(self) -> str:
        from .rendering import mask_address

        return mask_address(self.address)


class NotificationAttachment(models.Model):
    """A file sent with an e-mail (the signed PDF). Kept in the database, in the same transaction as the
    notification, so a retry after a restart still has it; the content is erased once the message is sent
    (the size and SHA-256 stay as the record of what was sent)."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    mimetype = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField(null=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class NotificationTemplate(models.Model):
    """The text of one event on one channel in one language, editable by an administrator. Rows are
    seeded from `defaults.py` by a data migration; a missing row falls back to that default."""

    event = models.CharField(_("peristiwa"), max_length=60)
    channel = models.CharField(_("kanal"), max_length=30)
    language = models.CharField(_("bahasa"), max_length=8)
    title = models.CharField(_("judul (subjek e-mail)"), max_length=200, blank=True)
    body = models.TextField(_("isi"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["event", "channel", "language"]
        constraints = [
            models.UniqueConstraint(fields=["event", "channel", "language"], name="notifications_template_unique"),
        ]
        verbose_name = _("templat notifikasi")
        verbose_name_plural = _("templat notifikasi")

    def __str__(self) -> str:
        return f"{self.event}/{self.channel}/{self.language}"


class SweepLease(models.Model):
    """A single row: when the periodic sweep is next due. The sweep task claims it with a conditional
    UPDATE, so any number of workers run one sweep per interval."""

    next_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"sweep due {self.next_run_at:%Y-%m-%d %H:%M:%S}"
