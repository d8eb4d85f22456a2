"""Uploaded photos: what is accepted, what is refused and why, and what the stored JPEG looks like.

The samples under tests/samples/ are copies of /work/shared/samples (documents/ and hostile/, see the README
there), kept in the repository so the tests run on a clean clone.
"""

import functools
import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageFile, ImageStat

from capil.applications import images
from capil.applications.images import MAX_LONG_EDGE, MAX_UPLOAD_BYTES, UploadRejected, normalise_upload

SAMPLES = Path(__file__).parent / "samples"
DOCUMENTS = SAMPLES / "documents"
HOSTILE = SAMPLES / "hostile"
SLOT = "Kartu Keluarga"

# (file, "portrait"|"landscape") — how the document reads when upright, checked against the photos.
PHONE_PHOTOS = [
    ("buku_nikah.jpg", "portrait"),  # pixels sideways, EXIF orientation 6
    ("kartu_keluarga.jpg", "landscape"),  # stored portrait, orientation 6
    ("ktp_ayah.jpg", "landscape"),  # stored portrait, orientation 6
    ("ktp_ibu.jpg", "landscape"),  # orientation 1
    ("surat_kehilangan_polisi.jpg", "portrait"),  # orientation 6
    ("surat_keterangan_kelahiran.jpg", "portrait"),  # orientation 8
    ("kartu_keluarga_iphone.heic", "landscape"),  # HEIC, rotation in the container
]

# Every file in samples/hostile and the answer its README describes.
HOSTILE_EXPECTED = {
    "empty.jpg": "empty",
    "pdf_renamed.jpg": "unsupported_type",
    "svg_script.jpg": "unsupported_type",
    "exe_renamed.jpg": "unsupported_type",
    "truncated.jpg": "corrupt",
    "bomb_png_renamed.jpg": "too_many_pixels",
    "html_appended.jpg": "accepted",
    "ok_cmyk.jpg": "accepted",
    "ok_grayscale.jpg": "accepted",
    "ok_progressive.jpg": "accepted",
    "ok_png_named_jpg.jpg": "accepted",
}


@functools.cache
def normalised_document(name: str):
    """Each 12-MP sample normalised once per test session (decoding a HEIC takes about a second)."""
    return normalise_upload(io.BytesIO((DOCUMENTS / name).read_bytes()), slot_label=SLOT)


def jpeg_markers(data: bytes) -> list[int]:
    """The marker bytes of a JPEG's header segments, up to the start of scan."""
    assert data[:2] == b"\xff\xd8"
    markers, pos = [], 2
    while pos < len(data):
        assert data[pos] == 0xFF
        marker = data[pos + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            return markers
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        pos += 2 + length
    return markers


def assert_clean_jpeg(result) -> Image.Image:
    data = result.jpeg_bytes
    markers = jpeg_markers(data)
    # Only JFIF (APP0), quantisation/Huffman tables and frame headers: no EXIF/XMP (APP1), ICC (APP2),
    # Adobe/Photoshop (APP13/APP14) or comment (COM) segments.
    assert not [m for m in markers if 0xE1 <= m <= 0xEF or m == 0xFE], [hex(m) for m in markers]
    assert 0xC0 in markers  # baseline
    assert data.endswith(b"\xff\xd9")
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    assert not image.getexif()
    assert "icc_profile" not in image.info
    assert image.size == (result.width, result.height)
    assert max(image.size) <= MAX_LONG_EDGE
    return image


def jpeg_of(image: Image.Image, **kwargs) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, **kwargs)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares width × height, with a token of image data: enough to be identified."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(
        b"IEND", b""
    )


