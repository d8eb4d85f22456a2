"""Parsed SOP document + overlay → one definition per service (plain, JSON-serialisable dicts).

Pure functions: no database. `overlay_problems()` is what the system check and the importer both enforce;
`build_definitions()` is what the importer stores as versions. Each definition carries a content hash of
everything a version holds (not the line numbers, which move when another SOP is edited).
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify

from .parser import ParsedDocument, ParsedService, ReportEntry, parse_requirement_cell

FIELD_TYPES = frozenset(
    {"text", "textarea", "date", "time", "number", "select", "nik", "kk_number", "phone", "email", "boolean"}
)
CHANNELS = frozenset({"ONLINE", "COUNTER", "BOOKING", "INTER_AGENCY"})
EXECUTORS = frozenset(
    {
        "CITIZEN",
        "OPERATOR",
        "KASI",
        "KADIS",
        "ARSIPARIS",
        "DWH_DUKCAPIL",
        "OPD",
        "WALIKOTA",
        "DISDUKCAPIL",
        "KEMENDAGRI",
    }
)
SERVICE_KEYS = frozenset(
    {
        "title", "name", "summary", "keywords", "category", "order", "channel", "template", "output_kind",
        "output_kind_choices", "output_kind_field", "fields", "optional", "roles", "automated",
        "requirements_step", "decision", "notes",
    }
)  # fmt: skip
FIELD_KEYS = frozenset({"label", "type", "required", "choices", "help", "not_future", "min", "max"})

# The shared list of output document kinds (OUTPUT_KINDS.md), kept here so the check runs anywhere.
OUTPUT_KINDS = frozenset(
    {
        "akta-kelahiran", "akta-kematian", "akta-perkawinan", "akta-perceraian", "akta-pengakuan-anak",
        "akta-pengesahan-anak", "akta-pengangkatan-anak", "kartu-keluarga", "skpwni", "skpln",
        "sk-datang-luar-negeri", "sktt", "sk-lahir-mati", "catatan-pinggir", "sk-pelepasan-kewarganegaraan",
        "sk-pengganti-identitas", "sk-pencatatan-sipil", "kia", "ktp-el",
    }
)  # fmt: skip


class OverlayError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def load_overlay(path: str | Path) -> dict:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def _expand(keys) -> dict[str, str]:
    """{"1-7": X, "18": Y} → {"1": X, …, "7": X, "18": Y}"""
    result = {}
    for key, value in keys.items():
        match = re.fullmatch(r"(\d+)-(\d+)", str(key))
        if match:
            for n in range(int(match.group(1)), int(match.group(2)) + 1):
                result[str(n)] = value
        else:
            result[str(key)] = value
    return result


def _service_setting(overlay: dict, entry: dict, key: str, default=None):
    template = overlay.get("templates", {}).get(entry.get("template", ""), {})
    return entry.get(key, template.get(key, default))


def _roles_for(overlay: dict, entry: dict) -> dict[str, str]:
    template = overlay.get("templates", {}).get(entry.get("template", ""), {})
    roles = _expand(template.get("roles", {}))
    roles.update(_expand(entry.get("roles", {})))
    return roles


def _role_of(roles: dict[str, str], number: int, label: str) -> str | None:
    return roles.get(label) or roles.get(str(number))


def overlay_problems(document: ParsedDocument, overlay: dict) -> list[str]:
    """Every way the overlay and the document disagree, each naming the service. Empty when consistent."""
    problems: list[str] = []
    services = overlay.get("services", {})
    categories = overlay.get("categories", {})
    templates = overlay.get("templates", {})
    fields = overlay.get("fields", {})
    conditions = overlay.get("conditions", {})
    executors = overlay.get("executors", {})
    by_title = {}
    for slug, entry in services.items():
        title = entry.get("title", "")
        if title in by_title:
            problems.append(f"overlay: layanan {slug!r} dan {by_title[title]!r} menunjuk SOP yang sama {title!r}")
        by_title[title] = slug
    for sop in document.services:
        if sop.title not in by_title:
            problems.append(f"SOP {sop.title!r} (baris {sop.line}) tidak memiliki entri di overlay")
    titles = {s.title for s in document.services}
    for slug, entry in services.items():
        if entry.get("title") not in titles:
            problems.append(f"overlay: layanan {slug!r} menunjuk SOP {entry.get('title')!r} yang tidak ada di dokumen")
    for column, code in executors.items():
        if code not in EXECUTORS:
            problems.append(f"overlay: pelaksana {column!r} → {code!r} bukan peran yang dikenal")
    for name, template in templates.items():
        for key, role in _expand(template.get("roles", {})).items():
            if role not in EXECUTORS:
                problems.append(f"overlay: templat {name!r} langkah {key}: peran {role!r} tidak dikenal")
    for name, spec in fields.items():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            problems.append(f"overlay: nama isian {name!r} harus huruf kecil, angka dan garis bawah")
        unknown = set(spec) - FIELD_KEYS
        if unknown:
            problems.append(f"overlay: isian {name!r} memiliki kunci tak dikenal {sorted(unknown)}")
        if spec.get("type") not in FIELD_TYPES:
            problems.append(f"overlay: isian {name!r} memiliki tipe {spec.get('type')!r} yang tidak dikenal")
        if not spec.get("label"):
            problems.append(f"overlay: isian {name!r} tanpa label")
        if spec.get("type") == "select" and not spec.get("choices"):
            problems.append(f"overlay: isian pilihan {name!r} tanpa daftar pilihan")
        if spec.get("not_future") and spec.get("type") != "date":
            problems.append(f"overlay: isian {name!r}: not_future hanya untuk tanggal")
    for key in conditions.values():
        if key not in fields or fields[key].get("type") != "boolean":
            problems.append(f"overlay: syarat bersyarat menunjuk {key!r} yang bukan isian ya/tidak")
    for slug, entry in services.items():
        where = f"overlay: layanan {slug!r}"
        unknown = set(entry) - SERVICE_KEYS
        if unknown:
            problems.append(f"{where}: kunci tak dikenal {sorted(unknown)}")
        if slug != slugify(slug):
            problems.append(f"{where}: slug harus huruf kecil dan tanda hubung")
        for key in ("name", "summary"):
            if not entry.get(key):
                problems.append(f"{where}: {key} kosong")
        if entry.get("category") not in categories:
            problems.append(f"{where}: kategori {entry.get('category')!r} tidak dikenal")
        if entry.get("channel") not in CHANNELS:
            problems.append(f"{where}: kanal {entry.get('channel')!r} tidak dikenal")
        if entry.get("template") not in templates:
            problems.append(f"{where}: templat {entry.get('template')!r} tidak dikenal")
        kind = entry.get("output_kind")
        if entry.get("channel") == "INTER_AGENCY":
            if kind:
                problems.append(f"{where}: layanan antarinstansi tidak memiliki jenis dokumen keluaran")
        elif kind not in OUTPUT_KINDS:
            problems.append(f"{where}: jenis dokumen keluaran {kind!r} tidak ada di OUTPUT_KINDS")
        choices = entry.get("output_kind_choices", [])
        for choice in choices:
            if choice not in OUTPUT_KINDS:
                problems.append(f"{where}: pilihan dokumen keluaran {choice!r} tidak ada di OUTPUT_KINDS")
        if choices and kind not in choices:
            problems.append(f"{where}: output_kind {kind!r} harus salah satu dari output_kind_choices")
        if choices:
            field_name = entry.get("output_kind_field")
            field_spec = fields.get(field_name or "", {})
            if field_name not in entry.get("fields", []) or [c[0] for c in field_spec.get("choices", [])] != choices:
                problems.append(f"{where}: output_kind_field harus isian pilihan di formulir dengan pilihan {choices}")
        names = entry.get("fields", [])
        if not names:
            problems.append(f"{where}: formulir tanpa isian")
        if len(set(names)) != len(names):
            problems.append(f"{where}: isian ganda di formulir")
        for name in names:
            if name not in fields:
                problems.append(f"{where}: isian {name!r} tidak ada di pustaka [fields]")
        for name in entry.get("optional", []):
            if name not in names:
                problems.append(f"{where}: isian opsional {name!r} tidak ada di formulir layanan")
        for key, role in _expand(entry.get("roles", {})).items():
            if role not in EXECUTORS:
                problems.append(f"{where}: langkah {key}: peran {role!r} tidak dikenal")
        sop = document.service(entry.get("title", ""))
        if sop is None or entry.get("template") not in templates:
            continue
        roles = _roles_for(overlay, entry)
        labels = {s.label for s in sop.steps} | {str(s.number) for s in sop.steps}
        for step in sop.steps:
            if not _role_of(roles, step.number, step.label):
                problems.append(f"{where}: langkah {step.label} tidak memiliki peran")
        for column in sop.executor_columns:
            if column not in executors:
                problems.append(f"{where}: kolom pelaksana dokumen {column!r} tidak ada di [executors]")
        for label in _service_setting(overlay, entry, "automated", []):
            if label not in labels:
                problems.append(f"{where}: langkah otomatis {label} tidak ada di SOP")
        req_step = _service_setting(overlay, entry, "requirements_step")
        if req_step and sop.step(req_step) is None:
            problems.append(f"{where}: langkah persyaratan {req_step} tidak ada di SOP")
        elif req_step:
            items, _ = parse_requirement_cell(sop.step(req_step).requirement_values)
            for item in items:
                if item.condition_text:
                    key = conditions.get(item.condition_text.lower())
                    if key is None:
                        problems.append(f"{where}: syarat {item.condition_text!r} tidak ada di [conditions]")
                    elif key not in names:
                        problems.append(f"{where}: syarat {item.condition_text!r} memerlukan isian {key!r} di formulir")
        decision = _service_setting(overlay, entry, "decision")
        if decision:
            for key in ("step", "no", "yes"):
                if decision.get(key) not in labels:
                    problems.append(f"{where}: keputusan menunjuk langkah {decision.get(key)!r} yang tidak ada")
    return problems


@dataclass
class Definition:
    slug: str
    payload: dict  # everything a version holds; hashed
    content_hash: str
    source_line: int
    position: int
    report: list[ReportEntry]


def _form_fields(overlay: dict, entry: dict) -> list[dict]:
    library = overlay.get("fields", {})
    optional = set(entry.get("optional", []))
    result = []
    for name in entry.get("fields", []):
        spec = library[name]
        result.append(
            {
                "name": name,
                "label": spec["label"],
                "type": spec["type"],
                "required": bool(spec.get("required", True)) and name not in optional,
                "choices": [list(c) for c in spec.get("choices", [])],
                "help": spec.get("help", ""),
                "not_future": bool(spec.get("not_future", False)),
                "min": spec.get("min"),
                "max": spec.get("max"),
            }
        )
    return result


def _unique_key(label: str, taken: set[str]) -> str:
    base = slugify(label)[:60].strip("-") or "dokumen"
    key, n = base, 2
    while key in taken:
        key = f"{base}-{n}"
        n += 1
    taken.add(key)
    return key


def build_definitions(document: ParsedDocument, overlay: dict) -> list[Definition]:
    """One definition per SOP. Raises OverlayError when the overlay does not fit the document."""
    problems = overlay_problems(document, overlay)
    if problems:
        raise OverlayError(problems)
    by_title = {entry["title"]: (slug, entry) for slug, entry in overlay["services"].items()}
    executors = overlay.get("executors", {})
    categories = overlay.get("categories", {})
    conditions = {k.lower(): v for k, v in overlay.get("conditions", {}).items()}
    header = document.header.as_dict()
    definitions = []
    for position, sop in enumerate(document.services, start=1):
        slug, entry = by_title[sop.title]
        report: list[ReportEntry] = []
        steps = _steps(sop, overlay, entry, executors, report)
        requirements = _requirements(sop, overlay, entry, conditions, report)
        for note in entry.get("notes", []):
            report.append(ReportEntry(sop.line, "note", f"catatan peninjau overlay: {note}", sop.title))
        category = categories[entry["category"]]
        payload = {
            "slug": slug,
            "official_name": sop.title,
            "name": entry["name"],
            "summary": entry["summary"],
            "keywords": list(entry.get("keywords", [])),
            "category": entry["category"],
            "category_label": category["label"],
            "category_order": int(category.get("order", 99)),
            "display_order": int(entry.get("order", 50)),
            "channel": entry["channel"],
            "output_kind": entry.get("output_kind") or None,
            "output_kind_choices": list(entry.get("output_kind_choices", [])),
            "output_kind_field": entry.get("output_kind_field", ""),
            "output_name": sop.output_name,
            "form_fields": _form_fields(overlay, entry),
            "header": header,
            "signatory_title": sop.signatory_title,
            "signatory_name": sop.signatory_name,
            "executor_columns": list(sop.executor_columns),
            "steps": steps,
            "requirements": requirements,
        }
        digest = content_hash(payload)
        definitions.append(Definition(slug, payload, digest, sop.line, position, report))
    return definitions


def _steps(sop: ParsedService, overlay: dict, entry: dict, executors: dict, report: list) -> list[dict]:
    roles = _roles_for(overlay, entry)
    automated = set(_service_setting(overlay, entry, "automated", []))
    decision = _service_setting(overlay, entry, "decision")
    result = []
    for step in sop.steps:
        role = _role_of(roles, step.number, step.label)
        if step.marks:
            marked = {executors.get(m) for m in step.marks}
            if role not in marked:
                report.append(
                    ReportEntry(
                        step.line,
                        "ambiguity",
                        f"langkah {step.label}: peran overlay {role} tidak bertanda pada sisa bagan alir "
                        f"({', '.join(step.marks)})",
                        sop.title,
                    )
                )
        step_decision = dict(step.decision) if step.decision else None
        if decision and decision["step"] in (step.label, str(step.number)):
            wanted = {"no": decision["no"], "yes": decision["yes"]}
            if step_decision is None:
                step_decision = wanted
                report.append(
                    ReportEntry(
                        step.line,
                        "correction",
                        f"keputusan langkah {step.label} (tidak → {wanted['no']}, ya → {wanted['yes']}) tidak tertulis "
                        "di dokumen (baris Tdk/ya hilang); diambil dari templat overlay",
                        sop.title,
                    )
                )
            elif step_decision != wanted:
                report.append(
                    ReportEntry(
                        step.line,
                        "ambiguity",
                        f"keputusan langkah {step.label} di dokumen berbeda dari overlay; dokumen dipakai",
                        sop.title,
                    )
                )
        duration = step.duration
        result.append(
            {
                "number": step.number,
                "label": step.label,
                "position": step.position,
                "description": step.description,
                "note": step.note,
                "role": role,
                "automated": step.label in automated or str(step.number) in automated,
                "duration_value": duration[0] if duration else None,
                "duration_unit": duration[1] if duration else "",
                "requirement_cell": step.requirement_cell,
                "output_cell": step.output_cell,
                "decision": step_decision,
                "source_line": step.line,
            }
        )
    return result


def _requirements(sop: ParsedService, overlay: dict, entry: dict, conditions: dict, report: list) -> list[dict]:
    label = _service_setting(overlay, entry, "requirements_step")
    step = sop.step(label) if label else None
    if step is None:
        return []
    items, notes = parse_requirement_cell(step.requirement_values, line=step.line, sop=sop.title)
    report.extend(notes)
    taken: set[str] = set()
    result = []
    for position, item in enumerate(items, start=1):
        result.append(
            {
                "key": _unique_key(item.label, taken),
                "label": item.label,
                "position": position,
                "alternatives": item.alternatives,
                "condition_text": item.condition_text,
                "condition_key": conditions.get(item.condition_text.lower(), "") if item.condition_text else "",
                "slots": item.slots,
                "step_label": step.label,
            }
        )
    return result


def content_hash(payload: dict) -> str:
    """SHA-256 of what a version means. Line numbers are left out: they move when another SOP is edited."""
    hashed = dict(payload)
    hashed["steps"] = [{k: v for k, v in step.items() if k != "source_line"} for step in payload["steps"]]
    return hashlib.sha256(json.dumps(hashed, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
