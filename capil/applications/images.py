"""Uploaded document photos: accepted by content, decoded, cleaned and re-encoded as one kind of JPEG.

A citizen's upload is never stored as sent. `normalise_upload` reads at most MAX_UPLOAD_BYTES (+1 to know the
file is larger), recognises the format from the first bytes (never the file name), checks the pixel count
from the header *before* anything is decoded, decodes the whole image (a truncated file is refused, not
padded), turns it upright by its EXIF orientation, converts it to sRGB RGB, shrinks it to at most
MAX_LONG_EDGE pixels on the long edge and writes a fresh baseline JPEG without any metadata (no EXIF, no GPS,
no XMP, no ICC, no comment). Whatever followed the image data in the original (a script appended to a JPEG,
a second image, …) is gone because only decoded pixels are written.

Refusals raise `UploadRejected(code, message)`: `code` is stable (tests, logs, analytics), `message` is a
sentence in Bahasa Indonesia (translated when the active language is English) that names the slot and says
what to do.

Why these limits:
- 10 MB: a 12-MP phone photo is 2–5 MB as JPEG and HEIC; a scan that is larger is almost surely a RAW or an
  uncompressed export that the applicant can re-save.
- 50 megapixels: the largest phone sensors in common use (50 MP modes) fit; decoding more would cost several
  hundred MB per request. Pillow's own bomb guard (Image.MAX_IMAGE_PIXELS) is set to the same figure, so
  anything beyond twice the limit is refused by Pillow while the header is read, and our own check refuses
  everything above the limit before `load()`.
- At least 800 × 600 pixels (long edge ≥ 800, short edge ≥ 600). The WhatsApp copy of the family card in the
  samples is 640 × 480 and its sixteen-digit NIKs are 4–5 pixels tall: no operator can read them, so checking
  it would mean a rejection at step 9 days later; refusing it now, with a reason, saves the applicant that
  trip. The 3×4 passport photo in the samples (708 × 945) and every phone photo pass.
- 2000 pixels on the long edge: an A4 document across 2000 px is ~7 px per mm, enough to read the smallest
  print on a KK or a birth letter at 100 % zoom, at ~300–600 KB per file instead of 3–5 MB.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass

import pillow_heif
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 50_000_000
MIN_LONG_EDGE = 800
MIN_SHORT_EDGE = 600
MAX_LONG_EDGE = 2000
JPEG_QUALITY = 85
_READ_CHUNK = 256 * 1024

# Pillow refuses to open an image above 2 × MAX_IMAGE_PIXELS (DecompressionBombError) and warns above it.
# Setting it to our limit makes the 30000 × 30000 PNG bomb fail while its header is read; our own check below
# refuses 50–100 MP images before decoding. Process-wide on purpose: no code in this project should decode
# more than this.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# HEIC/HEIF (iPhone photos) through libheif. The bundled HEIF decoder applies the container's rotation
# itself and resets the EXIF orientation to 1, so exif_transpose below does not rotate it twice.
pillow_heif.register_heif_opener()

# HEIF brands of still images in the HEVC family that iPhones and Android phones write ("heic", "heix",
# "mif1" …). AVIF ("avif"/"avis") is not accepted: the issue names four formats.
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}

ACCEPTED_FORMATS = ("JPEG", "PNG", "HEIF", "WEBP")
# What Pillow may call a file of each accepted kind. Many phone cameras (Samsung, portrait/depth modes) write
# MPO: a normal JPEG followed by extra frames (a depth map, a preview); Pillow names it "MPO". The first frame
# is the photo.
_PILLOW_FORMATS = {"JPEG": ("JPEG", "MPO"), "PNG": ("PNG",), "HEIF": ("HEIF",), "WEBP": ("WEBP",)}

_MESSAGES = {
    "empty": _(
        "Berkas untuk %(slot)s kosong (0 byte). Pilih kembali foto dokumennya, lalu unggah ulang."
    ),
    "too_large": _(
        "Berkas untuk %(slot)s terlalu besar (lebih dari %(limit_mb)s MB). Unggah foto langsung dari kamera "
        "ponsel, atau simpan ulang dengan ukuran lebih kecil, lalu unggah ulang."
    ),
    "unsupported_type": _(
        "Berkas untuk %(slot)s bukan foto yang dapat diterima. Unggah foto dokumen berformat JPG, PNG, HEIC, "
        "atau WebP; berkas PDF, dokumen Office, dan jenis lain tidak diterima."
    ),
    "corrupt": _(
        "Foto untuk %(slot)s rusak atau tidak lengkap sehingga tidak dapat dibuka. Unggah ulang berkasnya; "
        "jika masih gagal, foto ulang dokumennya."
    ),
    "too_many_pixels": _(
        "Resolusi foto untuk %(slot)s terlalu besar (%(megapixels)s megapiksel; batasnya %(limit_mp)s "
        "megapiksel). Foto ulang dengan pengaturan kamera biasa, lalu unggah ulang."
    ),
    "too_small": _(
        "Resolusi foto untuk %(slot)s terlalu kecil (%(width)s×%(height)s piksel; minimal %(min_long)s×"
        "%(min_short)s piksel), sehingga tulisan pada dokumen tidak dapat dibaca petugas. Foto ulang dokumen "
        "langsung dengan kamera ponsel dan unggah foto aslinya, bukan salinan yang diteruskan lewat WhatsApp "
        "atau aplikasi chat lain."
    ),
}


class UploadRejected(Exception):
    """An upload that will not be stored. `code` is stable; `message` is read by the applicant."""

    def __init__(self, code: str, *, slot_label: str, **params):
        self.code = code
        self.params = {"slot": slot_label, **params}
        super().__init__(code)

    @property
    def message(self) -> str:
        # Rendered when read, in the language active then (the request's), not when raised.
        return str(_MESSAGES[self.code]) % {key: str(value) for key, value in self.params.items()}

    def __str__(self) -> str:
        return self.message

    def as_validation_error(self):
        """For a form field: `form.add_error("file", exc.as_validation_error())`."""
        from django.core.exceptions import ValidationError

        return ValidationError(self.message, code=self.code)


@dataclass(frozen=True)
class NormalisedImage:
    jpeg_bytes: bytes
    width: int
    height: int
    sha256: str
    original_format: str  # "JPEG", "PNG", "HEIF" or "WEBP" — what the content was, not what the name said
    original_size: int  # bytes as uploaded

    @property
    def size(self) -> int:
        return len(self.jpeg_bytes)


def normalise_upload(fileobj, *, slot_label: str) -> NormalisedImage:
    """Accept one uploaded photo for the slot `slot_label` or raise UploadRejected. See the module docstring."""
    data = _read_limited(fileobj, slot_label=slot_label)
    detected = sniff_format(data)
    if detected is None:
        raise UploadRejected("unsupported_type", slot_label=slot_label)
    try:
        image = Image.open(io.BytesIO(data), formats=[detected])
    except Image.DecompressionBombError:
        # Pillow refused while reading the header: more than twice MAX_PIXELS.
        raise UploadRejected(
            "too_many_pixels", slot_label=slot_label, megapixels=_header_megapixels(data, detected),
            limit_mp=MAX_PIXELS // 1_000_000,
        ) from None
    except Exception as exc:  # noqa: BLE001 — any decoder fault on a hostile file is a refusal, never a 500
        logger.info("upload refused: cannot open %s content (%s)", detected, type(exc).__name__)
        raise UploadRejected("corrupt", slot_label=slot_label) from None
    with image:
        if image.format not in _PILLOW_FORMATS[detected]:
            raise UploadRejected("unsupported_type", slot_label=slot_label)
        width, height = image.size
        _check_dimensions(width, height, slot_label=slot_label)
        if not is_complete(data, detected):
            # Checked on the file's structure, not left to the decoder: Pillow pads a truncated image with grey
            # when ImageFile.LOAD_TRUNCATED_IMAGES is on, and WeasyPrint (documents) turns it on for the whole
            # process when it is imported.
            raise UploadRejected("corrupt", slot_label=slot_label)
        try:
            pixels = _decode(image)
        except UploadRejected:
            raise
        except Exception as exc:  # noqa: BLE001 — truncated or malformed pixel data: refuse, never pad
            logger.info("upload refused: %s decode failed (%s)", detected, type(exc).__name__)
            raise UploadRejected("corrupt", slot_label=slot_label) from None
        # Inside the `with`: for a small upright RGB photo `pixels` is the opened image itself.
        jpeg_bytes = _encode(pixels)
    return NormalisedImage(
        jpeg_bytes=jpeg_bytes,
        width=pixels.width,
        height=pixels.height,
        sha256=hashlib.sha256(jpeg_bytes).hexdigest(),
        original_format=detected,
        original_size=len(data),
    )


def sniff_format(data: bytes) -> str | None:
    """The Pillow format name of `data` judged by its magic bytes, or None if it is not one we accept."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "HEIF"
    return None


