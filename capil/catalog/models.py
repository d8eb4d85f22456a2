"""The service catalog: the office's SOP document as versioned service definitions.

A `Service` is a stable slug. Each import that changes what a service means adds a `ServiceVersion`; a version
is never changed or deleted afterwards (applications keep the version they were opened under, by its primary
key). A version owns its `Step`s and `Requirement`s. Writes happen only in `services.catalog_import`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from capil.accounts.models import Role


class Executor(models.TextChoices):
    """Who executes an SOP step: the accounts roles (same values) plus the executors outside this system."""

    CITIZEN = Role.CITIZEN.value, _("Pemohon")
    OPERATOR = Role.OPERATOR.value, _("Operator")
    KASI = Role.KASI.value, _("Kepala Seksi")
    KADIS = Role.KADIS.value, _("Kepala Dinas")
    ARSIPARIS = Role.ARSIPARIS.value, _("Arsiparis")
    DWH_DUKCAPIL = "DWH_DUKCAPIL", _("DWH Ditjen Dukcapil Kemendagri")
    OPD = "OPD", _("Perangkat Daerah (OPD)")
    WALIKOTA = "WALIKOTA", _("Wali Kota")
    DISDUKCAPIL = "DISDUKCAPIL", _("Disdukcapil")
    KEMENDAGRI = "KEMENDAGRI", _("Kementerian Dalam Negeri")


class Channel(models.TextChoices):
    ONLINE = "ONLINE", _("Daring")
    COUNTER = "COUNTER", _("Datang ke loket")
    BOOKING = "BOOKING", _("Pesan jadwal")
    INTER_AGENCY = "INTER_AGENCY", _("Antarinstansi")


class DurationUnit(models.TextChoices):
    MINUTES = "MINUTES", _("menit")
    WORKING_DAYS = "WORKING_DAYS", _("hari kerja")


class Service(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    current_version = models.ForeignKey(
        "ServiceVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.slug

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("catalog:service_detail", kwargs={"slug": self.slug})


class ServiceVersion(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("nomor versi"))
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the parsed SOP and its overlay entry.")
    official_name = models.CharField(_("nama resmi SOP"), max_length=300)
    name = models.CharField(_("nama layanan"), max_length=200)
    summary = models.TextField(_("ringkasan"))
    keywords = models.JSONField(default=list)
    category = models.SlugField(max_length=60)
    category_label = models.CharField(max_length=120)
    category_order = models.PositiveSmallIntegerField(default=99)
    display_order = models.PositiveSmallIntegerField(default=50)  # within the category, on the home page
    channel = models.CharField(max_length=20, choices=Channel.choices)
    output_kind = models.CharField(max_length=60, null=True, blank=True)
    output_kind_choices = models.JSONField(default=list)
    output_kind_field = models.CharField(max_length=60, blank=True)
    output_name = models.CharField(_("dokumen yang diterima"), max_length=200, blank=True)
    form_fields = models.JSONField(default=list)
    header = models.JSONField(default=dict)  # legal basis, qualifications, equipment, warning, data, dates
    signatory_title = models.CharField(max_length=200, blank=True)
    signatory_name = models.CharField(max_length=200, blank=True)
    executor_columns = models.JSONField(default=list)
    search_text = models.TextField(blank=True)  # lower-case words the home page search looks in
    document_position = models.PositiveSmallIntegerField(default=0)
    source_line = models.PositiveIntegerField(default=0)
    source_sha256 = models.CharField(max_length=64)
    import_report = models.JSONField(default=list)  # the report entries about this SOP
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service", "number"]
        constraints = [models.UniqueConstraint(fields=["service", "number"], name="catalog_version_number_unique")]

    def __str__(self):
        return f"{self.service.slug} v{self.number}"

    @property
    def legal_basis(self) -> list[str]:
        return self.header.get("legal_basis", [])

    @property
    def executor_qualifications(self) -> list[str]:
        return self.header.get("executor_qualifications", [])

    @property
    def equipment(self) -> list[str]:
        return self.header.get("equipment", [])

    @property
    def warning(self) -> str:
        return self.header.get("warning", "")

    @property
    def data_and_information(self) -> list[str]:
        return self.header.get("data_and_information", [])

    @property
    def revision_date(self) -> str:
        return self.header.get("fields", {}).get("revision_date", "")

    @property
    def is_free_of_charge(self) -> bool:
        return "tanpa" in self.warning.lower() and "biaya" in self.warning.lower()


class Step(models.Model):
    version = models.ForeignKey(ServiceVersion, on_delete=models.PROTECT, related_name="steps")
    number = models.PositiveSmallIntegerField(_("nomor resmi"))
    label = models.CharField(max_length=8, help_text="The official number, with a letter where the SOP repeats one.")
    position = models.PositiveSmallIntegerField()
    description = models.TextField(_("uraian prosedur"))
    note = models.TextField(blank=True, help_text="An unnumbered row of the SOP that continues this step.")
    role = models.CharField(_("pelaksana"), max_length=20, choices=Executor.choices)
    automated = models.BooleanField(default=False, help_text="Performed by the system on behalf of the role.")
    duration_value = models.PositiveIntegerField(null=True, blank=True)
    duration_unit = models.CharField(max_length=20, choices=DurationUnit.choices, blank=True)
    requirement_cell = models.TextField(_("kelengkapan"), blank=True)
    output_cell = models.TextField(_("output"), blank=True)
    decision = models.JSONField(null=True, blank=True)  # {"no": "8", "yes": "10"} on the verification step
    source_line = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="catalog_step_position_unique"),
            models.UniqueConstraint(fields=["version", "label"], name="catalog_step_label_unique"),
        ]

    def __str__(self):
        return f"{self.label}. {self.description}"

    @property
    def decision_text(self) -> str:
        if not self.decision:
            return ""
        return f"{self.label}: tidak → {self.decision['no']}, ya → {self.decision['yes']}"


class Requirement(models.Model):
    version = models.ForeignKey(ServiceVersion, on_delete=models.PROTECT, related_name="requirements")
    key = models.SlugField(max_length=80)
    label = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField()
    alternatives = models.JSONField(default=list)  # any one of these satisfies the item
    condition_key = models.CharField(max_length=60, blank=True)  # the yes/no form field that switches it on
    condition_text = models.CharField(max_length=200, blank=True)  # as the SOP says it: "jika hilang"
    slots = models.JSONField(default=list)  # one label per person: ["KTP suami", "KTP istri"]
    step_label = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="catalog_requirement_key_unique")]

    def __str__(self):
        return self.label

    @property
    def slot_count(self) -> int:
        return len(self.slots) or 1

    @property
    def is_conditional(self) -> bool:
        return bool(self.condition_key)
