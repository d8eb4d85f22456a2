"""What this context needs from the catalog, in one place: service versions, their steps (role, standard
time), requirement slots and form fields, and output kinds. Everything goes through the catalog's and the
documents' selectors; nothing here reads their models' tables directly except through those functions."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from capil.accounts.models import Role

# Outputs collected at a counter: the applicant gets a pick-up notice instead of the PDF by e-mail.
COUNTER_PICKUP_KINDS = frozenset({"kia", "ktp-el"})
ONLINE = "ONLINE"
TRUE_ANSWERS = frozenset({"on", "true", "1", "ya", "yes"})


# ------------------------------------------------------------------------------------------- versions

def version_is_online(version) -> bool:
    return version.channel == ONLINE


def service_name(version) -> str:
    return version.name


def online_services() -> list:
    """The current version of every online service, in home-page order, for the 'choose a service' page."""
    from capil.catalog.selectors import service_list_public

    return [ServiceChoice(v.service.slug, v.name, v.category_label, v.output_name)
            for v in service_list_public() if version_is_online(v)]


@dataclass
class ServiceChoice:
    slug: str
    name: str
    category: str
    output_name: str


def online_version_by_slug(slug: str):
    from capil.catalog.selectors import service_get_by_slug, service_version_current

    service = service_get_by_slug(slug)
    if service is None:
        return None
    version = service_version_current(service)
    if version is None or not version_is_online(version):
        return None
    return version


def _version_ids(slug: str) -> list[int]:
    """Every version of the service, as ids: a filter on a short list of constants lets PostgreSQL walk an
    index in the wanted order and test each row, where a join through the catalog made it read every
    application of the service first (0.7–5 s for a busy service at a million applications)."""
    from capil.catalog.models import ServiceVersion

    return list(ServiceVersion.objects.filter(service__slug=slug).values_list("id", flat=True))


def filter_by_service_slug(queryset, slug: str):
    return queryset.filter(service_version_id__in=_version_ids(slug))


def filter_events_by_service_slug(queryset, slug: str):
    return queryset.filter(application__service_version_id__in=_version_ids(slug))


# ---------------------------------------------------------------------------------------------- steps

@dataclass(frozen=True)
class StepInfo:
    number: int
    description: str
    role_code: str  # "CITIZEN" or an accounts Role value
    automated: bool
    minutes: int | None
    working_days: int | None

    @property
    def role(self) -> str:
        """Who holds the step, for people (translated when read)."""
        return role_label(self.role_code, automated=self.automated)


# A service version never changes once imported, so its steps are cached per process, keyed by the version's
# primary key and content hash (a re-created database with other content under the same key misses).
_STEPS_CACHE: dict[tuple[int, str], list[StepInfo]] = {}


def _duration(step) -> tuple[int | None, int | None]:
    if step.duration_value is None:
        return None, None
    if step.duration_unit == "WORKING_DAYS":
        return None, step.duration_value
    return step.duration_value, None


def steps(version) -> list[StepInfo]:
    """The version's steps, one per official number (a repeated number, "5a"/"5b", is shown once, with the
    first row's text)."""
    key = (version.pk, version.content_hash)
    cached = _STEPS_CACHE.get(key)
    if cached is not None:
        return cached
    from capil.catalog.selectors import steps_for

    seen = set()
    out = []
    for step in steps_for(version):
        if step.number in seen:
            continue
        seen.add(step.number)
        minutes, days = _duration(step)
        out.append(StepInfo(step.number, step.description, step.role, step.automated, minutes, days))
    if len(_STEPS_CACHE) > 1000:
        _STEPS_CACHE.clear()
    _STEPS_CACHE[key] = out
    return out


def step_role(version, number: int) -> str | None:
    """The role code (accounts Role value; "CITIZEN" for the applicant) that executes step `number`."""
    for step in steps(version):
        if step.number == number:
            return step.role_code
    return None


def role_label(role: str, *, automated: bool = False) -> str:
    labels = {"PEMOHON": _("Pemohon"), Role.CITIZEN: _("Pemohon"), "SYSTEM": _("Sistem"),
              Role.OPERATOR: _("Operator"), Role.KASI: _("Kepala Seksi"), Role.KADIS: _("Kepala Dinas"),
              Role.ARSIPARIS: _("Arsiparis")}
    label = str(labels.get(role, role))
    if automated:
        return _("%(role)s (otomatis oleh sistem)") % {"role": label}
    return label


def steps_deadline(version, numbers: tuple[int, ...], start: datetime) -> datetime | None:
    """When the standard times of steps `numbers`, done one after another from `start`, run out; None when
    the SOP sets no time for any of them."""
    from capil.core.workdays import expected_completion

    wanted = set(numbers)
    durations = [(s.minutes, s.working_days) for s in steps(version) if s.number in wanted
                 and (s.minutes is not None or s.working_days is not None)]
    if not durations:
        return None
    return expected_completion(start, durations)