def is_complete(data: bytes, detected: str) -> bool:
    """Whether the file's structure runs to its proper end: a JPEG reaches its EOI marker (the first image's,
    for MPO), a PNG its IEND chunk, a WebP the length its RIFF header declares, a HEIF its last box. Bytes after
    that end (html_appended.jpg) do not make a file incomplete; they are dropped by re-encoding."""
    if detected == "JPEG":
        return _jpeg_complete(data)
    if detected == "PNG":
        return _png_complete(data)
    if detected == "WEBP":
        return len(data) >= 8 + int.from_bytes(data[4:8], "little")
    if detected == "HEIF":
        return _isobmff_complete(data)
    return False


_JPEG_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def _jpeg_complete(data: bytes) -> bool:
    size, pos = len(data), 2
    while pos + 1 < size:
        if data[pos] != 0xFF:
            return False
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker == 0xD9:  # EOI
            return True
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            pos += 2
            continue
        if pos + 4 > size:
            return False
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2:
            return False
        pos += 2 + length
        if marker != 0xDA:
            continue
        # Start of scan: entropy-coded data runs to the next marker; inside it 0xFF is followed by 0x00
        # (a stuffed byte), a restart marker or another 0xFF (fill).
        found = _JPEG_NEXT_MARKER.search(data, pos)
        if found is None:
            return False
        pos = found.start()
    return False


