"""Give the embedded set-up's demo accounts something to work on: the demo citizen's applications, each at
another step of the SOP, walked there through the same services the pages use (uploads normalised, events,
audit, notifications to the development outbox):

- Akta Kelahiran, submitted — in the Operator's queue, its photos waiting to be checked;
- KIA for the child, checked and entered by the Operator — in the Kasi's queue;
- Pindah dalam kota, verified and certified — in the Kadis's signing queue;
- Cetak ulang KK, a draft with its form filled and no photos yet — for the citizen to finish.

Runs once: nothing is added when the demo citizen already has an application. Development only (DEBUG),
after `demo_accounts`.
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from PIL import Image, ImageDraw

from capil.accounts.models import Role, User

from ... import services
from ...models import Application, State
from ...workflow import application_transition

DEMO_ANSWERS = {
    "akta-kelahiran": {
        "nama_anak": "NAYLA PUTRI PRATAMA", "jenis_kelamin": "P", "tanggal_lahir_anak": "2026-11-18",
        "waktu_lahir": "04:35", "tempat_lahir": "Balikpapan", "tempat_dilahirkan": "rs",
        "nama_fasilitas": "RSUD Beriman Balikpapan", "jenis_kelahiran": "tunggal", "kelahiran_ke": "2",
        "penolong_kelahiran": "dokter", "berat_bayi_gram": "3150", "panjang_bayi_cm": "49",
        "nik_ibu": "6471035903910002", "nik_ayah": "6471031507880004", "no_kk": "6471031204190007",
        "nomor_akta_perkawinan": "0412/017/V/2018", "tanggal_perkawinan": "2018-05-12",
    },
    "kia": {
        "nik_anak": "6471034810200003", "nama_anak": "RAFA ADITYA PRATAMA", "tanggal_lahir_anak": "2020-10-08",
        "nomor_akta_kelahiran_anak": "6471-LT-12102020-0087", "no_kk": "6471031204190007",
        "hubungan_pemohon": "ibu",
    },
    "pindah-dalam-kota": {
        "nik_pemohon": "6471035903910002", "no_kk": "6471031204190007",
        "alamat_baru": "Jl. Mulawarman No. 12, Perumahan Sepinggan Baru", "rt_baru": "05",
        "kelurahan_baru": "Sepinggan", "kecamatan_baru": "balikpapan-selatan", "jenis_kepindahan": "kk-semua",
        "jumlah_anggota_pindah": "4", "alasan_pindah": "pekerjaan",
    },
    "cetak-ulang-kk-ktp-el": {
        "jenis_dokumen": "kartu-keluarga", "nik_pemohon": "6471035903910002", "no_kk": "6471031204190007",
        "dokumen_hilang": False, "dokumen_rusak": True, "perubahan_data": "",
    },
}
# (service, where it stops): the state it is left in, walked there by the SOP's roles.
PLAN = [("akta-kelahiran", State.VERIFICATION), ("kia", State.KASI_VERIFICATION),
        ("pindah-dalam-kota", State.SIGNING), ("cetak-ulang-kk-ktp-el", State.DRAFT)]
STEP_ACTIONS = {State.KASI_VERIFICATION: ("verify", Role.KASI),
                State.CERTIFICATION_REQUEST: ("request_certification", Role.KASI),
                State.CERTIFICATION: ("certify", Role.KASI), State.TTE_VALIDATION: ("validate", Role.KADIS)}


def demo_photo(title: str) -> SimpleUploadedFile:
    """A photo of a paper form, drawn: a white sheet with a heading and lines of 'text'."""
    image = Image.new("RGB", (1600, 1200), (236, 233, 225))
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 80, 1480, 1120), fill=(252, 252, 250), outline=(180, 180, 175), width=3)
    draw.text((180, 130), f"CONTOH DOKUMEN - {title.upper()}", fill=(20, 20, 20))
    for row, y in enumerate(range(220, 1060, 44)):
        width = 900 + (row * 137) % 300
        draw.line((180, y, 180 + width, y), fill=(60, 60, 60), width=4)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(f"{title}.jpg", buffer.getvalue(), content_type="image/jpeg")


class Command(BaseCommand):
    help = "Create the demo citizen's applications at several SOP steps (development only; once)."

    def handle(self, *args, **options):
        from capil.accounts.management.commands.demo_accounts import DEMO_CITIZEN, DEMO_STAFF
        from capil.catalog.selectors import service_get_by_slug
        from capil.documents.samples import sample_data

        if not settings.DEBUG:
            raise CommandError("Demo applications exist only in development (DEBUG is off).")
        citizen = User.objects.filter(email=DEMO_CITIZEN[0]).first()
        staff = {role: User.objects.filter(email=email).first() for role, email, *_ in DEMO_STAFF}
        if citizen is None or not all(staff.values()):
            raise CommandError("Run demo_accounts first.")
        if Application.objects.filter(applicant=citizen).exists():
            self.stdout.write("Permohonan demo sudah ada.")
            return
        made = []
        for slug, stop in PLAN:
            service = service_get_by_slug(slug)
            if service is None or service.current_version is None:
                raise CommandError(f"Layanan {slug!r} tidak ada di katalog: jalankan 'catalog import' dulu.")
            with transaction.atomic():
                application = services.application_create(applicant=citizen, service_version=service.current_version)
                services.application_answers_save(application=application, actor=citizen, answers=DEMO_ANSWERS[slug])
                if stop != State.DRAFT:
                    for slot in services.application_slots(application=application):
                        services.requirement_upload(application=application, actor=citizen, slot=slot.slot,
                                                    fileobj=demo_photo(slot.slot))
                    application_transition(application=application, action="submit", actor=citizen)
                    self._walk(application, stop, staff, sample_data)
            application.refresh_from_db()
            made.append(application)
            self.stdout.write(f"  {application.tracking_number}  {slug:<24} {application.get_state_display()}")

    def _walk(self, application: Application, stop: str, staff: dict, sample_data) -> None:
        operator = staff[Role.OPERATOR]
        application.refresh_from_db()
        while application.state != stop:
            if application.state == State.VERIFICATION:
                for slot in services.application_slots(application=application):
                    services.requirement_review(upload=slot.upload, actor=operator, accepted=True)
                application_transition(application=application, action="requirements_met", actor=operator)
            elif application.state == State.DATA_ENTRY:
                services.record_enter(application=application, actor=operator,
                                      data=sample_data(application.output_kind))
            elif application.state in STEP_ACTIONS:
                action, role = STEP_ACTIONS[application.state]
                application_transition(application=application, action=action, actor=staff[role])
            else:
                raise CommandError(f"Tidak tahu cara melanjutkan dari {application.state}.")
            application.refresh_from_db()
