"""Fetch pages from a running ./start and fail loudly when any is not what a visitor should see."""

import sys
import urllib.request

base = sys.argv[1].rstrip("/")
PAGES = [
    ("/", "Capil Online"),
    ("/", "Akta Kelahiran"),
    ("/?q=akta", "Akta Kematian"),
    ("/layanan/akta-kelahiran/", "Surat Keterangan Kelahiran"),
    ("/layanan/akta-kelahiran/standar-pelayanan/", "STANDAR PELAYANAN"),
    ("/arsip/", 'name="password"'),  # the archive is for staff: a visitor is sent to sign in
    ("/akun/masuk/", "Nomor HP atau email"),
    ("/akun/daftar/", "Nama lengkap"),
    ("/akun/lupa-sandi/", "Lupa kata sandi"),
    ("/permohonan/baru/", 'name="password"'),  # applying needs a verified account: a visitor signs in first
    ("/kantor/antrean/", 'name="password"'),  # the back office likewise
]
for path, expected in PAGES:
    with urllib.request.urlopen(base + path, timeout=30) as response:
        body = response.read().decode()
        if response.status != 200 or expected not in body:
            sys.exit(f"{path}: status {response.status}, expected text {expected!r} missing")
    print(f"{path}: 200, contains {expected!r}")
