"""The output kinds registry and the data-entry forms generated from it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from capil.documents.forms import output_kind_clean, output_kind_form
from capil.documents.kinds import output_kind_get, output_kinds
from capil.documents.samples import SAMPLES, sample_data
from capil.documents.validators import validate_kk, validate_nik

# The shared list (OUTPUT_KINDS.md) that the catalog's `output_kind` uses.
SHARED_SLUGS = {
    "akta-kelahiran", "akta-kematian", "akta-perkawinan", "akta-perceraian", "akta-pengakuan-anak",
    "akta-pengesahan-anak", "akta-pengangkatan-anak", "kartu-keluarga", "skpwni", "skpln", "sk-datang-luar-negeri",
    "sktt", "sk-lahir-mati", "catatan-pinggir", "sk-pelepasan-kewarganegaraan", "sk-pengganti-identitas",
    "sk-pencatatan-sipil", "kia", "ktp-el",
}


def test_registry_defines_exactly_the_shared_slugs():
    assert {kind.slug for kind in output_kinds()} == SHARED_SLUGS
    assert set(SAMPLES) == SHARED_SLUGS


def test_unknown_slug_is_a_key_error():
    with pytest.raises(KeyError):
        output_kind_get("akta-palsu")


def test_official_names():
    assert str(output_kind_get("akta-kelahiran").name) == "Kutipan Akta Kelahiran"
    assert str(output_kind_get("skpwni").name) == "Surat Keterangan Pindah WNI"
    assert output_kind_get("kartu-keluarga").tables[0].name == "anggota"
    assert output_kind_get("kia").collected_at_counter and output_kind_get("ktp-el").collected_at_counter


@pytest.mark.parametrize("slug", sorted(SHARED_SLUGS))
def test_sample_data_of_every_kind_is_valid(slug):
    cleaned = output_kind_clean(slug, sample_data(slug))
    kind = output_kind_get(slug)
    assert cleaned[kind.holder_field]


@pytest.mark.parametrize("nik", ["6471031507880004", "6471035903910002", "6471 0311 0520 0001"])
def test_valid_nik(nik):
    assert validate_nik(nik) == nik.replace(" ", "")


@pytest.mark.parametrize(("nik", "why"), [
    ("647103150788000", "16 angka"),
    ("64710315078800a4", "16 angka"),
    ("9971031507880004", "kode provinsi"),
    ("6400031507880004", "kabupaten/kota"),
    ("6471033207880004", "tanggal lahir"),  # day 32
    ("6471031513880004", "tanggal lahir"),  # month 13
    ("6471037207880004", "tanggal lahir"),  # day 72 (female day 32)
    ("6471031507880000", "0000"),
])
def test_invalid_nik_says_why(nik, why):
    with pytest.raises(ValidationError) as raised:
        validate_nik(nik)
    assert why in raised.value.messages[0]


def test_kk_number_structure():
    assert validate_kk("6471031204190007") == "6471031204190007"
    with pytest.raises(ValidationError):
        validate_kk("6471033104190007")  # 31 April
    with pytest.raises(ValidationError):
        validate_kk("6471031204190000")


def test_nik_must_agree_with_birth_date_and_sex():
    data = sample_data("ktp-el") | {"tanggal_lahir_penduduk": "1991-03-20"}
    with pytest.raises(ValidationError) as raised:
        output_kind_clean("ktp-el", data)
    assert "tanggal lahir" in str(raised.value.message_dict["nik_penduduk"])
    data = sample_data("ktp-el") | {"jenis_kelamin_penduduk": "LAKI-LAKI"}
    with pytest.raises(ValidationError) as raised:
        output_kind_clean("ktp-el", data)
    assert "jenis kelamin" in str(raised.value.message_dict["nik_penduduk"])


def test_dates_of_events_cannot_be_in_the_future_but_planned_ones_can():
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    with pytest.raises(ValidationError) as raised:
        output_kind_clean("akta-kematian", sample_data("akta-kematian") | {"tanggal_meninggal": tomorrow})
    assert "masa depan" in str(raised.value.message_dict["tanggal_meninggal"])
    planned = output_kind_clean("skpwni", sample_data("skpwni") | {"tanggal_pindah": tomorrow})
    assert planned["tanggal_pindah"] == tomorrow


def test_death_before_birth_is_refused():
    data = sample_data("akta-kematian") | {"tanggal_meninggal": "1950-01-01"}
    with pytest.raises(ValidationError) as raised:
        output_kind_clean("akta-kematian", data)
    assert "sebelum tanggal lahir" in str(raised.value.message_dict["tanggal_meninggal"])


def test_family_card_needs_exactly_one_head_and_distinct_niks():
    data = sample_data("kartu-keluarga")
    data["anggota"][1]["hubungan"] = "KEPALA KELUARGA"
    with pytest.raises(ValidationError) as raised:
        output_kind_clean("kartu-keluarga", data)
    assert "tepat satu Kepala Keluarga" in str(raised.value.message_dict["anggota"])

    data = sample_data("kartu-keluarga")
    data["anggota"].append(dict(data["anggota"][2]))
    with pytest.raises(ValidationError) as raised:
        output_kind_clean("kartu-keluarga", data)
    assert "lebih dari sekali" in str(raised.value.message_dict["anggota"])


def test_family_card_needs_a_member_and_checks_each_row():
    with pytest.raises(ValidationError) as raised:
        output_kind_clean("kartu-keluarga", sample_data("kartu-keluarga") | {"anggota": []})
    assert "anggota" in raised.value.message_dict
    data = sample_data("kartu-keluarga")
    data["anggota"][3]["nik"] = "123"
    with pytest.raises(ValidationError) as raised:
        output_kind_clean("kartu-keluarga", data)
    assert "4. nik" in str(raised.value.message_dict["anggota"])


def test_operator_form_accepts_indonesian_dates_and_returns_document_data():
    post = {"nama_penduduk": "SITI NURHALIZA", "nik_penduduk": "6471035903910002",
            "jenis_kelamin_penduduk": "PEREMPUAN", "tempat_lahir_penduduk": "SAMARINDA",
            "tanggal_lahir_penduduk": "19-03-1991", "agama": "ISLAM",
            "status_perkawinan": "KAWIN TERCATAT", "pekerjaan": "MENGURUS RUMAH TANGGA", "kewarganegaraan": "WNI",
            "berlaku_hingga": "SEUMUR HIDUP", "alamat": "JL. MAYJEND SUTOYO", "kelurahan": "KLANDASAN ILIR",
            "kecamatan": "BALIKPAPAN KOTA", "kabupaten_kota": "KOTA BALIKPAPAN", "provinsi": "KALIMANTAN TIMUR"}
    form = output_kind_form("ktp-el", data=post)
    assert form.is_valid(), form.errors
    data = form.document_data()
    assert data["tanggal_lahir_penduduk"] == "1991-03-19"
    assert data["golongan_darah"] == ""


def test_operator_form_with_table_renders_and_round_trips():
    kind = output_kind_get("kartu-keluarga")
    form = output_kind_form("kartu-keluarga", initial=sample_data("kartu-keluarga"))
    html = render_to_string("documents/kind_form.html", {"form": form})
    assert 'name="anggota-TOTAL_FORMS"' in html
    assert 'name="anggota-3-nik"' in html
    assert "Tambah baris" in html
    assert str(kind.sections[0].title) in html

    from capil.documents.forms import form_data_from_document_data

    bound = output_kind_form("kartu-keluarga", data=form_data_from_document_data(kind, sample_data("kartu-keluarga")))
    assert bound.is_valid()
    assert len(bound.document_data()["anggota"]) == 4


def test_number_formats():
    issued_on = datetime.date(2026, 11, 20)
    assert output_kind_get("akta-kelahiran").format_number(seq=12, issued_on=issued_on, region="6471") == \
        "6471-LT-20112026-0012"
    assert output_kind_get("kartu-keluarga").format_number(seq=3, issued_on=issued_on, region="6471") == \
        "KK/6471/2026/000003"
    assert output_kind_get("skpwni").format_number(seq=7, issued_on=issued_on, region="6471") == \
        "SKPWNI/6471/20112026/0007"
