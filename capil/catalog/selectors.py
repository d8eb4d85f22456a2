"""Reads from the catalog, for the public pages and for the other contexts (applications, queueing, documents).

What the other contexts call:

- ``service_list_public(query="")`` → list of the *current* ``ServiceVersion`` of every service, in home-page
  order (category order, then document order). ``query`` keeps those whose name, official name, summary,
  keywords, output document or requirement labels contain every word of the query (case-insensitive).
- ``services_by_category(query="")`` → list of ``CategoryGroup(slug, label, description, versions)``.
- ``service_get_by_slug(slug)`` → ``Service`` or ``None``.
- ``service_version_current(service)`` → the ``ServiceVersion`` new applications are opened under, or ``None``
  before the first import.
- ``service_version_get(pk)`` → the ``ServiceVersion`` with that primary key (raises
  ``ServiceVersion.DoesNotExist``). An application stores this pk; the version it points at never changes.
- ``steps_for(version)`` → the version's ``Step`` list in document order (``position``). ``step.label`` is the
  official number ("5a"/"5b" where the SOP repeats one); ``step.role`` an ``Executor`` value (accounts ``Role``
  values for staff and "CITIZEN" for the applicant); ``step.automated`` marks steps the system performs for the
  role (the SMS and e-mail of steps 16–17); ``step.decision`` is ``{"no": "8", "yes": "10"}`` on step 9.
- ``step_get(version, label)`` → one ``Step`` by its label, or ``None``.
- ``requirements_for(version, answers)`` → the ``Requirement`` list that applies given the applicant's form
  answers: unconditional items always, a conditional item only when ``answers[item.condition_key]`` is true
  ("on", "true", "1", "ya" and True count as true). ``item.slots`` lists one label per person ("KTP suami",
  "KTP istri"); ``item.alternatives`` lists documents any one of which satisfies the item.
- ``form_fields_for(version)`` → the list of form field dicts (name, label, type, required, choices, help,
  not_future, min, max) of the version, in order.
- ``standard_duration_total(version)`` → ``Duration(minutes, working_days)``: the sum of the steps' standard
  times, kept apart by unit (working days skip weekends and holidays; minutes do not).
- ``category_choices()`` → ``[(slug, label)]`` of the categories in use.
- ``catalog_as_dict()`` → the whole current catalog as plain data (``manage.py catalog show --json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Prefetch

from .models import Requirement, Service, ServiceVersion, Step

TRUE_ANSWERS = frozenset({"on", "true", "1", "ya", "yes"})


@dataclass
class CategoryGroup:
    slug: str
    label: str
    order: int
    versions: list[ServiceVersion] = field(default_factory=list)


@dataclass(frozen=True)
class Duration:
    minutes: int
    working_days: int

    def __str__(self) -> str:
        parts = []
        if self.working_days:
            parts.append(f"{self.working_days} hari kerja")
        if self.minutes:
            parts.append(f"{self.minutes} menit")
        return " + ".join(parts) or "-"


def _current_versions():
    return ServiceVersion.objects.filter(service__current_version=F("pk"))


# The current versions change only when an import adds versions, and a version is never edited: each process
# keeps the list it read, with the (id, content hash) of every current version as its key. Checking the key is
# one small query; reading the list again decodes every version's JSON columns (about 8 ms of a home page).
_public_memo: tuple[tuple, list[ServiceVersion]] | None = None


def _public_versions() -> list[ServiceVersion]:
    global _public_memo
    key = tuple(_current_versions().order_by("pk").values_list("pk", "content_hash"))
    memo = _public_memo
    if memo is not None and memo[0] == key:
        return memo[1]
    versions = list(
        _current_versions().select_related("service").order_by("category_order", "display_order", "document_position")
    )
    if tuple(sorted((v.pk, v.content_hash) for v in versions)) == key:  # no import in between
        _public_memo = (key, versions)
    return versions


def service_list_public(query: str = "") -> list[ServiceVersion]:
    """The current versions in home-page order (shared, read-only objects: do not change them)."""
    versions = _public_versions()
    words = query.lower().split()[:8]
    versions = [v for v in versions if all(word in v.search_text for word in words)]
    if not words:
        return versions

    # Services whose own name holds the words come first, then those whose official name does.
    def rank(version: ServiceVersion) -> tuple:
        name, official = version.name.lower(), version.official_name.lower()
        return (
            not all(w in name for w in words),
            not all(w in official for w in words),
            version.category_order,
            version.display_order,
            version.document_position,
        )

    return sorted(versions, key=rank)


def services_by_category(query: str = "") -> list[CategoryGroup]:
    groups: dict[str, CategoryGroup] = {}
    for version in service_list_public(query):
        group = groups.setdefault(
            version.category, CategoryGroup(version.category, version.category_label, version.category_order)
        )
        group.versions.append(version)
    return sorted(groups.values(), key=lambda g: g.order)


def category_choices() -> list[tuple[str, str]]:
    return [(g.slug, g.label) for g in services_by_category()]


def service_get_by_slug(slug: str) -> Service | None:
    return Service.objects.select_related("current_version").filter(slug=slug).first()


def service_version_current(service: Service) -> ServiceVersion | None:
    return service.current_version


def service_version_get(pk: int) -> ServiceVersion:
    return ServiceVersion.objects.select_related("service").get(pk=pk)


def service_version_detail(version_pk: int) -> ServiceVersion:
    """One version with its steps and requirements prefetched (for the pages)."""
    return (
        ServiceVersion.objects.select_related("service")
        .prefetch_related(
            Prefetch("steps", queryset=Step.objects.order_by("position")),
            Prefetch("requirements", queryset=Requirement.objects.order_by("position")),
        )
        .get(pk=version_pk)
    )


_detail_memo: dict[tuple[int, str], ServiceVersion] = {}
_DETAIL_MEMO_SIZE = 256


def service_version_detail_shared(version: ServiceVersion) -> ServiceVersion:
    """`service_version_detail` of a version, kept per process by (id, content hash): a version is never edited
    once imported. For the public pages; the objects are shared — read them, do not change them."""
    key = (version.pk, version.content_hash)
    detail = _detail_memo.get(key)
    if detail is None:
        detail = service_version_detail(version.pk)
        if detail.content_hash == version.content_hash:
            if len(_detail_memo) >= _DETAIL_MEMO_SIZE:
                _detail_memo.clear()
            _detail_memo[key] = detail
    return detail


def steps_for(version: ServiceVersion) -> list[Step]:
    return list(version.steps.order_by("position"))


def step_get(version: ServiceVersion, label: str) -> Step | None:
    return version.steps.filter(label=str(label)).first()


def _is_true(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in TRUE_ANSWERS


def requirements_for(version: ServiceVersion, answers: dict | None = None) -> list[Requirement]:
    answers = answers or {}
    return [
        item
        for item in version.requirements.order_by("position")
        if not item.condition_key or _is_true(answers.get(item.condition_key, False))
    ]


def form_fields_for(version: ServiceVersion) -> list[dict]:
    return list(version.form_fields)


def standard_duration_total(version: ServiceVersion) -> Duration:
    minutes = days = 0
    for step in version.steps.all():
        if step.duration_value is None:
            continue
        if step.duration_unit == "WORKING_DAYS":
            days += step.duration_value
        else:
            minutes += step.duration_value
    return Duration(minutes=minutes, working_days=days)


def version_as_dict(version: ServiceVersion) -> dict:
    return {
        "slug": version.service.slug,
        "version": version.number,
        "version_pk": version.pk,
        "content_hash": version.content_hash,
        "official_name": version.official_name,
        "name": version.name,
        "summary": version.summary,
        "channel": version.channel,
        "category": version.category,
        "category_label": version.category_label,
        "output_kind": version.output_kind,
        "output_kind_choices": version.output_kind_choices,
        "output_document": version.output_name,
        "free_of_charge": version.is_free_of_charge,
        "header": version.header,
        "form_fields": version.form_fields,
        "requirements": [
            {
                "key": r.key,
                "label": r.label,
                "alternatives": r.alternatives,
                "condition_key": r.condition_key,
                "condition_text": r.condition_text,
                "slots": r.slots,
            }
            for r in version.requirements.all()
        ],
        "steps": [
            {
                "number": s.label,
                "position": s.position,
                "description": s.description,
                "note": s.note,
                "role": s.role,
                "automated": s.automated,
                "standard_time": (
                    {"value": s.duration_value, "unit": "minutes" if s.duration_unit == "MINUTES" else "working_days"}
                    if s.duration_value is not None
                    else None
                ),
                "requirement_cell": s.requirement_cell,
                "output_cell": s.output_cell,
                "decision": s.decision,
            }
            for s in version.steps.all()
        ],
        "standard_time_total": {
            "minutes": standard_duration_total(version).minutes,
            "working_days": standard_duration_total(version).working_days,
        },
    }


def catalog_as_dict() -> list[dict]:
    versions = (
        _current_versions()
        .select_related("service")
        .prefetch_related(
            Prefetch("steps", queryset=Step.objects.order_by("position")),
            Prefetch("requirements", queryset=Requirement.objects.order_by("position")),
        )
        .order_by("document_position")
    )
    return [version_as_dict(v) for v in versions]
