"""Writes of the accounts context: registration, verification, sign-in, password reset, contact changes,
the staff second factor, staff management and account closure.

Limits (SOP steps 1–4 and issue 4):
- SMS codes: 6 digits, stored as a keyed hash, valid CODE_TTL, single use, dead after CODE_MAX_ATTEMPTS
  wrong tries; a new one at the earliest CODE_RESEND_AFTER after the last, at most CODE_SENDS_PER_HOUR.
- E-mail links: signed, carry the address they were sent to, valid EMAIL_LINK_MAX_AGE.
- Sign-in: SIGNIN_ACCOUNT_FAILURES wrong passwords per account (phone or e-mail as typed, whether or not
  an account exists) lock it for the rest of a SIGNIN_WINDOW; SIGNIN_IP_ATTEMPTS per address and window.
- Per-address limits are only abuse ceilings, set high: Indonesian mobile carriers put many subscribers
  behind one address (carrier-grade NAT). The per-account limits do the real work.
"""

import datetime
import secrets
from dataclasses import dataclass

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from capil.audit.services import audit_record
from capil.core import ratelimit
from capil.core.phones import normalise_phone
from capil.notifications.services import notification_enqueue

from .backends import dummy_password_check, user_for_identifier
from .models import STAFF_ROLES, CodePurpose, OneTimeCode, Role, User
from .nik import nik_mismatches, nik_parse

CODE_TTL = datetime.timedelta(minutes=5)
CODE_MAX_ATTEMPTS = 5
CODE_RESEND_AFTER = datetime.timedelta(seconds=60)
CODE_SENDS_PER_HOUR = 5
EMAIL_LINK_MAX_AGE = datetime.timedelta(days=2)
EMAIL_SENDS_PER_HOUR = 5
SIGNIN_WINDOW = 15 * 60
SIGNIN_ACCOUNT_FAILURES = 5
SIGNIN_IP_ATTEMPTS = 100
# Wrong passwords typed into the forms of a signed-in session (change password, phone, e-mail; close): a
# stolen session must not become a way to guess the password.
PASSWORD_CONFIRM_FAILURES = 5
PASSWORD_CONFIRM_WINDOW = 15 * 60
RESET_PER_IDENTIFIER_PER_HOUR = 5
RESET_PER_IP_PER_HOUR = 50
CODE_SENDS_PER_IP_PER_HOUR = 60
REGISTRATIONS_PER_IP_PER_HOUR = 30
TOTP_FAILURES = 5
TOTP_WINDOW = 5 * 60

_EMAIL_SALT = "capil.accounts.email-verification"
_CODE_SALT = "capil.accounts.one-time-code"


