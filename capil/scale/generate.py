"""Realistic volume: a year (or more) of an office's work, written with COPY.

Each application's life is simulated from the moment it was opened: the applicant drafts and submits, the
operator verifies (one in six is sent back for a document and is usually corrected), enters the data, the Kasi
verifies and certifies, the Kadis validates and signs, the system delivers, the archivist archives. Each step
takes a time drawn around the step's standard time from the catalog (about one in ten is late). The state an
application is in "now" falls out of that simulation, so the proportions are those of a real office: most of
last year's applications archived, the recent ones spread over the queues, a few abandoned drafts and
withdrawals. Every transition writes its event row (the timeline and the SLA record) and the notifications the
transition function would have written; uploads, step-10 records, issued documents and KTP-el recording bookings
follow.

Only what the application context's own code declares is used for the shape (the transitions table, the states'
SOP steps, the requirement slots and form fields of each service version), through its modules, so the data
stays what the code itself would have written.
"""

import bisect
import datetime as dt
import hashlib
import io
import math
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from .writer import TableWriter, next_id, reset_sequences

CHUNK = 10000  # applications per transaction
SQLITE_LIMIT = 5000  # applications; above this COPY and PostgreSQL are needed to finish in minutes
SCALE_DOMAIN = "scale.capil.invalid"

# How often each service is asked for, relative to one another, in a city of ~700,000: birth certificates,
# child identity cards and reprinted family cards dominate; moves follow; foreigners' papers are rare.
# A service not named here (a new SOP) weighs 1.
SERVICE_WEIGHTS = {
    "akta-kelahiran": 25, "kia": 15, "cetak-ulang-kk-ktp-el": 12, "gabung-kk-kelahiran": 10,
    "pindah-luar-daerah": 6, "pendatang-luar-daerah": 6, "akta-kematian": 5, "pindah-dalam-kota": 5,
    "pecah-kk": 5, "numpang-kk": 4, "gabung-kk-perkawinan": 4, "perubahan-biodata": 3, "akta-perkawinan": 2,
    "pisah-kk-perceraian": 1.5, "akta-hilang-rusak": 1.5, "akta-perceraian": 1, "batal-pindah": 0.5,
    "pindah-luar-negeri": 0.2, "datang-luar-negeri": 0.2, "lahir-mati": 0.2, "sktt-wna": 0.1,
}
# The SOP's standard times (minutes) are the work itself; what a citizen waits is mostly the queue in front of
# it. Per state: the share handled at once (within the standard time) and the median wait, in hours, of the
# rest — so the queues hold a realistic backlog and the SLA page has late steps to show.
QUEUE_WAIT = {
    "verification": (0.30, 20), "data_entry": (0.40, 4), "kasi_verification": (0.40, 6),
    "certification_request": (0.50, 1), "certification": (0.50, 3), "tte_validation": (0.40, 8),
    "signing": (0.30, 16),
}

GIVEN = ("Budi", "Siti", "Agus", "Dewi", "Rahmat", "Nur", "Andi", "Sri", "Hendra", "Wati", "Yusuf", "Ayu",
         "Fajar", "Rina", "Joko", "Lestari", "Arif", "Fitri", "Bambang", "Indah", "Made", "Komang", "Daeng",
         "Muhammad", "Aisyah", "Yohanes", "Maria", "Ikhsan", "Putri", "Sutrisno")
FAMILY = ("", "", "", "Santoso", "Wijaya", "Saputra", "Hidayat", "Nugroho", "Lubis", "Siregar", "Pratama",
          "Kusuma", "Rahman", "Hakim", "Tanjung", "Simanjuntak", "Wibowo", "Setiawan", "Daeng Matta")
PLACES = ("Balikpapan", "Samarinda", "Penajam", "Tenggarong", "Makassar", "Surabaya", "Banjarmasin")


@dataclass
class Version:
    pk: int
    slug: str
    name: str
    output_kind: str
    weight: float
    slots: list[tuple[str, str]]
    fields: list
    # (minutes, working days) of each state's standard time; None when the SOP sets none
    standards: dict[str, tuple[float, int] | None] = field(default_factory=dict)


@dataclass
class Totals:
    citizens: int = 0
    staff: int = 0
    applications: int = 0
    states: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


