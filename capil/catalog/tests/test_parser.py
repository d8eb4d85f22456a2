"""The parser reads the office's real document faithfully, corrects its defects and reports each one, and
refuses text that is not in the format — with the line number and the reason."""

import pytest

from capil.catalog.parser import DocumentRefused, parse_document, parse_requirement_cell
from capil.catalog.tests.factories import sop_text

HEAD = "No\tUraian Prosedur\tPelaksana\t\t\t\t\tMutu Baku\t\t"
COLS = "\t\tPEMOHON\tOPERATOR\tKASI\tKADIS\tARSIPARIS\tKelengkapan\tWaktu\tOutput"


def row(number, description, requirement="", time="", output="", executors=("", "", "", "", "")):
    return "\t".join([str(number), description, *executors, requirement, time, output])


def document(*rows, title="SOP PELAYANAN ONLINE CONTOH", signature=True):
    lines = ["", title, "", HEAD, COLS, *rows, ""]
    if signature:
        lines += ["Kepala Dinas Kependudukan dan Pencatatan Sipil", "Kota Balikpapan", "NAMA KEPALA, S.Sos"]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def real():
    return parse_document(sop_text())


def sop(doc, fragment):
    return next(s for s in doc.services if s.title.endswith(fragment))


def messages(doc, fragment="", kind=None):
    return [e for e in doc.report if fragment in e.sop and (kind is None or e.kind == kind)]


# ---- the office's document -----------------------------------------------------------------------------


def test_the_office_document_has_31_sops(real):
    assert len(real.services) == 31
    assert len({s.title for s in real.services}) == 31


def test_akta_kelahiran_requirements_are_read_from_step_7(real):
    akta = sop(real, "ONLINE AKTA KELAHIRAN")
    step7 = akta.step("7")
    assert step7.description == "Mengupload berkas persyaratan dengan format jpg"
    assert step7.requirement_values == ["Buku Nikah, KTP, Kartu Keluarga, Surat Keterangan Kelahiran"]
    assert step7.duration == (10, "MINUTES")
    items, _ = parse_requirement_cell(step7.requirement_values)
    assert [i.label for i in items] == ["Buku Nikah", "KTP", "Kartu Keluarga", "Surat Keterangan Kelahiran"]
    assert akta.output_name == "akta kelahiran"


def test_kia_is_picked_up_at_the_counter(real):
    kia = sop(real, "ONLINE KIA")
    assert [s.label for s in kia.steps] == [str(n) for n in range(1, 15)] + ["16", "17"]
    last = kia.steps[-1]
    assert last.description == "KIA dapat diambil di loket pengambilan"
    assert last.requirement_values == ["Aplikasi Cetak KIA"]
    assert last.output_values == ["dokumen yang dimohonkan (KIA)"]
    assert kia.output_name == "KIA"


def test_ktp_el_recording_has_10_steps_with_its_own_executors(real):
    ktp = sop(real, "PEREKAMAN KTP EL")
    assert ktp.executor_columns == ["PEMOHON", "OPERATOR", "DWH DITJEN DUKCAPIL KEMENDAGRI"]
    assert [s.description for s in ktp.steps] == [
        "MULAI",
        "Mengakses web link http://capil.balikpapan.go.id menu antrian online",
        "Menginput nomor hp dan kode captcha",
        "Memilih tanggal dan waktu antrian untuk perekaman",
        "Muncul statement permohonan dan menyetujuinya untuk pengajuan antrian online",
        "Menerima nomor antrian dari aplikasi",
        "Datang ke Disdukcapil sesuai dengan nomor antrian dan menunjukkan pada petugas perekaman",
        "Perekaman dilakukan oleh petugas kepada pemohon",
        "Pemberitahuan kepada pemohon untuk pengambilan KTP melalui SMS",
        "Mengambil KTP-el pada tempat yang telah disediakan",
    ]
    # The flowchart symbols that survived in this SOP mark who acts.
    assert ktp.step("8").marks == ["PEMOHON", "OPERATOR"]
    assert ktp.step("10").marks == ["PEMOHON"]


def test_data_utilisation_working_days(real):
    data = sop(real, "PEMANFAATAN DATA KEPENDUDUKAN")
    assert data.executor_columns == ["OPD", "WALIKOTA", "DISDUKCAPIL", "KEMENDAGRI"]
    timed = [s.duration for s in data.steps if s.duration]
    assert [d[0] for d in timed] == [3, 1, 7, 7, 2, 1, 1]
    assert {d[1] for d in timed} == {"WORKING_DAYS"}
    assert [s.label for s in data.steps] == [str(n) for n in range(1, 10)]
    # The unnumbered row after step 8 continues step 8; it is not dropped and not a step of its own.
    assert data.step("8").note.startswith("Instansi pengguna mendapatkan user dan password")


