from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditChainHead(models.Model):
    """A single row that every append locks, so events are chained in one order on any database."""

    last_hash = models.CharField(max_length=64, default="0" * 64)
    last_sequence = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit head #{self.last_sequence}"


class AuditEvent(models.Model):
    """Append-only, hash-chained record of staff actions and views of personal data.

    Each row's hash covers its own content and the previous row's hash: editing or deleting any row
    breaks every hash after it, which `audit_chain_verify` reports.
    """

    sequence = models.BigIntegerField(unique=True, editable=False)
    created_at = models.DateTimeField(editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The actor's id as text, kept when the account is later removed (the foreign key becomes NULL
    # then, and the hash covers this field, not the key).
    actor_ref = models.CharField(max_length=32, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False, unique=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["target_type", "target_id", "sequence"])]
        verbose_name = _("peristiwa audit")
        verbose_name_plural = _("log audit")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit events are append-only.")
