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

    @property
    def has_criteria(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)
