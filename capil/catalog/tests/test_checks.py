"""The overlay is checked at start-up: each disagreement with the SOP document is an error naming it."""

import shutil
from pathlib import Path

import pytest
from django.core import checks
from django.test import override_settings

from capil.catalog.checks import check_overlay

DATA = Path(__file__).resolve().parent.parent / "data"


def errors_for(tmp_path, *, overlay_edit=None, document_edit=None):
    shutil.copy(DATA / "sop.txt", tmp_path / "sop.txt")
    shutil.copy(DATA / "overlay.toml", tmp_path / "overlay.toml")
    if overlay_edit:
        path = tmp_path / "overlay.toml"
        text = path.read_text(encoding="utf-8")
        old, new = overlay_edit
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    if document_edit:
        path = tmp_path / "sop.txt"
        text = path.read_text(encoding="utf-8")
        old, new = document_edit
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with override_settings(CAPIL_SOP_DOCUMENT=str(tmp_path / "sop.txt")):
        return [e.msg for e in check_overlay()]


def test_the_bundled_overlay_fits_the_bundled_document():
    assert check_overlay() == []
    assert "catalog" in checks.registry.registry.tags_available()


def test_an_sop_without_an_overlay_entry_is_an_error_naming_it(tmp_path):
    errors = errors_for(
        tmp_path, overlay_edit=('title = "SOP PELAYANAN ONLINE KIA"', 'title = "SOP PELAYANAN ONLINE KIA LAMA"')
    )
    assert any("SOP 'SOP PELAYANAN ONLINE KIA'" in e and "tidak memiliki entri" in e for e in errors)
    assert any("'kia'" in e and "tidak ada di dokumen" in e for e in errors)


def test_an_sop_added_to_the_document_without_an_overlay_entry(tmp_path):
    new_sop = "SOP PELAYANAN ONLINE AKTA KEMATIAN"
    errors = errors_for(tmp_path, document_edit=(new_sop, "SOP PELAYANAN ONLINE AKTA KEMATIAN BARU"))
    assert any("AKTA KEMATIAN BARU" in e for e in errors)
    assert any("'akta-kematian'" in e for e in errors)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (('"8-10" = "OPERATOR"', '"8-10" = "PETUGAS"'), "peran 'PETUGAS' tidak dikenal"),
        (('category = "akta"', 'category = "akte"'), "kategori 'akte' tidak dikenal"),
        (('type = "kk_number"', 'type = "kk"'), "tipe 'kk' yang tidak dikenal"),
        (('output_kind = "akta-kelahiran"', 'output_kind = "akta-lahir"'), "'akta-lahir' tidak ada di OUTPUT_KINDS"),
        (('channel = "BOOKING"', 'channel = "ANTRIAN"'), "kanal 'ANTRIAN' tidak dikenal"),
        (('"jika hilang" = "dokumen_hilang"', '"jika hilang" = "hilang"'), "'hilang' yang bukan isian ya/tidak"),
        (('"16-17" = "OPERATOR", "18" = "ARSIPARIS" }', '"16-17" = "OPERATOR" }'), "langkah 18 tidak memiliki peran"),
        (('fields = ["nik_anak",', 'fields = ["nik_anakku",'), "isian 'nik_anakku' tidak ada di pustaka"),
        (
            ('"dokumen_hilang", "dokumen_rusak", "perubahan_data"]', '"dokumen_rusak", "perubahan_data"]'),
            "memerlukan isian 'dokumen_hilang'",
        ),
        (('requirements_step = "5b"', 'requirements_step = "6"'), "langkah persyaratan 6 tidak ada"),
    ],
)
def test_overlay_mistakes_are_errors(tmp_path, edit, expected):
    errors = errors_for(tmp_path, overlay_edit=edit)
    assert any(expected in e for e in errors), errors


def test_a_missing_or_broken_file_is_an_error(tmp_path):
    with override_settings(CAPIL_SOP_DOCUMENT=str(tmp_path / "none.txt")):
        assert "tidak ditemukan" in check_overlay()[0].msg
    errors = errors_for(tmp_path, overlay_edit=("[executors]", "[executors"))
    assert "bukan TOML" in errors[0]
    errors = errors_for(tmp_path, document_edit=("2\tMengakses web link", "x\tMengakses web link"))
    assert "ditolak" in errors[0] and "baris 27" in errors[0]
