"""Queue tickets at the counters, KTP-el recording bookings, and the pick-up of printed cards.

State changes happen only in services.py, through the transition tables declared there; nothing here
assigns a status. Numbers come from `DailySequence` rows (one per series and day), never from Max()+1.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ServiceGroup(models.Model):
    """A queue of its own with its own letter: A-001, B-001 … numbered afresh every day."""

    code = models.CharField(_("huruf"), max_length=2, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    description = models.CharField(_("keterangan"), max_length=255, blank=True)
    # Catalog slugs served in this group (the counter SOPs, KTP-el recording, pick-up). Data, not code.
    service_slugs = models.JSONField(_("layanan"), default=list, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("kelompok layanan")
        verbose_name_plural = _("kelompok layanan")

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class Counter(models.Model):
    """A service counter (loket) where an operator calls tickets of the groups it serves."""

    number = models.PositiveSmallIntegerField(_("nomor loket"), unique=True)
    name = models.CharField(_("nama"), max_length=80)
    groups = models.ManyToManyField(ServiceGroup, related_name="counters", verbose_name=_("kelompok layanan"))
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("loket")
        verbose_name_plural = _("loket")

    def __str__(self) -> str:
        return self.name


class DailySequence(models.Model):
    """The last number given in one series on one day. Incremented under a row lock (see
    services.sequence_next), so two requests never get the same number."""

    series = models.CharField(max_length=8)
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "day"], name="queueing_sequence_series_day")]

    def __str__(self) -> str:
        return f"{self.series} {self.day}: {self.last_number}"


class TicketStatus(models.TextChoices):
    WAITING = "WAITING", _("Menunggu")
    CALLED = "CALLED", _("Dipanggil")
    SERVED = "SERVED", _("Selesai dilayani")
    NO_SHOW = "NO_SHOW", _("Tidak hadir")


class Ticket(models.Model):
    group = models.ForeignKey(ServiceGroup, on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField(_("tanggal"))
    number = models.PositiveIntegerField(_("nomor"))
    status = models.CharField(max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    issued_at = models.DateTimeField(_("diambil pada"))
    # When the ticket (re)joined the waiting line; a transfer puts it back in line at another counter.
    queued_at = models.DateTimeField()
    first_called_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    counter = models.ForeignKey(Counter, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets",
                                help_text=_("Loket yang sedang memanggil atau yang dituju setelah dipindahkan."))
    transferred = models.BooleanField(default=False)
    booking = models.OneToOneField("Booking", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="ticket")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        ordering = ["day", "group", "number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "day", "number"], name="queueing_ticket_number_per_day"),
        ]
        indexes = [models.Index(fields=["day", "status", "queued_at"], name="queueing_ticket_waiting")]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"{self.group.code}-{self.number:03d}"


class CallOutcome(models.TextChoices):
    SERVED = "SERVED", _("Selesai dilayani")
    NO_SHOW = "NO_SHOW", _("Tidak hadir")
    TRANSFERRED = "TRANSFERRED", _("Dipindahkan")


class TicketCall(models.Model):
    """One stretch of a ticket at one counter: from the call to served, no-show or transfer. The display
    page reads the latest calls; day statistics read service time per counter from these rows."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="calls")
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, related_name="calls")
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    called_at = models.DateTimeField()
    # A recall announces the same call again; the display page plays it once per announcement.
    announced_at = models.DateTimeField()
    announce_count = models.PositiveSmallIntegerField(default=1)
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=CallOutcome.choices, blank=True)

    class Meta:
        ordering = ["-announced_at", "-id"]
        indexes = [models.Index(fields=["announced_at"], name="queueing_call_announced")]

    def __str__(self) -> str:
        return f"{self.ticket} @ {self.counter}"


