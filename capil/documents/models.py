import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentStatus(models.TextChoices):
    VALID = "VALID", _("Berlaku")
    REVOKED = "REVOKED", _("Dicabut")
    SUPERSEDED = "SUPERSEDED", _("Diganti")


class IssuedDocument(models.Model):
    """One signed PDF the office issued. The file lives in private storage; the row records what was signed
    (data hash), what was handed out (PDF hash, byte for byte), by whom, and whether it still stands."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("jenis dokumen"), max_length=40, db_index=True)
    number = models.CharField(_("nomor dokumen"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    holder_name = models.CharField(_("nama pemegang"), max_length=300)
    reference = models.CharField(_("rujukan"), max_length=60, blank=True, db_index=True,
                                 help_text=_("Nomor permohonan atau rujukan lain dari konteks yang meminta."))
    data = models.JSONField(_("data dokumen"))
    data_sha256 = models.CharField(max_length=64)
    pdf = models.FileField(upload_to="documents/", max_length=200)
    pdf_sha256 = models.CharField(max_length=64, unique=True)
    pdf_size = models.PositiveIntegerField()
    template_sha256 = models.CharField(max_length=64)
    verification_code = models.CharField(_("kode verifikasi"), max_length=20, unique=True)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signed_documents")
    signer_name = models.CharField(max_length=150)
    signer_title = models.CharField(max_length=200)
    signer_nip = models.CharField(max_length=18, blank=True)
    signer_backend = models.CharField(max_length=20)
    certificate_sha256 = models.CharField(max_length=64)
    timestamped = models.BooleanField(default=False)
    issued_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.VALID)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+")
    status_reason = models.TextField(blank=True)
    superseded_by = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="supersedes")

    class Meta:
        verbose_name = _("dokumen terbit")
        verbose_name_plural = _("dokumen terbit")
        constraints = [models.UniqueConstraint(fields=["kind", "year", "sequence"], name="documents_number_unique")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.status == DocumentStatus.VALID


class DocumentNumberCounter(models.Model):
    """Per kind and year, the last number given — used where the database has no sequences (SQLite). The
    row is incremented in place (UPDATE … SET value = value + 1) inside the issuing transaction, so two
    issuers never read the same value and a rolled-back issue gives its number back."""

    kind = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="documents_counter_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.value}"


class DocumentTemplate(models.Model):
    """An office's own template for one kind, replacing the default from the files. Deleting the row
    restores the default."""

    kind = models.CharField(max_length=40, unique=True)
    source = models.TextField()
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("templat dokumen")
        verbose_name_plural = _("templat dokumen")

    def __str__(self) -> str:
        return self.kind


class DocumentDraft(models.Model):
    """A document rendered and numbered but not yet signed: prepared at data entry (SOP step 10), checked
    by the Kasi, then signed — often many at once — by the Kadis whose name it already carries. Signing
    turns it into an `IssuedDocument` with the same number and verification code and deletes the draft.
    Verification knows nothing of drafts: an unsigned PDF is never valid."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40)
    number = models.CharField(max_length=60, unique=True)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    holder_name = models.CharField(max_length=300)
    reference = models.CharField(max_length=60, blank=True, db_index=True)
    data = models.JSONField()
    unsigned_pdf = models.FileField(upload_to="documents/drafts/", max_length=200)
    signature_page = models.PositiveSmallIntegerField()
    signature_box = models.JSONField()
    template_sha256 = models.CharField(max_length=64)
    verification_code = models.CharField(max_length=20, unique=True)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="document_drafts")
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField()

    class Meta:
        verbose_name = _("draf dokumen")
        verbose_name_plural = _("draf dokumen")

    def __str__(self) -> str:
        return self.number
