from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .selectors import archive_services


class DateInput(forms.DateInput):
    input_type = "date"


class ArchiveSearchForm(forms.Form):
    number = forms.CharField(
        label=_("Nomor permohonan"), required=False, max_length=32,
        help_text=_("Seluruhnya atau sebagian, mis. BPN-2026-000123 atau 000123."),
    )
    person_number = forms.CharField(
        label=_("NIK atau No. KK"), required=False, max_length=32,
        help_text=_("16 angka, persis. Dicocokkan dengan NIK pemohon dan setiap NIK/No. KK dalam permohonan."),
    )
    service = forms.ChoiceField(label=_("Layanan"), required=False)
    date_from = forms.DateField(label=_("Diajukan sejak"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Diajukan sampai"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Semua layanan")), *archive_services()]

    def clean_number(self) -> str:
        from .selectors import NUMBER_PART_MIN

        value = "".join(self.cleaned_data["number"].split())
        if value and len(value) < NUMBER_PART_MIN:
            raise forms.ValidationError(
                _("Ketik sedikitnya %(n)d karakter nomor permohonan.") % {"n": NUMBER_PART_MIN}, code="short")
        return value

    def clean_person_number(self) -> str:
        value = "".join(self.cleaned_data["person_number"].split()).replace(".", "")
        if value:
            RegexValidator(r"^\d{16}$", _("NIK atau No. KK terdiri atas 16 angka."), code="nik")(value)
        return value

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Tanggal akhir tidak boleh sebelum tanggal awal."))
        return cleaned

