"""The citizens' flows of the load test that need the catalog and applications apps: resolved in the seed
process (catalog_pages, applications_plan) and walked by the visitors (track_flow, submit_flow)."""

import io
import os

from bench.loadgen import Browser, Recorder, think


def catalog_pages() -> dict:
    """Imports the SOP catalog when the database has none, then: the home page (services by category), a few
    searches, and every service's page."""
    from django.core.management import call_command
    from django.urls import reverse

    from capil.catalog.selectors import service_list_public

    if not service_list_public():
        call_command("catalog", "import", quiet_report=True, verbosity=0, stdout=io.StringIO())
    return {
        "home": reverse("catalog:home"),
        "search": [reverse("catalog:home") + "?q=" + word for word in ("akta", "kartu", "pindah", "kia")],
        "service_pages": [reverse("catalog:service_detail", kwargs={"slug": v.service.slug})
                          for v in service_list_public()],
    }


SUBMIT_SERVICES = ("akta-kelahiran", "kia", "cetak-ulang-kk-ktp-el", "akta-kematian", "pindah-dalam-kota")
PHOTOS = ("ktp_ayah.jpg", "ktp_ibu.jpg", "kartu_keluarga.jpg", "surat_keterangan_kelahiran.jpg", "buku_nikah.jpg")


def _form_post(spec, rng) -> str | None:
    """A value as a phone's browser would post it for one form field, valid for the field's type."""
    import datetime as dt

    kind = spec.type
    if kind in ("nik", "kk_number"):
        return f"6471{rng.randrange(10**11, 10**12)}"
    if kind == "date":
        return (dt.date.today() - dt.timedelta(days=rng.randint(30, 4000))).isoformat()
    if kind == "time":
        return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
    if kind == "select":
        return str(spec.choices[0][0]) if spec.choices else ""
    if kind == "number":
        low = int(spec.min_value) if spec.min_value is not None else 1
        return str(low + 1 if spec.max_value is None or low + 1 <= spec.max_value else low)
    if kind == "boolean":
        return "no"
    if kind == "phone":
        return "081234567890"
    if kind == "email":
        return "warga@example.com"
    return "Ahmad Fauzan"


def applications_plan(plan: dict, users) -> None:
    """Each citizen gets three earlier applications in various states (the scale generator, written for
    these citizens); the plan lists their pages, and for new submissions a few services with answers that
    their form accepts, the slots to fill and the photos to upload (the repository's sample phone photos)."""
    import random
    from pathlib import Path

    from django.urls import reverse

    from capil.applications import sop
    from capil.applications.forms import AnswersForm
    from capil.applications.models import Application
    from capil.scale.generate import ScaleData

    if not Application.objects.filter(applicant__in=users).exists():
        ScaleData(applications=3 * len(users), days=120, citizen_ids=[u.pk for u in users],
                  out=lambda line: None).run()
    mine = reverse("applications:mine")
    by_user: dict[int, list[int]] = {}
    for pk, applicant in Application.objects.filter(applicant__in=users).values_list("pk", "applicant"):
        by_user.setdefault(applicant, []).append(pk)
    for citizen in plan["citizens"]:
        citizen["track"] = [mine] + [reverse("applications:detail", kwargs={"pk": pk})
                                     for pk in by_user.get(citizen["id"], [])]
    rng = random.Random(3)
    samples = Path(__file__).resolve().parent.parent / "capil" / "applications" / "tests" / "samples" / "documents"
    photos = [str(samples / name) for name in PHOTOS if (samples / name).exists()]
    services = []
    for slug in SUBMIT_SERVICES:
        version = sop.online_version_by_slug(slug)
        if version is None:
            continue
        answers = {spec.name: value for spec in sop.form_fields(version)
                   if (value := _form_post(spec, rng)) is not None}
        if sop.output_kind_field(version) == "output_kind":
            answers["output_kind"] = sop.output_kind_choices(version)[0]
        form = AnswersForm(answers, version=version, require=True)
        if not form.is_valid():
            plan["missing"].append(f"submission of {slug}: generated answers refused ({dict(form.errors)})")
            continue
        slots = [s.slot for s in sop.requirements_for(version, form.answers()) if s.required]
        services.append({"slug": slug, "start": reverse("applications:start", kwargs={"slug": slug}),
                         "answers": answers, "slots": slots})
    if services and photos:
        plan["submit"] = {"services": services, "photos": photos}
    else:
        plan["missing"].append("submissions (no service accepted generated answers, or no sample photos)")


def track_flow(browser: Browser, citizen: dict, rng, recorder: Recorder, think_range) -> None:
    """The citizen's list, then one application's page (its timeline)."""
    browser.get("my applications (list)", citizen["track"][0])
    if len(citizen["track"]) > 1:
        think(recorder, *think_range, rng)
        browser.get("application page (timeline)", rng.choice(citizen["track"][1:]))