class WorkCalendar:
    """Working days (weekends and public holidays skipped, through capil.core.workdays) over the period,
    for fast deadline arithmetic: adding n working days is an index step."""

    def __init__(self, first: dt.date, last: dt.date):
        from capil.core.workdays import is_working_day

        self.days = []
        day = first
        while day <= last:
            if is_working_day(day):
                self.days.append(day)
            day += dt.timedelta(days=1)

    def add(self, start: dt.datetime, minutes: float, working_days: int) -> dt.datetime:
        moment = start + dt.timedelta(minutes=minutes)
        if working_days:
            local = timezone.localtime(moment)
            i = bisect.bisect_left(self.days, local.date())
            target = self.days[min(i + working_days, len(self.days) - 1)]
            moment = moment + dt.timedelta(days=(target - local.date()).days)
        return moment


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0, sigma))


def _tiny_jpeg(seed: int) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (400, 300), (235 - seed * 10, 232, 225))
    draw = ImageDraw.Draw(image)
    for y in range(30, 280, 22):
        draw.line((20, y, 380 - (y * seed) % 90, y), fill=(60, 60, 70), width=3)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


class Life:
    """One application's story while it is simulated: where it stands, and the rows its transitions write
    (an event per transition, the notifications the transition function would have put in the outbox)."""

    def __init__(self, gen: "ScaleData", pk: int, version: Version, applicant: int, tracking: str,
                 created: dt.datetime):
        self.gen, self.pk, self.version, self.applicant, self.tracking = gen, pk, version, applicant, tracking
        self.state, self.entered, self.due = "draft", created, None

    def event(self, action: str, to_state: str, at: dt.datetime, actor: int | None, actor_role: str,
              reason: str = "") -> int:
        from capil.applications.workflow import TRANSITIONS

        gen = self.gen
        pk = gen.event_id
        gen.event_w.write({"id": pk, "application_id": self.pk, "action": action, "from_state": self.state,
                           "to_state": to_state, "sop_step": TRANSITIONS[action].step, "actor_id": actor,
                           "actor_role": actor_role, "reason": reason, "data": {}, "started_at": self.entered,
                           "due_at": self.due, "created_at": at})
        gen.event_id += 1
        self.state, self.entered = to_state, at
        self.due = gen._due(self.version, to_state, at)
        return pk

    def notify(self, kind: str, at: dt.datetime, suffix: str = "") -> None:
        from capil.notifications.services import idempotency_key

        gen = self.gen
        sent = at + dt.timedelta(seconds=gen.rng.randint(2, 40))
        delivered = sent <= gen.now
        for channel, address in (("sms", f"+62812{self.applicant % 100000000:08d}"),
                                 ("email", f"warga-{self.applicant}@{SCALE_DOMAIN}")):
            gen.notif_w.write({
                "id": gen.notif_id, "event": kind, "channel": channel, "subject_type": gen.subject_type,
                "subject_id": str(self.pk), "key_suffix": suffix, "recipient_id": self.applicant,
                "address": address, "language": "id",
                "idempotency_key": idempotency_key(subject_type=gen.subject_type, subject_id=str(self.pk),
                                                   event=kind, channel=channel, address=address, key_suffix=suffix),
                "reference": uuid.uuid4(),  # unique across runs, whatever the seed
                "title": "" if channel == "sms" else f"Permohonan {self.tracking}",
                "body": f"Permohonan {self.tracking}: {kind.replace('_', ' ')}. Lihat {settings.CAPIL_SITE_URL}",
                "segments": 1 if channel == "sms" else 0,
                "state": "sent" if delivered else "queued", "attempts": 1 if delivered else 0,
                "next_attempt_at": at, "sent_at": sent if delivered else None,
                "provider_message_id": f"gw-{gen.notif_id}" if delivered and channel == "sms" else "",
                "created_at": at, "updated_at": sent if delivered else at,
            })
            gen.notif_id += 1


