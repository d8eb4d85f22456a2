"""Reads of the accounts context."""

from django.db.models import QuerySet
from django.utils import timezone

from capil.audit.models import AuditEvent

from . import personal_data
from .models import STAFF_ROLES, OneTimeCode, User


def staff_list(*, include_inactive: bool = True) -> QuerySet[User]:
    qs = User.objects.filter(role__in=STAFF_ROLES).order_by("-is_active", "role", "full_name")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs


def _iso(value):
    return value.isoformat() if value else None


def accounts_personal_data(user: User) -> dict:
    """The accounts section of a citizen's data download: everything this context holds about them."""
    return {
        "akun": {
            "nama_lengkap": user.full_name,
            "email": user.email,
            "nomor_hp": user.phone,
            "nik": user.nik or None,
            "tanggal_lahir": _iso(user.birth_date),
            "jenis_kelamin": user.get_sex_display() if user.sex else None,
            "catatan_nik_untuk_petugas": user.nik_warning or None,
            "peran": user.get_role_display(),
            "terdaftar_pada": _iso(user.date_joined),
            "terakhir_masuk": _iso(user.last_login),
            "hp_terverifikasi_pada": _iso(user.phone_verified_at),
            "email_terverifikasi_pada": _iso(user.email_verified_at),
            "nomor_hp_baru_belum_dikonfirmasi": user.pending_phone or None,
            "email_baru_belum_dikonfirmasi": user.pending_email or None,
        },
        "kode_sms": [
            {
                "keperluan": c.get_purpose_display(),
                "dikirim_ke": c.phone,
                "dikirim_pada": _iso(c.created_at),
                "berlaku_sampai": _iso(c.expires_at),
                "dipakai_pada": _iso(c.used_at),
                "percobaan_salah": c.attempts,
            }
            for c in OneTimeCode.objects.filter(user=user).order_by("created_at")
        ],
        "riwayat_akun": [
            {"waktu": _iso(e.created_at), "peristiwa": e.action, "alamat_ip": e.ip_address}
            for e in AuditEvent.objects.filter(target_type="accounts.user", target_id=str(user.pk)).order_by(
                "sequence"
            )
        ],
    }


def personal_data_export(user: User) -> dict:
    """Everything every registered section holds about `user` (the JSON download)."""
    return {
        "format": "capil-online/personal-data/1",
        "dibuat_pada": timezone.now().isoformat(),
        "bagian": {s.name: s.export(user) for s in personal_data.sections()},
    }


def closure_preview(user: User) -> dict:
    """What closing the account would keep, and what stops it now."""
    return {
        "retained": [(s.name, s.retained) for s in personal_data.sections() if s.retained],
        "blockers": [r for s in personal_data.sections() if s.closure_blockers for r in s.closure_blockers(user)],
    }
