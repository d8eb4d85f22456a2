"""A web worker loads every URL module at start; the PDF stack (WeasyPrint ≈ 45 MB, pyHanko ≈ 45 MB) must not come
with them — it is imported by the requests that render or sign (issue 8: a worker within 150 MB)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_loading_every_url_does_not_import_the_pdf_stack():
    code = (
        "import os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'capil.settings.test');"
        "import django; django.setup();"
        "from django.urls import get_resolver; get_resolver().url_patterns;"
        "from django.core.handlers.wsgi import WSGIHandler; WSGIHandler();"
        "heavy = sorted(m for m in ('weasyprint', 'pyhanko', 'pyhanko_certvalidator') if m in sys.modules);"
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            check=True)
    assert result.stdout.strip() == "", f"imported at start: {result.stdout.strip()}"
