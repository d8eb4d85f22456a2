"""Applications (Permohonan), their uploaded requirement files and their event trail.

Read by other contexts (archive, queueing) through `selectors.py`; written only through `services.py` and
`workflow.py`. `Application.state` is never assigned outside `workflow.application_transition`.

What the archive seals for one application (step 18):
- the `Application` row (number, service version, applicant, answers, timestamps);
- every `RequirementUpload` of it, every version (`file`, `sha256`), with its review;
- the `RecordEntry` (the step-10 data the output was made from) and `output_document` (the signed PDF);
- every `ApplicationEvent` (the timeline and SLA record), in order.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    """Where an application stands in the 18-step SOP skeleton. The SOP step and the role that holds each
    state are declared beside the transitions in `workflow.py`."""

    DRAFT = "draft", _("Draf (diisi pemohon)")
    VERIFICATION = "verification", _("Verifikasi persyaratan")
    RETURNED = "returned", _("Dikembalikan ke pemohon")
    DATA_ENTRY = "data_entry", _("Entri data")
    KASI_VERIFICATION = "kasi_verification", _("Verifikasi Kasi")
    CERTIFICATION_REQUEST = "certification_request", _("Pengajuan sertifikasi")
    CERTIFICATION = "certification", _("Sertifikasi dokumen")
    TTE_VALIDATION = "tte_validation", _("Validasi TTE")
    SIGNING = "signing", _("Penandatanganan elektronik")
    DELIVERY = "delivery", _("Pengiriman dokumen")
    ARCHIVING = "archiving", _("Pengarsipan")
    ARCHIVED = "archived", _("Selesai dan diarsipkan")
    WITHDRAWN = "withdrawn", _("Dibatalkan pemohon")


# The states in which an application waits in a back-office work queue (selectors.QUEUE_STATES says which role
# holds each). The partial index of overdue work below is limited to exactly these.
WORK_STATES: tuple[str, ...] = (
    State.VERIFICATION, State.DATA_ENTRY, State.KASI_VERIFICATION, State.CERTIFICATION_REQUEST,
    State.CERTIFICATION, State.TTE_VALIDATION, State.SIGNING, State.ARCHIVING,
)


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("Loket")


class Application(models.Model):
    """One application (Permohonan) for one service, under the service version it was opened with."""

    tracking_number = models.CharField(_("nomor permohonan"), max_length=32, unique=True)
    service_version = models.ForeignKey(
        "catalog.ServiceVersion", on_delete=models.PROTECT, related_name="applications",
        verbose_name=_("versi layanan"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications", verbose_name=_("pemohon"),
    )
    channel = models.CharField(_("jalur"), max_length=16, choices=Channel.choices, default=Channel.ONLINE)
    answers = models.JSONField(_("isian formulir"), default=dict, blank=True)
    state = models.CharField(_("status"), max_length=32, choices=State.choices, default=State.DRAFT)
    sop_step = models.PositiveSmallIntegerField(_("langkah SOP saat ini"), default=6)
    # When the current state began and when its SOP standard time runs out (null: the SOP sets none).
    state_entered_at = models.DateTimeField(_("masuk status ini"))
    due_at = models.DateTimeField(_("batas waktu langkah"), null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="claimed_applications",
        verbose_name=_("ditangani oleh"),
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    output_kind = models.CharField(_("jenis dokumen keluaran"), max_length=64, blank=True)
    output_document = models.ForeignKey(
        "documents.IssuedDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("dokumen keluaran"), help_text=_("Dokumen yang ditandatangani pada langkah 15."),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("diajukan"), null=True, blank=True)
    completed_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        verbose_name = _("permohonan")
        verbose_name_plural = _("permohonan")
        indexes = [
            # Work queues: "what waits in these states, oldest first".
            models.Index(fields=["state", "state_entered_at", "id"], name="app_queue_idx"),
            models.Index(fields=["applicant", "-created_at"], name="app_applicant_idx"),
            # "Late right now" (the SLA page): the open work by deadline, without reading every waiting row.
            models.Index(fields=["due_at"], name="app_overdue_idx",
                         condition=models.Q(state__in=WORK_STATES, due_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def is_read_only(self) -> bool:
        return self.state in (State.ARCHIVED, State.WITHDRAWN)


class TrackingCounter(models.Model):
    """The tracking-number counter on databases without sequences (SQLite). Incremented inside the
    creating transaction under a row lock; PostgreSQL uses the sequence `applications_tracking_seq`."""

    name = models.CharField(max_length=32, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class UploadStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu verifikasi")
    ACCEPTED = "accepted", _("Sesuai")
    REJECTED = "rejected", _("Tidak sesuai")


class RejectionReason(models.TextChoices):
    """The operator's reason list at step 9; free text adds the detail."""

    UNREADABLE = "unreadable", _("Foto buram atau tidak terbaca")
    INCOMPLETE = "incomplete", _("Dokumen terpotong atau tidak lengkap")
    WRONG_DOCUMENT = "wrong_document", _("Bukan dokumen yang diminta")
    EXPIRED = "expired", _("Dokumen sudah tidak berlaku")
    DATA_MISMATCH = "data_mismatch", _("Data tidak sesuai dengan isian formulir")
    NOT_ORIGINAL = "not_original", _("Bukan foto dari dokumen asli")
    OTHER = "other", _("Lainnya (lihat keterangan)")


