"""HTML/CSS → PDF with WeasyPrint. The page layout (office heading, data, place and date of issue, signer,
QR code and the electronic-signature line) is a Django template: the default for each kind is a file under
templates/documents/pdf/, and an office may replace it with its own, stored in the database
(`DocumentTemplate`) and edited on the admin page. The database, not a directory, holds the office's
version because web processes on several machines must print the same template, and every change is
audited and can be undone by deleting the row.

Rendering never touches the network: the only resources a template may use are data: URIs (the QR code
and the logo are embedded that way), so a template cannot make the server fetch URLs."""

from __future__ import annotations

import base64
import hashlib
import io
import mimetypes
import threading
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.template import TemplateDoesNotExist, engines
from django.template.loader import get_template
from django.utils import formats, translation
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .kinds import OutputKind, display_sections, display_tables, display_value
from .models import DocumentTemplate

SIGNATURE_ANCHOR = "tte"  # the element whose box becomes the visible signature field
CSS_PX_TO_PT = 0.75


class _DataURIFetcher(URLFetcher):
    """Serves data: URIs only. WeasyPrint's default fetcher builds an SSL context on every document
    (~50 ms) and would follow any URL a template names."""

    def __init__(self):  # no opener handlers, no SSL context
        self._request = None

    def fetch(self, url, headers=None):
        if not url.startswith("data:"):
            raise ValueError("only data: URIs may be used in document templates")
        # Only data: URIs reach this line (checked above).
        request = urllib.request.Request(url)  # noqa: S310
        with urllib.request.DataHandler().data_open(request) as response:
            body = response.read()
            return URLFetcherResponse(url, body, {"Content-Type": response.headers.get("Content-Type", "")})


_local = threading.local()


def _font_config():
    # Loading fonts is the slow part of a first render; each thread keeps its configuration.
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_local, "fonts", None) is None:
        _local.fonts = FontConfiguration()
    return _local.fonts


def _page_css(landscape: bool) -> CSS:
    key = "css_landscape" if landscape else "css_portrait"
    if getattr(_local, key, None) is None:
        size = "A4 landscape" if landscape else "A4"
        setattr(_local, key, CSS(string=f"@page {{ size: {size}; }}", font_config=_font_config()))
    return getattr(_local, key)


def qr_data_uri(text: str) -> str:
    """An SVG QR code (vector: sharp at any print resolution), medium error correction so a creased paper
    still scans."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, box_size=10)
    qr.add_data(text)
    qr.make(fit=True)
    image = qr.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _logo_data_uri() -> str:
    path = settings.CAPIL_DOCUMENTS.get("LOGO") or ""
    if not path:
        return ""
    file = Path(path)
    if not file.is_file():
        return ""
    mime = mimetypes.guess_type(file.name)[0] or "image/png"
    return f"data:{mime};base64," + base64.b64encode(file.read_bytes()).decode()


def default_template_name(kind: OutputKind) -> str:
    specific = f"documents/pdf/{kind.slug}.html"
    try:
        get_template(specific)
        return specific
    except TemplateDoesNotExist:  # the kind uses the generic layout
        return "documents/pdf/default.html"


def default_template_source(kind: OutputKind) -> str:
    template = get_template(default_template_name(kind))
    return Path(template.origin.name).read_text(encoding="utf-8")


def template_source(kind: OutputKind) -> tuple[str, bool]:
    """The source in force for `kind` and whether it is the office's own (True) or the default."""
    own = DocumentTemplate.objects.filter(kind=kind.slug).values_list("source", flat=True).first()
    if own is not None:
        return own, True
    return default_template_source(kind), False


def _spell(n: int) -> str:
    """A whole number in Indonesian words (dates on a kutipan akta are written out)."""
    units = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh",
             "sebelas"]
    if n < 12:
        return units[n]
    if n < 20:
        return f"{units[n - 10]} belas"
    if n < 100:
        return f"{units[n // 10]} puluh" + (f" {units[n % 10]}" if n % 10 else "")
    if n < 200:
        return "seratus" + (f" {_spell(n - 100)}" if n - 100 else "")
    if n < 1000:
        return f"{units[n // 100]} ratus" + (f" {_spell(n % 100)}" if n % 100 else "")
    if n < 2000:
        return "seribu" + (f" {_spell(n - 1000)}" if n - 1000 else "")
    return f"{_spell(n // 1000)} ribu" + (f" {_spell(n % 1000)}" if n % 1000 else "")


def date_in_words(value) -> str:
    import datetime

    day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
    with translation.override("id"):
        month = formats.date_format(day, "F")
    return f"{_spell(day.day)} {month} {_spell(day.year)}"


@dataclass
class RenderedPDF:
    pdf: bytes
    signature_page: int
    signature_box: tuple[float, float, float, float]  # PDF points, origin bottom-left
    template_sha256: str


def build_context(*, kind: OutputKind, data: dict, number: str, code: str, verification_url: str,
                  issued_at, signer_name: str, signer_title: str, signer_nip: str, preview: bool = False) -> dict:
    office = settings.CAPIL_OFFICE
    docs = settings.CAPIL_DOCUMENTS
    values = {f.name: display_value(f, data.get(f.name)) for f in kind.fields}
    words = {f.name: date_in_words(data[f.name]) for f in kind.fields if f.type == "date" and data.get(f.name)}
    with translation.override("id"):
        from django.utils import timezone

        issued_local = timezone.localtime(issued_at)
        issued_on = formats.date_format(issued_local, "j F Y")
    return {
        "office": {**office, "government": docs.get("GOVERNMENT", ""), "logo": _logo_data_uri()},
        "kind": kind,
        "data": data,
        "v": values,
        "words": words,
        "sections": display_sections(kind, data),
        "tables": display_tables(kind, data),
        "number": number,
        "code": code,
        "verification_url": verification_url,
        "qr": qr_data_uri(verification_url),
        "issued_place": office.get("city", ""),
        "issued_on": issued_on,
        "signer": {"name": signer_name, "title": signer_title, "nip": signer_nip},
        "preview": preview,
        "anchor": SIGNATURE_ANCHOR,
    }


def render_html(kind: OutputKind, context: dict, *, source: str | None = None) -> tuple[str, str]:
    """(html, sha256 of the template source used). `source` overrides the template in force (preview)."""
    if source is None:
        source, _own = template_source(kind)
    template = engines["django"].from_string(source)
    with translation.override("id"):
        html = template.render(context)
    return html, hashlib.sha256(source.encode()).hexdigest()


def render_pdf(kind: OutputKind, html: str, template_sha256: str) -> RenderedPDF:
    document = HTML(string=html, url_fetcher=_DataURIFetcher(), base_url="data:,").render(
        font_config=_font_config(), stylesheets=[_page_css(kind.landscape)])
    page_index, box = None, None
    for index, page in enumerate(document.pages):
        if SIGNATURE_ANCHOR in page.anchors:
            page_index = index
            x1, y1, x2, y2 = page.anchors[SIGNATURE_ANCHOR]
            height_pt = page.height * CSS_PX_TO_PT
            box = (x1 * CSS_PX_TO_PT, height_pt - y2 * CSS_PX_TO_PT, x2 * CSS_PX_TO_PT, height_pt - y1 * CSS_PX_TO_PT)
    if page_index is None:
        raise ValueError(f"the template of {kind.slug} has no element with id={SIGNATURE_ANCHOR!r}")
    pdf = document.write_pdf()
    return RenderedPDF(pdf=pdf, signature_page=page_index, signature_box=box, template_sha256=template_sha256)
