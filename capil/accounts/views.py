"""Thin views: read the form, call a service, show the answer."""

import io
import json
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from capil.audit.services import audit_record
from capil.core.phones import PhoneNumber

from . import selectors, services
from .access import (
    access_staff_member_by_id,
    citizen_required,
    role_required,
    second_factor_mark,
    second_factor_satisfied,
    signed_in_required,
)
from .forms import (
    CloseAccountForm,
    CodeForm,
    EmailChangeForm,
    PasswordChangeForm,
    PhoneChangeForm,
    RegisterForm,
    ResetCodeForm,
    ResetRequestForm,
    SetPasswordForm,
    SignInForm,
    StaffForm,
    TotpForm,
)
from .models import STAFF_ROLES, CodePurpose, Role

_RESET_SESSION_KEY = "capil_reset_identifier"


def _safe_next(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _form_errors_from(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _after_signin(request, user) -> str:
    if user.needs_second_factor:
        return reverse("accounts:second_factor") + "?" + urlencode(
            {"next": _safe_next(request, reverse("accounts:profile"))}
        )
    if user.is_citizen and not user.is_verified:
        return reverse("accounts:verification")
    return _safe_next(request, settings.LOGIN_REDIRECT_URL)


# --- sign-in, sign-out, registration ------------------------------------------------------------------


@sensitive_post_parameters("password")
@never_cache
def signin(request):
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.signin_attempt(
                request=request, identifier=form.cleaned_data["identifier"], password=form.cleaned_data["password"]
            )
        except services.RateLimited as exc:
            form.add_error(None, exc.message)
            status = 429
        except services.CodeRejected as exc:
            form.add_error(None, exc.message)
        else:
            login(request, user)
            return HttpResponseRedirect(_after_signin(request, user))
    return render(request, "accounts/signin.html", {"form": form, "next": _safe_next(request, "")}, status=status)


@require_POST
def signout(request):
    logout(request)
    messages.info(request, _("Anda sudah keluar."))
    return redirect(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password", "password2", "nik")
@never_cache
def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegisterForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        registration = services.Registration(
            full_name=data["full_name"], phone=data["phone"], email=data["email"], password=data["password"],
            nik=data["nik"], birth_date=data["birth_date"], sex=data["sex"],
        )
        try:
            user = services.user_register(registration=registration, request=request)
        except services.RateLimited as exc:
            form.add_error(None, exc.message)
            status = 429
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            login(request, user, backend="capil.accounts.backends.PhoneOrEmailBackend")
            messages.success(request, _("Akun dibuat. Masukkan kode dari SMS dan buka tautan di email Anda."))
            return redirect("accounts:verification")
    return render(request, "accounts/register.html", {"form": form}, status=status)


# --- verification -------------------------------------------------------------------------------------


def _code_form(request, confirm, *, success: str, done_url: str):
    """A page's 6-digit SMS code form: (form, HTTP status, None), or (form, 200, the redirect) once `confirm`
    accepted the code. A wrong or spent code is a form error; too many tries answer 429."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirm(user=request.user, code=form.cleaned_data["code"], request=request)
        except (services.CodeRejected, services.RateLimited) as exc:
            form.add_error("code", exc.message)
            return form, 429 if isinstance(exc, services.RateLimited) else 200, None
        messages.success(request, success)
        return form, 200, redirect(done_url)
    return form, 200, None


@sensitive_post_parameters("code")
@citizen_required
@never_cache
def verification(request):
    user = request.user
    form, status, done = _code_form(request, services.phone_verify, success=_("Nomor HP terverifikasi."),
                                    done_url="accounts:verification")
    if done:
        return done
    user.refresh_from_db()
    context = {
        "form": form,
        "wait_seconds": services.code_wait_seconds(user=user, purpose=CodePurpose.PHONE_VERIFY),
    }
    return render(request, "accounts/verification.html", context, status=status)


def _resend(request, send, sent: str, go_to: str):
    """A "send again" button: `send()` once, then back to `go_to` saying it was sent or how long to wait."""
    try:
        send()
    except services.RateLimited as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, sent)
    return redirect(go_to)


@require_POST
@citizen_required
def phone_code_resend(request):
    if request.user.phone_verified_at:
        return redirect("accounts:verification")
    return _resend(request, lambda: services.phone_code_send(user=request.user, request=request),
                   _("Kode baru dikirim ke %(phone)s.") % {"phone": request.user.phone_national},
                   "accounts:verification")


@require_POST
@citizen_required
def email_link_resend(request):
    if request.user.email_verified_at:
        return redirect("accounts:verification")
    return _resend(request, lambda: services.email_verification_send(user=request.user, request=request),
                   _("Tautan baru dikirim ke %(email)s.") % {"email": request.user.email}, "accounts:verification")


@never_cache
def email_verify(request, token):
    try:
        if request.method != "POST" and services.email_link_changes_address(token):
            return render(request, "accounts/email_verified.html", {"confirm_change": True})
        user = services.email_verify(token=token, request=request)
    except services.CodeRejected as exc:
        return render(request, "accounts/email_verified.html", {"error": exc.message}, status=400)
    return render(request, "accounts/email_verified.html", {"verified_user": user})


# --- password reset -----------------------------------------------------------------------------------


@never_cache
def password_reset(request):
    form = ResetRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"].strip()
        try:
            kind = services.password_reset_request(identifier=identifier, request=request)
        except services.RateLimited as exc:
            form.add_error(None, exc.message)
            status = 429
        except ValidationError as exc:
            form.add_error("identifier", exc.messages)
        else:
            if kind == "sms":
                request.session[_RESET_SESSION_KEY] = identifier
                return redirect("accounts:password_reset_code")
            return render(request, "accounts/password_reset_sent.html", {"email": identifier})
    return render(request, "accounts/password_reset.html", {"form": form}, status=status)


@sensitive_post_parameters("password", "password2", "code")
@never_cache
def password_reset_code(request):
    identifier = request.session.get(_RESET_SESSION_KEY)
    if not identifier:
        return redirect("accounts:password_reset")
    form = ResetCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_with_code(
                identifier=identifier, code=form.cleaned_data["code"], password=form.cleaned_data["password"],
                request=request,
            )
        except services.RateLimited as exc:
            form.add_error(None, exc.message)
            status = 429
        except services.CodeRejected as exc:
            form.add_error("code", exc.message)
        except ValidationError as exc:
            form.add_error("password", exc.messages)
        else:
            request.session.pop(_RESET_SESSION_KEY, None)
            messages.success(request, _("Kata sandi baru tersimpan. Silakan masuk."))
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_code.html", {"form": form, "identifier": identifier},
                  status=status)


@sensitive_post_parameters("password", "password2")
@never_cache
def password_reset_link(request, uidb64, token):
    user = services.password_reset_link_user(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/password_reset_link.html", {"invalid": True}, status=400)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_with_link(user=user, password=form.cleaned_data["password"], request=request)
        except ValidationError as exc:
            form.add_error("password", exc.messages)
        else:
            messages.success(request, _("Kata sandi baru tersimpan. Silakan masuk."))
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_link.html", {"form": form})


# --- own account --------------------------------------------------------------------------------------


@signed_in_required
@never_cache
def profile(request):
    pending = request.user.pending_phone
    return render(request, "accounts/profile.html",
                  {"pending_phone_national": PhoneNumber(pending).national if pending else ""})


@sensitive_post_parameters("old_password", "password", "password2")
@signed_in_required
@never_cache
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_change(user=request.user, old_password=form.cleaned_data["old_password"],
                                            password=form.cleaned_data["password"], request=request)
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Kata sandi diganti."))
            return redirect("accounts:profile")
    return render(request, "accounts/form_page.html",
                  {"form": form, "title": _("Ganti kata sandi"), "submit": _("Simpan kata sandi")})


@sensitive_post_parameters("password")
@signed_in_required
@never_cache
def phone_change(request):
    form = PhoneChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.phone_change(user=request.user, phone=form.cleaned_data["phone"],
                                         password=form.cleaned_data["password"], request=request)
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            if user.pending_phone:
                return redirect("accounts:phone_change_confirm")
            messages.success(request, _("Nomor HP diganti. Masukkan kode yang dikirim ke nomor baru."))
            return redirect("accounts:verification" if request.user.is_citizen else "accounts:profile")
    verified = bool(request.user.phone and request.user.phone_verified_at)
    return render(request, "accounts/form_page.html", {
        "form": form, "title": _("Ganti nomor HP"), "submit": _("Kirim kode ke nomor baru"),
        "lead": _("Kode SMS dikirim ke nomor baru. Nomor sekarang tetap dipakai sampai kode itu dimasukkan.")
        if verified else
        _("Nomor baru harus diverifikasi lagi dengan kode SMS sebelum Anda dapat mengajukan layanan."),
    })


@sensitive_post_parameters("code")
@signed_in_required
@never_cache
def phone_change_confirm(request):
    """The code sent to the new number: typed here, it makes the new number the account's own."""
    user = request.user
    if not user.pending_phone:
        return redirect("accounts:profile")
    form, status, done = _code_form(request, services.phone_change_confirm,
                                    success=_("Nomor HP diganti dan terverifikasi."), done_url="accounts:profile")
    if done:
        return done
    context = {
        "form": form,
        "pending_national": PhoneNumber(user.pending_phone).national,
        "code_live": services.phone_change_code_live(user),
        "wait_seconds": services.code_wait_seconds(user=user, purpose=CodePurpose.PHONE_CHANGE,
                                                   phone=user.pending_phone),
    }
    return render(request, "accounts/phone_change_confirm.html", context, status=status)


@require_POST
@signed_in_required
def phone_change_resend(request):
    if not request.user.pending_phone:
        return redirect("accounts:profile")
    return _resend(request, lambda: services.phone_change_code_send(user=request.user, request=request),
                   _("Kode baru dikirim ke %(phone)s.") % {"phone": PhoneNumber(request.user.pending_phone).national},
                   "accounts:phone_change_confirm")


@require_POST
@signed_in_required
def phone_change_cancel(request):
    services.phone_change_cancel(user=request.user, request=request)
    messages.success(request, _("Penggantian nomor HP dibatalkan. Nomor Anda tetap %(phone)s.")
                     % {"phone": request.user.phone_national})
    return redirect("accounts:profile")


@sensitive_post_parameters("password")
@signed_in_required
@never_cache
def email_change(request):
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.email_change(user=request.user, email=form.cleaned_data["email"],
                                         password=form.cleaned_data["password"], request=request)
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            if user.pending_email:
                messages.success(request, _("Tautan konfirmasi dikirim ke %(email)s. Alamat email Anda sekarang "
                                            "tetap dipakai sampai tautan itu dibuka.") % {"email": user.pending_email})
                return redirect("accounts:profile")
            messages.success(request, _("Email diganti. Buka tautan yang dikirim ke alamat baru."))
            return redirect("accounts:verification" if request.user.is_citizen else "accounts:profile")
    return render(request, "accounts/form_page.html", {
        "form": form, "title": _("Ganti alamat email"), "submit": _("Kirim tautan ke alamat baru"),
        "lead": _("Tautan konfirmasi dikirim ke alamat baru. Alamat sekarang tetap dipakai sampai tautan itu "
                  "dibuka.") if request.user.email_verified_at else
        _("Alamat baru harus diverifikasi lagi lewat tautan di email sebelum Anda dapat mengajukan layanan."),
    })


@require_POST
@signed_in_required
def email_change_resend(request):
    if not request.user.pending_email:
        return redirect("accounts:profile")
    return _resend(request, lambda: services.email_verification_send(user=request.user, request=request, pending=True),
                   _("Tautan baru dikirim ke %(email)s.") % {"email": request.user.pending_email}, "accounts:profile")


@require_POST
@signed_in_required
def email_change_cancel(request):
    services.email_change_cancel(user=request.user, request=request)
    messages.success(request, _("Penggantian alamat email dibatalkan. Alamat Anda tetap %(email)s.")
                     % {"email": request.user.email})
    return redirect("accounts:profile")


# --- personal data (UU 27/2022) -----------------------------------------------------------------------


@citizen_required
@never_cache
def my_data(request):
    return render(request, "accounts/my_data.html", {"preview": selectors.closure_preview(request.user)})


@citizen_required
@never_cache
def my_data_download(request):
    data = selectors.personal_data_export(request.user)
    audit_record(actor=request.user, action="account.data_exported", target=request.user, request=request)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str), content_type="application/json; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="data-saya-capil-{stamp}.json"'
    return response


@sensitive_post_parameters("password")
@citizen_required
@never_cache
def account_close(request):
    form = CloseAccountForm(request.POST or None)
    preview = selectors.closure_preview(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_close(user=request.user, password=form.cleaned_data["password"], request=request)
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            logout(request)
            messages.success(request, _("Akun Anda sudah ditutup. Terima kasih telah menggunakan Capil Online."))
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/close.html", {"form": form, "preview": preview})


# --- staff second factor ------------------------------------------------------------------------------


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@never_cache
def second_factor(request):
    """The second step of a staff sign-in: the TOTP code, or enrolment when the account has none yet."""
    user = request.user
    if not user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if not user.needs_second_factor:
        raise PermissionDenied
    next_url = _safe_next(request, reverse("accounts:profile"))
    if second_factor_satisfied(request):
        return HttpResponseRedirect(next_url)
    if not user.has_second_factor:
        user = services.totp_enrolment_start(user=user)
    form = TotpForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            ok = services.totp_verify(user=user, code=form.cleaned_data["code"], request=request)
        except services.RateLimited as exc:
            form.add_error("code", exc.message)
            status = 429
        else:
            if ok:
                # A new session key once the sign-in is complete, so a key seen before the second factor
                # (on a shared computer, say) is worth nothing afterwards.
                request.session.cycle_key()
                second_factor_mark(request, user)
                audit_record(actor=user, action="account.staff_signed_in", target=user, request=request)
                return HttpResponseRedirect(next_url)
            form.add_error("code", _("Kode salah atau sudah dipakai. Tunggu kode berikutnya di aplikasi."))
    context = {"form": form, "next": next_url, "enrolling": not user.has_second_factor}
    if context["enrolling"]:
        secret = user.totp_secret
        context.update(secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
                       qr_svg=_qr_svg(services.totp_uri(user)))
    return render(request, "accounts/second_factor.html", context, status=status)


@role_required(*STAFF_ROLES)
@never_cache
def second_factor_status(request):
    """The enrolment page of a member of staff who already passed the second factor: what is set up,
    and what to do when the phone is lost."""
    return render(request, "accounts/second_factor_status.html", {})


# --- staff management (ADMIN) -------------------------------------------------------------------------


@role_required(Role.ADMIN)
@never_cache
def staff_list(request):
    return render(request, "accounts/staff_list.html", {"staff": selectors.staff_list()})


@role_required(Role.ADMIN)
@never_cache
def staff_create(request):
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.staff_create(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(request, _("Akun staf %(name)s dibuat. Tautan untuk membuat kata sandi dikirim ke "
                                        "emailnya.") % {"name": member.full_name})
            return redirect("accounts:staff_list")
    return render(request, "accounts/staff_form.html", {"form": form, "member": None})


@role_required(Role.ADMIN)
@never_cache
def staff_edit(request, pk):
    member = access_staff_member_by_id(request.user, pk)
    initial = {"full_name": member.full_name, "email": member.email, "phone": member.phone or "",
               "role": member.role, "nip": member.nip}
    form = StaffForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_update(actor=request.user, user=member, request=request, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            messages.success(request, _("Perubahan disimpan."))
            return redirect("accounts:staff_list")
    return render(request, "accounts/staff_form.html", {"form": form, "member": member})


@require_POST
@role_required(Role.ADMIN)
def staff_set_active(request, pk):
    member = access_staff_member_by_id(request.user, pk)
    active = request.POST.get("active") == "1"
    try:
        services.staff_set_active(actor=request.user, user=member, active=active, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Akun %(name)s diaktifkan.") % {"name": member.full_name} if active
                         else _("Akun %(name)s dinonaktifkan.") % {"name": member.full_name})
    return redirect("accounts:staff_list")


@require_POST
@role_required(Role.ADMIN)
def staff_second_factor_reset(request, pk):
    member = access_staff_member_by_id(request.user, pk)
    services.staff_second_factor_reset(actor=request.user, user=member, request=request)
    messages.success(request, _("Faktor kedua %(name)s direset; ia mendaftarkan aplikasi autentikator baru saat "
                                "masuk berikutnya.") % {"name": member.full_name})
    return redirect("accounts:staff_edit", pk=member.pk)