# ---------------------------------------------------------------------------------------- requirements

@dataclass(frozen=True)
class Slot:
    slot: str  # stable key within the version: the requirement key, "-2" etc. for the second person
    label: str
    required: bool
    help: str
    condition_label: str


def _slots_of(item) -> list[Slot]:
    names = list(item.slots) or [item.label]
    helps = []
    if item.alternatives and len(item.alternatives) > 1:
        helps.append(_("Salah satu dari: %(list)s.") % {"list": ", ".join(item.alternatives)})
    help_text = " ".join(helps)
    out = []
    for i, name in enumerate(names, start=1):
        key = item.key if i == 1 else f"{item.key}-{i}"
        out.append(Slot(key, name, True, help_text, item.condition_text))
    return out


def requirements_for(version, answers: dict) -> list[Slot]:
    """The upload slots that apply given the answers: conditional requirements only when their condition
    holds (e.g. the police letter only when the document was lost)."""
    from capil.catalog.selectors import requirements_for as catalog_requirements_for

    return [slot for item in catalog_requirements_for(version, answers) for slot in _slots_of(item)]


def requirements_all(version) -> list[Slot]:
    """Every slot, conditional ones included (marked), for the 'what to prepare' page."""
    everything = {f.name: True for f in form_fields(version) if f.type == "boolean"}
    return requirements_for(version, everything)


# ---------------------------------------------------------------------------------------------- form

@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    type: str
    required: bool
    help: str
    choices: tuple
    not_future: bool
    min_value: Decimal | None
    max_value: Decimal | None


def form_fields(version) -> list[FieldSpec]:
    from capil.catalog.selectors import form_fields_for

    out = []
    for raw in form_fields_for(version):
        choices = []
        for choice in raw.get("choices") or ():
            if isinstance(choice, list | tuple):
                choices.append((str(choice[0]), str(choice[1])))
            elif isinstance(choice, dict):
                choices.append((str(choice.get("value")), str(choice.get("label", choice.get("value")))))
            else:
                choices.append((str(choice), str(choice)))
        out.append(FieldSpec(
            name=raw["name"], label=raw.get("label") or raw["name"], type=raw.get("type", "text"),
            required=bool(raw.get("required")), help=raw.get("help") or "", choices=tuple(choices),
            not_future=bool(raw.get("not_future")),
            min_value=Decimal(str(raw["min"])) if raw.get("min") is not None else None,
            max_value=Decimal(str(raw["max"])) if raw.get("max") is not None else None,
        ))
    return out


def missing_answers(version, answers: dict) -> list[str]:
    missing = [f.label for f in form_fields(version) if f.required and answers.get(f.name) in (None, "")]
    if output_kind_field(version) == "output_kind" and not answers.get("output_kind"):
        missing.append(_("Dokumen yang dimohonkan"))
    return missing


def answers_display(version, answers: dict) -> list[tuple[str, str]]:
    """(label, value) pairs for staff pages, in form order."""
    out = []
    for spec in form_fields(version):
        if spec.name not in answers:
            continue
        value = answers[spec.name]
        if spec.type == "boolean":
            value = _("Ya") if value is True or str(value).lower() in TRUE_ANSWERS else _("Tidak")
        elif spec.type == "select":
            value = dict(spec.choices).get(str(value), value)
        out.append((spec.label, str(value)))
    if answers.get("output_kind"):
        out.append((_("Dokumen yang dimohonkan"), output_kind_name(answers["output_kind"])))
    return out


# ------------------------------------------------------------------------------------------- outputs

def default_output_kind(version) -> str | None:
    return version.output_kind


def output_kind_field(version) -> str:
    """The form field in which the applicant chooses what is re-issued ("" when the service has one output;
    "output_kind" when the catalog offers choices without naming a field)."""
    if len(output_kind_choices(version)) <= 1:
        return ""
    return version.output_kind_field or "output_kind"


def output_kind_chosen(version, answers: dict) -> str | None:
    field = output_kind_field(version)
    if field and answers.get(field) in output_kind_choices(version):
        return answers[field]
    return None


def output_kind_choices(version) -> list[str]:
    return list(version.output_kind_choices or ([version.output_kind] if version.output_kind else []))


def output_kind_name(slug: str) -> str:
    from capil.documents.kinds import output_kind_get

    if not slug:
        return ""
    try:
        return str(output_kind_get(slug).name)
    except (KeyError, LookupError):
        return slug


def output_collected_at_counter(slug: str) -> bool:
    return slug in COUNTER_PICKUP_KINDS


def holder_name(application, data: dict) -> str:
    """Whose document it is: the name field of the entered data, else the applicant."""
    for key in ("nama", "nama_lengkap", "nama_anak", "holder_name", "name", "nama_almarhum"):
        if data.get(key):
            return str(data[key])
    return application.applicant.full_name


def prefill(application) -> dict:
    """Initial values for the step-10 form: the applicant's answers under the same field names."""
    return dict(application.answers)
