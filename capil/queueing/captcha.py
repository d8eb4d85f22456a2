"""A captcha served by the project itself: a small sum drawn as a distorted image with Pillow.

The answer never leaves the server in clear: the form carries a signed token holding a nonce and an HMAC
of the answer, valid for a few minutes. Each token can be tried once, right or wrong (the nonce is marked
used in the shared cache), so one image cannot be brute-forced; failures are also rate-limited per address.
"""

import base64
import hashlib
import hmac
import io
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from .conf import queueing_setting

_SALT = "capil.queueing.captcha"
_FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
)


@dataclass(frozen=True)
class Captcha:
    token: str
    image_data_uri: str


def _answer_digest(nonce: str, answer: str) -> str:
    key = hashlib.sha256((settings.SECRET_KEY + _SALT).encode()).digest()
    return hmac.new(key, f"{nonce}:{answer}".encode(), hashlib.sha256).hexdigest()


def _font(size: int):
    for path in _FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _render(text: str) -> bytes:
    rng = secrets.SystemRandom()
    width, height = 220, 80
    image = Image.new("RGB", (width, height), (246, 248, 251))
    draw = ImageDraw.Draw(image)
    for _stroke in range(6):  # background strokes the characters cross
        draw.line([(rng.randint(0, width), rng.randint(0, height)) for _end in range(2)],
                  fill=(rng.randint(120, 190),) * 3, width=rng.randint(1, 2))
    x = 12
    for char in text:
        glyph = Image.new("RGBA", (48, 64), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((6, 4), char, font=_font(rng.randint(34, 42)),
                                   fill=(rng.randint(10, 60), rng.randint(30, 80), rng.randint(90, 140), 255))
        glyph = glyph.rotate(rng.uniform(-25, 25), resample=Image.Resampling.BICUBIC, expand=False)
        image.paste(glyph, (x, rng.randint(2, 14)), glyph)
        x += rng.randint(24, 30)
    for _speck in range(220):  # speckles
        draw.point((rng.randint(0, width - 1), rng.randint(0, height - 1)), fill=(rng.randint(60, 200),) * 3)
    draw.line([(0, rng.randint(25, 55)), (width, rng.randint(25, 55))], fill=(70, 90, 130), width=2)
    image = image.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def captcha_new() -> Captcha:
    rng = secrets.SystemRandom()
    if rng.random() < 0.5:
        a, b = rng.randint(2, 19), rng.randint(1, 9)
        text, answer = f"{a}+{b}=?", a + b
    else:
        a = rng.randint(10, 19)
        b = rng.randint(1, 9)
        text, answer = f"{a}-{b}=?", a - b
    nonce = secrets.token_urlsafe(12)
    token = signing.dumps({"n": nonce, "h": _answer_digest(nonce, str(answer))}, salt=_SALT)
    png = base64.b64encode(_render(text)).decode()
    return Captcha(token=token, image_data_uri="data:image/png;base64," + png)


def captcha_verify(*, token: str, answer: str) -> None:
    """Accept the answer to the captcha of `token` or raise ValidationError saying what went wrong.
    The token is used up either way."""
    try:
        data = signing.loads(token or "", salt=_SALT, max_age=queueing_setting("captcha_max_age"))
        nonce, digest = str(data["n"]), str(data["h"])
    except signing.SignatureExpired as exc:
        raise ValidationError(_("Kode keamanan sudah kedaluwarsa. Jawab kode yang baru."),
                              code="captcha_expired") from exc
    except (signing.BadSignature, KeyError, TypeError) as exc:
        raise ValidationError(_("Kode keamanan tidak sah. Jawab kode yang baru."), code="captcha_invalid") from exc
    if not cache.add("queueing:captcha-used:" + nonce, 1, timeout=queueing_setting("captcha_max_age") + 60):
        raise ValidationError(_("Kode keamanan ini sudah dipakai. Jawab kode yang baru."), code="captcha_used")
    given = "".join(ch for ch in (answer or "") if ch.isdigit() or ch == "-")
    if not given or not hmac.compare_digest(_answer_digest(nonce, given.lstrip("0") or "0"), digest):
        raise ValidationError(_("Jawaban kode keamanan salah. Coba lagi dengan kode yang baru."), code="captcha_wrong")