def upload_path(instance: "RequirementUpload", filename: str) -> str:
    # Never derived from the user's file name: the stored name is the content hash.
    return f"applications/{instance.application_id}/{instance.slot}/v{instance.version}-{instance.sha256[:16]}.jpg"


class RequirementUpload(models.Model):
    """One version of the file for one requirement slot. A replacement adds a version; none is deleted.
    The current version of a slot is the one with `superseded_at` null."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="uploads")
    slot = models.CharField(_("slot persyaratan"), max_length=100)
    slot_label = models.CharField(_("nama persyaratan"), max_length=255)
    version = models.PositiveIntegerField(default=1)
    file = models.FileField(upload_to=upload_path, max_length=255)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField(_("ukuran (byte)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=UploadStatus.choices, default=UploadStatus.PENDING)
    reason_code = models.CharField(max_length=32, choices=RejectionReason.choices, blank=True)
    reason_text = models.CharField(_("keterangan"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("berkas persyaratan")
        verbose_name_plural = _("berkas persyaratan")
        ordering = ["slot", "version"]
        constraints = [
            models.UniqueConstraint(fields=["application", "slot", "version"], name="upload_version_unique"),
            models.UniqueConstraint(
                fields=["application", "slot"], condition=Q(superseded_at__isnull=True), name="upload_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slot_label} v{self.version}"


class RecordEntry(models.Model):
    """The output document's data as the operator entered or confirmed it at step 10 (the office's SIAK
    record for this application). Written through `capil.applications.siak`."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="record")
    output_kind = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    backend = models.CharField(max_length=64, default="local")
    external_reference = models.CharField(max_length=128, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.application} · {self.output_kind}"


class ApplicationEvent(models.Model):
    """One transition: the timeline the applicant sees and the SLA record the office measures.
    `started_at` is when the from-state began, `due_at` its standard-time deadline, so time taken and
    whether it was within standard are read from the row alone."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=32)
    from_state = models.CharField(max_length=32, choices=State.choices)
    to_state = models.CharField(max_length=32, choices=State.choices)
    sop_step = models.PositiveSmallIntegerField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    actor_role = models.CharField(max_length=20)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["application", "created_at"], name="app_event_timeline_idx"),
            models.Index(fields=["created_at", "sop_step"], name="app_event_sla_idx"),
            # The SLA page's late list: a step's late events in time order (a small share of all events).
            models.Index(fields=["sop_step", "created_at"], condition=models.Q(created_at__gt=models.F("due_at")),
                         name="app_event_late_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.action} {self.from_state}→{self.to_state}"

    @property
    def within_standard(self) -> bool | None:
        if self.due_at is None:
            return None
        return self.created_at <= self.due_at


class SlaDay(models.Model):
    """One closed day's completed SOP steps of one service and step (WITA day), summed up from ApplicationEvent
    once the day has ended (capil/applications/sla.py): counts, and a histogram of the minutes taken for the
    median. Events never change, so neither does a day's sum."""

    day = models.DateField()
    service_slug = models.SlugField(max_length=80)
    sop_step = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()
    with_due = models.PositiveIntegerField()
    within = models.PositiveIntegerField()
    histogram = models.JSONField(default=dict)  # {"class": count}; classes in sla.minutes_class

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "service_slug", "sop_step"], name="sla_day_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.service_slug} step {self.sop_step}: {self.count}"


class SlaDayDone(models.Model):
    """A day that has been summed up (also when it had no completed steps)."""

    day = models.DateField(primary_key=True)
    steps = models.PositiveIntegerField(default=0)
    summed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.day}: {self.steps}"
