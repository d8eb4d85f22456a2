"""Sample data for every kind, from the fictional family of /work/shared/samples (Balikpapan): used by the
template editor's preview, the tests and the benchmark. Numbers and people are fictional."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.template import TemplateSyntaxError
from django.utils import timezone
from django.utils.translation import gettext as _

from .kinds import OutputKind

KK = "6471031204190007"
FATHER = {"nama": "RIZKY ADITYA PRATAMA", "nik": "6471031507880004", "tempat": "BALIKPAPAN", "lahir": "1988-07-15"}
MOTHER = {"nama": "SITI NURHALIZA", "nik": "6471035903910002", "tempat": "SAMARINDA", "lahir": "1991-03-19"}
CHILD = {"nama": "AHMAD FAUZAN", "nik": "6471031105200001", "tempat": "BALIKPAPAN", "lahir": "2020-05-11"}
NEWBORN = {"nama": "NAYLA PUTRI PRATAMA", "nik": "6471035811260001", "tempat": "BALIKPAPAN", "lahir": "2026-11-18"}
ADDRESS = {"alamat": "JL. MAYJEND SUTOYO GG. MAWAR NO. 17", "rt": "021", "rw": "", "kelurahan": "KLANDASAN ILIR",
           "kecamatan": "BALIKPAPAN KOTA", "kabupaten_kota": "KOTA BALIKPAPAN", "provinsi": "KALIMANTAN TIMUR"}
FULL_ADDRESS = "JL. MAYJEND SUTOYO GG. MAWAR NO. 17, RT 021, KEL. KLANDASAN ILIR, KEC. BALIKPAPAN KOTA, KOTA BALIKPAPAN"
MARRIAGE = {"nomor": "0412/017/V/2018", "tanggal": "2018-05-12"}


def _person(prefix: str, who: dict, *, sex: str | None = None, birth: bool = True) -> dict:
    data = {f"nama_{prefix}": who["nama"], f"nik_{prefix}": who["nik"]}
    if sex:
        data[f"jenis_kelamin_{prefix}"] = sex
    if birth:
        data[f"tempat_lahir_{prefix}"] = who["tempat"]
        data[f"tanggal_lahir_{prefix}"] = who["lahir"]
    return data


def _addr(suffix: str = "", **override) -> dict:
    s = f"_{suffix}" if suffix else ""
    return {f"{k}{s}": v for k, v in {**ADDRESS, **override}.items()}


def _member(who, sex, relation, education, job, marital, religion="ISLAM", married_on="", father="", mother=""):
    return {"nama": who["nama"], "nik": who["nik"], "jenis_kelamin": sex, "tempat_lahir": who["tempat"],
            "tanggal_lahir": who["lahir"], "agama": religion, "pendidikan": education, "pekerjaan": job,
            "golongan_darah": "TIDAK TAHU", "status_perkawinan": marital, "tanggal_perkawinan": married_on,
            "hubungan": relation, "kewarganegaraan": "WNI", "nomor_paspor": "", "nomor_kitap": "",
            "nama_ayah": father or "-", "nama_ibu": mother or "-"}


def _kk_members() -> list[dict]:
    rows = [
        _member(FATHER, "LAKI-LAKI", "KEPALA KELUARGA", "DIPLOMA IV/STRATA I", "KARYAWAN SWASTA", "KAWIN TERCATAT",
                married_on=MARRIAGE["tanggal"], father="SUPRIYADI", mother="RATNA DEWI"),
        _member(MOTHER, "PEREMPUAN", "ISTRI", "SLTA/SEDERAJAT", "MENGURUS RUMAH TANGGA", "KAWIN TERCATAT",
                married_on=MARRIAGE["tanggal"], father="ABDUL HAMID", mother="NURJANAH"),
        _member(CHILD, "LAKI-LAKI", "ANAK", "TIDAK/BELUM SEKOLAH", "BELUM/TIDAK BEKERJA", "BELUM KAWIN",
                father=FATHER["nama"], mother=MOTHER["nama"]),
        _member(NEWBORN, "PEREMPUAN", "ANAK", "TIDAK/BELUM SEKOLAH", "BELUM/TIDAK BEKERJA", "BELUM KAWIN",
                father=FATHER["nama"], mother=MOTHER["nama"]),
    ]
    return rows


SAMPLES: dict[str, dict] = {
    "akta-kelahiran": {
        "nama_anak": NEWBORN["nama"], "nik_anak": NEWBORN["nik"], "jenis_kelamin_anak": "PEREMPUAN",
        "tempat_lahir_anak": "RSUD BERIMAN BALIKPAPAN", "tanggal_lahir_anak": NEWBORN["lahir"], "pukul_lahir": "04:35",
        "anak_ke": 2, "berat_lahir": 3150, "panjang_lahir": 49, "kewarganegaraan": "WNI",
        "nama_ayah": FATHER["nama"], "nik_ayah": FATHER["nik"], "nama_ibu": MOTHER["nama"], "nik_ibu": MOTHER["nik"],
        "nomor_kk": KK, "nomor_akta_perkawinan": MARRIAGE["nomor"],
    },
    "akta-kematian": {
        **_person("jenazah", {"nama": "SUPRIYADI", "nik": "6471030204550003", "tempat": "BALIKPAPAN",
                              "lahir": "1955-04-02"}, sex="LAKI-LAKI"),
        "tempat_meninggal": "RSUD BERIMAN BALIKPAPAN", "tanggal_meninggal": "2026-11-02", "pukul_meninggal": "21:10",
        "sebab_meninggal": "SAKIT", "nomor_kk": KK, "nama_pelapor": FATHER["nama"], "nik_pelapor": FATHER["nik"],
        "hubungan_pelapor": "ANAK KANDUNG",
    },
    "akta-perkawinan": {
        **_person("suami", FATHER), "kewarganegaraan_suami": "WNI", **_person("istri", MOTHER),
        "kewarganegaraan_istri": "WNI", "tanggal_perkawinan": MARRIAGE["tanggal"],
        "tempat_perkawinan": "GEREJA GPIB IMMANUEL BALIKPAPAN", "agama_perkawinan": "KRISTEN",
        "nama_pemuka_agama": "PDT. YOHANES SITORUS",
    },
    "akta-perceraian": {
        **_person("suami", FATHER, birth=False), **_person("istri", MOTHER, birth=False),
        "nomor_akta_perkawinan": "6471-KW-12052018-0031", "tanggal_perkawinan": MARRIAGE["tanggal"],
        "nama_pengadilan": "PENGADILAN NEGERI BALIKPAPAN", "nomor_putusan": "112/Pdt.G/2026/PN Bpp",
        "tanggal_putusan": "2026-10-20",
    },
    "akta-pengakuan-anak": {
        **_person("anak", CHILD, sex="LAKI-LAKI"), "nomor_akta_kelahiran": "6471-LT-20052020-0112",
        **_person("ayah", FATHER, birth=False), **_person("ibu", MOTHER, birth=False),
        "tanggal_pengakuan": "2026-10-01",
    },
    "akta-pengesahan-anak": {
        **_person("anak", CHILD, sex="LAKI-LAKI"), "nomor_akta_kelahiran": "6471-LT-20052020-0112",
        **_person("ayah", FATHER, birth=False), **_person("ibu", MOTHER, birth=False),
        "nomor_akta_perkawinan": MARRIAGE["nomor"], "tanggal_perkawinan": MARRIAGE["tanggal"],
    },
    "akta-pengangkatan-anak": {
        **_person("anak", CHILD, sex="LAKI-LAKI"), "nomor_akta_kelahiran": "6471-LT-20052020-0112",
        "nama_ayah_angkat": FATHER["nama"], "nik_ayah_angkat": FATHER["nik"],
        "nama_ibu_angkat": MOTHER["nama"], "nik_ibu_angkat": MOTHER["nik"],
        "nama_pengadilan": "PENGADILAN NEGERI BALIKPAPAN", "nomor_penetapan": "45/Pdt.P/2026/PN Bpp",
        "tanggal_penetapan": "2026-09-14",
    },
    "kartu-keluarga": {
        "nomor_kk": KK, "nama_kepala_keluarga": FATHER["nama"], "kode_pos": "76113", **_addr(),
        "anggota": _kk_members(),
    },
    "skpwni": {
        "nomor_kk": KK, "nama_kepala_keluarga": FATHER["nama"], "nik_pemohon": FATHER["nik"],
        "nama_pemohon": FATHER["nama"], "alamat_asal": FULL_ADDRESS, "alasan_pindah": "PEKERJAAN",
        "klasifikasi_pindah": "ANTAR KABUPATEN/KOTA",
        "jenis_kepindahan": "KEPALA KELUARGA DAN SELURUH ANGGOTA KELUARGA",
        "tanggal_pindah": "2026-12-20",
        **_addr("tujuan", alamat="JL. KESUMA BANGSA NO. 8", rt="004", rw="", kelurahan="SIDODADI",
                kecamatan="SAMARINDA ULU", kabupaten_kota="KOTA SAMARINDA"),
        "anggota_pindah": [{"nik": p["nik"], "nama": p["nama"], "hubungan": rel} for p, rel in (
            (FATHER, "KEPALA KELUARGA"), (MOTHER, "ISTRI"), (CHILD, "ANAK"), (NEWBORN, "ANAK"))],
    },
    "skpln": {
        **_person("pemohon", FATHER, sex="LAKI-LAKI"), "nomor_kk": KK, "nomor_paspor": "X1234567",
        "alamat_asal": FULL_ADDRESS, "negara_tujuan": "MALAYSIA", "alamat_tujuan": "JALAN AMPANG 12, KUALA LUMPUR",
        "alasan_pindah": "PEKERJAAN", "tanggal_pindah": "2027-01-15",
    },
    "sk-datang-luar-negeri": {
        **_person("pemohon", MOTHER, sex="PEREMPUAN"), "kewarganegaraan": "INDONESIA", "nomor_paspor": "C7654321",
        "negara_asal": "SINGAPURA", "tanggal_kedatangan": "2026-11-25", **_addr("tujuan"),
    },
    "sktt": {
        "nama_pemohon": "NGUYỄN THỊ ÁNH", "nik_pemohon": "", "jenis_kelamin_pemohon": "PEREMPUAN",
        "tempat_lahir_pemohon": "HẢI PHÒNG", "tanggal_lahir_pemohon": "1990-02-14", "kewarganegaraan": "VIETNAM",
        "pekerjaan": "TENAGA AHLI", "nomor_paspor": "N2345678", "tanggal_berakhir_paspor": "2031-02-13",
        "nomor_kitas": "2C21AB1234567", "tanggal_berakhir_kitas": "2027-11-30", "berlaku_sampai": "2027-11-30",
        **_addr(alamat="JL. JENDERAL SUDIRMAN NO. 45", rt="003"),
    },
    "sk-lahir-mati": {
        "tanggal_peristiwa": "2026-10-30", "tempat_peristiwa": "RSUD BERIMAN BALIKPAPAN", "jenis_kelamin": "LAKI-LAKI",
        "lama_kandungan": 32, "nama_ibu": MOTHER["nama"], "nik_ibu": MOTHER["nik"], "nama_ayah": FATHER["nama"],
        "nik_ayah": FATHER["nik"], "nama_pelapor": FATHER["nama"], "nik_pelapor": FATHER["nik"],
        "hubungan_pelapor": "AYAH",
    },
    "catatan-pinggir": {
        "jenis_catatan": "PEMBATALAN PERKAWINAN", "nomor_akta": "6471-KW-12052018-0031", "tanggal_akta": "2018-05-12",
        "nama_pihak_1": FATHER["nama"], "nik_pihak_1": FATHER["nik"], "nama_pihak_2": MOTHER["nama"],
        "nik_pihak_2": MOTHER["nik"], "nama_pengadilan": "PENGADILAN NEGERI BALIKPAPAN",
        "nomor_putusan": "98/Pdt.G/2026/PN Bpp", "tanggal_putusan": "2026-09-30",
        "isi_catatan": "Perkawinan tersebut dibatalkan berdasarkan putusan pengadilan yang telah berkekuatan hukum "
                       "tetap.",
    },
    "sk-pelepasan-kewarganegaraan": {
        **_person("pemohon", MOTHER, sex="PEREMPUAN"), "nomor_kk": KK, "alamat": FULL_ADDRESS,
        "kewarganegaraan_baru": "AUSTRALIA", "nomor_keputusan": "AHU-1234.AH.10.01 TAHUN 2026",
        "tanggal_keputusan": "2026-10-05",
    },
    "sk-pengganti-identitas": {
        **_person("pemohon", FATHER, sex="LAKI-LAKI"), "nomor_kk": KK, "alamat": FULL_ADDRESS,
        "dokumen_hilang": "KTP-EL", "nomor_surat_kehilangan": "STPL/1021/XI/2026/SPKT",
        "tanggal_surat_kehilangan": "2026-11-28", "berlaku_sampai": "2027-02-28",
    },
    "sk-pencatatan-sipil": {
        **_person("pemohon", CHILD, sex="LAKI-LAKI"), "jenis_peristiwa": "KELAHIRAN",
        "nomor_akta": "6471-LT-20052020-0112", "tanggal_pencatatan": "2020-05-20",
        "keterangan": "Dipergunakan untuk keperluan pendaftaran sekolah.",
    },
    "kia": {
        **_person("anak", CHILD, sex="LAKI-LAKI"), "nomor_akta_kelahiran": "6471-LT-20052020-0112", "agama": "ISLAM",
        "kewarganegaraan": "WNI", "nomor_kk": KK, "nama_kepala_keluarga": FATHER["nama"], "alamat": FULL_ADDRESS,
        "berlaku_sampai": "2037-05-11",
    },
    "ktp-el": {
        **_person("penduduk", MOTHER, sex="PEREMPUAN"), "golongan_darah": "O", "agama": "ISLAM",
        "status_perkawinan": "KAWIN TERCATAT", "pekerjaan": "MENGURUS RUMAH TANGGA", "kewarganegaraan": "WNI",
        "berlaku_hingga": "SEUMUR HIDUP", **_addr(),
    },
}


def sample_data(slug: str) -> dict:
    import copy

    return copy.deepcopy(SAMPLES[slug])


def sample_preview_pdf(kind: OutputKind, *, source: str | None = None) -> bytes:
    """An unsigned PDF of the sample data, marked as a sample, with the template in force or `source`.
    Raises ValidationError (in words an office administrator understands) when the template cannot render
    or leaves out what every document must carry."""
    from .rendering import SIGNATURE_ANCHOR, build_context, render_html, render_pdf
    from .services import signer_title

    code = "CONTOH-0000-0000"
    context = build_context(kind=kind, data=sample_data(kind.slug), number=kind.format_number(
        seq=1, issued_on=timezone.localdate(), region="0000"), code=code,
        verification_url="https://contoh.invalid/verifikasi/CONTOH/", issued_at=timezone.now(),
        signer_name="NAMA KEPALA DINAS", signer_title=signer_title(), signer_nip="197503032000031003", preview=True)
    try:
        html, sha = render_html(kind, context, source=source)
    except TemplateSyntaxError as exc:
        raise ValidationError(_("Templat tidak dapat dibaca: %(error)s") % {"error": exc}) from exc
    missing = []
    if not re.search(r'id="' + SIGNATURE_ANCHOR + '"', html):
        missing.append(_("kotak tanda tangan elektronik (id=\"tte\")"))
    if code not in html:
        missing.append(_("kode verifikasi"))
    if context["qr"] not in html:
        missing.append(_("kode QR"))
    if "tidak memerlukan tanda tangan basah" not in html:
        missing.append(_("kalimat bahwa dokumen ditandatangani secara elektronik"))
    if missing:
        raise ValidationError(_("Templat harus memuat: %(items)s.") % {"items": ", ".join(missing)})
    return render_pdf(kind, html, sha).pdf
