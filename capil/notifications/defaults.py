"""The events the other contexts send, their context variables, and the default texts (Bahasa Indonesia and
English) that the data migration seeds and that an administrator may edit. A template missing from the
database falls back to the text here.

Texts use Django template syntax. Every template also receives `office` (the office's short name) and
`site_url`. SMS texts stay within GSM-7 and within two segments for typical values; they never contain a NIK.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class EventSpec:
    label: object
    variables: tuple[str, ...]
    sample: dict
    # Messages that carry a secret: their body is hidden on staff pages and erased once sent.
    sensitive: bool = False
    texts: dict = field(default_factory=dict)  # {(channel, language): (title, body)}


_ITEMS_SAMPLE = [
    {"label": "Kartu Keluarga", "reason": "Foto buram, tulisan tidak terbaca"},
    {"label": "Surat keterangan lahir", "reason": "Halaman kedua tidak diunggah"},
]

EVENTS: dict[str, EventSpec] = {
    "otp": EventSpec(
        _("Kode verifikasi (OTP)"), ("code", "minutes"), {"code": "482913", "minutes": 5}, sensitive=True,
        texts={
            ("sms", "id"): ("", "{{ code }} adalah kode verifikasi Capil Online Anda. Berlaku {{ minutes }} menit. "
                                "JANGAN berikan kode ini kepada siapa pun, termasuk petugas."),
            ("sms", "en"): ("", "{{ code }} is your Capil Online verification code. Valid for {{ minutes }} minutes. "
                                "Do NOT share this code with anyone, including staff."),
            ("email", "id"): ("Kode verifikasi Capil Online",
                              "Kode verifikasi Anda: {{ code }}\n\nKode berlaku {{ minutes }} menit. Jangan berikan "
                              "kode ini kepada siapa pun, termasuk petugas {{ office }}."),
            ("email", "en"): ("Capil Online verification code",
                              "Your verification code: {{ code }}\n\nThe code is valid for {{ minutes }} minutes. "
                              "Do not share it with anyone, including {{ office }} staff."),
        },
    ),
    "email_verification": EventSpec(
        _("Verifikasi alamat e-mail"), ("url",), {"url": "https://capil.example.go.id/akun/verifikasi/abc123/"},
        sensitive=True,
        texts={
            ("sms", "id"): ("", "Buka tautan ini untuk memverifikasi e-mail Capil Online Anda: {{ url }}"),
            ("sms", "en"): ("", "Open this link to verify your Capil Online e-mail: {{ url }}"),
            ("email", "id"): ("Verifikasi alamat e-mail Anda",
                              "Halo {{ name }},\n\nBuka tautan berikut untuk memverifikasi alamat e-mail akun Capil "
                              "Online Anda:\n{{ url }}\n\nJika bukan Anda yang meminta, abaikan e-mail ini."),
            ("email", "en"): ("Verify your e-mail address",
                              "Hello {{ name }},\n\nOpen the following link to verify the e-mail address of your "
                              "Capil Online account:\n{{ url }}\n\nIf you did not ask for this, ignore this e-mail."),
        },
    ),
    "password_reset": EventSpec(
        _("Atur ulang kata sandi"), ("code", "url"),
        {"code": "739120", "url": "https://capil.example.go.id/akun/sandi/reset/abc123/"}, sensitive=True,
        texts={
            ("sms", "id"): ("", "{% if code %}{{ code }} adalah kode untuk mengatur ulang kata sandi Capil Online. "
                                "{% else %}Atur ulang kata sandi Capil Online: {{ url }} {% endif %}"
                                "Abaikan jika bukan Anda yang meminta."),
            ("sms", "en"): ("", "{% if code %}{{ code }} is your Capil Online password reset code. "
                                "{% else %}Reset your Capil Online password: {{ url }} {% endif %}"
                                "Ignore this if you did not ask."),
            ("email", "id"): ("Atur ulang kata sandi",
                              "Halo {{ name }},\n\nAda permintaan untuk mengatur ulang kata sandi akun Capil Online "
                              "Anda.\n{% if code %}Kode: {{ code }}\n{% endif %}{% if url %}Tautan: {{ url }}\n"
                              "{% endif %}\nJika bukan Anda yang meminta, abaikan e-mail ini; kata sandi Anda tidak "
                              "berubah."),
            ("email", "en"): ("Reset your password",
                              "Hello {{ name }},\n\nSomeone asked to reset the password of your Capil Online "
                              "account.\n{% if code %}Code: {{ code }}\n{% endif %}{% if url %}Link: {{ url }}\n"
                              "{% endif %}\nIf it was not you, ignore this e-mail; your password is unchanged."),
        },
    ),
    "account_changed": EventSpec(
        _("Perubahan keamanan akun"), ("what",), {"what": "phone"},
        texts={
            ("sms", "id"): ("", "{% if what == 'phone' %}Nomor HP{% elif what == 'email' %}Alamat email"
                                "{% else %}Kata sandi{% endif %} akun Capil Online Anda baru saja diganti. "
                                "Bukan Anda? Segera hubungi {{ office }}."),
            ("sms", "en"): ("", "The {% if what == 'phone' %}phone number{% elif what == 'email' %}e-mail address"
                                "{% else %}password{% endif %} of your Capil Online account was just changed. "
                                "Not you? Contact {{ office }} at once."),
            ("email", "id"): ("Perubahan pada akun Capil Online Anda",
                              "Halo {{ name }},\n\n{% if what == 'phone' %}Nomor HP{% elif what == 'email' %}"
                              "Alamat email{% else %}Kata sandi{% endif %} akun Capil Online Anda baru saja diganti."
                              "\n\nJika Anda yang menggantinya, abaikan pesan ini. Jika bukan, segera hubungi "
                              "{{ office }}: seseorang mungkin memakai akun Anda."),
            ("email", "en"): ("A change to your Capil Online account",
                              "Hello {{ name }},\n\nThe {% if what == 'phone' %}phone number{% elif what == 'email' %}"
                              "e-mail address{% else %}password{% endif %} of your Capil Online account was just "
                              "changed.\n\nIf it was you, ignore this message. If not, contact {{ office }} at "
                              "once: someone may be using your account."),
        },
    ),
    "staff_welcome": EventSpec(
        _("Akun petugas dibuat"), ("url", "role"),
        {"url": "https://capil.example.go.id/akun/sandi/reset/abc123/", "role": "Operator"}, sensitive=True,
        texts={
            ("sms", "id"): ("", "Akun petugas Capil Online Anda ({{ role }}) sudah dibuat. Pilih kata sandi di "
                                "{{ url }} - {{ office }}"),
            ("sms", "en"): ("", "Your Capil Online staff account ({{ role }}) is ready. Choose a password at "
                                "{{ url }} - {{ office }}"),
            ("email", "id"): ("Akun petugas Capil Online Anda",
                              "Halo {{ name }},\n\nAdministrator {{ office }} telah membuat akun petugas Capil Online "
                              "untuk Anda, dengan peran {{ role }}.\n\n1. Buka tautan berikut dan pilih kata sandi "
                              "Anda:\n{{ url }}\n2. Saat pertama kali masuk, daftarkan faktor kedua: pindai kode QR "
                              "dengan aplikasi autentikator di ponsel Anda.\n\nTautan hanya dapat dipakai sekali. "
                              "Jika Anda tidak mengenal akun ini, hubungi administrator kantor."),
            ("email", "en"): ("Your Capil Online staff account",
                              "Hello {{ name }},\n\nThe administrator of {{ office }} has created a Capil Online "
                              "staff account for you, with the role {{ role }}.\n\n1. Open this link and choose your "
                              "password:\n{{ url }}\n2. At your first sign-in, enrol your second factor: scan the "
                              "QR code with an authenticator app on your phone.\n\nThe link works once. If you do "
                              "not know of this account, contact the office administrator."),
        },
    ),
    "application_received": EventSpec(
        _("Permohonan diterima"), ("tracking_number", "service", "url"),
        {"tracking_number": "BPN-2026-000123", "service": "Akta Kelahiran", "url": "https://capil.example.go.id/p/1/"},
        texts={
            ("sms", "id"): ("", "Permohonan {{ service }} Anda diterima, nomor {{ tracking_number }}. "
                                "Pantau statusnya di {{ site_url }} - {{ office }}"),
            ("sms", "en"): ("", "Your {{ service }} application was received, number {{ tracking_number }}. "
                                "Track it at {{ site_url }} - {{ office }}"),
            ("email", "id"): ("Permohonan {{ tracking_number }} diterima",
                              "Halo {{ name }},\n\nPermohonan {{ service }} Anda telah kami terima dengan nomor "
                              "{{ tracking_number }}. Petugas akan memeriksa berkas Anda.\n\n"
                              "{% if url %}Pantau status permohonan: {{ url }}{% endif %}"),
            ("email", "en"): ("Application {{ tracking_number }} received",
                              "Hello {{ name }},\n\nWe received your {{ service }} application, number "
                              "{{ tracking_number }}. Staff will check your documents.\n\n"
                              "{% if url %}Track your application: {{ url }}{% endif %}"),
        },
    ),
    "requirements_not_met": EventSpec(
        _("Persyaratan belum lengkap"), ("tracking_number", "items", "url"),
        {"tracking_number": "BPN-2026-000123", "items": _ITEMS_SAMPLE, "url": "https://capil.example.go.id/p/1/"},
        texts={
            ("sms", "id"): ("", "Permohonan {{ tracking_number }}: {{ items|length }} berkas perlu diperbaiki "
                                "({% for item in items %}{{ item.label }}{% if not forloop.last %}, {% endif %}"
                                "{% endfor %}). Rinciannya di {{ site_url }}"),
            ("sms", "en"): ("", "Application {{ tracking_number }}: {{ items|length }} document(s) need fixing "
                                "({% for item in items %}{{ item.label }}{% if not forloop.last %}, {% endif %}"
                                "{% endfor %}). Details at {{ site_url }}"),
            ("email", "id"): ("Permohonan {{ tracking_number }}: berkas perlu diperbaiki",
                              "Halo {{ name }},\n\nPetugas memeriksa permohonan {{ tracking_number }} dan berkas "
                              "berikut belum memenuhi syarat:\n{% for item in items %}\n- {{ item.label }}: "
                              "{{ item.reason }}{% endfor %}\n\nUnggah ulang berkas tersebut lalu kirim kembali "
                              "permohonan Anda.{% if url %}\n{{ url }}{% endif %}"),
            ("email", "en"): ("Application {{ tracking_number }}: documents need fixing",
                              "Hello {{ name }},\n\nStaff checked application {{ tracking_number }} and the "
                              "following documents do not meet the requirements:\n{% for item in items %}\n"
                              "- {{ item.label }}: {{ item.reason }}{% endfor %}\n\nUpload them again and resubmit "
                              "your application.{% if url %}\n{{ url }}{% endif %}"),
        },
    ),
    "document_signed": EventSpec(
        _("Dokumen ditandatangani"), ("tracking_number", "document_name", "url"),
        {"tracking_number": "BPN-2026-000123", "document_name": "Kutipan Akta Kelahiran",
         "url": "https://capil.example.go.id/p/1/"},
        texts={
            ("sms", "id"): ("", "{{ document_name }} untuk permohonan {{ tracking_number }} sudah ditandatangani "
                                "dan dikirim ke e-mail Anda. Unduh juga di {{ url }}"),
            ("sms", "en"): ("", "{{ document_name }} for application {{ tracking_number }} is signed and was sent "
                                "to your e-mail. Also download it at {{ url }}"),
            ("email", "id"): ("{{ document_name }} ({{ tracking_number }}) sudah terbit",
                              "Halo {{ name }},\n\n{{ document_name }} untuk permohonan {{ tracking_number }} telah "
                              "ditandatangani secara elektronik dan terlampir pada e-mail ini (PDF). Cetak di kertas "
                              "HVS A4; keasliannya dapat diperiksa melalui kode QR pada dokumen.\n\n"
                              "Unduh kembali kapan saja: {{ url }}"),
            ("email", "en"): ("{{ document_name }} ({{ tracking_number }}) issued",
                              "Hello {{ name }},\n\n{{ document_name }} for application {{ tracking_number }} has "
                              "been signed electronically and is attached to this e-mail (PDF). Print it on plain A4 "
                              "paper; anyone can verify it through the QR code on the document.\n\n"
                              "Download it again at any time: {{ url }}"),
        },
    ),
    "ready_for_pickup": EventSpec(
        _("Siap diambil"), ("tracking_number", "document_name", "location"),
        {"tracking_number": "BPN-2026-000123", "document_name": "KTP-el", "location": "Loket 3"},
        texts={
            ("sms", "id"): ("", "{{ document_name }} (permohonan {{ tracking_number }}) siap diambil"
                                "{% if location %} di {{ location }}{% endif %}, {{ office }}. "
                                "Bawa bukti permohonan."),
            ("sms", "en"): ("", "{{ document_name }} (application {{ tracking_number }}) is ready for pick-up"
                                "{% if location %} at {{ location }}{% endif %}, {{ office }}. "
                                "Bring your application receipt."),
            ("email", "id"): ("{{ document_name }} siap diambil",
                              "Halo {{ name }},\n\n{{ document_name }} untuk permohonan {{ tracking_number }} siap "
                              "diambil{% if location %} di {{ location }}{% endif %}, {{ office }}. Bawa bukti "
                              "permohonan Anda."),
            ("email", "en"): ("{{ document_name }} is ready for pick-up",
                              "Hello {{ name }},\n\n{{ document_name }} for application {{ tracking_number }} is "
                              "ready for pick-up{% if location %} at {{ location }}{% endif %}, {{ office }}. Bring "
                              "your application receipt."),
        },
    ),
    "booking_confirmed": EventSpec(
        _("Jadwal dikonfirmasi"), ("queue_number", "date", "time", "cancel_url"),
        {"queue_number": "R-017", "date": "Senin, 7 Desember 2026", "time": "09.30 WITA",
         "cancel_url": "https://capil.example.go.id/antrian/batal/abc/"},
        texts={
            ("sms", "id"): ("", "Jadwal Anda di {{ office }}: {{ date }} pukul {{ time }}, nomor antrean "
                                "{{ queue_number }}. Batalkan: {{ cancel_url }}"),
            ("sms", "en"): ("", "Your appointment at {{ office }}: {{ date }} at {{ time }}, queue number "
                                "{{ queue_number }}. Cancel: {{ cancel_url }}"),
            ("email", "id"): ("Jadwal {{ date }} pukul {{ time }} ({{ queue_number }})",
                              "Halo {{ name }},\n\nJadwal Anda di {{ office }} telah dikonfirmasi.\n\nTanggal: "
                              "{{ date }}\nPukul: {{ time }}\nNomor antrean: {{ queue_number }}\n\nDatang 15 menit "
                              "lebih awal. Jika berhalangan, batalkan agar jadwal dapat dipakai warga lain: "
                              "{{ cancel_url }}"),
            ("email", "en"): ("Appointment {{ date }} at {{ time }} ({{ queue_number }})",
                              "Hello {{ name }},\n\nYour appointment at {{ office }} is confirmed.\n\nDate: "
                              "{{ date }}\nTime: {{ time }}\nQueue number: {{ queue_number }}\n\nCome 15 minutes "
                              "early. If you cannot come, cancel so that someone else can use the slot: "
                              "{{ cancel_url }}"),
        },
    ),
    "booking_reminder": EventSpec(
        _("Pengingat jadwal"), ("queue_number", "date", "time", "cancel_url"),
        {"queue_number": "R-017", "date": "Senin, 7 Desember 2026", "time": "09.30 WITA",
         "cancel_url": "https://capil.example.go.id/antrian/batal/abc/"},
        texts={
            ("sms", "id"): ("", "Pengingat: jadwal Anda di {{ office }} {{ date }} pukul {{ time }}, nomor "
                                "{{ queue_number }}.{% if cancel_url %} Batalkan: {{ cancel_url }}{% endif %}"),
            ("sms", "en"): ("", "Reminder: your appointment at {{ office }} is {{ date }} at {{ time }}, number "
                                "{{ queue_number }}.{% if cancel_url %} Cancel: {{ cancel_url }}{% endif %}"),
            ("email", "id"): ("Pengingat jadwal {{ date }} pukul {{ time }}",
                              "Halo {{ name }},\n\nMengingatkan jadwal Anda di {{ office }}: {{ date }} pukul "
                              "{{ time }}, nomor antrean {{ queue_number }}.{% if cancel_url %}\n\nBerhalangan? "
                              "Batalkan: {{ cancel_url }}{% endif %}"),
            ("email", "en"): ("Reminder: appointment {{ date }} at {{ time }}",
                              "Hello {{ name }},\n\nA reminder of your appointment at {{ office }}: {{ date }} at "
                              "{{ time }}, queue number {{ queue_number }}.{% if cancel_url %}\n\nCannot come? "
                              "Cancel: {{ cancel_url }}{% endif %}"),
        },
    ),
    "status_changed": EventSpec(
        _("Status permohonan berubah"), ("tracking_number", "status", "url"),
        {"tracking_number": "BPN-2026-000123", "status": "Diverifikasi", "url": "https://capil.example.go.id/p/1/"},
        texts={
            ("sms", "id"): ("", "Status permohonan {{ tracking_number }}: {{ status }}. {{ site_url }}"),
            ("sms", "en"): ("", "Application {{ tracking_number }} status: {{ status }}. {{ site_url }}"),
            ("email", "id"): ("Status permohonan {{ tracking_number }}: {{ status }}",
                              "Halo {{ name }},\n\nStatus permohonan {{ tracking_number }} sekarang: {{ status }}."
                              "{% if url %}\n\nLihat rinciannya: {{ url }}{% endif %}"),
            ("email", "en"): ("Application {{ tracking_number }}: {{ status }}",
                              "Hello {{ name }},\n\nThe status of application {{ tracking_number }} is now: "
                              "{{ status }}.{% if url %}\n\nSee the details: {{ url }}{% endif %}"),
        },
    ),
}


def default_text(event: str, channel: str, language: str) -> tuple[str, str] | None:
    spec = EVENTS.get(event)
    if spec is None:
        return None
    return spec.texts.get((channel, language))