_PHOTO_CACHE: dict[tuple[str, bool], bytes] = {}
# The share of uploads sent as the camera wrote them: browsers without the page's script (or that do not turn
# photos upright by EXIF, or cannot decode the file, such as HEIC) send the original; the others send the photo
# shrunk to the size the server keeps, as the page's script does (capil/applications/static/.../upload.js).
ORIGINAL_SHARE = float(os.environ.get("BENCH_LOAD_ORIGINAL_UPLOADS", "0.2"))


def _photo(path: str, *, shrunk: bool) -> bytes:
    key = (path, shrunk)
    if key not in _PHOTO_CACHE:
        with open(path, "rb") as handle:
            data = handle.read()
        _PHOTO_CACHE[key] = _as_the_page_script_sends(data) if shrunk else data
    return _PHOTO_CACHE[key]


def _as_the_page_script_sends(data: bytes) -> bytes:
    """What upload.js posts for a photo larger than the server keeps: upright, at most MAX_LONG_EDGE on the long
    edge, a JPEG at quality 0.92 without metadata (a browser canvas's toBlob)."""
    from PIL import Image, ImageOps

    from capil.applications.images import MAX_LONG_EDGE

    with Image.open(io.BytesIO(data)) as image:
        if max(image.size) <= MAX_LONG_EDGE:
            return data
        upright = ImageOps.exif_transpose(image).convert("RGB")
        upright.thumbnail((MAX_LONG_EDGE, MAX_LONG_EDGE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        upright.save(out, format="JPEG", quality=92)
        return out.getvalue()


def warm_photos(plan: dict) -> None:
    """Prepare every photo both ways before the run, so that the load generator does no image work during it."""
    for path in plan.get("submit", {}).get("photos", []):
        _photo(path, shrunk=True)
        _photo(path, shrunk=False)


def submit_flow(browser: Browser, plan: dict, citizen: dict, rng, recorder: Recorder, think_range) -> None:
    """A new application from a phone: the service's start page, open the draft, fill the form, upload one
    photo per required slot (the page's script posts each with XHR), submit, see the application's page.
    Each request is timed on its own; the submission's total server time (its requests, not the citizen's
    pauses) is recorded as 'submission with uploads (all requests)'."""
    import time

    service = rng.choice(plan["submit"]["services"])
    spent = 0.0

    def timed(fn):
        nonlocal spent
        started = time.perf_counter()
        result = fn()
        spent += time.perf_counter() - started
        return result

    page = timed(lambda: browser.get("submission: service start page", service["start"]))
    if page is None:
        return
    token = page.csrf_token()
    opened = timed(lambda: browser.post_form("submission: open draft", service["start"],
                                             {"csrfmiddlewaretoken": token}, expect=(302,)))
    if opened is None:
        return
    edit = opened.location
    form = timed(lambda: browser.get("submission: form page", edit))
    if form is None:
        return
    think(recorder, *think_range, rng)
    saved = timed(lambda: browser.post_form("submission: save form", edit,
                                            {"csrfmiddlewaretoken": form.csrf_token(), **service["answers"]},
                                            expect=(302,)))
    if saved is None:
        return
    uploads = saved.location
    upload_page = timed(lambda: browser.get("submission: uploads page", uploads))
    if upload_page is None:
        return
    token = upload_page.csrf_token()
    base = uploads.rstrip("/")
    for slot in service["slots"]:
        think(recorder, *think_range, rng)
        photo = rng.choice(plan["submit"]["photos"])
        shrunk = rng.random() >= ORIGINAL_SHARE
        kind = ("submission: upload one photo (XHR, shrunk by the page)" if shrunk
                else "submission: upload one photo (as taken, 12 MP)")
        response = timed(lambda slot=slot, photo=photo, kind=kind, shrunk=shrunk: browser.post_form(
            kind, f"{base}/{slot}/unggah/", {"csrfmiddlewaretoken": token},
            files={"file": (photo.rsplit("/", 1)[-1], _photo(photo, shrunk=shrunk))}, referer=uploads,
            expect=(200,), extra_headers={"X-Requested-With": "XMLHttpRequest"}))
        if response is None:
            return
    submitted = timed(lambda: browser.post_form("submission: submit", base.rsplit("/", 1)[0] + "/ajukan/",
                                                {"csrfmiddlewaretoken": token}, referer=uploads, expect=(302,)))
    if submitted is None:
        return
    recorder.record("submission with uploads (all requests)", spent * 1000)
    browser.get("application page (timeline)", submitted.location)