def test_general_header_block(real):
    header = real.header
    assert header.legal_basis == [
        "Peraturan Menteri Dalam Negeri Nomor 7 Tahun 2019 tentang Pelayanan Administrasi Kependudukan Secara Daring"
    ]
    assert header.executor_qualifications == ["Operator", "Kepala Seksi", "Kepala Dinas"]
    assert header.equipment == ["PC/Laptop", "Printer", "Jaringan Komunikasi Data"]
    assert header.warning == "Pelayanan dilakukan tanpa ada pungutan biaya"
    assert header.data_and_information == ["Nomor HP", "Email Pemohon", "Dokumen terkirim melalui email kepada pemohon"]
    assert header.fields["revision_date"] == ""


# ---- every defect is corrected and reported --------------------------------------------------------------


def test_misspelled_domains_are_corrected_and_reported(real):
    descriptions = [s.description for service in real.services for s in service.steps]
    assert not any("balikipapan" in d or "balikkpapan" in d for d in descriptions)
    fixes = [e for e in real.report if "nama domain" in e.message]
    assert any("balikipapan" in e.before for e in fixes)
    assert any("balikkpapan" in e.before and e.sop.endswith("ONLINE KIA") for e in fixes)
    assert all(e.line > 0 for e in fixes)


def test_penadatangan_locket_loker_are_corrected(real):
    texts = [v for service in real.services for s in service.steps for v in [s.description, *s.output_values]]
    assert not any("Penadatangan" in t or "Locket" in t or "Loker" in t for t in texts)
    befores = " ".join(e.before for e in real.report if e.kind == "correction")
    assert "Penadatangan Elektronik" in befores
    assert "Locket Pelayanan" in befores
    assert "Loker Pelayanan" in befores
    assert sop(real, "AKTA PENGAKUAN ANAK").step("1").output_values == ["Loket Pelayanan"]


def test_missing_step_15_in_kia_is_reported(real):
    entries = [e for e in messages(real, "ONLINE KIA") if "melompat dari 14 ke 16" in e.message]
    assert len(entries) == 1
    assert entries[0].kind == "ambiguity"


def test_jump_from_5_to_8_in_counter_sops_is_reported(real):
    jumped = {e.sop for e in real.report if "melompat dari 5" in e.message and "ke 8" in e.message}
    counter = {s.title for s in real.services if s.step("8") and not s.step("6")}
    assert len(counter) == 8
    assert jumped == counter


def test_two_steps_numbered_5_get_labels(real):
    rentan = sop(real, "PENGGANTI IDENTITAS (PENDUDUK RENTAN)")
    assert [s.label for s in rentan.steps[:6]] == ["1", "2", "3", "4", "5a", "5b"]
    assert rentan.step("5a").number == rentan.step("5b").number == 5
    assert rentan.step("5a").duration is None
    assert len([e for e in messages(real, "PENGGANTI IDENTITAS") if "dipakai 2 kali" in e.message]) == 2


def test_decision_rows_become_the_decision_of_step_9(real):
    with_rows = {e.sop for e in real.report if "baris keputusan" in e.message}
    assert sop(real, "BATAL PINDAH LUAR DAERAH").title in with_rows
    assert sop(real, "PEMBATALAN PERCERAIAN").title in with_rows  # " Tdk ya" in one cell
    assert sop(real, "SURAT PELEPASAN KEWARGANEGARAAN").title in with_rows  # inside the rows of 9 and 10
    assert len(with_rows) == 10
    for title in with_rows:
        service = real.service(title)
        assert service.step("9").decision == {"no": "8", "yes": "10"}
        assert service.step("10").decision is None


def test_two_values_in_one_cell_are_split_onto_the_empty_next_step(real):
    kk = sop(real, "GABUNG KARTU KELUARGA AKIBAT KELAHIRAN")
    assert kk.step("17").requirement_values == ["Aplikasi Cetak Kemendagri"]
    assert kk.step("17").durations == [(2, "MINUTES")]
    assert kk.step("17").output_values == ["dokumen yang dimohonkan (Kartu Keluarga)"]
    assert kk.step("18").requirement_values == ["Aplikasi SIAK"]
    assert kk.step("18").durations == [(2, "MINUTES")]
    assert kk.step("18").output_values == ["softcopy persyaratan dokumen"]
    splits = [e for e in real.report if "dua nilai" in e.message]
    assert len(splits) == sop_text().count("2 menit 2 menit") == 10
    assert all(e.kind == "correction" and e.line for e in splits)


def test_unnumbered_row_and_signatures_are_reported(real):
    assert any("baris tanpa nomor sesudah langkah 8" in e.message and e.line == 1221 for e in real.report)
    names = [e for e in real.report if "nama penanda tangan" in e.message]
    assert {e.before for e in names} >= {"HASBI LAH HELMI, AP., M.Si", "HASBULLAH MELMI, AP., M.Si"}
    assert any(e.before == "Kendala Dinas Kependudukan dan Pencatatan Sipil" for e in real.report)
    assert any(e.before == "Kemendagri" and e.kind == "ambiguity" for e in real.report)
    assert any("[1, 2, 4]" in e.message for e in real.report)  # the equipment list skips number 3
    assert all(s.signatory_name == "HASBULLAH HELMI, AP., M.Si" for s in real.services[:-1])


