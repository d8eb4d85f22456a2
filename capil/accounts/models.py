from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Who acts. The staff roles are the SOP's Pelaksana columns; ADMIN manages staff and the catalog."""

    CITIZEN = "CITIZEN", _("Pemohon")
    OPERATOR = "OPERATOR", _("Operator")
    KASI = "KASI", _("Kepala Seksi (Kasi)")
    KADIS = "KADIS", _("Kepala Dinas (Kadis)")
    ARSIPARIS = "ARSIPARIS", _("Arsiparis")
    ADMIN = "ADMIN", _("Administrator")


STAFF_ROLES = frozenset({Role.OPERATOR, Role.KASI, Role.KADIS, Role.ARSIPARIS, Role.ADMIN})

# Every staff role works with many residents' personal data (the operator most of all: NIK, family cards,
# birth records), so a stolen password of any of them is as harmful as one of the Kadis. Every staff role
# therefore signs in with a second factor. A constant, not a setting: no environment can relax it.
SECOND_FACTOR_ROLES = STAFF_ROLES


class Sex(models.TextChoices):
    MALE = "M", _("Laki-laki")
    FEMALE = "F", _("Perempuan")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.setdefault("role", Role.ADMIN)
        fields.setdefault("is_superuser", True)
        fields.setdefault("full_name", "Administrator")
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A citizen or a member of staff. One full-name field: many Indonesians have a single name."""

    email = models.EmailField(_("alamat email"), unique=True)
    phone = models.CharField(_("nomor HP"), max_length=20, unique=True, null=True, blank=True)
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    nip = models.CharField(_("NIP"), max_length=18, blank=True, help_text=_("Nomor Induk Pegawai (staf)."))
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # A new number or address asked for but not proven yet. A verified phone or e-mail stays in use (sign-in,
    # notices, applying) until the code sent to the new number, or the link sent to the new address, is used:
    # a typo cannot cut the citizen off, and the account never sits unverified in between.
    pending_phone = models.CharField(_("nomor HP baru (belum dikonfirmasi)"), max_length=20, blank=True)
    pending_email = models.EmailField(_("alamat email baru (belum dikonfirmasi)"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # What the citizen entered beside the NIK. The NIK is never rejected for disagreeing with them (a NIK
    # never changes, even when it was issued with a wrong date); the disagreement is kept for the operator.
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    nik_warning = models.TextField(_("catatan NIK untuk petugas"), blank=True)
    # Staff second factor (TOTP, RFC 6238). The last accepted time step stops a code being used twice.
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    totp_last_step = models.BigIntegerField(default=0)
    created_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("dibuat oleh")
    )
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_staff(self) -> bool:
        # Django's admin site is not used; staff work in the back office through role checks.
        return self.role in STAFF_ROLES

    @property
    def is_citizen(self) -> bool:
        return self.role == Role.CITIZEN

    @property
    def is_verified(self) -> bool:
        return self.phone_verified_at is not None and self.email_verified_at is not None

    @property
    def phone_national(self) -> str:
        """The number as Indonesians write it (0812-3456-7890), for screens."""
        from capil.core.phones import PhoneNumber

        return PhoneNumber(self.phone).national if self.phone else ""

    @property
    def needs_second_factor(self) -> bool:
        return self.role in SECOND_FACTOR_ROLES

    @property
    def has_second_factor(self) -> bool:
        return bool(self.totp_secret) and self.totp_confirmed_at is not None


class CodePurpose(models.TextChoices):
    PHONE_VERIFY = "phone_verify", _("Verifikasi nomor HP")
    PASSWORD_RESET = "password_reset", _("Atur ulang kata sandi")
    PHONE_CHANGE = "phone_change", _("Konfirmasi nomor HP baru")


class OneTimeCode(models.Model):
    """A 6-digit code sent by SMS. Only its keyed hash is stored; it is valid for a few minutes, once, and
    dies after a few wrong tries (the citizen then asks for a new one)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="one_time_codes")
    purpose = models.CharField(max_length=20, choices=CodePurpose.choices)
    # The number the code was sent to: a code proves that number, not whatever the account holds later.
    phone = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose", "created_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} code for user {self.user_id}"
