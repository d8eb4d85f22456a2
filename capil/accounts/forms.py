"""Forms check the shape of input; the rules (uniqueness, NIK, limits) live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import STAFF_ROLES, Role, Sex


def _password_input(autocomplete: str = "new-password"):
    return forms.PasswordInput(attrs={"autocomplete": autocomplete})


class _NewPasswordMixin(forms.Form):
    password = forms.CharField(
        label=_("Kata sandi baru"), strip=False, widget=_password_input(),
        help_text=_("Minimal 10 karakter, bukan kata sandi yang umum, tidak mirip nama atau email Anda."),
    )
    password2 = forms.CharField(label=_("Ulangi kata sandi baru"), strip=False, widget=_password_input())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password2") and cleaned["password"] != cleaned["password2"]:
            self.add_error("password2", _("Kedua kata sandi tidak sama."))
        return cleaned


class RegisterForm(_NewPasswordMixin):
    full_name = forms.CharField(
        label=_("Nama lengkap"), max_length=150,
        help_text=_("Sesuai KTP atau akta kelahiran. Satu kolom saja: nama tunggal juga boleh."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Nomor HP"), max_length=30, help_text=_("Kode verifikasi dikirim lewat SMS. Contoh: 0812 3456 7890."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(label=_("Alamat email"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    nik = forms.CharField(
        label=_("NIK (tidak wajib)"), max_length=20, required=False,
        help_text=_("16 angka di KTP atau Kartu Keluarga. Boleh diisi nanti saat mengajukan layanan."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = forms.DateField(
        label=_("Tanggal lahir (tidak wajib)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sex = forms.ChoiceField(
        label=_("Jenis kelamin (tidak wajib)"), required=False, choices=[("", "—"), *Sex.choices]
    )
    field_order = ["full_name", "phone", "email", "password", "password2", "nik", "birth_date", "sex"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Kata sandi")
        self.fields["password2"].label = _("Ulangi kata sandi")


class SignInForm(forms.Form):
    identifier = forms.CharField(
        label=_("Nomor HP atau email"), max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(label=_("Kata sandi"), strip=False, widget=_password_input("current-password"))


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kode 6 angka dari SMS"), max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}),
    )


class ResetRequestForm(forms.Form):
    identifier = forms.CharField(
        label=_("Nomor HP atau email akun Anda"), max_length=254,
        help_text=_("Nomor HP: kode dikirim lewat SMS. Email: tautan dikirim ke email."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )


class ResetCodeForm(CodeForm, _NewPasswordMixin):
    pass


class SetPasswordForm(_NewPasswordMixin):
    pass


class PasswordChangeForm(_NewPasswordMixin):
    old_password = forms.CharField(label=_("Kata sandi sekarang"), strip=False,
                                   widget=_password_input("current-password"))
    field_order = ["old_password", "password", "password2"]


class PhoneChangeForm(forms.Form):
    phone = forms.CharField(
        label=_("Nomor HP baru"), max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    password = forms.CharField(label=_("Kata sandi"), strip=False, widget=_password_input("current-password"))


class EmailChangeForm(forms.Form):
    email = forms.EmailField(label=_("Alamat email baru"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label=_("Kata sandi"), strip=False, widget=_password_input("current-password"))


class TotpForm(forms.Form):
    code = forms.CharField(
        label=_("Kode 6 angka dari aplikasi autentikator"), max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )


class StaffForm(forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    email = forms.EmailField(label=_("Alamat email dinas"), max_length=254)
    phone = forms.CharField(label=_("Nomor HP (tidak wajib)"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    role = forms.ChoiceField(label=_("Peran"), choices=[(r.value, r.label) for r in Role if r in STAFF_ROLES])
    nip = forms.CharField(label=_("NIP (tidak wajib)"), max_length=24, required=False,
                          help_text=_("Nomor Induk Pegawai, 18 angka."))


class CloseAccountForm(forms.Form):
    password = forms.CharField(label=_("Kata sandi"), strip=False, widget=_password_input("current-password"))
    confirm = forms.BooleanField(
        label=_("Saya mengerti: akun ditutup untuk selamanya dan saya tidak dapat masuk lagi."), required=True
    )