class ScaleData:
    """Generates `applications` applications spread over `days` days before now. `out` receives progress."""

    def __init__(self, *, applications: int, days: int = 365, seed: int = 1,
                 out: Callable[[str], None] = print, citizen_ids: list[int] | None = None):
        self.n = applications
        self.given_citizens = citizen_ids
        self.days = days
        self.rng = random.Random(seed)
        self.out = out
        self.now = timezone.now()
        self.totals = Totals()

    # ------------------------------------------------------------------------------------------ checks
    @staticmethod
    def refuse_reason(applications: int) -> str | None:
        if connection.vendor != "postgresql" and applications > SQLITE_LIMIT:
            return (f"PostgreSQL is needed for more than {SQLITE_LIMIT:,} applications (this database is "
                    f"{connection.vendor}): set DATABASE_URL=postgres://… and run again.")
        for app in ("capil.catalog", "capil.applications"):
            if not apps.is_installed(app):
                return f"{app} is not installed: scale data needs the catalog and the applications."
        return None

    # -------------------------------------------------------------------------------------------- run
    def run(self) -> Totals:
        self._load_catalog()
        self._staff()
        self._citizens()
        self._files()
        self._applications()
        if apps.is_installed("capil.queueing"):
            with transaction.atomic():
                self._bookings()
        self._finish()
        return self.totals

    def _load_catalog(self) -> None:
        from capil.applications import sop
        from capil.applications.workflow import STATES

        versions = []
        for choice in sop.online_services():
            version = sop.online_version_by_slug(choice.slug)
            weight = SERVICE_WEIGHTS.get(choice.slug, 1)
            slots = [(s.slot, s.label) for s in sop.requirements_for(version, {}) if s.required]
            info = Version(version.pk, choice.slug, choice.name, sop.default_output_kind(version) or "", weight,
                           slots, sop.form_fields(version))
            steps = {s.number: s for s in sop.steps(version)}
            for state, state_info in STATES.items():
                known = [steps[n] for n in state_info.steps if n in steps
                         and (steps[n].minutes is not None or steps[n].working_days is not None)]
                info.standards[state] = (
                    (sum(s.minutes or 0 for s in known), sum(s.working_days or 0 for s in known)) if known else None)
            versions.append(info)
        if not versions:
            raise RuntimeError("The catalog has no online service: import it first (manage.py catalog import).")
        self.versions = versions
        self.version_weights = [v.weight for v in versions]
        first = (self.now - dt.timedelta(days=self.days + 5)).date()
        self.calendar = WorkCalendar(first, (self.now + dt.timedelta(days=120)).date())
        self.out(f"  catalog: {len(versions)} online services")

    def _staff(self) -> None:
        from capil.accounts.models import Role

        User = get_user_model()
        # An office of this size: operators at the desks, a few section heads, one head of office (and a
        # deputy who signs in their absence), archivists.
        wanted = {Role.OPERATOR: max(3, self.n // 20000), Role.KASI: max(2, self.n // 150000),
                  Role.KADIS: 2, Role.ARSIPARIS: max(1, self.n // 200000)}
        rows = []
        for role, count in wanted.items():
            for i in range(count):
                email = f"staff-{role.lower()}-{i:03d}@{SCALE_DOMAIN}"
                rows.append(User(email=email, full_name=f"{role.title()} {i + 1}", role=role,
                                 nip=f"19{80 + i % 20:02d}0101{2005 + i % 15:04d}011{i % 1000:03d}"[:18],
                                 password=make_password(None)))
        User.objects.bulk_create(rows, ignore_conflicts=True)
        self.staff = {role: list(User.objects.filter(role=role, email__endswith=SCALE_DOMAIN)
                                 .values_list("pk", flat=True)) for role in wanted}
        self.totals.staff = sum(len(v) for v in self.staff.values())

    def _nik(self, rng: random.Random, birth: dt.date, female: bool, serial: int) -> str:
        day = birth.day + (40 if female else 0)
        return f"6471{rng.randint(1, 6):02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial % 10000:04d}"

    def _citizens(self) -> None:
        """About one citizen per two applications of the year; a few apply many times (families). Or the
        citizens the caller gave (the load test's own)."""
        if self.given_citizens:
            self.citizen_ids = list(self.given_citizens)
            return
        User = get_user_model()
        count = max(10, self.n // 2)
        start_id = next_id(User)
        password = make_password(None)
        writer = TableWriter(User)
        rng = self.rng
        joined_span = self.days * 86400
        self.citizen_ids = []
        for i in range(count):
            pk = start_id + i
            female = rng.random() < 0.52
            birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 55))
            name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}".strip()
            phone = f"+62812{pk % 100000000:08d}"
            email = f"warga-{pk}@{SCALE_DOMAIN}"
            joined = self.now - dt.timedelta(seconds=rng.randint(0, joined_span) + 3600)
            writer.write({"id": pk, "email": email, "phone": phone, "full_name": name, "role": "CITIZEN",
                          "nik": self._nik(rng, birth, female, pk), "password": password, "is_active": True,
                          "is_superuser": False, "phone_verified_at": joined, "email_verified_at": joined,
                          "date_joined": joined, "last_login": None})
            self.citizen_ids.append(pk)
            if (i + 1) % 50000 == 0:
                with transaction.atomic():
                    writer.flush()
        with transaction.atomic():
            writer.close()
        reset_sequences([User])
        self.totals.citizens = count
        self.totals.rows["accounts.User"] = count
        self.out(f"  citizens: {count:,}")

    def _files(self) -> None:
        """A handful of small JPEGs stored once; every upload row points at one of them."""
        self.files = []
        for i in range(4):
            data = _tiny_jpeg(i)
            name = f"scale/sample-{i}.jpg"
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(data))
            self.files.append((name, hashlib.sha256(data).hexdigest(), 400, 300, len(data)))

    # --------------------------------------------------------------------------------- applications
    def _answers(self, rng: random.Random, version: Version, nik: str) -> dict:
        answers = {}
        for spec in version.fields:
            kind = spec.type
            if kind == "nik":
                answers[spec.name] = nik if spec.name == "nik_pemohon" else f"6471{rng.randrange(10**11, 10**12)}"
            elif kind == "kk_number":
                answers[spec.name] = f"6471{rng.randrange(10**11, 10**12)}"
            elif kind == "date":
                answers[spec.name] = (self.now.date() - dt.timedelta(days=rng.randint(10, 9000))).isoformat()
            elif kind == "time":
                answers[spec.name] = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
            elif kind == "select" and spec.choices:
                answers[spec.name] = rng.choice(spec.choices)[0]
            elif kind == "number":
                low = int(spec.min_value) if spec.min_value is not None else 1
                high = int(spec.max_value) if spec.max_value is not None else low + 5
                answers[spec.name] = str(rng.randint(low, max(low, min(high, low + 4000))))
            elif kind == "boolean":
                answers[spec.name] = False
            elif kind in ("phone", "email"):
                continue
            elif spec.required or rng.random() < 0.5:
                answers[spec.name] = (rng.choice(PLACES) if "tempat" in spec.name
                                      else f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}".strip())
        return answers

    def _created_at(self, rng: random.Random) -> dt.datetime:
        """Opened on a day of the period — weekdays three times as busy, a rise before the school year
        (June–July) — at a waking hour."""
        while True:
            moment = self.now - dt.timedelta(seconds=rng.random() * self.days * 86400)
            local = timezone.localtime(moment)
            weight = 1.0 if local.weekday() < 5 else 0.35
            if local.month in (6, 7):
                weight *= 1.4
            if not 6 <= local.hour <= 22:
                weight *= 0.1
            if rng.random() < weight / 1.4:
                return moment

    def _due(self, version: Version, state: str, start: dt.datetime) -> dt.datetime | None:
        standard = version.standards.get(state)
        if standard is None:
            return None
        return self.calendar.add(start, standard[0], standard[1])

    def _taken(self, version: Version, state: str) -> dt.timedelta:
        """How long an application stays in `state`: handled at once (within the standard time) or after a
        wait in the queue (QUEUE_WAIT)."""
        rng = self.rng
        prompt, wait_hours = QUEUE_WAIT.get(state, (0.5, 2))
        standard = version.standards.get(state)
        if rng.random() < prompt:
            standard_hours = (standard[0] / 60 + standard[1] * 24) if standard else 0.5
            return dt.timedelta(hours=max(standard_hours, 0.02) * rng.uniform(0.2, 0.95))
        return dt.timedelta(hours=_lognormal(rng, wait_hours, 0.9))

    def _applications(self) -> None:
        from capil.applications.models import Application, ApplicationEvent, RecordEntry, RequirementUpload, State
        from capil.applications.services import SEQUENCE_NAME, tracking_number_format
        from capil.applications.workflow import STATES, SYSTEM
        from capil.notifications.models import Notification

        rng = self.rng
        app_w = TableWriter(Application)
        self.event_w = TableWriter(ApplicationEvent)
        upload_w = TableWriter(RequirementUpload)
        record_w = TableWriter(RecordEntry)
        self.notif_w = TableWriter(Notification)
        docs = self._documents_writer()
        writers = [app_w, self.event_w, upload_w, record_w, self.notif_w]
        archive = ArchiveRows(self) if apps.is_installed("capil.archive") else None
        if archive is not None:
            writers += [archive.record_w, archive.key_w]
        # Until the applications model points at IssuedDocument (a UUID key), documents are written unlinked.
        link_documents = Application._meta.get_field("output_document_id" if not hasattr(
            Application, "output_document") else "output_document").is_relation
        app_id, upload_id, record_id = next_id(Application), next_id(RequirementUpload), next_id(RecordEntry)
        self.event_id, self.notif_id = next_id(ApplicationEvent), next_id(Notification)
        serial0 = self._serial_start(SEQUENCE_NAME)
        self.subject_type = f"{Application._meta.app_label}.{Application._meta.model_name}"
        counts: dict[str, int] = {}
        now = self.now
        staff = self.staff
        citizens = self.citizen_ids
        ncit = len(citizens)

        for n in range(self.n):
            version = rng.choices(self.versions, self.version_weights)[0]
            # Most citizens apply once or twice a year; one in ten (families with children, people who move)
            # makes a fifth of the applications — a handful each, never hundreds.
            applicant = citizens[rng.randrange(max(1, ncit // 10)) if rng.random() < 0.2 else rng.randrange(ncit)]
            pk = app_id + n
            created = self._created_at(rng)
            tracking = tracking_number_format(serial=serial0 + n, year=timezone.localtime(created).year)
            life = Life(self, pk, version, applicant, tracking, created)
            answers = self._answers(rng, version, self._nik(rng, dt.date(1990, 1, 1), False, applicant))
            submitted = completed = record = document_id = None
            slot_history = {slot: [(created + dt.timedelta(minutes=rng.randint(1, 30)), "pending")]
                            for slot, _ in version.slots}
            people = {"OPERATOR": rng.choice(staff["OPERATOR"]), "KASI": rng.choice(staff["KASI"]),
                      "KADIS": rng.choice(staff["KADIS"]), "ARSIPARIS": rng.choice(staff["ARSIPARIS"])}
            operator, kasi, kadis = people["OPERATOR"], people["KASI"], people["KADIS"]
            returns = 0

            # ---- the applicant drafts and submits (steps 5–7); one in twenty drafts is abandoned
            t = created + dt.timedelta(minutes=_lognormal(rng, 25, 1.0))
            if rng.random() >= 0.05 and t <= now:
                if rng.random() < 0.01:
                    life.event("withdraw", State.WITHDRAWN, t, applicant, "PEMOHON")
                    completed = t
                else:
                    life.event("submit", State.VERIFICATION, t, applicant, "PEMOHON")
                    submitted = t
                    life.notify("application_received", t)
            # ---- the back office, step by step, until "now" stops the story
            while life.state not in (State.DRAFT, State.ARCHIVED, State.WITHDRAWN):
                state = life.state
                t = life.entered + self._taken(version, state)
                if state == State.RETURNED:
                    t = life.entered + dt.timedelta(hours=_lognormal(rng, 20, 1.2))  # the applicant's pace
                elif state == State.DELIVERY:
                    t = life.entered + dt.timedelta(seconds=rng.randint(3, 90))  # the task worker
                elif state == State.ARCHIVING:
                    t = life.entered + dt.timedelta(hours=_lognormal(rng, 30, 0.8))
                if t > now:
                    break
                if state == State.VERIFICATION:
                    if rng.random() < (0.16 if returns == 0 else 0.05):
                        bad = rng.choice(version.slots)[0] if version.slots else None
                        for slot, history in slot_history.items():
                            history[-1] = (history[-1][0], "rejected" if slot == bad else "accepted")
                        event_pk = life.event("requirements_not_met", State.RETURNED, t, operator, "OPERATOR")
                        life.notify("requirements_not_met", t, str(event_pk))
                        returns += 1
                    elif rng.random() < 0.004:
                        life.event("withdraw", State.WITHDRAWN, t, applicant, "PEMOHON")
                        completed = t
                    else:
                        for history in slot_history.values():
                            history[-1] = (history[-1][0], "accepted")
                        life.event("requirements_met", State.DATA_ENTRY, t, operator, "OPERATOR")
                elif state == State.RETURNED:
                    roll = rng.random()
                    if roll < 0.10:
                        break  # never corrected: stays with the applicant
                    if roll < 0.13:
                        event_pk = life.event("withdraw", State.WITHDRAWN, t, applicant, "PEMOHON")
                        life.notify("status_changed", t, str(event_pk))
                        completed = t
                        continue
                    for history in slot_history.values():
                        if history[-1][1] == "rejected":
                            history.append((t - dt.timedelta(minutes=rng.randint(1, 60)), "pending"))
                    event_pk = life.event("resubmit", State.VERIFICATION, t, applicant, "PEMOHON")
                    life.notify("status_changed", t, str(event_pk))
                elif state == State.DATA_ENTRY:
                    record = t
                    life.event("enter_data", State.KASI_VERIFICATION, t, operator, "OPERATOR")
                elif state == State.KASI_VERIFICATION:
                    if rng.random() < 0.03:
                        life.event("send_back", State.DATA_ENTRY, t, kasi, "KASI", "Data tidak sesuai berkas")
                    else:
                        life.event("verify", State.CERTIFICATION_REQUEST, t, kasi, "KASI")
                elif state == State.CERTIFICATION_REQUEST:
                    life.event("request_certification", State.CERTIFICATION, t, kasi, "KASI")
                elif state == State.CERTIFICATION:
                    life.event("certify", State.TTE_VALIDATION, t, kasi, "KASI")
                elif state == State.TTE_VALIDATION:
                    life.event("validate", State.SIGNING, t, kadis, "KADIS")
                elif state == State.SIGNING:
                    if docs is not None:
                        document_id = docs.write(life, answers, t, kadis)
                        if not link_documents:
                            document_id = None
                    life.event("sign", State.DELIVERY, t, kadis, "KADIS")
                elif state == State.DELIVERY:
                    life.event("deliver", State.ARCHIVING, t, None, SYSTEM)
                    life.notify("document_signed", t)
                elif state == State.ARCHIVING:
                    life.event("archive", State.ARCHIVED, t, people["ARSIPARIS"], "ARSIPARIS")
                    completed = t
            state = life.state
            # Staff hold what they are working on: about half of the operator's and Kasi's items are claimed.
            holder = STATES[state].holder
            claimed_by = people[holder] if holder in ("OPERATOR", "KASI") and rng.random() < 0.5 else None
            app_w.write({
                "id": pk, "tracking_number": tracking, "service_version_id": version.pk, "applicant_id": applicant,
                "channel": "online", "answers": answers, "state": state,
                "sop_step": STATES[state].steps[0] if STATES[state].steps else 18,
                "state_entered_at": life.entered, "due_at": life.due, "claimed_by_id": claimed_by,
                "claimed_at": life.entered + dt.timedelta(minutes=5) if claimed_by else None,
                "output_kind": version.output_kind, "output_document_id": document_id,
                "created_at": created, "submitted_at": submitted, "completed_at": completed,
            })
            counts[state] = counts.get(state, 0) + 1
            if archive is not None and state == State.ARCHIVED:
                archive.write(life, answers, submitted, completed, people["ARSIPARIS"])
            # ---- uploads: every version of every slot, the last one current
            for slot, label in version.slots:
                history = slot_history[slot]
                for number, (at, status) in enumerate(history, start=1):
                    name, sha, width, height, size = self.files[(pk + number) % len(self.files)]
                    current = number == len(history)
                    reviewed = status != "pending"
                    upload_w.write({
                        "id": upload_id, "application_id": pk, "slot": slot, "slot_label": label, "version": number,
                        "file": name, "sha256": sha, "width": width, "height": height, "size": size,
                        "uploaded_by_id": applicant, "uploaded_at": at,
                        "superseded_at": None if current else history[number][0], "status": status,
                        "reason_code": "unreadable" if status == "rejected" else "",
                        "reason_text": "Foto buram, ulangi dengan cahaya cukup" if status == "rejected" else "",
                        "reviewed_by_id": operator if reviewed else None,
                        "reviewed_at": at + dt.timedelta(hours=2) if reviewed else None,
                    })
                    upload_id += 1
            if record is not None:
                record_w.write({"id": record_id, "application_id": pk, "output_kind": version.output_kind,
                                "data": {"nama": answers.get("nama_anak") or answers.get("nama_lengkap", "")},
                                "backend": "local", "external_reference": "", "entered_by_id": operator,
                                "entered_at": record})
                record_id += 1
            if (n + 1) % CHUNK == 0:
                self._flush_chunk(docs, writers)
            if (n + 1) % 100000 == 0:
                self.out(f"  applications: {n + 1:,}")
        self._flush_chunk(docs, writers)
        if docs is not None:
            docs.close()
        self._serial_advance(SEQUENCE_NAME, serial0 + self.n)
        reset_sequences([w.model for w in writers])
        self.totals.applications = self.n
        self.totals.states = dict(sorted(counts.items(), key=lambda kv: -kv[1]))
        for writer in writers:
            self.totals.rows[writer.model._meta.label] = writer.count
        if docs is not None:
            self.totals.rows[docs.label] = docs.count

    @staticmethod
    def _flush_chunk(docs, writers: list[TableWriter]) -> None:
        """One transaction per chunk, referenced tables first (documents, then applications, then the rows
        that point at them): the deferred foreign-key checks of a chunk run at its commit."""
        with transaction.atomic():
            if docs is not None:
                docs.writer.flush()
            for writer in writers:
                writer.flush()

    def _documents_writer(self):
        """Issued documents, when the documents context is installed (it owns the signed PDFs)."""
        if not apps.is_installed("capil.documents"):
            self.out("  issued documents: skipped (capil.documents is not installed)")
            return None
        from .documents import IssuedDocuments

        return IssuedDocuments(self)

    def _serial_start(self, sequence: str) -> int:
        """The tracking-number serials this run uses: after the sequence's (PostgreSQL) or counter's value."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT last_value, is_called FROM " + connection.ops.quote_name(sequence))  # noqa: S608
                last, called = cursor.fetchone()
                return (last if called else last - 1) + 1
        from capil.applications.models import TrackingCounter

        counter = TrackingCounter.objects.filter(name="application").first()
        return (counter.value if counter else 0) + 1

    def _serial_advance(self, sequence: str, next_serial: int) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT setval(%s, %s, false)", [sequence, next_serial])
            return
        from capil.applications.models import TrackingCounter

        TrackingCounter.objects.update_or_create(name="application", defaults={"value": next_serial - 1})

    # ------------------------------------------------------------------------------------- bookings
    def _bookings(self) -> None:
        """KTP-el recording bookings over the same period: one booking per four applications, eight slots a
        working day; past ones recorded (60 %), no-shows (28 %) or cancelled (12 %), future ones booked."""
        from capil.queueing.models import Booking, BookingEvent, BookingSlot

        rng = self.rng
        total = max(1, self.n // 4)
        today = timezone.localdate(self.now)
        first, last = today - dt.timedelta(days=self.days), today + dt.timedelta(days=14)
        days = [d for d in self.calendar.days if first <= d <= last]
        existing = set(BookingSlot.objects.filter(date__in=days).values_list("date", flat=True))
        days = [d for d in days if d not in existing]
        if not days:
            return
        per_day = max(1, total // len(days))
        capacity = max(2, math.ceil(per_day / 8 * 1.25))
        slot_w, booking_w, event_w = TableWriter(BookingSlot), TableWriter(Booking), TableWriter(BookingEvent)
        slot_id, booking_id, event_id = next_id(BookingSlot), next_id(Booking), next_id(BookingEvent)
        tz = timezone.get_current_timezone()
        phone_serial = 0
        for day in days:
            future = day > today
            number = 0
            for s in range(8):
                start = dt.time(8 + s // 2, 30 * (s % 2))
                end = dt.time(8 + (s + 1) // 2, 30 * ((s + 1) % 2))
                booked = min(capacity, max(0, int(rng.gauss(per_day / 8, 1.5)))) if not future else \
                    min(capacity, max(0, int(per_day / 8 * (1 - (day - today).days / 15))))
                slot_w.write({"id": slot_id, "date": day, "start": start, "end": end, "capacity": capacity,
                              "booked": booked})
                at = dt.datetime.combine(day, start, tzinfo=tz)
                for _ in range(booked):
                    number += 1
                    phone_serial += 1
                    created = at - dt.timedelta(days=rng.randint(1, 10), minutes=rng.randint(0, 600))
                    roll = rng.random()
                    status = "BOOKED" if future else ("RECORDED" if roll < 0.6 else "NO_SHOW" if roll < 0.88
                                                       else "CANCELLED")
                    booking_w.write({
                        "id": booking_id, "slot_id": slot_id, "date": day, "number": number,
                        "phone": f"+62813{phone_serial % 100000000:08d}", "status": status,
                        "statement_accepted_at": created, "created_at": created,
                        "reminder_sent_at": at - dt.timedelta(hours=20) if not future else None,
                        "checked_in_at": at + dt.timedelta(minutes=5) if status == "RECORDED" else None,
                        "recorded_at": at + dt.timedelta(minutes=25) if status == "RECORDED" else None,
                        "manage_key": f"{rng.getrandbits(64):016x}"[:12], "language": "id",
                    })
                    event_w.write({"id": event_id, "booking_id": booking_id, "at": created, "action": "book",
                                   "from_status": "", "to_status": "BOOKED", "actor_id": None})
                    event_id += 1
                    if status != "BOOKED":
                        event_w.write({"id": event_id, "booking_id": booking_id, "at": at + dt.timedelta(minutes=25),
                                       "action": status.lower(), "from_status": "BOOKED", "to_status": status,
                                       "actor_id": None})
                        event_id += 1
                    booking_id += 1
                slot_id += 1
        for writer in (slot_w, booking_w, event_w):
            writer.close()
        reset_sequences([BookingSlot, Booking, BookingEvent])
        for writer in (slot_w, booking_w, event_w):
            self.totals.rows[writer.model._meta.label] = writer.count

    def _finish(self) -> None:
        # Events were written into the past: the SLA page's daily sums of those days are stale.
        from capil.applications.sla import sla_rollup_forget

        sla_rollup_forget()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")


class ArchiveRows:
    """The archive's rows for each archived application (step 18): the record with the copied search fields
    and a manifest, and the keyed hash of every 16-digit number in it (the applicant's NIK, the form's NIK
    and KK numbers) — what `archive_seal` writes, except that the manifest lists the sealed rows by id only
    (scale data has no real files to hash)."""

    def __init__(self, gen: "ScaleData"):
        from capil.archive.models import ArchivePersonKey, ArchiveRecord

        self.gen = gen
        self.record_w, self.key_w = TableWriter(ArchiveRecord), TableWriter(ArchivePersonKey)
        self.record_id, self.key_id = next_id(ArchiveRecord), next_id(ArchivePersonKey)
        User = get_user_model()
        self.names = {}
        self.niks = {}
        ids = gen.citizen_ids
        for pk, name, nik in User.objects.filter(pk__in=ids).values_list("pk", "full_name", "nik").iterator(
                chunk_size=20000):
            self.names[pk], self.niks[pk] = name, nik

    def write(self, life: Life, answers: dict, submitted, archived_at, archivist: int) -> None:
        from capil.archive.services import person_number_key

        manifest = {"application": life.pk, "tracking_number": life.tracking, "scale_data": True}
        raw = str(sorted(manifest.items())).encode()
        self.record_w.write({
            "id": self.record_id, "application_id": life.pk, "tracking_number": life.tracking,
            "service_slug": life.version.slug, "service_name": life.version.name,
            "applicant_name": self.names.get(life.applicant, ""), "submitted_at": submitted,
            "archived_at": archived_at, "archived_by_id": archivist, "manifest": manifest,
            "manifest_sha256": hashlib.sha256(raw).hexdigest(), "last_checked_at": None, "last_check_ok": None,
        })
        numbers = {self.niks.get(life.applicant, "")}
        numbers.update(v for v in answers.values() if isinstance(v, str) and len(v) == 16 and v.isdigit())
        for number in sorted(n for n in numbers if n):
            self.key_w.write({"id": self.key_id, "record_id": self.record_id, "number_hash": person_number_key(number)})
            self.key_id += 1
        self.record_id += 1


def archive_backfill(*, out: Callable[[str], None] = print) -> int:
    """Archive rows for archived scale applications that have none (data filled before the archive context
    was installed). Returns how many records were written."""
    from capil.applications.models import Application, State
    from capil.archive.models import ArchivePersonKey, ArchiveRecord

    gen = ScaleData(applications=0, out=out)
    missing = Application.objects.filter(state=State.ARCHIVED, archive_record__isnull=True,
                                         applicant__email__endswith=SCALE_DOMAIN)
    gen.citizen_ids = list(missing.values_list("applicant", flat=True).distinct())
    staff = list(get_user_model().objects.filter(role="ARSIPARIS", email__endswith=SCALE_DOMAIN)
                 .values_list("pk", flat=True))
    if not gen.citizen_ids or not staff:
        return 0
    versions = {}
    from capil.catalog.models import ServiceVersion

    for v in ServiceVersion.objects.select_related("service"):
        versions[v.pk] = Version(v.pk, v.service.slug, v.name, v.output_kind or "", 1, [], [])
    rows = ArchiveRows(gen)
    count = 0
    for pk, tracking, version_id, applicant, answers, submitted, completed in missing.values_list(
            "pk", "tracking_number", "service_version_id", "applicant", "answers", "submitted_at",
            "completed_at").iterator(chunk_size=10000):
        life = Life(gen, pk, versions[version_id], applicant, tracking, submitted)
        rows.write(life, answers, submitted, completed, staff[pk % len(staff)])
        count += 1
        if count % CHUNK == 0:
            with transaction.atomic():
                rows.record_w.flush()
                rows.key_w.flush()
    with transaction.atomic():
        rows.record_w.flush()
        rows.key_w.flush()
    reset_sequences([ArchivePersonKey, ArchiveRecord])
    out(f"  archive records written for {count:,} archived applications")
    return count
