"""Create one demo staff account per role for the embedded set-up and print how to sign in.

Passwords are generated once per checkout and kept in var/demo-accounts.json (readable by the owner
only), so running the set-up again prints the same logins. Refuses to run when DEBUG is off: production
never has demo accounts.
"""

import json
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from capil.accounts.models import Role, User

DEMO_STAFF = [
    (Role.OPERATOR, "operator@demo.capil.local", "Operator Demo", "199001012020011001"),
    (Role.KASI, "kasi@demo.capil.local", "Kasi Demo", "198502022010011002"),
    (Role.KADIS, "kadis@demo.capil.local", "Kadis Demo", "197503032000031003"),
    (Role.ARSIPARIS, "arsiparis@demo.capil.local", "Arsiparis Demo", "199204042021012004"),
    (Role.ADMIN, "admin@demo.capil.local", "Admin Demo", ""),
]


class Command(BaseCommand):
    help = "Create (or keep) one demo staff account per role and print the logins. Development only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts exist only in development (DEBUG is off).")
        path = settings.VAR_DIR / "demo-accounts.json"
        known = json.loads(path.read_text()) if path.exists() else {}
        with transaction.atomic():
            for role, email, name, nip in DEMO_STAFF:
                password = known.get(email) or f"demo-{role.lower()}-{secrets.token_hex(4)}"
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = User.objects.create_user(email, password, full_name=name, role=role, nip=nip)
                elif not user.check_password(password):
                    user.set_password(password)
                    user.save(update_fields=["password"])
                known[email] = password
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(known, indent=2))
        path.chmod(0o600)
        self.stdout.write("Akun demo staf (hanya untuk pengembangan):")
        for role, email, _name, _nip in DEMO_STAFF:
            self.stdout.write(f"  {role:<10} {email:<30} sandi: {known[email]}")