def test_every_mutu_buku_header_is_reported(real):
    assert len([e for e in real.report if e.before == "Mutu Buku"]) == 31


# ---- requirement cells -----------------------------------------------------------------------------------


def test_requirement_alternatives_conditions_and_slots():
    items, report = parse_requirement_cell(
        ["Kartu Keluarga dan KTP suami dan istri, Buku Nikah/Akta Perkawinan, KTP 2 orang saksi, "
         "Surat kehilangan dari kepolisian (jika hilang), Izin menggunakan TKA (bagi yang bekerja di dalam negeri), "
         "dokumen perjalanan bagi orang tua angkat orang asing"]
    )  # fmt: skip
    by_label = {i.label: i for i in items}
    assert by_label["Kartu Keluarga"].slots == []
    assert by_label["KTP suami dan istri"].slots == ["KTP suami", "KTP istri"]
    assert by_label["Buku Nikah/Akta Perkawinan"].alternatives == ["Buku Nikah", "Akta Perkawinan"]
    assert by_label["KTP 2 orang saksi"].slots == ["KTP saksi 1", "KTP saksi 2"]
    assert by_label["Surat kehilangan dari kepolisian"].condition_text == "jika hilang"
    assert by_label["Izin menggunakan TKA"].condition_text == "bagi yang bekerja di dalam negeri"
    assert by_label["dokumen perjalanan"].condition_text == "bagi orang tua angkat orang asing"
    assert any(e.kind == "ambiguity" and "per orang" in e.message for e in report)


def test_short_alternative_borrows_the_shared_word():
    items, report = parse_requirement_cell(["Akta/Surat keterangan perceraian"])
    assert items[0].alternatives == ["Akta perceraian", "Surat keterangan perceraian"]
    assert report[0].kind == "ambiguity"


# ---- small crafted documents ------------------------------------------------------------------------------


def test_a_minimal_document_parses():
    doc = parse_document(
        document(
            row(1, "MULAI", "- alamat email", "2 Menit", "- Akun"),
            row(2, "Mengisi data", "- Internet", "3 hari kerja", "- Data"),
        )
    )
    [service] = doc.services
    assert service.title == "SOP PELAYANAN ONLINE CONTOH"
    assert [s.duration for s in service.steps] == [(2, "MINUTES"), (3, "WORKING_DAYS")]
    assert service.step("2").output_values == ["Data"]
    assert service.signatory_name == "NAMA KEPALA, S.Sos"


def test_decision_rows_in_a_crafted_document():
    doc = parse_document(
        document(
            row(8, "Pemberitahuan", "", "5 Menit", ""),
            row(9, "Memverifikasi permohonan"),
            "\t\tTdk\t\t\t\t\t\t\t",
            "\t\tya\t\t\t\t\t\t\t",
            row(10, "Mengentri data", "", "2 menit", ""),
        )
    )
    step9 = doc.services[0].step("9")
    assert step9.decision == {"no": "8", "yes": "10"}
    assert any("baris 8, 9" in e.message for e in doc.report)


def test_two_values_without_an_empty_next_step_stay_and_are_reported():
    doc = parse_document(document(row(1, "Mengirim", "- A - B", "2 menit 2 menit", "- X - Y")))
    step = doc.services[0].step("1")
    assert step.output_values == ["X", "Y"]
    assert any(e.kind == "ambiguity" and "lebih dari satu nilai" in e.message for e in doc.report)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "tidak ada satu pun SOP"),
        ("Ini surat biasa.\nTidak ada tabel.\n", 1, "bukan dokumen SOP"),
        ("SOP PELAYANAN ONLINE CONTOH\n\nsebuah paragraf\n", 3, "kepala tabel"),
        (f"SOP PELAYANAN ONLINE CONTOH\n{HEAD}\nbukan kolom\n", 3, "Kelengkapan, Waktu, Output"),
        (document(row(1, "MULAI", "", "2 jam", "")), 6, "kolom Waktu tidak dikenali"),
        (document(row(1, "MULAI"), row("x", "Lanjut")), 7, "harus diawali nomor langkah"),
        (document(row(2, "Dua"), row(1, "Satu")), 7, "mundur dari 2 ke 1"),
        (document(row(1, "MULAI", executors=("Pemohon", "", "", "", ""))), 6, "kolom pelaksana PEMOHON"),
        (document(row(1, "MULAI")) + document(row(1, "MULAI")), 12, "judul SOP ganda"),
        ("SOP PELAYANAN X\n" + HEAD + "\n" + COLS + "\n\n", 1, "tidak memiliki satu pun langkah"),
        ("SOP PELAYANAN X\n\x00\x01", 2, "biner"),
    ],
)
def test_a_file_not_in_the_format_is_refused_with_line_and_reason(text, line, reason):
    with pytest.raises(DocumentRefused) as refused:
        parse_document(text)
    assert refused.value.line == line
    assert reason in refused.value.reason
