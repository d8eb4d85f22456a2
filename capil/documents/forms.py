"""Forms generated from the output kinds (the operator's data entry at SOP step 10), and the small forms of
the documents pages (public verification, template editing, revocation)."""

from __future__ import annotations

import datetime
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .kinds import Field, OutputKind, Table, output_kind_get
from .validators import nik_birth_date, validate_kk, validate_nik, validate_not_future

DATE_INPUTS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"]
TIME_INPUTS = ["%H:%M", "%H.%M", "%H:%M:%S"]


class NIKField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9 ]*"})

    def clean(self, value):
        value = super().clean(value)
        return validate_nik(value) if value else value


class KKField(NIKField):
    def clean(self, value):
        value = forms.CharField.clean(self, value)
        return validate_kk(value) if value else value


def _form_field(f: Field) -> forms.Field:
    common = {"label": f.label, "required": f.required, "help_text": f.help_text}
    if f.initial is not None:
        common["initial"] = f.initial
    if f.type == "nik":
        return NIKField(**common)
    if f.type == "kk":
        return KKField(**common)
    if f.type == "date":
        validators = [validate_not_future] if f.not_future else []
        return forms.DateField(input_formats=DATE_INPUTS, validators=validators,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    if f.type == "time":
        return forms.TimeField(input_formats=TIME_INPUTS, widget=forms.TimeInput(attrs={"type": "time"},
                                                                                  format="%H:%M"), **common)
    if f.type == "integer":
        return forms.IntegerField(min_value=f.min_value, max_value=f.max_value, **common)
    if f.type == "choice":
        return forms.ChoiceField(choices=[("", "—")] + list(f.choices), **common)
    if f.type == "textarea":
        return forms.CharField(max_length=f.max_length, widget=forms.Textarea(attrs={"rows": 2}), **common)
    return forms.CharField(max_length=f.max_length, **common)


def _json_value(value):
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _person_errors(form: forms.BaseForm, checks) -> None:
    for check in checks:
        nik = form.cleaned_data.get(check.nik)
        if not nik:
            continue
        encoded = nik_birth_date(nik)
        if encoded is None:
            continue
        born, sex = encoded
        typed_birth = form.cleaned_data.get(check.birth_date) if check.birth_date else None
        if typed_birth and typed_birth != born:
            form.add_error(check.nik, _("NIK tidak cocok dengan tanggal lahir yang diisi."))
        typed_sex = form.cleaned_data.get(check.sex) if check.sex else None
        if typed_sex and typed_sex != sex:
            form.add_error(check.nik, _("NIK tidak cocok dengan jenis kelamin yang diisi."))


class _RowForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        if "nik" in self.fields and "tanggal_lahir" in self.fields:
            from .kinds import PersonCheck

            _person_errors(self, [PersonCheck("nik", "tanggal_lahir",
                                              "jenis_kelamin" if "jenis_kelamin" in self.fields else None)])
        return cleaned


class _RowFormSet(forms.BaseFormSet):
    table: Table
    checks: tuple = ()

    def clean(self):
        if any(self.errors):
            return
        rows = [form.cleaned_data for form in self.forms if form.cleaned_data and not self._should_delete_form(form)]
        problems = []
        for check in self.checks:
            problems += check(rows)
        if problems:
            raise ValidationError(problems)


class OutputKindForm(forms.Form):
    """The data of one document. Tables are formsets held in `self.tables` (name → formset); `is_valid`
    validates them with the main form; `document_data()` returns the JSON-ready data that
    `document_issue(data=…)` takes."""

    kind: OutputKind

    def __init__(self, data=None, initial=None, **kwargs):
        super().__init__(data=data, initial=initial, **kwargs)
        self.tables = {}
        for table in self.kind.tables:
            formset_class = _formset_class(self.kind.slug, table.name)
            rows_initial = (initial or {}).get(table.name) or None
            self.tables[table.name] = formset_class(data=data, initial=rows_initial, prefix=table.name)

    def is_valid(self) -> bool:
        main = super().is_valid()
        tables = [formset.is_valid() for formset in self.tables.values()]
        return main and all(tables)

    def clean(self):
        cleaned = super().clean()
        _person_errors(self, self.kind.person_checks)
        for order in self.kind.date_orders:
            earlier, later = cleaned.get(order.earlier), cleaned.get(order.later)
            if earlier and later and later < earlier:
                self.add_error(order.later, order.message)
        return cleaned

    def sections(self):
        """(title, bound fields) for each section, in order, for the data-entry page."""
        return [(s.title, [self[f.name] for f in s.fields]) for s in self.kind.sections]

    def table_errors(self) -> dict[str, list]:
        return {name: list(fs.non_form_errors()) + [e for e in fs.errors if e] for name, fs in self.tables.items()}

    def document_data(self) -> dict:
        if not self.is_valid():
            raise ValueError("document_data() of an invalid form")
        data = {f.name: _json_value(self.cleaned_data.get(f.name)) for f in self.kind.fields}
        data = {k: ("" if v is None else v) for k, v in data.items()}
        for name, formset in self.tables.items():
            rows = []
            for form in formset.forms:
                if not form.cleaned_data or formset._should_delete_form(form):
                    continue
                rows.append({c.name: ("" if form.cleaned_data.get(c.name) is None
                                      else _json_value(form.cleaned_data.get(c.name)))
                             for c in self.kind.table(name).columns})
            data[name] = rows
        return data


@cache
def _row_form_class(slug: str, table_name: str) -> type[forms.Form]:
    table = output_kind_get(slug).table(table_name)
    attrs = {c.name: _form_field(c) for c in table.columns}
    return type(f"{table_name.title()}RowForm", (_RowForm,), attrs)


@cache
def _formset_class(slug: str, table_name: str):
    kind = output_kind_get(slug)
    table = kind.table(table_name)
    formset = forms.formset_factory(
        _row_form_class(slug, table_name), formset=_RowFormSet, extra=0 if table.min_rows else 1,
        min_num=table.min_rows, max_num=table.max_rows, validate_min=True, validate_max=True, can_delete=True,
    )
    formset.table = table
    formset.checks = kind.table_checks
    return formset


@cache
def output_kind_form_class(slug: str) -> type[OutputKindForm]:
    kind = output_kind_get(slug)
    attrs = {f.name: _form_field(f) for f in kind.fields}
    attrs["kind"] = kind
    return type(f"{slug.title().replace('-', '')}Form", (OutputKindForm,), attrs)


def output_kind_form(slug: str, data=None, initial=None) -> OutputKindForm:
    """The operator's data-entry form for one kind (SOP step 10). `data` is request.POST; `initial` may be a
    document's data dict (as returned by `document_data()`), e.g. to correct an issued document."""
    return output_kind_form_class(slug)(data=data, initial=initial)


def form_data_from_document_data(kind: OutputKind, data: dict) -> dict:
    """POST-like data for the form, from a document data dict (so `document_issue` validates exactly as the
    operator's form does)."""
    flat = {}
    for f in kind.fields:
        value = data.get(f.name)
        if value is not None:
            flat[f.name] = str(value)
    for table in kind.tables:
        rows = data.get(table.name) or []
        if not isinstance(rows, list):
            rows = []
        flat[f"{table.name}-TOTAL_FORMS"] = str(len(rows))
        flat[f"{table.name}-INITIAL_FORMS"] = "0"
        flat[f"{table.name}-MIN_NUM_FORMS"] = str(table.min_rows)
        flat[f"{table.name}-MAX_NUM_FORMS"] = str(table.max_rows)
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                continue
            for c in table.columns:
                if row.get(c.name) is not None:
                    flat[f"{table.name}-{i}-{c.name}"] = str(row[c.name])
    return flat


def output_kind_clean(slug: str, data: dict) -> dict:
    """Validate a document data dict for `slug`; return the normalised data or raise ValidationError with
    the errors per field (tables as `<table>: row N: …`)."""
    kind = output_kind_get(slug)
    form = output_kind_form(slug, data=form_data_from_document_data(kind, data))
    if form.is_valid():
        return form.document_data()
    errors: dict[str, list] = {name: [str(m) for m in msgs] for name, msgs in form.errors.items()}
    for name, formset in form.tables.items():
        problems = [str(m) for m in formset.non_form_errors()]
        for i, row_errors in enumerate(formset.errors):
            for field_name, msgs in row_errors.items():
                problems += [f"{i + 1}. {field_name}: {m}" for m in msgs]
        if problems:
            errors[name] = problems
    raise ValidationError(errors)


# --- forms of the documents pages --------------------------------------------------------------------------
class VerifyCodeForm(forms.Form):
    code = forms.CharField(label=_("Kode verifikasi"), max_length=32,
                           help_text=_("Kode tercetak di bawah kode QR, misalnya K7QM-9XHT-4RBD."))


class VerifyUploadForm(forms.Form):
    pdf = forms.FileField(label=_("Berkas PDF dokumen"), help_text=_("Unggah berkas PDF asli (paling besar 10 MB)."))


class TemplateEditForm(forms.Form):
    source = forms.CharField(label=_("Templat HTML"), widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}))


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Alasan pencabutan"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class PassphraseForm(forms.Form):
    passphrase = forms.CharField(label=_("Passphrase TTE"), widget=forms.PasswordInput(render_value=False),
                                 required=False, strip=False)