class RateLimited(Exception):
    """Too many attempts; `message` is for the person, `retry_after` in seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class CodeRejected(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def client_ip(request) -> str:
    return (request.META.get("REMOTE_ADDR") if request is not None else "") or "unknown"


def _minutes(seconds: int) -> int:
    return max(1, (seconds + 59) // 60)


def _limited(message: str, window: int) -> RateLimited:
    return RateLimited(message, ratelimit.retry_after(window))


def _too_many(window: int) -> RateLimited:
    wait = ratelimit.retry_after(window)
    minutes = _minutes(wait)
    return RateLimited(
        ngettext(
            "Terlalu banyak percobaan. Coba lagi dalam %(n)d menit.",
            "Terlalu banyak percobaan. Coba lagi dalam %(n)d menit.",
            minutes,
        ) % {"n": minutes},
        wait,
    )


def identifier_key(identifier: str) -> str:
    """The phone or e-mail as typed, normalised, so 0812… and +62812… count against the same limit."""
    text = (identifier or "").strip().lower()
    if "@" in text:
        return text
    try:
        return normalise_phone(text).e164
    except ValidationError:
        return text


def _site_url(path: str) -> str:
    return settings.CAPIL_SITE_URL.rstrip("/") + path


# --- registration ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    full_name: str
    phone: str
    email: str
    password: str
    nik: str = ""
    birth_date: datetime.date | None = None
    sex: str = ""


def registration_validate(reg: Registration) -> dict[str, list[str]]:
    """Every problem of a registration, by field (empty when it can be saved)."""
    errors: dict[str, list[str]] = {}
    full_name = " ".join(reg.full_name.split())
    if not full_name:
        errors.setdefault("full_name", []).append(_("Nama lengkap wajib diisi."))
    email = reg.email.strip().lower()
    phone_e164 = ""
    try:
        phone_e164 = normalise_phone(reg.phone).e164
    except ValidationError as exc:
        errors.setdefault("phone", []).extend(exc.messages)
    if phone_e164 and User.objects.filter(phone=phone_e164).exists():
        errors.setdefault("phone", []).append(
            _("Nomor HP ini sudah dipakai akun lain. Masuk, atau atur ulang kata sandi jika lupa.")
        )
    if email and User.objects.filter(email__iexact=email).exists():
        errors.setdefault("email", []).append(
            _("Alamat email ini sudah dipakai akun lain. Masuk, atau atur ulang kata sandi jika lupa.")
        )
    if reg.nik:
        try:
            nik_parse(reg.nik)
        except ValidationError as exc:
            errors.setdefault("nik", []).extend(exc.messages)
    try:
        validate_password(reg.password, User(full_name=full_name, email=email, phone=phone_e164 or None))
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    return errors


def user_register(*, registration: Registration, request=None) -> User:
    """Create a citizen account and send the SMS code and the e-mail link (SOP steps 1–2).

    Raises ValidationError (a dict by field) or RateLimited."""
    if not ratelimit.hit(f"register:ip:{client_ip(request)}", REGISTRATIONS_PER_IP_PER_HOUR, 3600):
        raise _too_many(3600)
    errors = registration_validate(registration)
    if errors:
        raise ValidationError(errors)
    nik = "".join(registration.nik.split())
    warning = ""
    if nik:
        warning = " ".join(nik_mismatches(nik_parse(nik), birth_date=registration.birth_date, sex=registration.sex))
    try:
        return _user_register_write(registration=registration, nik=nik, warning=warning, request=request)
    except IntegrityError:  # the same phone or address registered (or confirmed) in the same instant
        errors = registration_validate(registration)
        raise ValidationError(errors or {"email": [_("Alamat email ini sudah dipakai akun lain.")]}) from None


def _user_register_write(*, registration: Registration, nik: str, warning: str, request=None) -> User:
    with transaction.atomic():
        user = User.objects.create_user(
            registration.email.strip().lower(),
            registration.password,
            full_name=" ".join(registration.full_name.split()),
            phone=normalise_phone(registration.phone).e164,
            role=Role.CITIZEN,
            nik=nik,
            birth_date=registration.birth_date,
            sex=registration.sex,
            nik_warning=warning,
        )
        audit_record(actor=user, action="account.registered", target=user, request=request,
                     data={"nik_given": bool(nik), "nik_warning": bool(warning)})
        _code_issue(user=user, purpose=CodePurpose.PHONE_VERIFY, ip=client_ip(request))
        _email_link_issue(user=user)
    return user


# --- SMS codes ---------------------------------------------------------------------------------------


def _code_hash(*, user_id: int, purpose: str, phone: str, code: str) -> str:
    return salted_hmac(_CODE_SALT, f"{user_id}:{purpose}:{phone}:{code}", algorithm="sha256").hexdigest()


def code_wait_seconds(*, user: User, purpose: str, phone: str | None = None) -> int:
    """Seconds before another code may be sent to `phone` (the account's number unless given; 0 when one may
    be sent now). A code for another number (the typo corrected) need not wait: the hourly cap still holds."""
    last = (OneTimeCode.objects.filter(user=user, purpose=purpose, phone=phone or user.phone)
            .order_by("-created_at").first())
    if last is None:
        return 0
    remaining = (last.created_at + CODE_RESEND_AFTER - timezone.now()).total_seconds()
    return max(0, int(remaining + 0.999))


def _code_issue(*, user: User, purpose: str, ip: str, phone: str | None = None) -> OneTimeCode:
    """Make and send a new code to `phone` (the account's number unless given), retiring earlier ones.
    Raises RateLimited."""
    phone = phone or user.phone
    wait = code_wait_seconds(user=user, purpose=purpose, phone=phone)
    if wait:
        raise RateLimited(
            _("Kode baru dapat diminta %(s)d detik lagi.") % {"s": wait}, wait
        )
    if not ratelimit.hit(f"code:send:{purpose}:{user.pk}", CODE_SENDS_PER_HOUR, 3600):
        raise _limited(_("Sudah %(n)d kode dikirim dalam satu jam terakhir. Coba lagi nanti.")
                       % {"n": CODE_SENDS_PER_HOUR}, 3600)
    if not ratelimit.hit(f"code:send:ip:{ip}", CODE_SENDS_PER_IP_PER_HOUR, 3600):
        raise _too_many(3600)
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        OneTimeCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True, expires_at__gt=now).update(
            expires_at=now
        )
        otc = OneTimeCode.objects.create(
            user=user, purpose=purpose, phone=phone,
            code_hash=_code_hash(user_id=user.pk, purpose=purpose, phone=phone, code=code),
            created_at=now, expires_at=now + CODE_TTL,
        )
        minutes = int(CODE_TTL.total_seconds() // 60)
        event = "password_reset" if purpose == CodePurpose.PASSWORD_RESET else "otp"
        notification_enqueue(
            event=event, subject=user, recipient=user, phone=phone,
            context={"code": code, "minutes": minutes}, channels=("sms",), key_suffix=str(otc.pk),
        )
    return otc


def phone_code_send(*, user: User, request=None) -> OneTimeCode:
    """Send a new phone-verification code (the "kirim ulang" button). Raises RateLimited."""
    return _code_issue(user=user, purpose=CodePurpose.PHONE_VERIFY, ip=client_ip(request))


def _code_consume(*, user: User, purpose: str, code: str, generic: bool = False) -> OneTimeCode:
    """Accept the code once or raise CodeRejected. A wrong try is counted (and committed) before raising.
    `generic` gives one message for every failure (password reset must not reveal anything)."""
    code = "".join((code or "").split())
    now = timezone.now()
    outcome, remaining = "missing", 0
    with transaction.atomic():
        otc = (
            OneTimeCode.objects.select_for_update()
            .filter(user=user, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if otc is not None and otc.attempts >= CODE_MAX_ATTEMPTS:
            outcome = "exhausted"
        elif otc is not None:
            expected = _code_hash(user_id=user.pk, purpose=purpose, phone=otc.phone, code=code)
            if len(code) == 6 and constant_time_compare(expected, otc.code_hash):
                otc.used_at = now
                otc.save(update_fields=["used_at"])
                return otc
            otc.attempts += 1
            otc.save(update_fields=["attempts"])
            remaining = CODE_MAX_ATTEMPTS - otc.attempts
            outcome = "wrong" if remaining else "exhausted"
    if generic:
        raise CodeRejected(_("Kode salah atau sudah tidak berlaku. Periksa SMS terakhir, atau minta kode baru."))
    if outcome == "wrong":
        raise CodeRejected(
            ngettext("Kode salah. Sisa %(n)d kali percobaan.", "Kode salah. Sisa %(n)d kali percobaan.", remaining)
            % {"n": remaining}
        )
    if outcome == "exhausted":
        raise CodeRejected(_("Kode salah %(n)d kali dan tidak berlaku lagi. Minta kode baru.")
                           % {"n": CODE_MAX_ATTEMPTS})
    raise CodeRejected(_("Kode sudah tidak berlaku atau sudah dipakai. Minta kode baru."))


def phone_verify(*, user: User, code: str, request=None) -> User:
    """SOP step 3: the citizen types the SMS code. Raises CodeRejected or RateLimited."""
    if not ratelimit.hit(f"code:check:ip:{client_ip(request)}", 60, 3600):
        raise _too_many(3600)
    otc = _code_consume(user=user, purpose=CodePurpose.PHONE_VERIFY, code=code)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if otc.phone != user.phone:
            # The number changed after this code was sent: the code proves the old number only.
            raise CodeRejected(_("Kode ini dikirim ke nomor lama. Minta kode baru."))
        if user.phone_verified_at is None:
            user.phone_verified_at = timezone.now()
            user.save(update_fields=["phone_verified_at"])
            audit_record(actor=user, action="account.phone_verified", target=user, request=request)
    return user


# --- e-mail links ------------------------------------------------------------------------------------


def email_verification_token(user: User, email: str | None = None) -> str:
    """A signed token naming the account and the address it proves (the account's own, or the new one it
    asked for); it expires after EMAIL_LINK_MAX_AGE."""
    return signing.dumps({"u": user.pk, "e": _address_digest(email or user.email)}, salt=_EMAIL_SALT)


def _address_digest(email: str) -> str:
    """What the link carries of the address: a keyed digest, so that the address itself is not in the URL (nor
    in any access or error log the URL reaches)."""
    return salted_hmac(_EMAIL_SALT, email.lower(), algorithm="sha256").hexdigest()[:32]


def _email_link_issue(*, user: User, email: str | None = None) -> str:
    email = email or user.email
    url = _site_url(reverse("accounts:email_verify", kwargs={"token": email_verification_token(user, email)}))
    notification_enqueue(
        event="email_verification", subject=user, recipient=user, email=email,
        context={"url": url, "hours": int(EMAIL_LINK_MAX_AGE.total_seconds() // 3600)},
        channels=("email",), key_suffix=secrets.token_hex(4),
    )
    return url


def _email_send_allow(user: User) -> None:
    """Every link an account has e-mailed on request (resend, change of address) counts against one limit, so
    no address can be flooded from the office's domain. Raises RateLimited."""
    if not ratelimit.hit(f"email:send:{user.pk}:min", 1, 60):
        raise _limited(_("Tautan baru dapat diminta satu menit lagi."), 60)
    if not ratelimit.hit(f"email:send:{user.pk}:hour", EMAIL_SENDS_PER_HOUR, 3600):
        raise _limited(_("Sudah %(n)d email dikirim dalam satu jam terakhir. Coba lagi nanti.")
                       % {"n": EMAIL_SENDS_PER_HOUR}, 3600)


def email_verification_send(*, user: User, request=None, pending: bool = False) -> str:
    """Send a new e-mail link: to the account's address, or (`pending`) to the new address it asked for.
    Raises RateLimited."""
    _email_send_allow(user)
    with transaction.atomic():
        return _email_link_issue(user=user, email=user.pending_email if pending else None)


def _email_token_read(token: str) -> dict:
    try:
        return signing.loads(token, salt=_EMAIL_SALT, max_age=EMAIL_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise CodeRejected(_("Tautan verifikasi sudah kedaluwarsa. Minta tautan baru setelah masuk.")) from exc
    except signing.BadSignature as exc:
        raise CodeRejected(_("Tautan verifikasi tidak sah. Salin tautan lengkap dari email.")) from exc


def email_link_changes_address(token: str) -> bool:
    """Whether the link would move the account to a new address (rather than verify its own). Opening such a
    link only shows a button: a mail scanner that fetches every link must not complete the change. Raises
    CodeRejected for a link that is no good."""
    payload = _email_token_read(token)
    user = User.objects.filter(pk=payload.get("u"), closed_at__isnull=True).only("email", "pending_email").first()
    if user is not None and user.pending_email and _address_digest(user.pending_email) == payload.get("e"):
        return True
    if user is None or _address_digest(user.email) != payload.get("e"):
        raise CodeRejected(_("Tautan ini untuk alamat email yang sudah diganti. Minta tautan baru."))
    return False


def email_verify(*, token: str, request=None) -> User:
    """SOP step 4: the citizen opens the link from the e-mail (or, for a new address, presses the button the
    link shows). Raises CodeRejected."""
    payload = _email_token_read(token)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=payload.get("u"), closed_at__isnull=True).first()
        if user is not None and user.pending_email and _address_digest(user.pending_email) == payload.get("e"):
            return _email_change_complete(user=user, request=request)
        if user is None or _address_digest(user.email) != payload.get("e"):
            raise CodeRejected(_("Tautan ini untuk alamat email yang sudah diganti. Minta tautan baru."))
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
            audit_record(actor=user, action="account.email_verified", target=user, request=request)
    return user


# --- sign-in -----------------------------------------------------------------------------------------


def signin_attempt(*, request, identifier: str, password: str) -> User:
    """Check a phone-or-e-mail and password. Raises CodeRejected (one message for every failure, whether
    or not the account exists) or RateLimited. The caller logs the user in."""
    ip_key = f"signin:ip:{client_ip(request)}"
    account_key = f"signin:account:{identifier_key(identifier)}"
    if not ratelimit.hit(ip_key, SIGNIN_IP_ATTEMPTS, SIGNIN_WINDOW):
        raise _too_many(SIGNIN_WINDOW)
    if ratelimit.is_limited(account_key, SIGNIN_ACCOUNT_FAILURES, SIGNIN_WINDOW):
        minutes = _minutes(ratelimit.retry_after(SIGNIN_WINDOW))
        raise RateLimited(
            _("Terlalu banyak kata sandi salah untuk akun ini. Akun dikunci sementara; coba lagi dalam "
              "%(n)d menit atau atur ulang kata sandi.") % {"n": minutes},
            ratelimit.retry_after(SIGNIN_WINDOW),
        )
    user = authenticate(request, username=identifier, password=password)
    if user is None:
        ratelimit.hit(account_key, SIGNIN_ACCOUNT_FAILURES, SIGNIN_WINDOW)
        raise CodeRejected(_("Nomor HP/email atau kata sandi salah."))
    ratelimit.clear(account_key, SIGNIN_WINDOW)
    return user


# --- password reset ----------------------------------------------------------------------------------


def password_reset_request(*, identifier: str, request=None) -> str:
    """Accept a reset request. Returns "sms" or "email" (what the person typed, not whether it exists).
    Raises ValidationError for input that is neither, RateLimited for too many requests.

    Whether the account exists is decided in the task worker (`password_reset_send`), not here: the request
    does the same work either way (one task enqueued), so neither its answer nor its duration tells anyone
    whether a number or address is registered."""
    from .tasks import password_reset_dispatch

    kind = "email" if "@" in (identifier or "") else "sms"
    if kind == "sms":
        normalise_phone(identifier)  # a malformed number is the typist's mistake: say so
    if not ratelimit.hit(f"reset:ip:{client_ip(request)}", RESET_PER_IP_PER_HOUR, 3600):
        raise _too_many(3600)
    if not ratelimit.hit(f"reset:identifier:{identifier_key(identifier)}", RESET_PER_IDENTIFIER_PER_HOUR, 3600):
        raise _too_many(3600)
    ip = client_ip(request)
    transaction.on_commit(lambda: password_reset_dispatch.enqueue(identifier=identifier.strip(), ip=ip))
    return kind


def password_reset_send(*, identifier: str, ip: str) -> str:
    """In the worker: send the reset code (phone) or link (e-mail) when the account exists and may sign in.
    Returns what happened, for the task result (never shown to the person who asked)."""
    user = user_for_identifier(identifier)
    if user is None or not user.is_active or user.closed_at is not None:
        return "no-account"
    if "@" not in identifier:
        try:
            _code_issue(user=user, purpose=CodePurpose.PASSWORD_RESET, ip=ip)
        except RateLimited:
            # The code sent less than a minute ago is still valid; the person uses that one.
            return "rate-limited"
        return "sms"
    with transaction.atomic():
        notification_enqueue(
            event="password_reset", subject=user, recipient=user, email=user.email,
            context={"url": _site_url(password_reset_link_path(user))}, channels=("email",),
            key_suffix=secrets.token_hex(4),
        )
    return "email"


def _account_changed_notice(*, user: User, what: str, phone: str | None, email: str | None) -> None:
    """Tell the account's holder, at the address they had before the change, that its phone, e-mail or
    password was changed: a stolen session or password cannot quietly move the account elsewhere. Carries
    neither the new address nor any other personal number."""
    notification_enqueue(
        event="account_changed", subject=user, recipient=user, phone=phone or None, email=email or None,
        context={"what": what}, key_suffix=f"{what}:{timezone.now().isoformat()}",
        channels=tuple(name for name, value in (("sms", phone), ("email", email)) if value),
    )


def _password_set(*, user: User, password: str, action: str, request=None) -> User:
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(password)
        user.save(update_fields=["password"])
        OneTimeCode.objects.filter(user=user, purpose=CodePurpose.PASSWORD_RESET, used_at__isnull=True).update(
            expires_at=timezone.now()
        )
        audit_record(actor=user, action=action, target=user, request=request)
        _account_changed_notice(user=user, what="password", phone=user.phone if user.phone_verified_at else None,
                                email=user.email if user.email_verified_at else None)
    ratelimit.clear(f"signin:account:{identifier_key(user.email)}", SIGNIN_WINDOW)
    if user.phone:
        ratelimit.clear(f"signin:account:{user.phone}", SIGNIN_WINDOW)
    return user


def password_reset_with_code(*, identifier: str, code: str, password: str, request=None) -> User:
    """Set a new password with the SMS code. Raises CodeRejected (one message whether or not the
    number is registered), ValidationError (password too weak), RateLimited."""
    if not ratelimit.hit(f"code:check:ip:{client_ip(request)}", 60, 3600):
        raise _too_many(3600)
    user = user_for_identifier(identifier)
    validate_password(password, user)
    if user is None or not user.is_active or user.closed_at is not None:
        dummy_password_check(password)
        raise CodeRejected(_("Kode salah atau sudah tidak berlaku. Periksa SMS terakhir, atau minta kode baru."))
    try:
        otc = _code_consume(user=user, purpose=CodePurpose.PASSWORD_RESET, code=code, generic=True)
        if otc.phone != user.phone:  # `user` was read by this request: its number now
            # Sent to a number the account has since left (numbers are given to new owners): proves nothing.
            raise CodeRejected(_("Kode salah atau sudah tidak berlaku. Periksa SMS terakhir, atau minta kode baru."))
    except CodeRejected:
        dummy_password_check(password)  # every answer costs one hash, like setting the new password
        raise
    return _password_set(user=user, password=password, action="account.password_reset_sms", request=request)


def password_reset_link_path(user: User) -> str:
    """The path of a reset link; it stops working once the password changes (Django's token)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:password_reset_link", kwargs={"uidb64": uid, "token": token})


def password_reset_link_user(*, uidb64: str, token: str) -> User | None:
    """The account a reset link is for, while the link is valid (it dies when the password changes)."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True, closed_at__isnull=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def password_reset_with_link(*, user: User, password: str, request=None) -> User:
    validate_password(password, user)
    return _password_set(user=user, password=password, action="account.password_reset_email", request=request)


def _password_confirm(user: User, password: str, *, field: str = "password", wrong: str | None = None) -> None:
    """The account's password, typed again to allow a change. Wrong tries are counted per account; past
    the limit even the right password is refused until the window ends. Raises ValidationError."""
    key = f"password:confirm:{user.pk}"
    if ratelimit.is_limited(key, PASSWORD_CONFIRM_FAILURES, PASSWORD_CONFIRM_WINDOW):
        dummy_password_check(password)
        raise ValidationError({field: [_("Terlalu banyak kata sandi salah. Coba lagi %(m)d menit lagi.")
                                       % {"m": _minutes(ratelimit.retry_after(PASSWORD_CONFIRM_WINDOW))}]})
    if not user.check_password(password):
        ratelimit.hit(key, PASSWORD_CONFIRM_FAILURES, PASSWORD_CONFIRM_WINDOW)
        raise ValidationError({field: [wrong or _("Kata sandi salah.")]})


def password_change(*, user: User, old_password: str, password: str, request=None) -> User:
    """Raises ValidationError by field."""
    _password_confirm(user, old_password, field="old_password", wrong=_("Kata sandi lama salah."))
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    return _password_set(user=user, password=password, action="account.password_changed", request=request)


# --- changing phone or e-mail ------------------------------------------------------------------------


def phone_change(*, user: User, phone: str, password: str, request=None) -> User:
    """Ask for another number. A verified number stays in use until a code sent to the new one is typed
    (phone_change_confirm); an unverified one (a typo at registration) is replaced at once and the new
    number must be verified. Raises ValidationError."""
    _password_confirm(user, password)
    try:
        e164 = normalise_phone(phone).e164
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    if e164 == user.phone:
        raise ValidationError({"phone": [_("Ini nomor HP Anda sekarang.")]})
    if User.objects.filter(phone=e164).exclude(pk=user.pk).exists():
        raise ValidationError({"phone": [_("Nomor HP ini sudah dipakai akun lain.")]})
    ip = client_ip(request)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.phone and user.phone_verified_at:
            user.pending_phone = e164
            user.save(update_fields=["pending_phone"])
            OneTimeCode.objects.filter(user=user, purpose=CodePurpose.PHONE_CHANGE, used_at__isnull=True).update(
                expires_at=timezone.now())
            audit_record(actor=user, action="account.phone_change_requested", target=user, request=request)
            try:
                _code_issue(user=user, purpose=CodePurpose.PHONE_CHANGE, ip=ip, phone=e164)
            except RateLimited:
                pass  # the confirmation page says no code is on its way and offers "kirim ulang"
            return user
        user.phone = e164
        user.pending_phone = ""
        user.phone_verified_at = None
        user.save(update_fields=["phone", "pending_phone", "phone_verified_at"])
        audit_record(actor=user, action="account.phone_changed", target=user, request=request)
        OneTimeCode.objects.filter(user=user, used_at__isnull=True).update(expires_at=timezone.now())
        try:
            _code_issue(user=user, purpose=CodePurpose.PHONE_VERIFY, ip=ip)
        except RateLimited:
            pass  # the verification page offers "kirim ulang" once the wait is over
    return user


def phone_change_code_live(user: User) -> bool:
    """Whether a code for the number waiting for confirmation is on its way (sent, unused, unexpired)."""
    return OneTimeCode.objects.filter(user=user, purpose=CodePurpose.PHONE_CHANGE, phone=user.pending_phone,
                                      used_at__isnull=True, expires_at__gt=timezone.now()).exists()


def phone_change_code_send(*, user: User, request=None) -> OneTimeCode:
    """Send a new code to the number waiting for confirmation. Raises RateLimited."""
    return _code_issue(user=user, purpose=CodePurpose.PHONE_CHANGE, ip=client_ip(request), phone=user.pending_phone)


def phone_change_confirm(*, user: User, code: str, request=None) -> User:
    """The code sent to the new number was typed: the new number replaces the old one, verified, and the old
    number is told. Raises CodeRejected or RateLimited."""
    if not ratelimit.hit(f"code:check:ip:{client_ip(request)}", 60, 3600):
        raise _too_many(3600)
    otc = _code_consume(user=user, purpose=CodePurpose.PHONE_CHANGE, code=code)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.pending_phone or otc.phone != user.pending_phone:
            raise CodeRejected(_("Kode ini dikirim ke nomor lain. Minta kode baru."))
        old_phone = user.phone
        user.phone, user.pending_phone, user.phone_verified_at = user.pending_phone, "", timezone.now()
        _save_taken_checked(user, ["phone", "pending_phone", "phone_verified_at"],
                            _("Nomor HP ini sudah dipakai akun lain."))
        _account_changed_notice(user=user, what="phone", phone=old_phone, email=None)
        audit_record(actor=user, action="account.phone_changed", target=user, request=request)
        # Codes sent to the old number (a password reset, say) prove nothing about the account any more.
        OneTimeCode.objects.filter(user=user, used_at__isnull=True).update(expires_at=timezone.now())
    return user


def phone_change_cancel(*, user: User, request=None) -> User:
    return _pending_change_cancel(user=user, what="phone", request=request)


def _pending_change_cancel(*, user: User, what: str, request=None) -> User:
    """Forget the new phone or address waiting for confirmation; its codes die with it (a link names the
    address it proves, so it stops working by itself)."""
    field = f"pending_{what}"
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if getattr(user, field):
            setattr(user, field, "")
            user.save(update_fields=[field])
            if what == "phone":
                OneTimeCode.objects.filter(user=user, purpose=CodePurpose.PHONE_CHANGE,
                                           used_at__isnull=True).update(expires_at=timezone.now())
            audit_record(actor=user, action=f"account.{what}_change_cancelled", target=user, request=request)
    return user


def email_change(*, user: User, email: str, password: str, request=None) -> User:
    """Ask for another address. A verified address stays in use until the link sent to the new one is
    opened (email_verify); an unverified one is replaced at once and must be verified. Raises
    ValidationError."""
    _password_confirm(user, password)
    email = (email or "").strip().lower()
    if email == user.email.lower():
        raise ValidationError({"email": [_("Ini alamat email Anda sekarang.")]})
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": [_("Alamat email ini sudah dipakai akun lain.")]})
    try:
        _email_send_allow(user)
    except RateLimited as exc:
        raise ValidationError({"email": [exc.message]}) from exc
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.email_verified_at:
            user.pending_email = email
            user.save(update_fields=["pending_email"])
            audit_record(actor=user, action="account.email_change_requested", target=user, request=request)
            _email_link_issue(user=user, email=email)
            return user
        user.email = email
        user.pending_email = ""
        user.save(update_fields=["email", "pending_email"])
        audit_record(actor=user, action="account.email_changed", target=user, request=request)
        _email_link_issue(user=user)
    return user


def _email_change_complete(*, user: User, request=None) -> User:
    """The link sent to the new address was opened (inside email_verify's transaction, the user locked)."""
    old_email = user.email
    user.email, user.pending_email, user.email_verified_at = user.pending_email.lower(), "", timezone.now()
    _save_taken_checked(user, ["email", "pending_email", "email_verified_at"],
                        _("Alamat email ini sudah dipakai akun lain."))
    _account_changed_notice(user=user, what="email", phone=None, email=old_email)
    audit_record(actor=user, action="account.email_changed", target=user, request=request)
    return user


def email_change_cancel(*, user: User, request=None) -> User:
    return _pending_change_cancel(user=user, what="email", request=request)


def _save_taken_checked(user: User, fields: list[str], taken: str) -> None:
    """Save a new phone or address that another account may have taken since it was asked for."""
    field = fields[0]
    value = getattr(user, field)
    lookup = {"email__iexact": value} if field == "email" else {field: value}
    if User.objects.filter(**lookup).exclude(pk=user.pk).exists():
        raise CodeRejected(taken)
    try:
        with transaction.atomic():
            user.save(update_fields=fields)
    except IntegrityError:  # taken in the same instant by a registration
        raise CodeRejected(taken) from None


# --- staff second factor (TOTP) ----------------------------------------------------------------------


def totp_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(
        name=user.email, issuer_name=f"Capil Online {settings.CAPIL_OFFICE['code']}"
    )


def totp_enrolment_start(*, user: User) -> User:
    """Give an account without a confirmed second factor a fresh secret to put into an authenticator app."""
    if user.has_second_factor:
        return user
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.totp_secret:
            # Kept across page loads until confirmed, so the QR code scanned a minute ago stays right.
            user.totp_secret = pyotp.random_base32()
            user.totp_last_step = 0
            user.save(update_fields=["totp_secret", "totp_last_step"])
    return user


def totp_verify(*, user: User, code: str, request=None) -> bool:
    """Accept a current code once (a code seen once cannot be replayed). Confirms an enrolment on its
    first success. Raises RateLimited after too many wrong codes."""
    key = f"totp:user:{user.pk}"
    if ratelimit.is_limited(key, TOTP_FAILURES, TOTP_WINDOW):
        raise _too_many(TOTP_WINDOW)
    code = "".join((code or "").split())
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.totp_secret or len(code) != 6 or not code.isdigit():
            accepted_step = None
        else:
            totp = pyotp.TOTP(user.totp_secret)
            now = timezone.now()
            accepted_step = None
            # One step of clock drift either way.
            for offset in (0, -1, 1):
                at = now + datetime.timedelta(seconds=30 * offset)
                if constant_time_compare(totp.at(at), code):
                    accepted_step = totp.timecode(at)
                    break
        if accepted_step is None or accepted_step <= user.totp_last_step:
            ratelimit.hit(key, TOTP_FAILURES, TOTP_WINDOW)
            return False
        user.totp_last_step = accepted_step
        fields = ["totp_last_step"]
        if user.totp_confirmed_at is None:
            user.totp_confirmed_at = timezone.now()
            fields.append("totp_confirmed_at")
            audit_record(actor=user, action="account.totp_enrolled", target=user, request=request)
        user.save(update_fields=fields)
    ratelimit.clear(key, TOTP_WINDOW)
    return True


# --- staff management (ADMIN) ------------------------------------------------------------------------


STAFF_FIELDS = ("full_name", "email", "phone", "role", "nip")


def _staff_clean(*, email: str, phone: str, role: str, nip: str, exclude_pk: int | None) -> dict:
    errors: dict[str, list[str]] = {}
    email = (email or "").strip().lower()
    if User.objects.filter(email__iexact=email).exclude(pk=exclude_pk).exists():
        errors["email"] = [_("Alamat email ini sudah dipakai akun lain.")]
    e164 = None
    if phone:
        try:
            e164 = normalise_phone(phone).e164
        except ValidationError as exc:
            errors["phone"] = exc.messages
        else:
            if User.objects.filter(phone=e164).exclude(pk=exclude_pk).exists():
                errors["phone"] = [_("Nomor HP ini sudah dipakai akun lain.")]
    if role not in STAFF_ROLES:
        errors["role"] = [_("Pilih peran staf.")]
    nip = "".join((nip or "").split())
    if nip and (len(nip) != 18 or not nip.isdigit()):
        errors["nip"] = [_("NIP terdiri dari 18 angka.")]
    if errors:
        raise ValidationError(errors)
    return {"email": email, "phone": e164, "role": role, "nip": nip}


def _active_admins_other_than(user: User) -> int:
    return User.objects.filter(role=Role.ADMIN, is_active=True, closed_at__isnull=True).exclude(pk=user.pk).count()


def staff_create(*, actor: User, full_name: str, email: str, phone: str, role: str, nip: str,
                 request=None) -> User:
    """A new member of staff. They get no password from the admin: an e-mail link lets them choose one,
    and at their first sign-in they enrol their second factor."""
    cleaned = _staff_clean(email=email, phone=phone, role=role, nip=nip, exclude_pk=None)
    with transaction.atomic():
        user = User.objects.create_user(
            cleaned["email"], None, full_name=" ".join(full_name.split()), phone=cleaned["phone"],
            role=cleaned["role"], nip=cleaned["nip"], created_by=actor,
            # The office vouches for a staff member's address and number.
            email_verified_at=timezone.now(), phone_verified_at=timezone.now() if cleaned["phone"] else None,
        )
        audit_record(actor=actor, action="staff.created", target=user, request=request,
                     data={"role": user.role})
        url = _site_url(password_reset_link_path(user))
        notification_enqueue(
            event="staff_welcome", subject=user, recipient=user, email=user.email,
            context={"url": url, "role": str(user.get_role_display())}, channels=("email",), key_suffix="welcome",
        )
    return user


def staff_update(*, actor: User, user: User, full_name: str, email: str, phone: str, role: str, nip: str,
                 request=None) -> User:
    cleaned = _staff_clean(email=email, phone=phone, role=role, nip=nip, exclude_pk=user.pk)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.role == Role.ADMIN and cleaned["role"] != Role.ADMIN and not _active_admins_other_than(user):
            raise ValidationError({"role": [_("Ini administrator aktif terakhir; perannya tidak dapat diubah.")]})
        new = {"full_name": " ".join(full_name.split()), **cleaned}
        changed = [f for f in STAFF_FIELDS if getattr(user, f) != new[f]]
        if not changed:
            return user
        for field in changed:
            setattr(user, field, new[field])
        # What the administrator set wins over a change the member asked for and has not confirmed yet.
        pending = [f"pending_{f}" for f in ("phone", "email") if f in changed and getattr(user, f"pending_{f}")]
        for field in pending:
            setattr(user, field, "")
        user.save(update_fields=changed + pending)
        data = {"changed": changed}
        if "role" in changed:
            data["role"] = user.role
        # Names of changed fields only: the values (phone, NIP) are personal data.
        audit_record(actor=actor, action="staff.updated", target=user, request=request, data=data)
    return user


def staff_set_active(*, actor: User, user: User, active: bool, request=None) -> User:
    if user.pk == actor.pk and not active:
        raise ValidationError(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active == active:
            return user
        if not active and user.role == Role.ADMIN and not _active_admins_other_than(user):
            raise ValidationError(_("Ini administrator aktif terakhir; tidak dapat dinonaktifkan."))
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action="staff.activated" if active else "staff.deactivated",
                     target=user, request=request)
    return user


def staff_second_factor_reset(*, actor: User, user: User, request=None) -> User:
    """For a lost phone: the member of staff enrols a new authenticator at their next sign-in."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.totp_secret = ""
        user.totp_confirmed_at = None
        user.totp_last_step = 0
        user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
        audit_record(actor=actor, action="staff.second_factor_reset", target=user, request=request)
    return user


# --- closing an account (UU 27/2022) -----------------------------------------------------------------


def account_close(*, user: User, password: str, request=None) -> User:
    """The citizen closes their account. Every registered personal-data section removes what may go and
    keeps what law requires (see personal_data.py); then the account itself is anonymised and can never
    sign in again. All in one transaction: nothing half-closed. Raises ValidationError."""
    from . import personal_data

    if user.role != Role.CITIZEN:
        raise ValidationError(_("Akun staf ditutup oleh administrator (dinonaktifkan)."))
    _password_confirm(user, password)
    blockers = [reason for s in personal_data.sections() if s.closure_blockers for reason in s.closure_blockers(user)]
    if blockers:
        raise ValidationError(blockers)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        summary = {s.name: s.erase(user) for s in personal_data.sections() if s.erase}
        audit_record(actor=user, action="account.closed", target=user, request=request, data={"erased": summary})
        OneTimeCode.objects.filter(user=user).delete()
        user.email = f"ditutup-{user.pk}@akun-ditutup.invalid"
        user.phone = None
        user.pending_phone = ""
        user.pending_email = ""
        user.full_name = _("Akun ditutup")
        user.nik = ""
        user.birth_date = None
        user.sex = ""
        user.nik_warning = ""
        user.totp_secret = ""
        user.totp_confirmed_at = None
        user.phone_verified_at = None
        user.email_verified_at = None
        user.is_active = False
        user.closed_at = timezone.now()
        # An unusable password also ends every open session (the session hash no longer matches).
        user.set_unusable_password()
        user.save()
    return user
