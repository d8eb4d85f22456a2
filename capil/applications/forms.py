"""Forms. The applicant's form is built from the catalog's field list for the service version; every value
is validated on the server (dates that cannot lie in the future are refused, NIK and KK numbers are 16
digits, phone numbers go through the one phone normaliser)."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capil.core.phones import normalise_phone

from . import sop
from .models import RejectionReason

SIXTEEN_DIGITS = re.compile(r"^\d{16}$")


def _not_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("Tanggal tidak boleh di masa depan."), code="future")


def _sixteen_digits(label):
    def check(value):
        if value and not SIXTEEN_DIGITS.match(value):
            raise ValidationError(_("%(label)s harus 16 angka.") % {"label": label}, code="digits")
    return check


class PhoneField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        return normalise_phone(value).e164


def _build_field(spec: "sop.FieldSpec", *, require: bool) -> forms.Field:
    common = {"label": spec.label, "required": spec.required and require, "help_text": spec.help}
    kind = spec.type
    if kind == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, **common)
    if kind == "date":
        validators = [_not_future] if spec.not_future else []
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               validators=validators, **common)
    if kind == "time":
        return forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), **common)
    if kind == "number":
        return forms.DecimalField(min_value=spec.min_value, max_value=spec.max_value, max_digits=12,
                                  decimal_places=3, **common)
    if kind == "select":
        choices = [("", "—")] + [(str(v), str(lbl)) for v, lbl in spec.choices]
        return forms.ChoiceField(choices=choices, **common)
    if kind in ("nik", "kk_number"):
        return forms.CharField(max_length=16, validators=[_sixteen_digits(spec.label)],
                               widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                                             "pattern": "[0-9]{16}"}), **common)
    if kind == "phone":
        return PhoneField(max_length=32, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
                          **common)
    if kind == "email":
        return forms.EmailField(**common)
    if kind == "boolean":
        return forms.TypedChoiceField(
            choices=[("", "—"), ("yes", _("Ya")), ("no", _("Tidak"))],
            coerce=lambda v: v == "yes", empty_value=None, **common)
    return forms.CharField(max_length=255, **common)


class AnswersForm(forms.Form):
    """The service's form. `require=False` (saving a draft) checks every value given but lets required
    fields stay empty until the applicant submits."""

    def __init__(self, *args, version, require: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.specs = sop.form_fields(version)
        for spec in self.specs:
            self.fields[spec.name] = _build_field(spec, require=require)
        choices = sop.output_kind_choices(version)
        if sop.output_kind_field(version) == "output_kind":
            self.fields["output_kind"] = forms.ChoiceField(
                label=_("Dokumen yang dimohonkan"), required=require,
                choices=[("", "—")] + [(slug, sop.output_kind_name(slug)) for slug in choices])

    def answers(self) -> dict:
        """The cleaned values as JSON: dates and times in ISO form, numbers as strings, empty ones left out."""
        out = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            if isinstance(value, datetime.time):
                value = value.strftime("%H:%M")
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            elif not isinstance(value, bool | int | str):
                value = str(value)
            out[name] = value
        return out


def answers_initial(answers: dict) -> dict:
    initial = dict(answers)
    for key, value in answers.items():
        if isinstance(value, bool):
            initial[key] = "yes" if value else "no"
    return initial


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Pilih foto"), widget=forms.ClearableFileInput(
        attrs={"accept": "image/jpeg,image/png,image/heic,image/heif,image/webp"}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", gettext_lazy("Sesuai")), ("reject", gettext_lazy("Tidak sesuai"))],
                                 widget=forms.RadioSelect, label=gettext_lazy("Keputusan"))
    reason_code = forms.ChoiceField(choices=[("", "—")] + list(RejectionReason.choices), required=False,
                                    label=gettext_lazy("Alasan"))
    reason_text = forms.CharField(max_length=500, required=False, label=gettext_lazy("Keterangan untuk pemohon"),
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("reason_code"):
            self.add_error("reason_code", _("Pilih alasan penolakan."))
        if data.get("reason_code") == RejectionReason.OTHER and not (data.get("reason_text") or "").strip():
            self.add_error("reason_text", _("Tuliskan keterangan untuk alasan “Lainnya”."))
        return data


class ActionForm(forms.Form):
    action = forms.CharField(max_length=32)
    expected_state = forms.CharField(max_length=32)
    reason = forms.CharField(max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             label=gettext_lazy("Alasan"))


class SignForm(forms.Form):
    passphrase = forms.CharField(
        label=gettext_lazy("Passphrase TTE"), required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("Diminta oleh layanan penandatanganan jarak jauh; tidak disimpan."))


class ReassignForm(forms.Form):
    to_user = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("Alihkan kepada"),
                                     empty_label=gettext_lazy("— lepaskan ke antrean —"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = candidates
