from django import forms
from django.utils.translation import gettext_lazy as _

from .models import State
from .rendering import validate_template_source


class LogFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Status"), required=False)
    channel = forms.ChoiceField(label=_("Kanal"), required=False)
    event = forms.ChoiceField(label=_("Peristiwa"), required=False)

    def __init__(self, *args, channels: list[str], events: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Semua"))]
        self.fields["state"].choices = everything + list(State.choices)
        self.fields["channel"].choices = everything + [(c, c) for c in channels]
        self.fields["event"].choices = everything + events


class TemplateForm(forms.Form):
    title = forms.CharField(label=_("Judul (subjek e-mail)"), max_length=200, required=False)
    body = forms.CharField(label=_("Isi"), widget=forms.Textarea(attrs={"rows": 10}), max_length=4000)

    def __init__(self, *args, event: str, channel: str, language: str, sample: dict, text_kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.event, self.channel, self.language, self.sample = event, channel, language, sample
        if text_kind != "email":
            del self.fields["title"]
            self.fields["body"].help_text = _(
                "SMS: hanya karakter GSM-7 (huruf tanpa tanda kutip miring, emoji, dsb.), paling banyak 3 segmen, "
                "tanpa NIK atau nomor pribadi lain."
            )
        elif not self.fields["title"].required:
            self.fields["title"].required = True

    def clean(self):
        cleaned = super().clean()
        if "body" in cleaned:
            validate_template_source(source=cleaned["body"], title=cleaned.get("title", ""), channel=self.channel,
                                     sample=self.sample, language=self.language)
        return cleaned
