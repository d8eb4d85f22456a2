import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from capil.core.phones import normalise_phone

from .models import Counter, IdentityDocument, OutputKind, ReceiverRelation, ServiceGroup


class BookingStartForm(forms.Form):
    """SOP Perekaman KTP-el step 3: the phone number and the captcha."""

    phone = forms.CharField(label=_("Nomor HP"), max_length=30,
                            help_text=_("Nomor antrian dan tautan untuk membatalkan atau mengubah jadwal dikirim "
                                        "lewat SMS ke nomor ini."),
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel",
                                                          "placeholder": "0812 3456 7890"}))
    captcha_answer = forms.CharField(label=_("Berapa hasil hitungan pada gambar?"), max_length=4,
                                     widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                                                   "pattern": "[0-9]*"}))
    captcha_token = forms.CharField(widget=forms.HiddenInput)

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])


class SlotForm(forms.Form):
    date = forms.DateField(label=_("Tanggal"))
    time = forms.TimeField(label=_("Jam"), input_formats=["%H:%M"])


class StatementForm(forms.Form):
    agree = forms.BooleanField(
        label=_("Saya menyetujui pernyataan di atas."), required=False,
    )

    def clean_agree(self):
        if not self.cleaned_data.get("agree"):
            raise ValidationError(_("Centang persetujuan untuk mengambil antrian."), code="statement")
        return True


class TicketIssueForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Kelompok layanan"), queryset=ServiceGroup.objects.filter(is_active=True),
                                   empty_label=None, widget=forms.RadioSelect)


class TransferForm(forms.Form):
    to_counter = forms.ModelChoiceField(label=_("Pindahkan ke"), queryset=Counter.objects.filter(is_active=True))


class CheckInForm(forms.Form):
    number = forms.CharField(label=_("Nomor antrian perekaman"), max_length=20,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "B-007",
                                                           "autofocus": True}))


class PickupReadyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis dokumen"), choices=OutputKind.choices)
    reference = forms.CharField(label=_("Nomor permohonan / antrian"), max_length=40,
                                help_text=_("Nomor yang dibawa warga saat mengambil: nomor permohonan "
                                            "(BPN-2026-000123) atau nomor antrian perekaman."))
    holder_name = forms.CharField(label=_("Nama pemilik dokumen"), max_length=150)
    nik_suffix = forms.RegexField(label=_("4 digit terakhir NIK pemilik"), regex=r"^\d{4}$", max_length=4,
                                  error_messages={"invalid": _("Isi tepat 4 angka.")},
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    phone = forms.CharField(label=_("Nomor HP untuk pemberitahuan"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel"}))
    email = forms.EmailField(label=_("Email untuk pemberitahuan"), required=False)

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "")
        return normalise_phone(raw).e164 if raw.strip() else ""

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("email") and not self.errors:
            raise ValidationError(_("Isi nomor HP atau alamat email untuk pemberitahuan."))
        return data


class BookingReadyForm(forms.Form):
    holder_name = forms.CharField(label=_("Nama pemilik KTP-el"), max_length=150)
    nik_suffix = forms.RegexField(label=_("4 digit terakhir NIK"), regex=r"^\d{4}$", max_length=4,
                                  error_messages={"invalid": _("Isi tepat 4 angka.")},
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))


class HandOverForm(forms.Form):
    reference = forms.CharField(label=_("Nomor yang disebut / ditunjukkan penerima"), max_length=40)
    nik_suffix = forms.RegexField(label=_("4 digit terakhir NIK pada identitas pemilik yang ditunjukkan"),
                                  regex=r"^\d{4}$", max_length=4,
                                  error_messages={"invalid": _("Isi tepat 4 angka.")},
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    receiver_name = forms.CharField(label=_("Nama penerima"), max_length=150)
    receiver_relation = forms.ChoiceField(label=_("Penerima adalah"), choices=ReceiverRelation.choices)
    receiver_document = forms.ChoiceField(label=_("Identitas yang ditunjukkan penerima"),
                                          choices=IdentityDocument.choices)
    receiver_id_suffix = forms.RegexField(label=_("4 digit terakhir nomor identitas penerima"), regex=r"^\d{4}$",
                                          max_length=4, error_messages={"invalid": _("Isi tepat 4 angka.")},
                                          widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    identity_checked = forms.BooleanField(label=_("Saya sudah mencocokkan wajah dan identitas penerima dengan "
                                                  "dokumen aslinya."), required=True)


class CapacityForm(forms.Form):
    date = forms.DateField(label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Jam mulai"), input_formats=["%H:%M"])
    capacity = forms.IntegerField(label=_("Kuota"), min_value=0, max_value=500)


def parse_day(raw: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw or "")
    except ValueError:
        return None


class IntakeOpenForm(forms.Form):
    service = forms.ChoiceField(label=_("Layanan"))
    full_name = forms.CharField(label=_("Nama pemohon"), max_length=150)
    phone = forms.CharField(label=_("Nomor HP untuk pemberitahuan"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel"}))
    email = forms.EmailField(label=_("Email untuk pemberitahuan"), required=False)
    ticket = forms.CharField(label=_("Nomor antrian (jika ada)"), max_length=10, required=False,
                             widget=forms.TextInput(attrs={"placeholder": "A-001", "autocomplete": "off"}))

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", "—")] + [(v.service.slug, v.name) for v in services]

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "")
        return normalise_phone(raw).e164 if raw.strip() else ""

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("email") and not self.errors:
            raise ValidationError(_("Isi nomor HP dan/atau email pemohon untuk pemberitahuan."))
        return data


class IdentityStepsForm(forms.Form):
    interview_minutes = forms.IntegerField(label=_("Lama wawancara (menit)"), min_value=1, max_value=240,
                                           required=False, help_text=_("Standar SOP: 15 menit."))
    biometric_result = forms.ChoiceField(label=_("Hasil pengecekan biometrik"), required=False)
    f101_rt = forms.BooleanField(label=_("F1.01 ditandatangani RT"), required=False)
    f101_lurah = forms.BooleanField(label=_("F1.01 ditandatangani Lurah"), required=False)
    f101_camat = forms.BooleanField(label=_("F1.01 ditandatangani Camat"), required=False)

    def __init__(self, *args, **kwargs):
        from .models import BiometricResult

        super().__init__(*args, **kwargs)
        self.fields["biometric_result"].choices = [("", "—")] + list(BiometricResult.choices)
