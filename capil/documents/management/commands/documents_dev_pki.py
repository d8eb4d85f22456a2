"""Create the development signing keys: a CA (var/pki/dev-ca.pem) and a PKCS#12 keystore per active KADIS
account, every subject marked NOT FOR PRODUCTION. Idempotent: keeps what is current, replaces what is
missing, expired or issued for another name. Refuses to run when DEBUG is off."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from capil.accounts.models import Role, User
from capil.documents import pki


class Command(BaseCommand):
    help = "Create a development CA and a signing certificate for each KADIS account (NOT FOR PRODUCTION)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Development signing keys are made only in development (DEBUG is off).")
        directory = settings.CAPIL_DOCUMENTS["KEY_DIR"]
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(0o700)
        ca = pki.load_ca(directory)
        if ca is None:
            ca = pki.create_ca()
            pki.save_ca(ca, directory)
            self.stdout.write(f"  CA pengembangan dibuat: {directory / 'dev-ca.pem'} (NOT FOR PRODUCTION)")
        for user in User.objects.filter(role=Role.KADIS, is_active=True).order_by("pk"):
            path = directory / f"{pki.key_file_stem(user.email)}.p12"
            if pki.keystore_is_current(path, ca, full_name=user.full_name):
                continue
            pki.write_signer_keystore(ca, directory, email=user.email, full_name=user.full_name, nip=user.nip)
            self.stdout.write(f"  Sertifikat TTE pengembangan untuk {user.email}: {path.name}")