class BookingSlot(models.Model):
    """A recording time slot with its capacity. `booked` only changes by a conditional UPDATE
    (booked < capacity) and the database refuses anything outside 0..capacity."""

    date = models.DateField(_("tanggal"))
    start = models.TimeField(_("mulai"))
    end = models.TimeField(_("selesai"))
    capacity = models.PositiveIntegerField(_("kuota"))
    booked = models.PositiveIntegerField(_("terpesan"), default=0)

    class Meta:
        ordering = ["date", "start"]
        constraints = [
            models.UniqueConstraint(fields=["date", "start"], name="queueing_slot_date_start"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="queueing_slot_not_overbooked"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.booked)


class BookingStatus(models.TextChoices):
    BOOKED = "BOOKED", _("Terjadwal")
    CHECKED_IN = "CHECKED_IN", _("Sudah hadir")
    RECORDED = "RECORDED", _("Perekaman selesai")
    CANCELLED = "CANCELLED", _("Dibatalkan")
    NO_SHOW = "NO_SHOW", _("Tidak hadir")


def _new_manage_key() -> str:
    return secrets.token_urlsafe(9)


class Booking(models.Model):
    """A KTP-el recording appointment made without an account (SOP Perekaman KTP-el, steps 3–6)."""

    slot = models.ForeignKey(BookingSlot, on_delete=models.PROTECT, related_name="bookings")
    date = models.DateField(_("tanggal"))
    number = models.PositiveIntegerField(_("nomor antrian"))
    # E.164; the only personal data of a booking, kept to send its SMS. Never logged, never in audit data.
    phone = models.CharField(_("nomor HP"), max_length=20)
    status = models.CharField(max_length=12, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    statement_accepted_at = models.DateTimeField()
    created_at = models.DateTimeField()
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    # Part of every manage link; replacing it invalidates links sent before (not done today, but possible).
    manage_key = models.CharField(max_length=16, default=_new_manage_key)
    language = models.CharField(max_length=8, default="id")

    class Meta:
        ordering = ["date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["date", "number"], name="queueing_booking_number_per_day"),
            # One active booking per phone, enforced by the database even when two requests race.
            models.UniqueConstraint(fields=["phone"], condition=Q(status="BOOKED"),
                                    name="queueing_booking_one_active_per_phone"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        from .conf import queueing_setting

        return f"{queueing_setting('booking_group')}-{self.number:03d}"

    @property
    def reference(self) -> str:
        """Unique across days (queue numbers start afresh every day): 261207-B-007."""
        return f"{self.date:%y%m%d}-{self.code}"


class BookingEvent(models.Model):
    """Every booking transition, in order: the booking's timeline."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class OutputKind(models.TextChoices):
    KTP_EL = "ktp-el", _("KTP-el")
    KIA = "kia", _("Kartu Identitas Anak (KIA)")


class PickupStatus(models.TextChoices):
    READY = "READY", _("Siap diambil")
    COLLECTED = "COLLECTED", _("Sudah diambil")


class ReceiverRelation(models.TextChoices):
    SELF = "SELF", _("Pemilik dokumen sendiri")
    PARENT = "PARENT", _("Orang tua / wali (KIA)")
    FAMILY = "FAMILY", _("Anggota keluarga dalam satu KK")
    PROXY = "PROXY", _("Penerima kuasa (dengan surat kuasa)")


class IdentityDocument(models.TextChoices):
    KTP_EL = "KTP_EL", _("KTP-el")
    KK = "KK", _("Kartu Keluarga")
    KTP_AND_KK = "KTP_KK", _("KTP-el dan Kartu Keluarga")
    KTP_AND_PROXY = "KTP_KUASA", _("KTP-el dan surat kuasa")


class Pickup(models.Model):
    """A printed card (KTP-el, KIA) waiting at the pick-up counter, and who received it."""

    kind = models.CharField(_("jenis dokumen"), max_length=12, choices=OutputKind.choices)
    reference = models.CharField(_("nomor permohonan / antrian"), max_length=40, db_index=True)
    booking = models.OneToOneField(Booking, null=True, blank=True, on_delete=models.PROTECT, related_name="pickup")
    holder_name = models.CharField(_("nama pemilik dokumen"), max_length=150)
    # Only the last four digits of the holder's NIK: enough to check the ID shown, not a personal number.
    nik_suffix = models.CharField(_("4 digit terakhir NIK"), max_length=4)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=12, choices=PickupStatus.choices, default=PickupStatus.READY)
    ready_at = models.DateTimeField()
    ready_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    collected_at = models.DateTimeField(null=True, blank=True)
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    receiver_name = models.CharField(_("nama penerima"), max_length=150, blank=True)
    receiver_relation = models.CharField(max_length=10, choices=ReceiverRelation.choices, blank=True)
    receiver_document = models.CharField(max_length=10, choices=IdentityDocument.choices, blank=True)
    receiver_id_suffix = models.CharField(max_length=4, blank=True)
    failed_checks = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-ready_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "reference"], condition=Q(status="READY"),
                                    name="queueing_pickup_one_ready_per_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


class HousekeepingLease(models.Model):
    """A single row: when the periodic housekeeping (reminders, no-show expiry) is next due. Claimed with a
    conditional UPDATE, so any number of workers run it once per interval."""

    next_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"housekeeping due {self.next_run_at:%Y-%m-%d %H:%M:%S}"
