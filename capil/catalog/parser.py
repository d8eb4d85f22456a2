"""The SOP document → structured data. A pure function: text in, a `ParsedDocument` out, with a report of
every correction and every ambiguity (line numbers are 1-based, as an editor shows them). A text that is not
in the document's format raises `DocumentRefused(line, reason)`.

The format (see /work/shared/sop/README.md): one title line per SOP ("SOP PELAYANAN …"), a two-line table
header ("No | Uraian Prosedur | Pelaksana … | Mutu Baku" then the executor columns and
"Kelengkapan | Waktu | Output"), one tab-separated row per step, then the signature block; somewhere in the
document the general header block (legal basis, executor qualifications, equipment, warning, data and
information) that applies to every SOP.

Nothing here knows about the database or the overlay; `capil.catalog.definitions` merges the overlay.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

MINUTES = "MINUTES"
WORKING_DAYS = "WORKING_DAYS"

# Misspellings that are plainly defects of the office file. Each application is reported with its line.
# (pattern, replacement, why)
SPELLING_CORRECTIONS: list[tuple[re.Pattern, str, str]] = [
    (re.compile(r"balik(?:ipapan|kpapan)"), "balikpapan", "nama domain salah ketik"),
    (re.compile(r"\bPenadatangan\b"), "Penandatanganan", "salah ketik"),
    (re.compile(r"\b(?:Locket|Loker) Pelayanan\b"), "Loket Pelayanan", "salah ketik (loket)"),
    (re.compile(r"\bdi mohonkan\b"), "dimohonkan", "awalan di- ditulis terpisah"),
    (re.compile(r"\bdi lakukan\b"), "dilakukan", "awalan di- ditulis terpisah"),
    (re.compile(r"\s+,"), ",", "spasi sebelum koma"),
]

TITLE_RE = re.compile(r"^SOP PELAYANAN\b")
HEADER_BLOCK_START = "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL"
TIME_PART_RE = re.compile(r"(\d+)\s*(menit|hari kerja)", re.IGNORECASE)
TIME_CELL_RE = re.compile(r"(?:\s*\d+\s*(?:menit|hari kerja)\s*)+", re.IGNORECASE)
BULLET_SPLIT_RE = re.compile(r"(?:^|\s+)-(?:\s+|$)")
FLOWCHART_SYMBOLS = set("□↓←→↑")
DECISION_WORDS = {"tdk": "no", "tidak": "no", "ya": "yes"}
OUTPUT_NAME_RE = re.compile(r"yang dimohonkan\s*\(([^)]+)\)", re.IGNORECASE)

HEADER_KEY_VALUE = {
    "Nomor SOP": "number",
    "Tanggal Pembuatan": "created_date",
    "Tanggal Revisi": "revision_date",
    "Tanggal Pengesahan": "approval_date",
    "Disahkan Oleh": "approved_by",
    "Nama SOP": "name",
}
HEADER_LABELS = {
    "Dasar Hukum": "legal_basis",
    "Kualifikasi Pelaksana": "executor_qualifications",
    "Keterkaitan": "related",
    "Peralatan/Perlengkapan": "equipment",
    "Peringatan": "warning",
    "Data dan Informasi": "data_and_information",
}


class DocumentRefused(Exception):
    """The text is not an SOP document in the expected format. Nothing may be imported from it."""

    def __init__(self, line: int, reason: str):
        super().__init__(f"baris {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass
class ReportEntry:
    line: int
    kind: str  # "correction" | "ambiguity" | "note"
    message: str
    sop: str = ""  # the SOP's title ("" for the document as a whole)
    before: str = ""
    after: str = ""

    def as_text(self) -> str:
        where = f"baris {self.line}" if self.line else "dokumen"
        text = f"[{self.kind}] {where}"
        if self.sop:
            text += f" · {self.sop}"
        text += f": {self.message}"
        if self.before or self.after:
            text += f" ({self.before!r} → {self.after!r})"
        return text

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "kind": self.kind,
            "sop": self.sop,
            "message": self.message,
            "before": self.before,
            "after": self.after,
        }


@dataclass
class ParsedStep:
    number: int
    label: str
    position: int
    description: str
    line: int
    marks: list[str] = field(default_factory=list)  # executor columns that kept a flowchart symbol
    requirement_values: list[str] = field(default_factory=list)
    durations: list[tuple[int, str]] = field(default_factory=list)
    output_values: list[str] = field(default_factory=list)
    decision: dict | None = None  # {"no": label, "yes": label}
    note: str = ""  # an unnumbered row that continues this step

    @property
    def duration(self) -> tuple[int, str] | None:
        return self.durations[0] if self.durations else None

    @property
    def requirement_cell(self) -> str:
        return "; ".join(self.requirement_values)

    @property
    def output_cell(self) -> str:
        return "; ".join(self.output_values)


@dataclass
class ParsedService:
    title: str
    line: int
    executor_columns: list[str]
    steps: list[ParsedStep] = field(default_factory=list)
    end_line: int = 0
    signatory_title: str = ""
    signatory_name: str = ""
    signature_lines: list[tuple[int, str]] = field(default_factory=list)
    short_rows: list[tuple[int, int, int]] = field(default_factory=list)  # (line, step number, cells)

    def step(self, label: str) -> ParsedStep | None:
        return next((s for s in self.steps if s.label == str(label)), None)

    @property
    def output_name(self) -> str:
        for step in self.steps:
            for value in step.output_values:
                match = OUTPUT_NAME_RE.search(value)
                if match:
                    return match.group(1).strip()
        return ""


@dataclass
class ParsedHeader:
    line: int = 0
    fields: dict[str, str] = field(default_factory=dict)  # number, created_date, revision_date, …
    legal_basis: list[str] = field(default_factory=list)
    executor_qualifications: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    equipment: list[str] = field(default_factory=list)
    warning: str = ""
    data_and_information: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "fields": dict(self.fields),
            "legal_basis": list(self.legal_basis),
            "executor_qualifications": list(self.executor_qualifications),
            "related": list(self.related),
            "equipment": list(self.equipment),
            "warning": self.warning,
            "data_and_information": list(self.data_and_information),
        }


@dataclass
class ParsedDocument:
    services: list[ParsedService]
    header: ParsedHeader
    report: list[ReportEntry]

    def service(self, title: str) -> ParsedService | None:
        return next((s for s in self.services if s.title == title), None)


class _Parser:
    def __init__(self, text: str):
        if "\x00" in text:
            raise DocumentRefused(text[: text.index("\x00")].count("\n") + 1, "berkas biner (berisi byte NUL)")
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.report: list[ReportEntry] = []
        self.services: list[ParsedService] = []
        self.header = ParsedHeader()
        self.current: ParsedService | None = None

    # ---- reporting -------------------------------------------------------------------------------
    def add(self, line: int, kind: str, message: str, before: str = "", after: str = "", sop: str | None = None):
        title = self.current.title if (sop is None and self.current) else (sop or "")
        self.report.append(ReportEntry(line, kind, message, title, before, after))

    def correct(self, line: int, text: str) -> str:
        for pattern, replacement, why in SPELLING_CORRECTIONS:
            new = pattern.sub(replacement, text)
            if new != text:
                self.add(line, "correction", f"ejaan diperbaiki: {why}", text, new)
                text = new
        return text

    # ---- driver ----------------------------------------------------------------------------------
    def parse(self) -> ParsedDocument:
        i = 0
        n = len(self.lines)
        while i < n:
            raw = self.lines[i]
            text = raw.strip()
            lineno = i + 1
            if not text:
                i += 1
                continue
            if TITLE_RE.match(text):
                i = self.parse_sop(i)
                continue
            if text.startswith(HEADER_BLOCK_START) and "\t" not in raw:
                self.current = None
                i = self.parse_header_block(i)
                continue
            if not self.services and not self.header.line:
                raise DocumentRefused(
                    lineno, "bukan dokumen SOP: baris pertama yang berisi harus judul 'SOP PELAYANAN …'"
                )
            raise DocumentRefused(lineno, "baris di luar tabel SOP yang tidak dikenali")
        if not self.services:
            raise DocumentRefused(max(n, 1), "tidak ada satu pun SOP ('SOP PELAYANAN …') dalam berkas")
        self.finish_signatures()
        if not self.header.line:
            self.add(0, "ambiguity", "blok kepala umum (Dasar Hukum, Peringatan, …) tidak ditemukan", sop="")
        return ParsedDocument(self.services, self.header, self.report)

    # ---- one SOP ---------------------------------------------------------------------------------
    def parse_sop(self, i: int) -> int:
        title = re.sub(r"\s+", " ", self.lines[i].strip())
        lineno = i + 1
        if any(s.title == title for s in self.services):
            raise DocumentRefused(lineno, f"judul SOP ganda: {title!r}")
        i += 1
        # The table header: first non-blank line.
        i = self.skip_blank(i)
        header1 = self.cells(i)
        if len(header1) < 3 or header1[0] != "No" or header1[1] != "Uraian Prosedur" or header1[2] != "Pelaksana":
            raise DocumentRefused(i + 1, "sesudah judul SOP harus ada kepala tabel 'No, Uraian Prosedur, Pelaksana, …'")
        sop = ParsedService(title=title, line=lineno, executor_columns=[])
        self.current = sop
        quality = [c for c in header1[3:] if c]
        if quality and quality[0] != "Mutu Baku":
            if quality[0] == "Mutu Buku":
                self.add(i + 1, "correction", "kepala kolom salah ketik", "Mutu Buku", "Mutu Baku")
            else:
                raise DocumentRefused(i + 1, "kolom 'Mutu Baku' tidak ditemukan pada kepala tabel")
        i += 1
        header2 = [c.strip() for c in self.lines[i].split("\t")] if i < len(self.lines) else []
        named = [c for c in header2 if c]
        if len(named) < 4 or named[-3:] != ["Kelengkapan", "Waktu", "Output"]:
            raise DocumentRefused(
                i + 1, "baris kedua kepala tabel harus berisi kolom pelaksana lalu 'Kelengkapan, Waktu, Output'"
            )
        sop.executor_columns = named[:-3]
        i += 1
        self.services.append(sop)
        i = self.parse_rows(i, sop)
        if not sop.steps:
            raise DocumentRefused(sop.line, f"SOP {title!r} tidak memiliki satu pun langkah")
        self.resolve_steps(sop)
        return i

    def parse_rows(self, i: int, sop: ParsedService) -> int:
        n_exec = len(sop.executor_columns)
        pending_decision: list[tuple[int, str]] = []
        while i < len(self.lines):
            raw = self.lines[i]
            lineno = i + 1
            if not raw.strip():
                i += 1
                continue
            if "\t" not in raw:
                break  # end of the table: the signature block follows
            cells = raw.split("\t")
            first = cells[0].strip()
            description = cells[1].strip() if len(cells) > 1 else ""
            rest = [c.strip() for c in cells[2:]]
            if first.isdigit():
                for dline, word in pending_decision:
                    self.attach_decision(sop, dline, word)
                pending_decision = []
                step = self.parse_step_row(lineno, int(first), description, rest, n_exec, sop)
                decisions = self.decision_words(rest[: max(len(rest) - 3, 0)])
                for word in decisions:
                    self.attach_decision(sop, lineno, word, in_row=step)
            elif not first and description:
                if not sop.steps:
                    raise DocumentRefused(lineno, "baris tanpa nomor sebelum langkah pertama")
                previous = sop.steps[-1]
                description = self.correct(lineno, description)
                if any(c for c in rest if not self.is_symbols(c)):
                    raise DocumentRefused(lineno, "baris tanpa nomor yang berisi kolom Mutu Baku: tidak dapat dibaca")
                previous.note = (previous.note + " " + description).strip()
                self.add(
                    lineno,
                    "correction",
                    f"baris tanpa nomor sesudah langkah {previous.label} digabungkan sebagai lanjutan "
                    f"langkah {previous.label} (tidak dijadikan langkah sendiri)",
                    description,
                    f"langkah {previous.label}: catatan",
                )
            elif not first and not description:
                words = self.decision_words(rest)
                symbols = [c for c in rest if c and self.is_symbols(c)]
                if words:
                    pending_decision.extend((lineno, w) for w in words)
                elif symbols:
                    self.add(lineno, "note", "baris berisi sisa simbol bagan alir saja; diabaikan", raw.strip())
                elif any(rest):
                    raise DocumentRefused(lineno, "baris tanpa nomor langkah dan tanpa uraian yang tidak dikenali")
            else:
                raise DocumentRefused(lineno, f"baris tabel harus diawali nomor langkah, bukan {first[:30]!r}")
            i += 1
        for dline, word in pending_decision:
            self.attach_decision(sop, dline, word)
        sop.end_line = i
        # Signature block: every non-blank line until the next SOP or the general header.
        while i < len(self.lines):
            text = self.lines[i].strip()
            if TITLE_RE.match(text) or (text.startswith(HEADER_BLOCK_START) and "\t" not in self.lines[i]):
                break
            if "\t" in self.lines[i] and text:
                raise DocumentRefused(i + 1, "baris tabel sesudah blok tanda tangan SOP")
            if text:
                sop.signature_lines.append((i + 1, text))
            i += 1
        return i

    def parse_step_row(self, lineno, number, description, rest, n_exec, sop) -> ParsedStep:
        expected = n_exec + 3
        if len(rest) >= expected:
            extra = rest[expected:]
            if any(extra):
                raise DocumentRefused(lineno, f"baris berisi {len(rest) + 2} kolom, kepala tabel hanya {expected + 2}")
            exec_cells, (req, time, out) = rest[:n_exec], rest[n_exec:expected]
        elif len(rest) >= 3:
            exec_cells, (req, time, out) = rest[:-3], rest[-3:]
            sop.short_rows.append((lineno, number, len(rest) + 2))
        else:
            if any(rest):
                raise DocumentRefused(lineno, "baris langkah tanpa kolom Kelengkapan, Waktu dan Output")
            exec_cells, req, time, out = rest, "", "", ""
        marks = []
        for column, cell in zip(sop.executor_columns, exec_cells, strict=False):
            if not cell:
                continue
            if self.is_symbols(cell):
                if "□" in cell:
                    marks.append(column)
                continue
            if self.decision_words([cell]):
                continue
            raise DocumentRefused(lineno, f"teks tak terduga di kolom pelaksana {column}: {cell[:40]!r}")
        if not description:
            raise DocumentRefused(lineno, f"langkah {number} tanpa uraian prosedur")
        description = self.correct(lineno, description)
        if time and not TIME_CELL_RE.fullmatch(time):
            raise DocumentRefused(lineno, f"kolom Waktu tidak dikenali: {time!r} (contoh: '2 menit', '3 hari kerja')")
        durations = [(int(v), MINUTES if u.lower() == "menit" else WORKING_DAYS) for v, u in TIME_PART_RE.findall(time)]
        step = ParsedStep(
            number=number,
            label=str(number),
            position=len(sop.steps) + 1,
            description=description,
            line=lineno,
            marks=marks,
            requirement_values=[self.correct(lineno, v) for v in self.bullets(req)],
            durations=durations,
            output_values=[self.correct(lineno, v) for v in self.bullets(out)],
        )
        sop.steps.append(step)
        return step

    def attach_decision(self, sop: ParsedService, line: int, word: str, in_row: ParsedStep | None = None):
        # The decision diamond belongs to the verification step before the "Tdk"/"ya" rows (step 9). When
        # the word sits inside a step's own row (the "ya" of step 10 in one SOP), it still belongs to the
        # step before that row when that one already holds the decision.
        target = sop.steps[-1]
        if in_row is not None and word == "yes" and len(sop.steps) >= 2 and sop.steps[-2].decision is not None:
            target = sop.steps[-2]
        if target.decision is None:
            target.decision = {"no": "", "yes": "", "lines": []}
        target.decision["lines"].append(line)
        target.decision.setdefault("words", []).append(word)

    def resolve_steps(self, sop: ParsedService):
        # Duplicate numbers: keep the official number, tell the two apart with a letter.
        counts = Counter(s.number for s in sop.steps)
        seen: Counter = Counter()
        for step in sop.steps:
            if counts[step.number] > 1:
                seen[step.number] += 1
                step.label = f"{step.number}{'abcdefghij'[seen[step.number] - 1]}"
                self.add(
                    step.line,
                    "correction",
                    f"nomor langkah {step.number} dipakai {counts[step.number]} kali; "
                    f"baris ini diberi label {step.label}",
                    str(step.number),
                    step.label,
                )
        # Gaps and order.
        for prev, step in zip(sop.steps, sop.steps[1:], strict=False):
            if step.number < prev.number:
                raise DocumentRefused(step.line, f"nomor langkah mundur dari {prev.number} ke {step.number}")
            if step.number > prev.number + 1:
                missing = list(range(prev.number + 1, step.number))
                self.add(
                    step.line,
                    "ambiguity",
                    f"nomor langkah melompat dari {prev.label} ke {step.label} (tidak ada langkah "
                    f"{', '.join(map(str, missing))}); nomor resmi dipertahankan, tidak ada langkah yang dikarang",
                )
        # Two values in one cell: the extraction merged the next (empty) row's cells into this one.
        for index, step in enumerate(sop.steps):
            multi = max(len(step.requirement_values), len(step.durations), len(step.output_values))
            if multi < 2 or len(step.durations) < 2:
                continue
            following = sop.steps[index + 1] if index + 1 < len(sop.steps) else None
            if following and not (following.requirement_values or following.durations or following.output_values):
                before = f"{step.requirement_cell} | {len(step.durations)} waktu | {step.output_cell}"
                following.requirement_values = step.requirement_values[1:]
                following.durations = step.durations[1:]
                following.output_values = step.output_values[1:]
                step.requirement_values = step.requirement_values[:1]
                step.durations = step.durations[:1]
                step.output_values = step.output_values[:1]
                self.add(
                    step.line,
                    "correction",
                    f"sel berisi dua nilai: nilai kedua dipindahkan ke langkah {following.label} yang kolomnya kosong",
                    before,
                    f"{step.label}: {step.output_cell} · {following.label}: {following.output_cell}",
                )
            else:
                self.add(
                    step.line,
                    "ambiguity",
                    f"langkah {step.label}: sel berisi lebih dari satu nilai; hanya waktu pertama dipakai",
                )
        # Decisions: "no" goes back to the step before the decision step, "yes" forward to the next one.
        for index, step in enumerate(sop.steps):
            if step.decision is None:
                continue
            words = step.decision.pop("words", [])
            lines = step.decision.pop("lines", [])
            if index == 0 or index + 1 >= len(sop.steps):
                raise DocumentRefused(lines[0], "baris keputusan Tdk/ya tanpa langkah sebelum dan sesudahnya")
            step.decision = {"no": sop.steps[index - 1].label, "yes": sop.steps[index + 1].label}
            missing = {"no", "yes"} - set(words)
            self.add(
                lines[0],
                "correction",
                f"baris keputusan 'Tdk'/'ya' (baris {', '.join(map(str, sorted(set(lines))))}) "
                f"dibaca sebagai keputusan langkah "
                f"{step.label}: tidak → {step.decision['no']}, ya → {step.decision['yes']}"
                + (f" (kata {', '.join(sorted(missing))} tidak tertulis)" if missing else ""),
            )
        if sop.short_rows:
            expected = len(sop.executor_columns) + 5
            self.add(
                sop.short_rows[0][0],
                "ambiguity",
                f"{len(sop.short_rows)} baris langkah ({', '.join(str(n) for _l, n, _c in sop.short_rows)}; baris "
                f"{', '.join(str(line) for line, _n, _c in sop.short_rows)}) memiliki kurang dari {expected} kolom: "
                "kolom pelaksana hilang bersama simbol bagan alir; tiga kolom terakhir dibaca sebagai Kelengkapan, "
                "Waktu, Output",
            )
        marked = [f"{s.label} ({', '.join(s.marks)})" for s in sop.steps if s.marks]
        if marked:
            self.add(
                sop.line,
                "note",
                "simbol bagan alir yang tersisa menandai kolom pelaksana: "
                + "; ".join(marked)
                + " — dicocokkan dengan peran dari overlay",
            )
        missing_time = [s.label for s in sop.steps if not s.durations]
        if missing_time:
            self.add(sop.line, "note", f"langkah tanpa waktu baku di dokumen: {', '.join(missing_time)}")

    # ---- the signature blocks ---------------------------------------------------------------------
    def finish_signatures(self):
        # Most SOPs are signed by the same person; variants a few letters away are misspellings of the
        # majority form. A line that resembles nothing is reported and kept out.
        titles: Counter = Counter()
        names: Counter = Counter()
        for sop in self.services:
            for _line, text in sop.signature_lines:
                if text.lower().startswith(("kepala", "kendala")):
                    titles[text] += 1
                elif "," in text and text.split(",")[0].replace(" ", "").isupper():
                    names[text] += 1
        canonical_title = titles.most_common(1)[0][0] if titles else ""
        canonical_name = names.most_common(1)[0][0] if names else ""
        for sop in self.services:
            self.current = sop
            place = ""
            for line, text in sop.signature_lines:
                if canonical_title and self.similar(text, canonical_title):
                    if text != canonical_title:
                        self.add(line, "correction", "jabatan penanda tangan salah ketik", text, canonical_title)
                    sop.signatory_title = canonical_title
                elif text.startswith("Kota "):
                    place = text
                elif canonical_name and self.similar(text, canonical_name):
                    if text != canonical_name:
                        self.add(line, "correction", "nama penanda tangan salah ketik", text, canonical_name)
                    sop.signatory_name = canonical_name
                else:
                    self.add(line, "ambiguity", "baris di blok tanda tangan tidak dikenali; tidak diimpor", text)
            if place and sop.signatory_title:
                sop.signatory_title = f"{sop.signatory_title} {place}"
            if not sop.signatory_name:
                self.add(sop.end_line, "ambiguity", "blok tanda tangan tanpa nama penanda tangan")
        self.current = None

    @staticmethod
    def similar(a: str, b: str) -> bool:
        if a == b:
            return True
        matcher = difflib.SequenceMatcher(None, a.lower(), b.lower())
        return matcher.real_quick_ratio() >= 0.85 and matcher.quick_ratio() >= 0.85 and matcher.ratio() >= 0.85

    # ---- the general header block ------------------------------------------------------------------
    def parse_header_block(self, i: int) -> int:
        if self.header.line:
            raise DocumentRefused(i + 1, "blok kepala umum muncul dua kali")
        self.header.line = i + 1
        self.add(
            i + 1,
            "note",
            "blok kepala umum (dasar hukum, pelaksana, peralatan, peringatan) berlaku untuk semua SOP",
            sop="",
        )
        i += 1
        pending: list[str | None] | None = None
        while i < len(self.lines):
            raw = self.lines[i]
            text = raw.strip()
            lineno = i + 1
            if TITLE_RE.match(text):
                break
            if not text:
                i += 1
                continue
            cells = [c.strip() for c in raw.split("\t")]
            if cells[0] in HEADER_KEY_VALUE:
                value = " ".join(c for c in cells[1:] if c)
                self.header.fields[HEADER_KEY_VALUE[cells[0]]] = value
            elif all(c in HEADER_LABELS for c in cells if c) and any(cells):
                pending = [HEADER_LABELS.get(c) for c in cells]
            elif pending is not None:
                for key, value in zip(pending, cells, strict=False):
                    if key and value:
                        self.header_value(lineno, key, value)
                pending = None
            else:
                raise DocumentRefused(lineno, "baris di blok kepala umum yang tidak dikenali")
            i += 1
        return i

    def header_value(self, line: int, key: str, value: str):
        value = self.correct(line, value)
        if key in ("legal_basis", "related"):
            setattr(self.header, key, self.bullets(value))
        elif key in ("executor_qualifications", "equipment"):
            parts = re.split(r"(?:^|\s)(\d+)\.\s+", value)
            numbers = [int(n) for n in parts[1::2]]
            items = [p.strip() for p in parts[2::2]]
            if not items:
                items = [value]
            expected = list(range(1, len(numbers) + 1))
            if numbers and numbers != expected:
                self.add(
                    line,
                    "correction",
                    f"daftar bernomor {numbers} tidak berurutan; butir dinomori ulang 1–{len(items)}",
                    value,
                    "; ".join(items),
                    sop="",
                )
            setattr(self.header, key, items)
        elif key == "warning":
            self.header.warning = value
        elif key == "data_and_information":
            self.header.data_and_information = [p.strip() for p in value.split(",") if p.strip()]

    # ---- helpers --------------------------------------------------------------------------------
    def skip_blank(self, i: int) -> int:
        while i < len(self.lines) and not self.lines[i].strip():
            i += 1
        if i >= len(self.lines):
            raise DocumentRefused(len(self.lines), "berkas berakhir sebelum tabel SOP")
        return i

    def cells(self, i: int) -> list[str]:
        return [c.strip() for c in self.lines[i].split("\t")]

    @staticmethod
    def bullets(cell: str) -> list[str]:
        return [part.strip() for part in BULLET_SPLIT_RE.split(cell.strip()) if part.strip()]

    @staticmethod
    def is_symbols(cell: str) -> bool:
        stripped = cell.replace(" ", "")
        return bool(stripped) and all(ch in FLOWCHART_SYMBOLS for ch in stripped)

    @staticmethod
    def decision_words(cells: list[str]) -> list[str]:
        words = []
        for cell in cells:
            tokens = cell.lower().split()
            if tokens and all(t in DECISION_WORDS for t in tokens):
                words.extend(DECISION_WORDS[t] for t in tokens)
        return words


def parse_document(text: str) -> ParsedDocument:
    """Parse the whole SOP document. Raises DocumentRefused(line, reason) when it is not in the format."""
    return _Parser(text).parse()


# ---- requirement cells ---------------------------------------------------------------------------------
PERSONS = ("suami", "istri", "ayah", "ibu")
PERSON_PAIR_RE = re.compile(r"^(.*?)\s+(suami|istri|ayah|ibu)\s+dan\s+(suami|istri|ayah|ibu)$", re.IGNORECASE)
COUNT_RE = re.compile(r"^(.*?)\s+(\d+)\s+orang\s+(.+)$", re.IGNORECASE)
CONDITION_PAREN_RE = re.compile(r"\s*\(((?:jika|bagi)\b[^)]*)\)\s*$", re.IGNORECASE)


@dataclass
class ParsedRequirement:
    label: str
    alternatives: list[str] = field(default_factory=list)
    condition_text: str = ""
    slots: list[str] = field(default_factory=list)  # one label per person when the SOP names several


def _split_top_level(text: str, sep: str = ",") -> list[str]:
    parts, depth, current = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        if ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def parse_requirement_cell(
    values: list[str], *, line: int = 0, sop: str = ""
) -> tuple[list[ParsedRequirement], list[ReportEntry]]:
    """A Kelengkapan cell → requirement items. Alternatives ("Buku Nikah/Akta Perkawinan") stay one item;
    "(jika …)", "(bagi …)" and "… bagi …" become conditions; "KTP suami dan istri", "KK ayah dan ibu" and
    "KTP 2 orang saksi" become one item with a slot per person. Every reading that is not literal is reported."""
    report: list[ReportEntry] = []
    items: list[ParsedRequirement] = []

    def note(kind: str, message: str, before: str = "", after: str = ""):
        report.append(ReportEntry(line, kind, message, sop, before, after))

    for part in _split_top_level(", ".join(values)):
        condition = ""
        match = CONDITION_PAREN_RE.search(part)
        if match:
            condition = match.group(1).strip()
            part = part[: match.start()].strip()
        elif " bagi " in part:
            part, _, rest = part.partition(" bagi ")
            condition = "bagi " + rest.strip()
        pieces: list[ParsedRequirement] = []
        count = COUNT_RE.match(part)
        pair = PERSON_PAIR_RE.match(part)
        if count:
            document, number, person = count.group(1).strip(), int(count.group(2)), count.group(3).strip()
            slots = [f"{document} {person} {i}" for i in range(1, number + 1)]
            pieces.append(ParsedRequirement(label=part, slots=slots))
            note("note", f"persyaratan untuk {number} orang dibaca sebagai {number} slot", part, "; ".join(slots))
        elif pair:
            prefix, first, second = pair.group(1).strip(), pair.group(2), pair.group(3)
            documents = [d.strip() for d in prefix.split(" dan ") if d.strip()]
            for document in documents[:-1]:
                pieces.append(ParsedRequirement(label=document))
            last = documents[-1]
            slots = [f"{last} {first}", f"{last} {second}"]
            pieces.append(ParsedRequirement(label=f"{last} {first} dan {second}", slots=slots))
            note("note", "dokumen dua orang dibaca sebagai dua slot", part, "; ".join(slots))
            if len(documents) > 1:
                note(
                    "ambiguity",
                    f"tidak jelas apakah {', '.join(documents[:-1])} juga diperlukan per orang; "
                    "dibaca sebagai satu dokumen",
                    part,
                )
        elif " dan " in part:
            documents = [d.strip() for d in part.split(" dan ") if d.strip()]
            pieces.extend(ParsedRequirement(label=d) for d in documents)
            note("note", "'dan' memisahkan dua persyaratan", part, "; ".join(documents))
        else:
            pieces.append(ParsedRequirement(label=part))
        for piece in pieces:
            label = piece.label
            head, sep, listed = label.partition(" seperti ")
            alternatives_text = listed if sep else label
            alternatives = [a.strip() for a in re.split(r"/| atau ", alternatives_text) if a.strip()]
            if len(alternatives) > 1:
                if not sep and len(alternatives[0].split()) == 1 and len(alternatives[-1].split()) > 1:
                    # "Akta/Surat keterangan perceraian": the first word shares the tail of the last one.
                    tail = alternatives[-1].split()[-1]
                    expanded = f"{alternatives[0]} {tail}"
                    note(
                        "ambiguity",
                        "alternatif pendek dilengkapi dengan kata terakhir alternatif berikutnya",
                        alternatives[0],
                        expanded,
                    )
                    alternatives[0] = expanded
                piece.alternatives = alternatives
            if condition:
                piece.condition_text = condition
        items.extend(pieces)
    return items, report
