"""Create one demo staff account per role and one verified demo citizen for the embedded set-up, and print
how to sign in — for staff, with the second factor: the TOTP secret (to add to an authenticator app) and
the code valid right now.

Passwords are generated once per checkout and kept in var/demo-accounts.json (readable by the owner
only), so running the set-up again prints the same logins. Refuses to run when DEBUG is off: production
never has demo accounts, and the second factor is never relaxed anywhere.
"""

import json
import secrets

import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from capil.accounts.models import Role, User

DEMO_STAFF = [
    (Role.OPERATOR, "operator@demo.capil.local", "Operator Demo", "199001012020011001"),
    (Role.KASI, "kasi@demo.capil.local", "Kasi Demo", "198502022010011002"),
    (Role.KADIS, "kadis@demo.capil.local", "Kadis Demo", "197503032000031003"),
    (Role.ARSIPARIS, "arsiparis@demo.capil.local", "Arsiparis Demo", "199204042021012004"),
    (Role.ADMIN, "admin@demo.capil.local", "Admin Demo", ""),
]
DEMO_CITIZEN = ("warga@demo.capil.local", "+6281255500001", "Siti Rahmawati")


class Command(BaseCommand):
    help = "Create (or keep) the demo accounts and print the logins with each staff TOTP code. Development only."

    def add_arguments(self, parser):
        parser.add_argument("--codes-only", action="store_true",
                            help="Only print the current TOTP code of each demo staff account.")

    def handle(self, *args, codes_only=False, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts exist only in development (DEBUG is off).")
        if codes_only:
            self._print_codes()
            return
        path = settings.VAR_DIR / "demo-accounts.json"
        known = json.loads(path.read_text()) if path.exists() else {}
        now = timezone.now()
        with transaction.atomic():
            for role, email, name, nip in DEMO_STAFF:
                password = known.get(email) or f"demo-{role.lower()}-{secrets.token_hex(4)}"
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = User.objects.create_user(email, password, full_name=name, role=role, nip=nip,
                                                    email_verified_at=now)
                elif not user.check_password(password):
                    user.set_password(password)
                    user.save(update_fields=["password"])
                if not user.has_second_factor:
                    # Enrolled from the start, so a newcomer signs in with the code printed below (or adds
                    # the secret to an authenticator app) instead of scanning a QR code first.
                    user.totp_secret = pyotp.random_base32()
                    user.totp_confirmed_at = now
                    user.totp_last_step = 0
                    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
                known[email] = password
            email, phone, name = DEMO_CITIZEN
            password = known.get(email) or f"demo-warga-{secrets.token_hex(4)}"
            user = User.objects.filter(email=email).first()
            if user is None:
                User.objects.create_user(email, password, full_name=name, role=Role.CITIZEN, phone=phone,
                                         phone_verified_at=now, email_verified_at=now)
            elif not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
            known[email] = password
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(known, indent=2))
        path.chmod(0o600)
        self.stdout.write("Akun demo (hanya untuk pengembangan):")
        self.stdout.write(f"  {'WARGA':<10} {DEMO_CITIZEN[0]:<28} sandi: {known[DEMO_CITIZEN[0]]}"
                          f"  (atau masuk dengan HP {DEMO_CITIZEN[1]})")
        for role, email, _name, _nip in DEMO_STAFF:
            user = User.objects.get(email=email)
            totp = pyotp.TOTP(user.totp_secret)
            self.stdout.write(f"  {role:<10} {email:<28} sandi: {known[email]}")
            self.stdout.write(f"  {'':<10} faktor kedua (TOTP) kunci: {user.totp_secret}  kode saat ini: {totp.now()}")
        self.stdout.write(
            "  Kode TOTP berganti tiap 30 detik: tambahkan kuncinya ke aplikasi autentikator, atau jalankan\n"
            "  `manage.py demo_accounts --codes-only` untuk kode yang berlaku sekarang."
        )

    def _print_codes(self):
        for role, email, _name, _nip in DEMO_STAFF:
            user = User.objects.filter(email=email).first()
            if user is None or not user.totp_secret:
                continue
            self.stdout.write(f"  {role:<10} {email:<28} kode: {pyotp.TOTP(user.totp_secret).now()}")
