"""The public pages, through HTTP: anyone can read them, in Bahasa Indonesia first."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capil.catalog.tests.factories import catalog_imported

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return response.content.decode()


def test_home_page_lists_every_service_grouped_by_category(client):
    catalog_imported()
    response = client.get(reverse("catalog:home"))
    assert response.status_code == 200
    page = text_of(response)
    assert '<html lang="id">' in page
    for label in ["Akta Pencatatan Sipil", "Kartu Keluarga dan Biodata", "KTP-el dan KIA", "Pindah dan Datang",
                  "Surat Keterangan", "Kerja Sama Pemanfaatan Data"]:  # fmt: skip
        assert label in page
    assert page.count('class="service-card"') == 31
    assert reverse("catalog:service_detail", kwargs={"slug": "akta-kelahiran"}) in page
    assert 'role="search"' in page and '<label for="q">' in page


def test_search_narrows_the_list_and_says_so(client):
    catalog_imported()
    page = text_of(client.get(reverse("catalog:home"), {"q": "akta kelahiran"}))
    assert "layanan cocok dengan “akta kelahiran”" in page
    assert page.count('class="service-card"') < 31
    assert page.index("Akta Kelahiran") < page.index("Pengangkatan Anak")
    nothing = text_of(client.get(reverse("catalog:home"), {"q": "<script>alert(1)</script>"}))
    assert "Tidak ada layanan yang cocok" in nothing
    assert "<script>alert(1)</script>" not in nothing
    long_query = client.get(reverse("catalog:home"), {"q": "x" * 5000})
    assert long_query.status_code == 200


def test_home_page_before_the_catalog_is_imported(client):
    page = text_of(client.get(reverse("catalog:home")))
    assert "Katalog layanan belum diimpor" in page


def test_akta_kelahiran_page_tells_what_to_prepare_how_it_goes_and_what_you_receive(client):
    catalog_imported()
    response = client.get(reverse("catalog:service_detail", kwargs={"slug": "akta-kelahiran"}))
    assert response.status_code == 200
    page = text_of(response)
    for expected in [
        "Akta Kelahiran",
        "SOP PELAYANAN ONLINE AKTA KELAHIRAN",
        "Yang perlu disiapkan",
        "Buku Nikah",
        "Surat Keterangan Kelahiran",
        "Alur layanan",
        "Mengupload berkas persyaratan dengan format jpg",
        "Penandatanganan Elektronik",
        "Kepala Dinas",
        "otomatis oleh sistem",
        "43 menit",
        "Tidak → kembali ke langkah 8",
        "Yang Anda terima",
        "akta kelahiran",
        "Tanpa pungutan biaya",
        "Peraturan Menteri Dalam Negeri Nomor 7 Tahun 2019",
        "Standar Pelayanan",
    ]:
        assert expected in page, expected
    assert page.count('class="step ') == 18
    assert f'href="{reverse("applications:start", kwargs={"slug": "akta-kelahiran"})}"' in page
    assert "Ajukan secara daring" in page


def test_conditions_slots_and_alternatives_are_shown(client):
    catalog_imported()
    page = text_of(client.get(reverse("catalog:service_detail", kwargs={"slug": "cetak-ulang-kk-ktp-el"})))
    assert "Hanya jika hilang" in page and "Hanya jika rusak" in page
    page = text_of(client.get(reverse("catalog:service_detail", kwargs={"slug": "gabung-kk-perkawinan"})))
    assert "KTP suami, KTP istri" in page
    assert "Salah satu dari: Buku Nikah, Akta Perkawinan" in page


def test_counter_booking_and_inter_agency_pages(client):
    catalog_imported()
    counter = text_of(client.get(reverse("catalog:service_detail", kwargs={"slug": "akta-pengakuan-anak"})))
    assert "dilayani di loket" in counter and "Loket Pelayanan" not in counter.split("Alur layanan")[0]
    assert "Jl. Jenderal Sudirman" in counter
    assert "Jam layanan: Senin–Kamis 08.00–16.00, Jumat 08.00–16.30 WITA" in counter
    assert "2 hari kerja" in counter
    assert "/permohonan/baru/" not in counter
    booking = text_of(client.get(reverse("catalog:service_detail", kwargs={"slug": "perekaman-ktp-el"})))
    assert "Pesan jadwal" in booking and "Pelaksana: <strong>Pemohon</strong>" in booking
    assert f'href="{reverse("queueing:booking_start")}"' in booking
    data = text_of(client.get(reverse("catalog:service_detail", kwargs={"slug": "pemanfaatan-data"})))
    assert "22 hari kerja" in data and "Wali Kota" in data
    assert "Anda lakukan sendiri" not in data
    assert "Instansi pengguna mendapatkan user dan password" in data


def test_unknown_service_is_404(client):
    catalog_imported()
    assert client.get("/layanan/tidak-ada/").status_code == 404
    assert client.get("/layanan/tidak-ada/standar-pelayanan/").status_code == 404


def test_standar_pelayanan_page_is_generated_from_the_catalog(client):
    catalog_imported()
    response = client.get(reverse("catalog:standard", kwargs={"slug": "akta-kelahiran"}))
    assert response.status_code == 200
    page = text_of(response)
    for expected in [
        "STANDAR PELAYANAN",
        "SOP PELAYANAN ONLINE AKTA KELAHIRAN",
        "Dasar hukum",
        "Persyaratan",
        "Jangka waktu",
        "Tanpa pungutan biaya",
        "Sarana dan prasarana",
        "PC/Laptop",
        "Kompetensi pelaksana",
        "Kepala Seksi",
        "HASBULLAH HELMI, AP., M.Si",
        "Jumlah waktu baku",
        "data-print",
    ]:
        assert expected in page, expected
    assert page.count("<tr>") >= 18


def test_pages_in_english(client):
    catalog_imported()
    client.cookies["django_language"] = "en"
    page = text_of(client.get(reverse("catalog:service_detail", kwargs={"slug": "akta-kelahiran"})))
    assert '<html lang="en">' in page
    assert "What to prepare" in page
    assert "Free of charge" in page


@override_settings(CAPIL_OFFICE_HOURS={0: ("07:30", "15:30"), 1: ("07:30", "15:30"), 5: ("08:00", "12:00")})
def test_office_hours_follow_the_working_day_calendar(client):
    """The counters' hours on the page are the working-day calendar's own setting, not a second copy."""
    catalog_imported()
    page = text_of(client.get(reverse("catalog:service_detail", kwargs={"slug": "akta-pengakuan-anak"})))
    assert "Senin–Selasa 07.30–15.30, Sabtu 08.00–12.00 WITA" in page


def test_without_the_applications_context_the_page_shows_the_office(client, monkeypatch):
    """Before a context defines its URL, the call to action falls back to the office, never a dead link."""
    catalog_imported()
    from capil.catalog import views

    assert views._link("tidak-ada:halaman", slug="x") == ""
    monkeypatch.setattr(views, "_link", lambda name, **kwargs: "")
    page = text_of(client.get(reverse("catalog:service_detail", kwargs={"slug": "akta-kelahiran"})))
    assert "Pengajuan daring segera dibuka" in page and "Jl. Jenderal Sudirman" in page
    booking = text_of(client.get(reverse("catalog:service_detail", kwargs={"slug": "perekaman-ktp-el"})))
    assert "Pemesanan jadwal daring segera dibuka" in booking


def test_the_pages_show_a_new_import_at_once_though_each_process_keeps_what_it_read(client):
    """The home list and the service page are kept per process by the versions' (id, content hash); an import
    of an edited document is on the next request."""
    from capil.catalog.services import catalog_import
    from capil.catalog.tests.factories import overlay, sop_text

    catalog_imported()
    detail = reverse("catalog:service_detail", kwargs={"slug": "akta-kelahiran"})
    assert "Pas foto, KTP" not in text_of(client.get(detail))
    client.get(reverse("catalog:home"))
    with CaptureQueriesContext(connection) as again:
        client.get(reverse("catalog:home"))
    assert not any("form_fields" in query["sql"] for query in again.captured_queries)  # the list is kept
    edited = sop_text().replace(
        "- Buku Nikah, KTP, Kartu Keluarga, Surat Keterangan Kelahiran\t10 Menit",
        "- Buku Nikah, KTP, Kartu Keluarga, Surat Keterangan Kelahiran, Pas foto KTP\t15 Menit",
    )
    catalog_import(text=edited, overlay=overlay())
    assert "Pas foto KTP" in text_of(client.get(detail))
    assert "akta-kelahiran" in text_of(client.get(reverse("catalog:home"), {"q": "pas foto ktp"}))
