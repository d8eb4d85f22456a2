"""The output document kinds: one definition per document the office issues (the slugs are shared with the
catalog's `output_kind`). A definition is data: its official name, the fields the operator types at SOP step 10
(grouped in sections, with repeating tables such as the members of a Kartu Keluarga), cross-field checks, and
how its document number is made. The data-entry form, the validation of `document_issue` and the printed
layout are all generated from it, so a field is declared once."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

# --- value lists (the spellings SIAK prints) --------------------------------------------------------------
SEX = (("LAKI-LAKI", _("Laki-laki")), ("PEREMPUAN", _("Perempuan")))
RELIGION = tuple((v, v.title()) for v in (
    "ISLAM", "KRISTEN", "KATOLIK", "HINDU", "BUDDHA", "KHONGHUCU", "KEPERCAYAAN TERHADAP TUHAN YME"))
MARITAL = tuple((v, v.capitalize()) for v in (
    "BELUM KAWIN", "KAWIN TERCATAT", "KAWIN BELUM TERCATAT", "CERAI HIDUP", "CERAI MATI"))
FAMILY_RELATION = tuple((v, v.capitalize()) for v in (
    "KEPALA KELUARGA", "SUAMI", "ISTRI", "ANAK", "MENANTU", "CUCU", "ORANG TUA", "MERTUA", "FAMILI LAIN",
    "PEMBANTU", "LAINNYA"))
EDUCATION = tuple((v, v) for v in (
    "TIDAK/BELUM SEKOLAH", "BELUM TAMAT SD/SEDERAJAT", "TAMAT SD/SEDERAJAT", "SLTP/SEDERAJAT", "SLTA/SEDERAJAT",
    "DIPLOMA I/II", "AKADEMI/DIPLOMA III/SARJANA MUDA", "DIPLOMA IV/STRATA I", "STRATA II", "STRATA III"))
BLOOD = tuple((v, v) for v in ("A", "B", "AB", "O", "A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-", "TIDAK TAHU"))
CITIZENSHIP = (("WNI", _("WNI")), ("WNA", _("WNA")))
MOVE_REASON = tuple((v, v.capitalize()) for v in (
    "PEKERJAAN", "PENDIDIKAN", "KEAMANAN", "KESEHATAN", "PERUMAHAN", "KELUARGA", "LAINNYA"))
MOVE_CLASS = tuple((v, v.capitalize()) for v in (
    "ANTAR DESA/KELURAHAN", "ANTAR KECAMATAN", "ANTAR KABUPATEN/KOTA", "ANTAR PROVINSI"))
MOVE_KIND = tuple((v, v.capitalize()) for v in (
    "KEPALA KELUARGA", "KEPALA KELUARGA DAN SELURUH ANGGOTA KELUARGA",
    "KEPALA KELUARGA DAN SEBAGIAN ANGGOTA KELUARGA", "ANGGOTA KELUARGA"))
ANNULMENT = (("PEMBATALAN PERKAWINAN", _("Pembatalan perkawinan")),
             ("PEMBATALAN PERCERAIAN", _("Pembatalan perceraian")))
LOST_DOCUMENT = tuple((v, v) for v in (
    "KTP-EL", "KARTU KELUARGA", "KARTU IDENTITAS ANAK", "AKTA KELAHIRAN", "AKTA PERKAWINAN", "AKTA PERCERAIAN",
    "AKTA KEMATIAN"))

FIELD_TYPES = frozenset({"text", "textarea", "nik", "kk", "date", "time", "integer", "choice"})


@dataclass(frozen=True)
class Field:
    """One value on the document. `not_future` applies to dates (birth, death, court decisions…); dates of a
    planned move or of validity may lie ahead."""

    name: str
    label: str
    type: str = "text"
    required: bool = True
    choices: tuple = ()
    not_future: bool = True
    max_length: int = 100
    min_value: int | None = None
    max_value: int | None = None
    help_text: str = ""
    initial: str | None = None

    def __post_init__(self):
        if self.type not in FIELD_TYPES:
            raise ValueError(f"unknown field type {self.type!r} for {self.name}")
        if self.type == "choice" and not self.choices:
            raise ValueError(f"choice field {self.name} needs choices")


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Table:
    """Repeating rows (members of a family, family members who move along)."""

    name: str
    label: str
    columns: tuple[Field, ...]
    min_rows: int = 1
    max_rows: int = 20
    # Columns printed in the PDF's table, in order (all when empty); the rest go in a second table.
    printed_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonCheck:
    """The NIK must agree with the date of birth and the sex typed beside it (the NIK encodes both)."""

    nik: str
    birth_date: str | None = None
    sex: str | None = None


@dataclass(frozen=True)
class DateOrder:
    """`later` must not come before `earlier` (died after being born, decision after marriage…)."""

    earlier: str
    later: str
    message: str


@dataclass(frozen=True)
class OutputKind:
    slug: str
    name: str  # the official name printed as the title
    description: str
    sections: tuple[Section, ...]
    number_format: str  # placeholders: {region} {year} {date} (ddmmyyyy of issue) {seq}
    holder_field: str
    tables: tuple[Table, ...] = ()
    person_checks: tuple[PersonCheck, ...] = ()
    date_orders: tuple[DateOrder, ...] = ()
    table_checks: tuple[Callable[[list[dict]], list[str]], ...] = ()
    landscape: bool = False
    statement: str = ""  # the legal sentence printed above the data
    collected_at_counter: bool = False  # print data (KIA, KTP-el): the card itself is printed at the counter

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for section in self.sections for f in section.fields)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    def format_number(self, *, seq: int, issued_on: datetime.date, region: str) -> str:
        return self.number_format.format(region=region, year=issued_on.year, seq=seq,
                                         date=issued_on.strftime("%d%m%Y"))

    def holder_from(self, data: dict) -> str:
        return str(data.get(self.holder_field) or "")


# --- field builders: the same person block appears on many documents ---------------------------------------
def F(name, label, type="text", **kw) -> Field:  # a short name keeps the definitions below readable
    return Field(name=name, label=label, type=type, **kw)


def person(p: str, *, nik_required: bool = True, sex: bool = True, birth: bool = True) -> tuple[Field, ...]:
    fields = [F(f"nama_{p}", _("Nama lengkap"), max_length=150),
              F(f"nik_{p}", _("NIK"), "nik", required=nik_required)]
    if sex:
        fields.append(F(f"jenis_kelamin_{p}", _("Jenis kelamin"), "choice", choices=SEX))
    if birth:
        fields += [F(f"tempat_lahir_{p}", _("Tempat lahir")), F(f"tanggal_lahir_{p}", _("Tanggal lahir"), "date")]
    return tuple(fields)


def address(p: str = "") -> tuple[Field, ...]:
    s = f"_{p}" if p else ""
    return (
        F(f"alamat{s}", _("Alamat"), "textarea", max_length=200),
        F(f"rt{s}", _("RT"), max_length=3, required=False),
        F(f"rw{s}", _("RW"), max_length=3, required=False),
        F(f"kelurahan{s}", _("Desa/Kelurahan")),
        F(f"kecamatan{s}", _("Kecamatan")),
        F(f"kabupaten_kota{s}", _("Kabupaten/Kota")),
        F(f"provinsi{s}", _("Provinsi")),
    )


def _one_head_of_family(rows: list[dict]) -> list[str]:
    heads = sum(1 for row in rows if row.get("hubungan") == "KEPALA KELUARGA")
    if heads != 1:
        return [str(_("Kartu Keluarga harus memiliki tepat satu Kepala Keluarga."))]
    return []


def _unique_nik(rows: list[dict]) -> list[str]:
    niks = [row.get("nik") for row in rows if row.get("nik")]
    if len(niks) != len(set(niks)):
        return [str(_("NIK yang sama tercantum lebih dari sekali."))]
    return []


KK_MEMBER = Table(
    name="anggota", label=_("Anggota keluarga"), min_rows=1, max_rows=20,
    columns=(
        F("nama", _("Nama lengkap"), max_length=150),
        F("nik", _("NIK"), "nik"),
        F("jenis_kelamin", _("Jenis kelamin"), "choice", choices=SEX),
        F("tempat_lahir", _("Tempat lahir")),
        F("tanggal_lahir", _("Tanggal lahir"), "date"),
        F("agama", _("Agama"), "choice", choices=RELIGION),
        F("pendidikan", _("Pendidikan"), "choice", choices=EDUCATION),
        F("pekerjaan", _("Jenis pekerjaan")),
        F("golongan_darah", _("Golongan darah"), "choice", choices=BLOOD, required=False),
        F("status_perkawinan", _("Status perkawinan"), "choice", choices=MARITAL),
        F("tanggal_perkawinan", _("Tanggal perkawinan"), "date", required=False),
        F("hubungan", _("Status hubungan dalam keluarga"), "choice", choices=FAMILY_RELATION),
        F("kewarganegaraan", _("Kewarganegaraan"), "choice", choices=CITIZENSHIP, initial="WNI"),
        F("nomor_paspor", _("No. paspor"), required=False, max_length=20),
        F("nomor_kitap", _("No. KITAP"), required=False, max_length=20),
        F("nama_ayah", _("Nama ayah"), max_length=150),
        F("nama_ibu", _("Nama ibu"), max_length=150),
    ),
    printed_columns=("nama", "nik", "jenis_kelamin", "tempat_lahir", "tanggal_lahir", "agama", "pendidikan",
                     "pekerjaan", "golongan_darah"),
)

MOVERS = Table(
    name="anggota_pindah", label=_("Anggota keluarga yang pindah"), min_rows=1, max_rows=20,
    columns=(F("nik", _("NIK"), "nik"), F("nama", _("Nama lengkap"), max_length=150),
             F("hubungan", _("Status hubungan dalam keluarga"), "choice", choices=FAMILY_RELATION)),
)

LAW = _("Berdasarkan Undang-Undang Nomor 23 Tahun 2006 tentang Administrasi Kependudukan sebagaimana telah "
        "diubah dengan Undang-Undang Nomor 24 Tahun 2013")

KINDS: tuple[OutputKind, ...] = (
    OutputKind(
        slug="akta-kelahiran", name=_("Kutipan Akta Kelahiran"),
        description=_("Kutipan akta pencatatan kelahiran."),
        number_format="{region}-LT-{date}-{seq:04d}", holder_field="nama_anak", statement=LAW,
        sections=(
            Section(_("Data anak"), (
                F("nama_anak", _("Nama anak"), max_length=150),
                F("nik_anak", _("NIK anak"), "nik", required=False,
                  help_text=_("Diisi bila NIK sudah diterbitkan bersama Kartu Keluarga.")),
                F("jenis_kelamin_anak", _("Jenis kelamin"), "choice", choices=SEX),
                F("tempat_lahir_anak", _("Tempat lahir")),
                F("tanggal_lahir_anak", _("Tanggal lahir"), "date"),
                F("pukul_lahir", _("Pukul"), "time", required=False),
                F("anak_ke", _("Anak ke-"), "integer", min_value=1, max_value=30),
                F("berat_lahir", _("Berat lahir (gram)"), "integer", required=False, min_value=200, max_value=8000),
                F("panjang_lahir", _("Panjang lahir (cm)"), "integer", required=False, min_value=20, max_value=70),
                F("kewarganegaraan", _("Kewarganegaraan"), "choice", choices=CITIZENSHIP, initial="WNI"),
            )),
            Section(_("Orang tua"), (
                F("nama_ayah", _("Nama ayah"), max_length=150, required=False,
                  help_text=_("Kosongkan bila ayah tidak tercatat.")),
                F("nik_ayah", _("NIK ayah"), "nik", required=False),
                F("nama_ibu", _("Nama ibu"), max_length=150),
                F("nik_ibu", _("NIK ibu"), "nik"),
            )),
            Section(_("Dasar pencatatan"), (
                F("nomor_kk", _("Nomor KK"), "kk"),
                F("nomor_akta_perkawinan", _("Nomor akta/buku nikah orang tua"), required=False, max_length=50),
            )),
        ),
        person_checks=(PersonCheck("nik_anak", "tanggal_lahir_anak", "jenis_kelamin_anak"),),
    ),
    OutputKind(
        slug="akta-kematian", name=_("Kutipan Akta Kematian"),
        description=_("Kutipan akta pencatatan kematian."),
        number_format="{region}-KM-{date}-{seq:04d}", holder_field="nama_jenazah", statement=LAW,
        sections=(
            Section(_("Data yang meninggal"), person("jenazah") + (
                F("tempat_meninggal", _("Tempat meninggal")),
                F("tanggal_meninggal", _("Tanggal meninggal"), "date"),
                F("pukul_meninggal", _("Pukul"), "time", required=False),
                F("sebab_meninggal", _("Sebab kematian"), required=False),
                F("nomor_kk", _("Nomor KK"), "kk"),
            )),
            Section(_("Pelapor"), (
                F("nama_pelapor", _("Nama pelapor"), max_length=150),
                F("nik_pelapor", _("NIK pelapor"), "nik"),
                F("hubungan_pelapor", _("Hubungan dengan yang meninggal"), max_length=50),
            )),
        ),
        person_checks=(PersonCheck("nik_jenazah", "tanggal_lahir_jenazah", "jenis_kelamin_jenazah"),),
        date_orders=(DateOrder("tanggal_lahir_jenazah", "tanggal_meninggal",
                               _("Tanggal meninggal tidak boleh sebelum tanggal lahir.")),),
    ),
    OutputKind(
        slug="akta-perkawinan", name=_("Kutipan Akta Perkawinan"),
        description=_("Kutipan akta pencatatan perkawinan (selain yang dicatat KUA)."),
        number_format="{region}-KW-{date}-{seq:04d}", holder_field="nama_suami", statement=LAW,
        sections=(
            Section(_("Suami"), person("suami", sex=False) + (
                F("kewarganegaraan_suami", _("Kewarganegaraan"), "choice", choices=CITIZENSHIP, initial="WNI"),)),
            Section(_("Istri"), person("istri", sex=False) + (
                F("kewarganegaraan_istri", _("Kewarganegaraan"), "choice", choices=CITIZENSHIP, initial="WNI"),)),
            Section(_("Perkawinan"), (
                F("tanggal_perkawinan", _("Tanggal perkawinan"), "date"),
                F("tempat_perkawinan", _("Tempat perkawinan")),
                F("agama_perkawinan", _("Menurut agama/kepercayaan"), "choice", choices=RELIGION),
                F("nama_pemuka_agama", _("Nama pemuka agama/penghayat"), max_length=150),
            )),
        ),
        person_checks=(PersonCheck("nik_suami", "tanggal_lahir_suami"),
                       PersonCheck("nik_istri", "tanggal_lahir_istri")),
        date_orders=(DateOrder("tanggal_lahir_suami", "tanggal_perkawinan",
                               _("Tanggal perkawinan tidak boleh sebelum tanggal lahir.")),
                     DateOrder("tanggal_lahir_istri", "tanggal_perkawinan",
                               _("Tanggal perkawinan tidak boleh sebelum tanggal lahir."))),
    ),
    OutputKind(
        slug="akta-perceraian", name=_("Kutipan Akta Perceraian"),
        description=_("Kutipan akta pencatatan perceraian berdasarkan putusan pengadilan."),
        number_format="{region}-CR-{date}-{seq:04d}", holder_field="nama_suami", statement=LAW,
        sections=(
            Section(_("Suami"), person("suami", sex=False, birth=False)),
            Section(_("Istri"), person("istri", sex=False, birth=False)),
            Section(_("Perkawinan yang putus"), (
                F("nomor_akta_perkawinan", _("Nomor akta perkawinan"), max_length=50),
                F("tanggal_perkawinan", _("Tanggal perkawinan"), "date"),
            )),
            Section(_("Putusan pengadilan"), (
                F("nama_pengadilan", _("Pengadilan")),
                F("nomor_putusan", _("Nomor putusan"), max_length=60),
                F("tanggal_putusan", _("Tanggal putusan"), "date"),
            )),
        ),
        date_orders=(DateOrder("tanggal_perkawinan", "tanggal_putusan",
                               _("Tanggal putusan tidak boleh sebelum tanggal perkawinan.")),),
    ),
    OutputKind(
        slug="akta-pengakuan-anak", name=_("Kutipan Akta Pengakuan Anak"),
        description=_("Kutipan akta pencatatan pengakuan anak oleh ayah biologis."),
        number_format="{region}-PAA-{date}-{seq:04d}", holder_field="nama_anak", statement=LAW,
        sections=(
            Section(_("Anak"), person("anak", nik_required=False) + (
                F("nomor_akta_kelahiran", _("Nomor akta kelahiran anak"), max_length=50),)),
            Section(_("Ayah yang mengakui"), person("ayah", sex=False, birth=False)),
            Section(_("Ibu"), person("ibu", sex=False, birth=False)),
            Section(_("Pengakuan"), (F("tanggal_pengakuan", _("Tanggal pengakuan"), "date"),)),
        ),
        person_checks=(PersonCheck("nik_anak", "tanggal_lahir_anak", "jenis_kelamin_anak"),),
        date_orders=(DateOrder("tanggal_lahir_anak", "tanggal_pengakuan",
                               _("Tanggal pengakuan tidak boleh sebelum tanggal lahir anak.")),),
    ),
    OutputKind(
        slug="akta-pengesahan-anak", name=_("Kutipan Akta Pengesahan Anak"),
        description=_("Kutipan akta pencatatan pengesahan anak setelah perkawinan orang tuanya."),
        number_format="{region}-PSA-{date}-{seq:04d}", holder_field="nama_anak", statement=LAW,
        sections=(
            Section(_("Anak"), person("anak", nik_required=False) + (
                F("nomor_akta_kelahiran", _("Nomor akta kelahiran anak"), max_length=50),)),
            Section(_("Ayah"), person("ayah", sex=False, birth=False)),
            Section(_("Ibu"), person("ibu", sex=False, birth=False)),
            Section(_("Perkawinan orang tua"), (
                F("nomor_akta_perkawinan", _("Nomor akta/buku nikah"), max_length=50),
                F("tanggal_perkawinan", _("Tanggal perkawinan"), "date"),
            )),
        ),
        person_checks=(PersonCheck("nik_anak", "tanggal_lahir_anak", "jenis_kelamin_anak"),),
    ),
    OutputKind(
        slug="akta-pengangkatan-anak", name=_("Kutipan Akta Pengangkatan Anak"),
        description=_("Catatan pinggir pengangkatan anak pada akta kelahiran berdasarkan penetapan pengadilan."),
        number_format="{region}-PNA-{date}-{seq:04d}", holder_field="nama_anak", statement=LAW,
        sections=(
            Section(_("Anak"), person("anak", nik_required=False) + (
                F("nomor_akta_kelahiran", _("Nomor akta kelahiran anak"), max_length=50),)),
            Section(_("Orang tua angkat"), (
                F("nama_ayah_angkat", _("Nama ayah angkat"), max_length=150),
                F("nik_ayah_angkat", _("NIK ayah angkat"), "nik"),
                F("nama_ibu_angkat", _("Nama ibu angkat"), max_length=150),
                F("nik_ibu_angkat", _("NIK ibu angkat"), "nik"),
            )),
            Section(_("Penetapan pengadilan"), (
                F("nama_pengadilan", _("Pengadilan")),
                F("nomor_penetapan", _("Nomor penetapan"), max_length=60),
                F("tanggal_penetapan", _("Tanggal penetapan"), "date"),
            )),
        ),
        person_checks=(PersonCheck("nik_anak", "tanggal_lahir_anak", "jenis_kelamin_anak"),),
    ),
    OutputKind(
        slug="kartu-keluarga", name=_("Kartu Keluarga"),
        description=_("Kartu Keluarga dengan daftar anggota keluarga."),
        number_format="KK/{region}/{year}/{seq:06d}", holder_field="nama_kepala_keluarga", landscape=True,
        sections=(
            Section(_("Keluarga"), (
                F("nomor_kk", _("Nomor KK"), "kk"),
                F("nama_kepala_keluarga", _("Nama kepala keluarga"), max_length=150),
                F("kode_pos", _("Kode pos"), required=False, max_length=5),
            ) + address()),
        ),
        tables=(KK_MEMBER,),
        table_checks=(_one_head_of_family, _unique_nik),
    ),
    OutputKind(
        slug="skpwni", name=_("Surat Keterangan Pindah WNI"),
        description=_("Surat Keterangan Pindah Warga Negara Indonesia (SKPWNI)."),
        number_format="SKPWNI/{region}/{date}/{seq:04d}", holder_field="nama_pemohon",
        sections=(
            Section(_("Data daerah asal"), (
                F("nomor_kk", _("Nomor KK"), "kk"),
                F("nama_kepala_keluarga", _("Nama kepala keluarga"), max_length=150),
                F("nik_pemohon", _("NIK pemohon"), "nik"),
                F("nama_pemohon", _("Nama pemohon"), max_length=150),
                F("alamat_asal", _("Alamat asal"), "textarea", max_length=250),
            )),
            Section(_("Data kepindahan"), (
                F("alasan_pindah", _("Alasan pindah"), "choice", choices=MOVE_REASON),
                F("klasifikasi_pindah", _("Klasifikasi kepindahan"), "choice", choices=MOVE_CLASS),
                F("jenis_kepindahan", _("Jenis kepindahan"), "choice", choices=MOVE_KIND),
                F("tanggal_pindah", _("Rencana tanggal pindah"), "date", not_future=False),
            ) + address("tujuan")),
        ),
        tables=(MOVERS,),
        table_checks=(_unique_nik,),
    ),
    OutputKind(
        slug="skpln", name=_("Surat Keterangan Pindah Luar Negeri"),
        description=_("Surat Keterangan Pindah ke Luar Negeri (SKPLN)."),
        number_format="SKPLN/{region}/{date}/{seq:04d}", holder_field="nama_pemohon",
        sections=(
            Section(_("Pemohon"), person("pemohon") + (
                F("nomor_kk", _("Nomor KK"), "kk"),
                F("nomor_paspor", _("Nomor paspor"), max_length=20),
                F("alamat_asal", _("Alamat asal"), "textarea", max_length=250),
            )),
            Section(_("Tujuan"), (
                F("negara_tujuan", _("Negara tujuan")),
                F("alamat_tujuan", _("Alamat di luar negeri"), "textarea", max_length=250),
                F("alasan_pindah", _("Alasan pindah"), "choice", choices=MOVE_REASON),
                F("tanggal_pindah", _("Rencana tanggal pindah"), "date", not_future=False),
            )),
        ),
        person_checks=(PersonCheck("nik_pemohon", "tanggal_lahir_pemohon", "jenis_kelamin_pemohon"),),
    ),
    OutputKind(
        slug="sk-datang-luar-negeri", name=_("Surat Keterangan Datang dari Luar Negeri"),
        description=_("Surat keterangan bagi WNI atau WNA yang datang dari luar negeri untuk menetap."),
        number_format="SKDLN/{region}/{date}/{seq:04d}", holder_field="nama_pemohon",
        sections=(
            Section(_("Pemohon"), person("pemohon", nik_required=False) + (
                F("kewarganegaraan", _("Kewarganegaraan (negara)")),
                F("nomor_paspor", _("Nomor paspor"), max_length=20),
            )),
            Section(_("Kedatangan"), (
                F("negara_asal", _("Datang dari negara")),
                F("tanggal_kedatangan", _("Tanggal kedatangan"), "date"),
            ) + address("tujuan")),
        ),
        person_checks=(PersonCheck("nik_pemohon", "tanggal_lahir_pemohon", "jenis_kelamin_pemohon"),),
    ),
    OutputKind(
        slug="sktt", name=_("Surat Keterangan Tempat Tinggal"),
        description=_("Surat Keterangan Tempat Tinggal bagi orang asing pemegang izin tinggal terbatas."),
        number_format="SKTT/{region}/{date}/{seq:04d}", holder_field="nama_pemohon",
        sections=(
            Section(_("Orang asing"), person("pemohon", nik_required=False) + (
                F("kewarganegaraan", _("Kewarganegaraan (negara)")),
                F("pekerjaan", _("Pekerjaan")),
            )),
            Section(_("Dokumen perjalanan dan izin tinggal"), (
                F("nomor_paspor", _("Nomor paspor"), max_length=20),
                F("tanggal_berakhir_paspor", _("Paspor berlaku sampai"), "date", not_future=False),
                F("nomor_kitas", _("Nomor KITAS"), max_length=30),
                F("tanggal_berakhir_kitas", _("KITAS berlaku sampai"), "date", not_future=False),
                F("berlaku_sampai", _("SKTT berlaku sampai"), "date", not_future=False),
            )),
            Section(_("Tempat tinggal"), address()),
        ),
        person_checks=(PersonCheck("nik_pemohon", "tanggal_lahir_pemohon", "jenis_kelamin_pemohon"),),
    ),
    OutputKind(
        slug="sk-lahir-mati", name=_("Surat Keterangan Lahir Mati"),
        description=_("Surat keterangan atas peristiwa lahir mati."),
        number_format="{region}-LM-{date}-{seq:04d}", holder_field="nama_ibu",
        sections=(
            Section(_("Peristiwa"), (
                F("tanggal_peristiwa", _("Tanggal lahir mati"), "date"),
                F("tempat_peristiwa", _("Tempat")),
                F("jenis_kelamin", _("Jenis kelamin bayi"), "choice", choices=SEX, required=False),
                F("lama_kandungan", _("Lama dalam kandungan (minggu)"), "integer", min_value=20, max_value=45),
            )),
            Section(_("Orang tua"), (
                F("nama_ibu", _("Nama ibu"), max_length=150),
                F("nik_ibu", _("NIK ibu"), "nik"),
                F("nama_ayah", _("Nama ayah"), max_length=150, required=False),
                F("nik_ayah", _("NIK ayah"), "nik", required=False),
            )),
            Section(_("Pelapor"), (
                F("nama_pelapor", _("Nama pelapor"), max_length=150),
                F("nik_pelapor", _("NIK pelapor"), "nik"),
                F("hubungan_pelapor", _("Hubungan pelapor"), max_length=50),
            )),
        ),
    ),
    OutputKind(
        slug="catatan-pinggir", name=_("Catatan Pinggir"),
        description=_("Catatan pinggir atas pembatalan perkawinan atau pembatalan perceraian."),
        number_format="CP/{region}/{date}/{seq:04d}", holder_field="nama_pihak_1", statement=LAW,
        sections=(
            Section(_("Akta yang diberi catatan"), (
                F("jenis_catatan", _("Jenis catatan"), "choice", choices=ANNULMENT),
                F("nomor_akta", _("Nomor akta"), max_length=50),
                F("tanggal_akta", _("Tanggal akta"), "date"),
            )),
            Section(_("Para pihak"), (
                F("nama_pihak_1", _("Nama suami"), max_length=150),
                F("nik_pihak_1", _("NIK suami"), "nik"),
                F("nama_pihak_2", _("Nama istri"), max_length=150),
                F("nik_pihak_2", _("NIK istri"), "nik"),
            )),
            Section(_("Putusan pengadilan"), (
                F("nama_pengadilan", _("Pengadilan")),
                F("nomor_putusan", _("Nomor putusan"), max_length=60),
                F("tanggal_putusan", _("Tanggal putusan"), "date"),
                F("isi_catatan", _("Isi catatan"), "textarea", max_length=600),
            )),
        ),
        date_orders=(DateOrder("tanggal_akta", "tanggal_putusan",
                               _("Tanggal putusan tidak boleh sebelum tanggal akta.")),),
    ),
    OutputKind(
        slug="sk-pelepasan-kewarganegaraan", name=_("Surat Keterangan Pelepasan Kewarganegaraan"),
        description=_("Surat keterangan pencatatan pelepasan kewarganegaraan Indonesia."),
        number_format="SKPK/{region}/{date}/{seq:04d}", holder_field="nama_pemohon",
        sections=(
            Section(_("Pemohon"), person("pemohon") + (
                F("nomor_kk", _("Nomor KK"), "kk"),
                F("alamat", _("Alamat terakhir"), "textarea", max_length=250),
            )),
            Section(_("Pelepasan"), (
                F("kewarganegaraan_baru", _("Kewarganegaraan baru")),
                F("nomor_keputusan", _("Nomor keputusan menteri"), max_length=60),
                F("tanggal_keputusan", _("Tanggal keputusan"), "date"),
            )),
        ),
        person_checks=(PersonCheck("nik_pemohon", "tanggal_lahir_pemohon", "jenis_kelamin_pemohon"),),
    ),
    OutputKind(
        slug="sk-pengganti-identitas", name=_("Surat Keterangan Pengganti Identitas"),
        description=_("Surat keterangan pengganti dokumen kependudukan yang hilang atau rusak."),
        number_format="SKPI/{region}/{date}/{seq:04d}", holder_field="nama_pemohon",
        sections=(
            Section(_("Pemohon"), person("pemohon") + (
                F("nomor_kk", _("Nomor KK"), "kk"),
                F("alamat", _("Alamat"), "textarea", max_length=250),
            )),
            Section(_("Dokumen yang diganti"), (
                F("dokumen_hilang", _("Dokumen yang hilang/rusak"), "choice", choices=LOST_DOCUMENT),
                F("nomor_surat_kehilangan", _("Nomor surat keterangan kehilangan"), max_length=60, required=False),
                F("tanggal_surat_kehilangan", _("Tanggal surat keterangan kehilangan"), "date", required=False),
                F("berlaku_sampai", _("Berlaku sampai"), "date", not_future=False),
            )),
        ),
        person_checks=(PersonCheck("nik_pemohon", "tanggal_lahir_pemohon", "jenis_kelamin_pemohon"),),
    ),
    OutputKind(
        slug="sk-pencatatan-sipil", name=_("Surat Keterangan Pencatatan Sipil"),
        description=_("Surat keterangan bahwa suatu peristiwa penting telah dicatat di kantor ini."),
        number_format="SKPS/{region}/{date}/{seq:04d}", holder_field="nama_pemohon",
        sections=(
            Section(_("Yang bersangkutan"), person("pemohon")),
            Section(_("Pencatatan"), (
                F("jenis_peristiwa", _("Peristiwa penting")),
                F("nomor_akta", _("Nomor akta"), max_length=50),
                F("tanggal_pencatatan", _("Tanggal pencatatan"), "date"),
                F("keterangan", _("Keterangan"), "textarea", max_length=600, required=False),
            )),
        ),
        person_checks=(PersonCheck("nik_pemohon", "tanggal_lahir_pemohon", "jenis_kelamin_pemohon"),),
    ),
    OutputKind(
        slug="kia", name=_("Kartu Identitas Anak"),
        description=_("Data cetak Kartu Identitas Anak; kartu diambil di loket."),
        number_format="KIA/{region}/{year}/{seq:06d}", holder_field="nama_anak", collected_at_counter=True,
        sections=(
            Section(_("Anak"), person("anak") + (
                F("nomor_akta_kelahiran", _("Nomor akta kelahiran"), max_length=50),
                F("agama", _("Agama"), "choice", choices=RELIGION),
                F("kewarganegaraan", _("Kewarganegaraan"), "choice", choices=CITIZENSHIP, initial="WNI"),
            )),
            Section(_("Keluarga"), (
                F("nomor_kk", _("Nomor KK"), "kk"),
                F("nama_kepala_keluarga", _("Nama kepala keluarga"), max_length=150),
                F("alamat", _("Alamat"), "textarea", max_length=250),
                F("berlaku_sampai", _("Berlaku sampai"), "date", not_future=False),
            )),
        ),
        person_checks=(PersonCheck("nik_anak", "tanggal_lahir_anak", "jenis_kelamin_anak"),),
    ),
    OutputKind(
        slug="ktp-el", name=_("KTP-el"),
        description=_("Data cetak Kartu Tanda Penduduk elektronik; kartu diambil di loket."),
        number_format="KTP/{region}/{year}/{seq:06d}", holder_field="nama_penduduk", collected_at_counter=True,
        sections=(
            Section(_("Penduduk"), person("penduduk") + (
                F("golongan_darah", _("Golongan darah"), "choice", choices=BLOOD, required=False),
                F("agama", _("Agama"), "choice", choices=RELIGION),
                F("status_perkawinan", _("Status perkawinan"), "choice", choices=MARITAL),
                F("pekerjaan", _("Pekerjaan")),
                F("kewarganegaraan", _("Kewarganegaraan"), "choice", choices=CITIZENSHIP, initial="WNI"),
                F("berlaku_hingga", _("Berlaku hingga"), initial="SEUMUR HIDUP", max_length=30),
            )),
            Section(_("Alamat"), address()),
        ),
        person_checks=(PersonCheck("nik_penduduk", "tanggal_lahir_penduduk", "jenis_kelamin_penduduk"),),
    ),
)

_BY_SLUG = {kind.slug: kind for kind in KINDS}


def output_kinds() -> tuple[OutputKind, ...]:
    return KINDS


def output_kind_get(slug: str) -> OutputKind:
    """The definition of one kind; KeyError for an unknown slug (the catalog's system check relies on it)."""
    return _BY_SLUG[slug]


def output_kind_slugs() -> frozenset[str]:
    return frozenset(_BY_SLUG)


# --- display: values as printed on the document ------------------------------------------------------------
def display_value(f: Field, value) -> str:
    if value in (None, ""):
        return "-"
    if f.type == "date":
        day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
        with translation.override("id"):
            return formats.date_format(day, "j F Y")
    if f.type == "time":
        return str(value)[:5].replace(":", ".") + " WITA"
    if f.type == "choice":
        return str(value)
    if f.type == "integer":
        return f"{int(value):,}".replace(",", ".")
    return str(value)


def display_sections(kind: OutputKind, data: dict) -> list[dict]:
    return [{"title": s.title, "rows": [{"name": f.name, "label": f.label, "value": display_value(f, data.get(f.name))}
                                        for f in s.fields]} for s in kind.sections]


def display_tables(kind: OutputKind, data: dict) -> list[dict]:
    out = []
    for t in kind.tables:
        printed = [c for c in t.columns if not t.printed_columns or c.name in t.printed_columns]
        rest = [c for c in t.columns if t.printed_columns and c.name not in t.printed_columns]
        rows = data.get(t.name) or []
        out.append({
            "name": t.name, "label": t.label,
            "columns": [c.label for c in printed],
            "rows": [[display_value(c, row.get(c.name)) for c in printed] for row in rows],
            "more_columns": [c.label for c in rest],
            "more_rows": [[display_value(c, row.get(c.name)) for c in rest] for row in rows],
        })
    return out