@pytest.fixture
def no_decoding(monkeypatch):
    """Fails the test if any image's pixel data is decoded."""
    calls = []

    def load(self):
        calls.append(self.size)
        raise AssertionError("pixel data decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return calls


@pytest.mark.parametrize("name", sorted(p.name for p in HOSTILE.iterdir() if p.suffix == ".jpg"))
def test_every_hostile_sample_gets_the_answer_its_readme_describes(name):
    expected = HOSTILE_EXPECTED[name]  # a new sample without an expected answer fails here
    with open(HOSTILE / name, "rb") as fh:
        if expected == "accepted":
            result = normalise_upload(fh, slot_label=SLOT)
            assert_clean_jpeg(result)
        else:
            with pytest.raises(UploadRejected) as caught:
                normalise_upload(fh, slot_label=SLOT)
            assert caught.value.code == expected
            assert SLOT in caught.value.message


def test_html_appended_to_a_jpeg_is_stored_as_the_reencoded_image_only():
    original = (HOSTILE / "html_appended.jpg").read_bytes()
    assert b"<script>" in original
    result = normalise_upload(io.BytesIO(original), slot_label=SLOT)
    assert b"<script" not in result.jpeg_bytes
    assert b"<html" not in result.jpeg_bytes
    assert b"document.cookie" not in result.jpeg_bytes
    assert result.jpeg_bytes.endswith(b"\xff\xd9")
    assert (result.width, result.height) == (1200, 900)


def test_png_named_jpg_is_judged_by_content():
    result = normalise_upload(io.BytesIO((HOSTILE / "ok_png_named_jpg.jpg").read_bytes()), slot_label=SLOT)
    assert result.original_format == "PNG"
    assert_clean_jpeg(result)


def test_cmyk_jpeg_keeps_its_colours():
    """Adobe CMYK JPEGs are stored inverted; a naive conversion would give a negative. The sample is a light
    paper document: it must stay light."""
    result = normalise_upload(io.BytesIO((HOSTILE / "ok_cmyk.jpg").read_bytes()), slot_label=SLOT)
    image = assert_clean_jpeg(result)
    with Image.open(HOSTILE / "ok_grayscale.jpg") as reference:
        reference_mean = ImageStat.Stat(reference.convert("L")).mean[0]
    assert abs(ImageStat.Stat(image.convert("L")).mean[0] - reference_mean) < 20


@pytest.mark.parametrize(("name", "shape"), PHONE_PHOTOS)
def test_phone_photo_comes_out_upright_small_and_without_metadata(name, shape):
    raw = (DOCUMENTS / name).read_bytes()
    result = normalised_document(name)
    image = assert_clean_jpeg(result)
    assert max(image.size) == MAX_LONG_EDGE  # 12-MP photos are downscaled, exactly to the limit
    if shape == "portrait":
        assert image.height > image.width
    else:
        assert image.width > image.height
    # Upright rather than upside down: on every one of these documents the printed text sits in the upper
    # half of the paper and the lower half is mostly blank (a stamp at most), so the upper band is darker.
    grey = image.convert("L")
    w, h = grey.size
    upper = ImageStat.Stat(grey.crop((w // 4, int(h * 0.15), 3 * w // 4, int(h * 0.45)))).mean[0]
    lower = ImageStat.Stat(grey.crop((w // 4, int(h * 0.55), 3 * w // 4, int(h * 0.85)))).mean[0]
    assert upper < lower
    # GPS coordinates and the camera model were in the original; not a trace of them remains.
    with Image.open(io.BytesIO(raw)) as original:
        exif = original.getexif()
        assert exif.get_ifd(0x8825)  # GPS IFD
        model = exif[0x0110]
    assert model.encode() in raw
    assert model.encode() not in result.jpeg_bytes
    assert b"Exif" not in result.jpeg_bytes
    assert result.original_size == len(raw)
    assert len(result.jpeg_bytes) < len(raw)


def test_heic_sample_is_accepted_and_normalised():
    result = normalised_document("kartu_keluarga_iphone.heic")
    assert result.original_format == "HEIF"
    assert (result.width, result.height) == (2000, 1500)
    assert_clean_jpeg(result)


def test_passport_photo_is_accepted_at_its_size():
    result = normalise_upload(io.BytesIO((DOCUMENTS / "pas_foto_3x4.jpg").read_bytes()), slot_label="Pas foto 3×4")
    assert (result.width, result.height) == (708, 945)
    assert_clean_jpeg(result)


def test_whatsapp_copy_is_refused_as_too_small_with_the_reason_and_what_to_do():
    with pytest.raises(UploadRejected) as caught:
        normalise_upload(io.BytesIO((DOCUMENTS / "kartu_keluarga_whatsapp_320.jpg").read_bytes()), slot_label=SLOT)
    assert caught.value.code == "too_small"
    message = caught.value.message
    assert "Kartu Keluarga" in message
    assert "640×480" in message  # what it is
    assert "800×600" in message  # what is needed
    assert "tidak dapat dibaca" in message  # why
    assert "Foto ulang" in message and "WhatsApp" in message  # what to do


def test_result_carries_the_hash_of_the_stored_bytes():
    import hashlib

    result = normalise_upload(io.BytesIO((HOSTILE / "ok_progressive.jpg").read_bytes()), slot_label=SLOT)
    assert result.sha256 == hashlib.sha256(result.jpeg_bytes).hexdigest()
    assert result.size == len(result.jpeg_bytes)


def test_same_upload_normalises_to_the_same_bytes():
    raw = (DOCUMENTS / "ktp_ibu.jpg").read_bytes()
    assert normalise_upload(io.BytesIO(raw), slot_label=SLOT).sha256 == normalise_upload(
        io.BytesIO(raw), slot_label=SLOT
    ).sha256


class CountingReader(io.RawIOBase):
    """An endless upload stream that records how much was read from it."""

    def __init__(self, prefix: bytes):
        self.prefix, self.read_bytes = prefix, 0

    def readable(self):
        return True

    def seekable(self):
        return False

    def readinto(self, buffer):
        chunk = (self.prefix + b"\x00" * len(buffer))[self.read_bytes : self.read_bytes + len(buffer)]
        chunk = chunk.ljust(len(buffer), b"\x00")
        buffer[: len(chunk)] = chunk
        self.read_bytes += len(chunk)
        return len(chunk)


def test_file_over_10_mb_is_refused_after_reading_only_the_limit():
    stream = CountingReader(b"\xff\xd8\xff\xe0")
    with pytest.raises(UploadRejected) as caught:
        normalise_upload(stream, slot_label=SLOT)
    assert caught.value.code == "too_large"
    assert stream.read_bytes == MAX_UPLOAD_BYTES + 1
    assert "10 MB" in caught.value.message


def test_declared_size_over_10_mb_is_refused_without_reading():
    class Declared(io.BytesIO):
        size = MAX_UPLOAD_BYTES + 1

    upload = Declared(b"\xff\xd8\xff")
    with pytest.raises(UploadRejected) as caught:
        normalise_upload(upload, slot_label=SLOT)
    assert caught.value.code == "too_large"
    assert upload.tell() == 0


def test_file_of_exactly_10_mb_is_not_refused_for_size():
    # A real JPEG padded with trailing bytes to the limit: size is fine, the image is decoded.
    raw = (HOSTILE / "ok_progressive.jpg").read_bytes()
    padded = raw + b"\x00" * (MAX_UPLOAD_BYTES - len(raw))
    result = normalise_upload(io.BytesIO(padded), slot_label=SLOT)
    assert result.original_size == MAX_UPLOAD_BYTES


def test_pillow_bomb_limit_matches_ours():
    assert Image.MAX_IMAGE_PIXELS == images.MAX_PIXELS == 50_000_000


def test_png_bomb_is_refused_before_any_pixel_is_decoded(no_decoding):
    with pytest.raises(UploadRejected) as caught:
        normalise_upload(io.BytesIO((HOSTILE / "bomb_png_renamed.jpg").read_bytes()), slot_label=SLOT)
    assert caught.value.code == "too_many_pixels"
    assert "900 megapiksel" in caught.value.message
    assert no_decoding == []


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_image_just_over_50_megapixels_is_refused_from_its_header(no_decoding):
    # 8200 × 6200 = 50.84 MP: under Pillow's hard limit (2 × 50 MP), so only our check stands in the way.
    with pytest.raises(UploadRejected) as caught:
        normalise_upload(io.BytesIO(png_header_only(8200, 6200)), slot_label=SLOT)
    assert caught.value.code == "too_many_pixels"
    assert no_decoding == []


def test_too_small_is_refused_before_decoding(no_decoding):
    with pytest.raises(UploadRejected) as caught:
        normalise_upload(io.BytesIO(png_header_only(700, 500)), slot_label=SLOT)
    assert caught.value.code == "too_small"
    assert no_decoding == []


@pytest.mark.parametrize(("size", "accepted"), [((800, 600), True), ((600, 800), True), ((799, 600), False),
                                                ((800, 599), False), ((2000, 599), False)])
def test_minimum_resolution_boundary(size, accepted):
    raw = jpeg_of(Image.new("RGB", size, (240, 240, 240)))
    if accepted:
        assert (normalise_upload(io.BytesIO(raw), slot_label=SLOT).width, ) == (size[0],)
    else:
        with pytest.raises(UploadRejected) as caught:
            normalise_upload(io.BytesIO(raw), slot_label=SLOT)
        assert caught.value.code == "too_small"


def test_webp_is_accepted():
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (200, 10, 10)).save(out, format="WEBP", quality=80)
    result = normalise_upload(io.BytesIO(out.getvalue()), slot_label=SLOT)
    assert result.original_format == "WEBP"
    image = assert_clean_jpeg(result)
    assert image.getpixel((800, 600))[0] > 180


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO"])
def test_other_image_formats_are_refused(fmt):
    out = io.BytesIO()
    Image.new("RGB", (256, 256) if fmt == "ICO" else (1000, 800), "white").save(out, format=fmt)
    with pytest.raises(UploadRejected) as caught:
        normalise_upload(io.BytesIO(out.getvalue()), slot_label=SLOT)
    assert caught.value.code == "unsupported_type"
    assert "JPG, PNG, HEIC" in caught.value.message


def test_html_page_is_refused():
    with pytest.raises(UploadRejected) as caught:
        normalise_upload(io.BytesIO(b"<!doctype html><script>alert(1)</script>"), slot_label=SLOT)
    assert caught.value.code == "unsupported_type"


@pytest.mark.parametrize("garbage", [b"\xff\xd8\xff" + b"\x00" * 100, b"\x89PNG\r\n\x1a\n" + b"\xff" * 100,
                                     b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 40,
                                     b"\x00\x00\x00\x18ftypheic" + b"\x00" * 60])
def test_right_magic_bytes_with_garbage_behind_them_are_refused_as_corrupt(garbage):
    with pytest.raises(UploadRejected) as caught:
        normalise_upload(io.BytesIO(garbage), slot_label=SLOT)
    assert caught.value.code == "corrupt"


def test_every_truncation_of_a_jpeg_is_refused_never_padded():
    raw = (HOSTILE / "ok_progressive.jpg").read_bytes()
    for cut in (len(raw) // 4, len(raw) // 2, len(raw) - 200):
        with pytest.raises(UploadRejected) as caught:
            normalise_upload(io.BytesIO(raw[:cut]), slot_label=SLOT)
        assert caught.value.code == "corrupt"


@pytest.mark.parametrize("orientation", range(1, 9))
def test_each_exif_orientation_is_applied(orientation):
    """A 1000 × 800 picture whose top-left quarter is red, stored as a camera would for each orientation;
    the output must show red at the top left, 1000 wide and 800 high."""
    upright = Image.new("RGB", (1000, 800), "white")
    upright.paste((220, 0, 0), (0, 0, 500, 400))
    # The stored pixels are the upright picture with the inverse of the orientation's transform applied.
    inverse = {
        1: None, 2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_90,
        7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_270,
    }[orientation]
    stored = upright.transpose(inverse) if inverse else upright
    exif = Image.Exif()
    exif[0x0112] = orientation
    result = normalise_upload(io.BytesIO(jpeg_of(stored, exif=exif.tobytes())), slot_label=SLOT)
    image = assert_clean_jpeg(result)
    assert image.size == (1000, 800)
    red, _, _ = image.getpixel((100, 100))
    assert red > 180 and image.getpixel((900, 700))[1] > 200


def test_transparent_png_gets_white_paper_not_black():
    rgba = Image.new("RGBA", (1000, 800), (0, 0, 0, 0))
    rgba.paste((0, 0, 0, 255), (0, 0, 100, 100))
    out = io.BytesIO()
    rgba.save(out, format="PNG")
    image = assert_clean_jpeg(normalise_upload(io.BytesIO(out.getvalue()), slot_label=SLOT))
    assert min(image.getpixel((500, 400))) > 240
    assert max(image.getpixel((50, 50))) < 20


@pytest.mark.parametrize("mode", ["P", "L", "LA", "I;16", "1"])
def test_unusual_png_modes_become_rgb(mode):
    base = Image.new("RGB", (1000, 800), (110, 170, 230))
    if mode == "I;16":
        picture = Image.new("I;16", (1000, 800), 40000)
    else:
        picture = base.convert(mode)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    image = assert_clean_jpeg(normalise_upload(io.BytesIO(out.getvalue()), slot_label=SLOT))
    if mode == "I;16":
        assert 150 < image.getpixel((500, 400))[0] < 160  # 40000 / 256 ≈ 156, not clipped to 255
    else:
        assert 100 < ImageStat.Stat(image.convert("L")).mean[0] < 200  # the light blue, not black or blank


def test_icc_profile_is_converted_and_removed():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    raw = jpeg_of(Image.new("RGB", (1000, 800), (10, 120, 200)), icc_profile=srgb)
    assert b"ICC_PROFILE" in raw
    result = normalise_upload(io.BytesIO(raw), slot_label=SLOT)
    image = assert_clean_jpeg(result)
    assert b"ICC_PROFILE" not in result.jpeg_bytes
    r, g, b = image.getpixel((500, 400))
    assert abs(r - 10) < 8 and abs(g - 120) < 8 and abs(b - 200) < 8


def test_broken_icc_profile_does_not_refuse_a_readable_photo():
    raw = jpeg_of(Image.new("RGB", (1000, 800), (10, 120, 200)), icc_profile=b"not a profile" * 10)
    assert_clean_jpeg(normalise_upload(io.BytesIO(raw), slot_label=SLOT))


def test_django_uploaded_file_is_read_from_the_start():
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("foto.png", (HOSTILE / "ok_grayscale.jpg").read_bytes(), "image/png")
    upload.read(10)  # a form library peeked at it
    result = normalise_upload(upload, slot_label=SLOT)
    assert result.original_format == "JPEG"


def test_message_follows_the_active_language_when_read(settings):
    from django.utils import translation

    exc = UploadRejected("empty", slot_label=SLOT)
    with translation.override("id"):
        assert exc.message.startswith("Berkas untuk Kartu Keluarga kosong")
    error = exc.as_validation_error()
    assert error.code == "empty"
    assert SLOT in error.messages[0]


def test_mpo_jpeg_from_a_phone_camera_is_accepted_as_its_first_frame():
    """Samsung and depth-mode cameras write MPO: a JPEG followed by more frames (Pillow calls it "MPO")."""
    with Image.open(DOCUMENTS / "kartu_keluarga.jpg") as photo:
        photo.load()
        exif = photo.getexif()
        out = io.BytesIO()
        photo.save(out, format="MPO", save_all=True, append_images=[Image.new("RGB", (640, 480), "black")],
                   exif=exif.tobytes())
    result = normalise_upload(io.BytesIO(out.getvalue()), slot_label=SLOT)
    assert result.original_format == "JPEG"
    image = assert_clean_jpeg(result)
    assert image.size == (2000, 1500)  # orientation 6 applied, as for the plain JPEG
    assert result.size < len(out.getvalue()) / 2  # the second frame is not carried along


def test_animated_png_keeps_its_first_frame_only():
    frames = [Image.new("RGB", (1000, 800), colour) for colour in ((250, 250, 250), (0, 0, 0))]
    out = io.BytesIO()
    frames[0].save(out, format="PNG", save_all=True, append_images=frames[1:], duration=100)
    image = assert_clean_jpeg(normalise_upload(io.BytesIO(out.getvalue()), slot_label=SLOT))
    assert min(image.getpixel((500, 400))) > 240


def _sample_of(fmt: str) -> bytes:
    if fmt == "HEIF":
        return (DOCUMENTS / "kartu_keluarga_iphone.heic").read_bytes()
    if fmt == "JPEG":
        return (HOSTILE / "ok_progressive.jpg").read_bytes()
    out = io.BytesIO()
    with Image.open(HOSTILE / "ok_cmyk.jpg") as source:
        source.convert("RGB").save(out, format=fmt, **({"quality": 80} if fmt == "WEBP" else {}))
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
@pytest.mark.parametrize("keep", [0.5, 0.9, 0.999])
def test_truncated_files_are_refused_even_when_pillow_is_told_to_pad_them(monkeypatch, fmt, keep):
    """WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES = True for the whole process when it is imported; the
    upload check must not depend on that flag."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    raw = _sample_of(fmt)
    assert images.is_complete(raw, fmt)  # the whole file is (and is accepted: see the tests above)
    with pytest.raises(UploadRejected) as caught:
        normalise_upload(io.BytesIO(raw[: int(len(raw) * keep)]), slot_label=SLOT)
    assert caught.value.code == "corrupt"


def test_weasyprint_import_does_not_open_the_door_to_truncated_uploads():
    import weasyprint  # noqa: F401 — imported for its side effect on Pillow

    raw = (HOSTILE / "truncated.jpg").read_bytes()
    with pytest.raises(UploadRejected) as caught:
        normalise_upload(io.BytesIO(raw), slot_label=SLOT)
    assert caught.value.code == "corrupt"
