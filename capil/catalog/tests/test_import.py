"""Importing the SOP document: 31 versioned services, idempotent re-import, new versions for edits only,
refusals that write nothing, and the command's report."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from capil.audit.models import AuditEvent
from capil.catalog import selectors
from capil.catalog.definitions import OverlayError
from capil.catalog.models import Requirement, Service, ServiceVersion, Step
from capil.catalog.parser import DocumentRefused
from capil.catalog.services import catalog_import
from capil.catalog.tests.factories import catalog_imported, overlay, sop_text

pytestmark = pytest.mark.django_db


def current(slug):
    return selectors.service_version_current(selectors.service_get_by_slug(slug))


def test_importing_the_office_document_gives_exactly_31_services():
    result = catalog_imported()
    assert len(result.created) == 31
    assert Service.objects.count() == 31
    assert ServiceVersion.objects.count() == 31
    assert {v.number for v in ServiceVersion.objects.all()} == {1}
    assert len(selectors.service_list_public()) == 31


def test_akta_kelahiran_definition():
    catalog_imported()
    version = current("akta-kelahiran")
    assert version.official_name == "SOP PELAYANAN ONLINE AKTA KELAHIRAN"
    assert version.channel == "ONLINE"
    assert version.output_kind == "akta-kelahiran"
    assert [r.label for r in selectors.requirements_for(version, {})] == [
        "Buku Nikah",
        "KTP",
        "Kartu Keluarga",
        "Surat Keterangan Kelahiran",
    ]
    steps = selectors.steps_for(version)
    assert len(steps) == 18
    roles = [s.role for s in steps]
    assert roles == ["CITIZEN"] * 7 + ["OPERATOR"] * 3 + ["KASI"] * 3 + ["KADIS"] * 2 + ["OPERATOR"] * 2 + ["ARSIPARIS"]
    assert [s.label for s in steps if s.automated] == ["16", "17"]
    assert selectors.step_get(version, "9").decision == {"no": "8", "yes": "10"}
    assert selectors.step_get(version, "9").decision_text == "9: tidak → 8, ya → 10"
    assert selectors.step_get(version, "15").description == "Penandatanganan Elektronik"
    assert selectors.standard_duration_total(version) == selectors.Duration(minutes=43, working_days=0)
    assert version.legal_basis[0].startswith("Peraturan Menteri Dalam Negeri Nomor 7 Tahun 2019")
    assert version.is_free_of_charge
    fields = {f["name"]: f for f in selectors.form_fields_for(version)}
    assert fields["tanggal_lahir_anak"]["type"] == "date" and fields["tanggal_lahir_anak"]["not_future"]
    assert fields["nik_ibu"]["type"] == "nik" and fields["nik_ibu"]["required"]
    assert fields["nik_ayah"]["required"] is False
    assert fields["no_kk"]["type"] == "kk_number"
    assert fields["berat_bayi_gram"]["type"] == "number"


def test_kia_pick_up_at_the_counter_is_the_last_step():
    catalog_imported()
    steps = selectors.steps_for(current("kia"))
    assert [s.label for s in steps][-3:] == ["14", "16", "17"]
    assert steps[-1].description == "KIA dapat diambil di loket pengambilan"
    assert steps[-1].role == "OPERATOR" and not steps[-1].automated
    assert steps[-2].automated


def test_ktp_el_recording_is_a_booking_with_ten_steps():
    catalog_imported()
    version = current("perekaman-ktp-el")
    assert version.channel == "BOOKING"
    assert version.output_kind == "ktp-el"
    steps = selectors.steps_for(version)
    assert len(steps) == 10
    assert [s.role for s in steps] == ["CITIZEN"] * 7 + ["OPERATOR", "OPERATOR", "CITIZEN"]
    assert [r.label for r in selectors.requirements_for(version, {})] == ["Kartu Keluarga"]


def test_data_utilisation_is_inter_agency_in_working_days():
    catalog_imported()
    version = current("pemanfaatan-data")
    assert version.channel == "INTER_AGENCY"
    assert version.output_kind is None
    steps = selectors.steps_for(version)
    assert [s.duration_value for s in steps if s.duration_value] == [3, 1, 7, 7, 2, 1, 1]
    assert {s.duration_unit for s in steps if s.duration_value} == {"WORKING_DAYS"}
    assert [s.role for s in steps] == [
        "OPD", "OPD", "WALIKOTA", "DISDUKCAPIL", "KEMENDAGRI", "DISDUKCAPIL", "OPD", "DISDUKCAPIL", "OPD"
    ]  # fmt: skip
    assert selectors.standard_duration_total(version) == selectors.Duration(minutes=0, working_days=22)
    assert "mendapatkan user dan password" in selectors.step_get(version, "8").note


def test_conditional_requirements_follow_the_answers():
    catalog_imported()
    version = current("cetak-ulang-kk-ktp-el")
    assert version.output_kind_choices == ["kartu-keluarga", "ktp-el"]
    assert [r.label for r in selectors.requirements_for(version, {})] == []
    lost = selectors.requirements_for(version, {"dokumen_hilang": "on"})
    assert [(r.label, r.condition_key, r.condition_text) for r in lost] == [
        ("Surat kehilangan dari kepolisian", "dokumen_hilang", "jika hilang")
    ]
    both = selectors.requirements_for(version, {"dokumen_hilang": True, "dokumen_rusak": "true"})
    assert len(both) == 2
    assert selectors.requirements_for(version, {"dokumen_hilang": "", "dokumen_rusak": "false"}) == []
    sktt = current("sktt-wna")
    assert "Izin menggunakan TKA" not in [r.label for r in selectors.requirements_for(sktt, {})]
    assert "Izin menggunakan TKA" in [r.label for r in selectors.requirements_for(sktt, {"bekerja_di_indonesia": "1"})]


def test_a_persons_document_for_two_people_becomes_two_slots():
    catalog_imported()
    ktp = Requirement.objects.get(version=current("gabung-kk-perkawinan"), label="KTP suami dan istri")
    assert ktp.slots == ["KTP suami", "KTP istri"] and ktp.slot_count == 2
    witnesses = Requirement.objects.get(version=current("akta-kematian"), label="KTP 2 orang saksi")
    assert witnesses.slots == ["KTP saksi 1", "KTP saksi 2"]
    single = Requirement.objects.get(version=current("akta-kematian"), label="KTP almarhum")
    assert single.slot_count == 1


def test_reimporting_the_same_document_changes_nothing():
    catalog_imported()
    counts = (ServiceVersion.objects.count(), Step.objects.count(), Requirement.objects.count())
    events = AuditEvent.objects.count()
    result = catalog_import(text=sop_text(), overlay=overlay())
    assert result.created == []
    assert len(result.unchanged) == 31
    assert (ServiceVersion.objects.count(), Step.objects.count(), Requirement.objects.count()) == counts
    assert AuditEvent.objects.count() == events


def test_an_edited_document_makes_a_new_version_of_the_changed_service_only():
    catalog_imported()
    old = current("akta-kelahiran")
    old_pk, old_steps = old.pk, Step.objects.filter(version=old).count()
    edited = sop_text().replace(
        "- Buku Nikah, KTP, Kartu Keluarga, Surat Keterangan Kelahiran\t10 Menit",
        "- Buku Nikah, KTP, Kartu Keluarga, Surat Keterangan Kelahiran, Pas foto\t15 Menit",
    )
    assert edited != sop_text()
    result = catalog_import(text=edited, overlay=overlay())
    assert result.created == [("akta-kelahiran", 2)]
    assert len(result.unchanged) == 30
    new = current("akta-kelahiran")
    assert new.number == 2 and new.pk != old_pk
    assert [r.label for r in selectors.requirements_for(new, {})][-1] == "Pas foto"
    assert selectors.standard_duration_total(new).minutes == 48
    # The old version is still there, unchanged, for the applications opened under it.
    kept = selectors.service_version_get(old_pk)
    assert kept.number == 1
    assert Step.objects.filter(version=kept).count() == old_steps
    assert [r.label for r in selectors.requirements_for(kept, {})][-1] == "Surat Keterangan Kelahiran"
    assert AuditEvent.objects.filter(action="catalog.import").count() == 2


def test_a_revised_header_makes_new_versions_of_every_service():
    catalog_imported()
    revised = sop_text().replace("Tanggal Revisi\t\n", "Tanggal Revisi\t2 Januari 2027\n")
    result = catalog_import(text=revised, overlay=overlay())
    assert len(result.created) == 31
    assert current("kia").revision_date == "2 Januari 2027"


def test_an_overlay_change_makes_a_new_version_of_that_service_only():
    catalog_imported()
    changed = overlay()
    changed["services"]["kia"]["fields"].append("nama_sekolah")
    changed["services"]["kia"]["optional"] = ["nama_sekolah"]
    result = catalog_import(text=sop_text(), overlay=changed)
    assert result.created == [("kia", 2)]
    assert "nama_sekolah" in [f["name"] for f in current("kia").form_fields]


def test_a_refused_document_writes_nothing():
    with pytest.raises(DocumentRefused) as refused:
        catalog_import(text=sop_text().replace("10 Menit", "10 jam", 1), overlay=overlay())
    assert refused.value.line == 32
    assert Service.objects.count() == 0


def test_an_overlay_that_does_not_fit_writes_nothing():
    broken = overlay()
    del broken["services"]["kia"]
    with pytest.raises(OverlayError) as error:
        catalog_import(text=sop_text(), overlay=broken)
    assert any("SOP PELAYANAN ONLINE KIA" in p for p in error.value.problems)
    assert Service.objects.count() == 0


def test_a_failure_halfway_leaves_nothing_half_written(monkeypatch):
    calls = {"n": 0}
    original = Requirement.objects.bulk_create

    def failing(objs, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 20:
            raise RuntimeError("disk full")
        return original(objs, *args, **kwargs)

    monkeypatch.setattr(Requirement.objects, "bulk_create", failing)
    with pytest.raises(RuntimeError):
        catalog_import(text=sop_text(), overlay=overlay())
    assert Service.objects.count() == ServiceVersion.objects.count() == Step.objects.count() == 0


def test_the_import_command_prints_every_defect_with_its_correction(tmp_path):
    out = StringIO()
    call_command("catalog", "import", stdout=out)
    report = out.getvalue()
    assert "31 versi baru" in report
    for expected in [
        "balikipapan",
        "balikkpapan",
        "'Penadatangan Elektronik' → 'Penandatanganan Elektronik'",
        "'Locket Pelayanan' → 'Loket Pelayanan'",
        "'Loker Pelayanan' → 'Loket Pelayanan'",
        "melompat dari 14 ke 16 (tidak ada langkah 15)",
        "melompat dari 5 ke 8 (tidak ada langkah 6, 7)",
        "nomor langkah 5 dipakai 2 kali; baris ini diberi label 5b",
        "baris keputusan 'Tdk'/'ya'",
        "tidak → 8, ya → 10",
        "baris tanpa nomor sesudah langkah 8",
        "sel berisi dua nilai: nilai kedua dipindahkan ke langkah 18",
    ]:
        assert expected in report, expected
    again = StringIO()
    call_command("catalog", "import", stdout=again)
    assert "0 versi baru, 31 layanan tidak berubah" in again.getvalue()


def test_the_import_command_refuses_a_file_with_line_and_reason(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("SOP PELAYANAN ONLINE CONTOH\n\nparagraf bebas\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"baris 3: .*kepala tabel.*tidak ada yang diimpor"):
        call_command("catalog", "import", str(bad), stdout=StringIO())
    binary = tmp_path / "foto.jpg"
    binary.write_bytes(b"SOP PELAYANAN\n\xff\xd8\xff\xe0 JFIF")
    with pytest.raises(CommandError, match="baris 2: bukan teks UTF-8"):
        call_command("catalog", "import", str(binary), stdout=StringIO())
    with pytest.raises(CommandError, match="tidak dapat dibaca"):
        call_command("catalog", "import", str(tmp_path / "tidak-ada.txt"), stdout=StringIO())
    assert Service.objects.count() == 0


def test_catalog_show_json():
    catalog_imported()
    out = StringIO()
    call_command("catalog", "show", "--json", stdout=out)
    catalog = json.loads(out.getvalue())
    assert len(catalog) == 31
    akta = next(s for s in catalog if s["slug"] == "akta-kelahiran")
    assert akta["official_name"] == "SOP PELAYANAN ONLINE AKTA KELAHIRAN"
    assert akta["channel"] == "ONLINE" and akta["category"] == "akta"
    assert akta["output_document"] == "akta kelahiran"
    assert [r["label"] for r in akta["requirements"]][0] == "Buku Nikah"
    step7 = akta["steps"][6]
    assert step7 == {
        "number": "7",
        "position": 7,
        "description": "Mengupload berkas persyaratan dengan format jpg",
        "note": "",
        "role": "CITIZEN",
        "automated": False,
        "standard_time": {"value": 10, "unit": "minutes"},
        "requirement_cell": "Buku Nikah, KTP, Kartu Keluarga, Surat Keterangan Kelahiran",
        "output_cell": "Aplikasi layanan Online",
        "decision": None,
    }
    data = next(s for s in catalog if s["slug"] == "pemanfaatan-data")
    assert data["standard_time_total"] == {"minutes": 0, "working_days": 22}
    text = StringIO()
    call_command("catalog", "show", stdout=text)
    assert "akta-kelahiran" in text.getvalue()


def test_search_looks_in_names_keywords_and_requirements():
    catalog_imported()
    assert [v.service.slug for v in selectors.service_list_public("kelahiran akta")][:1] == ["akta-kelahiran"]
    assert "sktt-wna" in [v.service.slug for v in selectors.service_list_public("KITAS")]
    assert selectors.service_list_public("zzzz tidak ada") == []
    groups = selectors.services_by_category()
    assert [g.slug for g in groups] == [
        "akta", "kartu-keluarga", "identitas", "pindah-datang", "surat-keterangan", "kerja-sama-data"
    ]  # fmt: skip
    assert sum(len(g.versions) for g in groups) == 31