def _png_complete(data: bytes) -> bool:
    size, pos = len(data), 8
    while pos + 12 <= size:
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        pos += 12 + length
        if pos > size:
            return False
        if kind == b"IEND":
            return True
    return False


def _isobmff_complete(data: bytes) -> bool:
    """HEIF is a sequence of boxes (32-bit size, or 64-bit when the size is 1, or "to the end" when 0)."""
    size, pos = len(data), 0
    while pos < size:
        if pos + 8 > size:
            return False
        box_size = int.from_bytes(data[pos : pos + 4], "big")
        if box_size == 0:
            return True
        if box_size == 1:
            if pos + 16 > size:
                return False
            box_size = int.from_bytes(data[pos + 8 : pos + 16], "big")
        if box_size < 8 or pos + box_size > size:
            return False
        pos += box_size
    return True


def _read_limited(fileobj, *, slot_label: str) -> bytes:
    """Read the whole upload, but never more than MAX_UPLOAD_BYTES + 1 bytes."""
    if isinstance(fileobj, bytes | bytearray):
        data = bytes(fileobj[: MAX_UPLOAD_BYTES + 1])
    else:
        declared = getattr(fileobj, "size", None)
        if isinstance(declared, int) and declared > MAX_UPLOAD_BYTES:
            raise UploadRejected("too_large", slot_label=slot_label, limit_mb=MAX_UPLOAD_BYTES // (1024 * 1024))
        if hasattr(fileobj, "seek") and getattr(fileobj, "seekable", lambda: True)():
            fileobj.seek(0)
        buffer = bytearray()
        while len(buffer) <= MAX_UPLOAD_BYTES:
            chunk = fileobj.read(min(_READ_CHUNK, MAX_UPLOAD_BYTES + 1 - len(buffer)))
            if not chunk:
                break
            buffer += chunk
        data = bytes(buffer)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRejected("too_large", slot_label=slot_label, limit_mb=MAX_UPLOAD_BYTES // (1024 * 1024))
    if not data:
        raise UploadRejected("empty", slot_label=slot_label)
    return data


def _check_dimensions(width: int, height: int, *, slot_label: str) -> None:
    if width * height > MAX_PIXELS:
        raise UploadRejected(
            "too_many_pixels", slot_label=slot_label, megapixels=round(width * height / 1_000_000),
            limit_mp=MAX_PIXELS // 1_000_000,
        )
    if max(width, height) < MIN_LONG_EDGE or min(width, height) < MIN_SHORT_EDGE:
        raise UploadRejected(
            "too_small", slot_label=slot_label, width=width, height=height, min_long=MIN_LONG_EDGE,
            min_short=MIN_SHORT_EDGE,
        )


def _header_megapixels(data: bytes, detected: str) -> int | str:
    """Megapixels of a bomb, for the message, read from the PNG header without Pillow; "?" otherwise."""
    if detected == "PNG" and data[12:16] == b"IHDR":
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        return round(width * height / 1_000_000)
    return "?"


def _decode(image: Image.Image) -> Image.Image:
    """Decode fully, upright, RGB in sRGB, at most MAX_LONG_EDGE on the long edge."""
    width, height = image.size
    scale = MAX_LONG_EDGE / max(width, height)
    target = (max(1, round(width * scale)), max(1, round(height * scale))) if scale < 1 else (width, height)
    if image.format in ("JPEG", "MPO") and scale < 1:
        # libjpeg scales by 1/2, 1/4 or 1/8 while decoding (never below `target`): a 12-MP photo is decoded
        # straight into 2000 × 1500 pixels, a quarter of the memory and time of a full decode.
        image.draft(image.mode, target)
    icc_profile = image.info.get("icc_profile")
    exif = image.getexif()  # read before load(); exif_transpose needs only the orientation tag
    orientation = exif.get(0x0112, 1)
    image.load()  # a decoder error raises; truncation was ruled out before (is_complete)

    # Each step makes a new image; the one before it is released at once (`_then`), so that at most two
    # decoded copies exist at any moment (a 2000 x 1500 RGB image is 12 MB in Pillow) and a web worker's memory
    # peaks ~12 MB lower during an upload (issue 8). The opened `image` may be released too: the caller only
    # closes it afterwards.
    pixels = _then(image, _to_srgb_rgb(image, icc_profile))
    if pixels.size != target:
        pixels = _then(pixels, pixels.resize(target, Image.Resampling.LANCZOS, reducing_gap=2.0))
    if orientation in (2, 3, 4, 5, 6, 7, 8):
        pixels = _then(pixels, pixels.transpose(
            {
                2: Image.Transpose.FLIP_LEFT_RIGHT,
                3: Image.Transpose.ROTATE_180,
                4: Image.Transpose.FLIP_TOP_BOTTOM,
                5: Image.Transpose.TRANSPOSE,
                6: Image.Transpose.ROTATE_270,
                7: Image.Transpose.TRANSVERSE,
                8: Image.Transpose.ROTATE_90,
            }[orientation]
        ))
    return pixels


def _then(previous: Image.Image, result: Image.Image) -> Image.Image:
    """`result`, after releasing `previous`'s pixels when it is a different image."""
    if result is not previous:
        previous.close()
    return result


def _to_srgb_rgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        # 16-bit or float greyscale (scanner exports): scale to 8 bits rather than clipping at 255.
        image = image.convert("F").point(lambda value: value / 256 if mode != "F" else value * 255).convert("L")
        mode = "L"
    if mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        mode = image.mode
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        # Transparent areas become white paper, not black.
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        image, mode = background, "RGB"
    if icc_profile and mode in ("RGB", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            return ImageCms.profileToProfile(
                image, source, ImageCms.createProfile("sRGB"), outputMode="RGB",
                renderingIntent=ImageCms.Intent.PERCEPTUAL,
            )
        except (ImageCms.PyCMSError, OSError, ValueError) as exc:
            # A broken profile must not refuse a readable photo; fall back to the naive conversion.
            logger.info("upload: ignoring unusable ICC profile (%s)", type(exc).__name__)
    if image.mode != "RGB":
        image = image.convert("RGB")
    return image


def _encode(pixels: Image.Image) -> bytes:
    out = io.BytesIO()
    # Baseline (not progressive): measured faster to encode and decode for the same size at this quality;
    # optimize=True (Huffman tables per image) saves ~5–8 % for a few ms. No exif/icc/xmp/comment arguments:
    # the output carries pixels and the JFIF header only.
    pixels.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=False, subsampling="4:2:0")
    return out.getvalue()
