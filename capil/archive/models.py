"""The sealed archive of finished applications (SOP step 18).

An `ArchiveRecord` is written once, in the transaction that archives the application, and never changed
afterwards except for the result of the latest seal check. Its `manifest` lists every sealed item (the
application row, the step-10 record, every version of every upload — file and review —, the output PDF and
every event) with the SHA-256 of each; `manifest_sha256` is the hash over the manifest, and the same hash is
written into the hash-chained audit log, so a manifest rewritten in the database is detected too.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ArchiveRecord(models.Model):
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="archive_record",
        verbose_name=_("permohonan"),
    )
    # Copied at sealing time for searching and listing without touching other contexts' tables.
    tracking_number = models.CharField(_("nomor permohonan"), max_length=32, unique=True)
    service_slug = models.SlugField(_("layanan"), max_length=80)
    service_name = models.CharField(_("nama layanan"), max_length=200)
    applicant_name = models.CharField(_("nama pemohon"), max_length=300)
    submitted_at = models.DateTimeField(_("diajukan"), null=True, blank=True)
    archived_at = models.DateTimeField(_("diarsipkan"))
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("diarsipkan oleh"),
    )
    manifest = models.JSONField(_("daftar isi segel"))
    manifest_sha256 = models.CharField(_("hash segel"), max_length=64)
    last_checked_at = models.DateTimeField(_("terakhir diperiksa"), null=True, blank=True)
    last_check_ok = models.BooleanField(_("hasil pemeriksaan terakhir"), null=True, blank=True)

    class Meta:
        verbose_name = _("arsip permohonan")
        verbose_name_plural = _("arsip permohonan")
        ordering = ["-archived_at", "-id"]
        indexes = [
            models.Index(fields=["service_slug", "submitted_at"], name="archive_service_date_idx"),
            models.Index(fields=["submitted_at"], name="archive_submitted_idx"),
            models.Index(fields=["-archived_at", "-id"], name="archive_recent_idx"),
        ]

    def __str__(self) -> str:
        return self.tracking_number


class ArchivePersonKey(models.Model):
    """A keyed hash (HMAC-SHA256) of each 16-digit personal number (NIK, No. KK) found in the archived
    application, so the archive can be searched by exact number without an index of numbers in clear."""

    record = models.ForeignKey(ArchiveRecord, on_delete=models.CASCADE, related_name="person_keys")
    number_hash = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "number_hash"], name="archive_person_key_unique")]

    def __str__(self) -> str:
        return f"{self.record_id}:{self.number_hash[:12]}"


class SealCheck(models.Model):
    """One re-check of a seal: every hash recomputed from what is stored now."""

    record = models.ForeignKey(ArchiveRecord, on_delete=models.CASCADE, related_name="checks")
    checked_at = models.DateTimeField(_("waktu pemeriksaan"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("diperiksa oleh"),
    )
    ok = models.BooleanField(_("utuh"))
    manifest_ok = models.BooleanField(_("daftar isi utuh"))
    # Lists of {"key", "label", "sealed", "now"}: items whose content changed, disappeared or appeared.
    changed = models.JSONField(default=list)
    missing = models.JSONField(default=list)
    added = models.JSONField(default=list)

    class Meta:
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.record} {self.checked_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'BROKEN'}"
