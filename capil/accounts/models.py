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
    is_active = models.BooleanField(_("aktif"), default=True)
    date_joined = models.DateTimeField(default=timezone.now)

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
