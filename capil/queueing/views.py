"""Thin views: parse the request, call a service or selector, render. Refusals from the services arrive as
QueueError with a message for the person and are shown, never turned into a server error."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from capil.accounts.access import role_required
from capil.accounts.models import Role
from capil.core import ratelimit
from capil.core.phones import normalise_phone

from . import clock, forms, intake, selectors, services
from .access import (
    access_booking_by_id,
    access_booking_by_token,
    access_counter_by_id,
    access_intake_by_id,
    access_pickup_by_id,
)
from .captcha import captcha_new, captcha_verify
from .conf import queueing_setting
from .models import BookingStatus, OutputKind, ServiceGroup, Ticket

COUNTER_STAFF = (Role.OPERATOR, Role.KASI, Role.ADMIN)
REPORT_STAFF = (Role.OPERATOR, Role.KASI, Role.KADIS, Role.ADMIN)
SUPERVISORS = (Role.KASI, Role.ADMIN)

_SESSION_DRAFT = "queueing_booking_draft"
_SESSION_DONE = "queueing_booking_done"
# The phone confirmed by the captcha is good for this long; then the captcha is asked again.
_DRAFT_SECONDS = 20 * 60


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


# ---------------------------------------------------------------------------------------------------------
# Waiting-room display (public: numbers and counters only)


@require_GET
def display(request):
    return render(request, "queueing/display.html", {"state": selectors.display_state()})


@never_cache
@require_GET
def display_data(request):
    return JsonResponse(selectors.display_state())


# ---------------------------------------------------------------------------------------------------------
# KTP-el recording booking, no account (SOP Perekaman KTP-el steps 2–6)


def _draft(request) -> dict | None:
    draft = request.session.get(_SESSION_DRAFT)
    if not draft or clock.now().timestamp() - draft.get("at", 0) > _DRAFT_SECONDS:
        return None
    return draft


@never_cache
@require_http_methods(["GET", "POST"])
def booking_start(request):
    ip = _client_ip(request)
    form = forms.BookingStartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if ratelimit.is_limited(f"queueing:captcha-fail:ip:{ip}", queueing_setting("captcha_failures_per_ip"), 900):
            form.add_error(None, _("Terlalu banyak jawaban kode keamanan yang salah dari jaringan Anda. Coba lagi "
                                   "15 menit lagi."))
        elif form.is_valid():
            try:
                captcha_verify(token=form.cleaned_data["captcha_token"], answer=form.cleaned_data["captcha_answer"])
            except ValidationError as exc:
                ratelimit.hit(f"queueing:captcha-fail:ip:{ip}", queueing_setting("captcha_failures_per_ip"), 900)
                form.add_error("captcha_answer", exc)
            else:
                request.session[_SESSION_DRAFT] = {"phone": form.cleaned_data["phone"].e164,
                                                   "at": clock.now().timestamp()}
                return redirect("queueing:booking_slot")
        # Each attempt gets a new captcha: a token is good for one answer only.
        form.data = form.data.copy()
        form.data["captcha_answer"] = ""
    captcha = captcha_new()
    form.initial["captcha_token"] = captcha.token
    if form.is_bound:
        form.data["captcha_token"] = captcha.token
    return render(request, "queueing/booking_start.html", {"form": form, "captcha": captcha, "step": 1})


def _selected_day(request, days):
    day = forms.parse_day(request.GET.get("tanggal") or request.POST.get("date"))
    valid_days = [d for d, _left in days]
    if day in valid_days:
        return day
    return next((d for d, left in days if left), valid_days[0] if valid_days else None)


@never_cache
@require_http_methods(["GET", "POST"])
def booking_slot(request):
    draft = _draft(request)
    if draft is None:
        messages.warning(request, _("Masukkan nomor HP dan kode keamanan terlebih dahulu."))
        return redirect("queueing:booking_start")
    days = selectors.booking_days()
    form = forms.SlotForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_slot_validate(day=form.cleaned_data["date"], start=form.cleaned_data["time"])
        except services.QueueError as exc:
            form.add_error(None, exc.message)
        else:
            draft.update(date=form.cleaned_data["date"].isoformat(), time=form.cleaned_data["time"].strftime("%H:%M"))
            request.session[_SESSION_DRAFT] = draft
            return redirect("queueing:booking_confirm")
    day = _selected_day(request, days)
    slots = selectors.slot_availability(day) if day else []
    return render(request, "queueing/booking_slot.html", {
        "form": form, "days": days, "day": day, "slots": slots, "step": 2,
        "phone": normalise_phone(draft["phone"]),
    })


@never_cache
@require_http_methods(["GET", "POST"])
def booking_confirm(request):
    draft = _draft(request)
    if draft is None or "date" not in draft:
        messages.warning(request, _("Pilih tanggal dan jam terlebih dahulu."))
        return redirect("queueing:booking_start" if draft is None else "queueing:booking_slot")
    day = datetime.date.fromisoformat(draft["date"])
    start = datetime.time.fromisoformat(draft["time"])
    form = forms.StatementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        ip = _client_ip(request)
        if not ratelimit.hit(f"queueing:booking:ip:{ip}", queueing_setting("bookings_per_ip_per_hour"), 3600):
            form.add_error(None, _("Terlalu banyak antrian dari jaringan Anda dalam satu jam. Coba lagi nanti."))
        elif not ratelimit.hit(f"queueing:booking:phone:{draft['phone']}",
                               queueing_setting("bookings_per_phone_per_day"), 24 * 3600):
            form.add_error(None, _("Nomor HP ini sudah terlalu sering mengambil antrian hari ini. Coba lagi besok."))
        else:
            try:
                booking = services.booking_create(phone=draft["phone"], day=day, start=start, statement_accepted=True,
                                                  language=get_language() or "id")
            except services.QueueError as exc:
                form.add_error(None, exc.message)
            else:
                del request.session[_SESSION_DRAFT]
                request.session[_SESSION_DONE] = booking.pk
                return redirect("queueing:booking_done")
    end = next((s.end for s in selectors.slot_availability(day) if s.start == start), None)
    return render(request, "queueing/booking_confirm.html", {
        "form": form, "day": day, "start": start, "end": end, "step": 3, "phone": normalise_phone(draft["phone"]),
        "grace": queueing_setting("no_show_grace_minutes"),
    })


@never_cache
@require_GET
def booking_done(request):
    from .models import Booking

    pk = request.session.get(_SESSION_DONE)
    booking = Booking.objects.select_related("slot").filter(pk=pk).first() if pk else None
    if booking is None:
        return redirect("queueing:booking_start")
    return render(request, "queueing/booking_done.html", {
        "booking": booking, "step": 4, "manage_url": services.booking_manage_url(booking),
        "phone": normalise_phone(booking.phone), "grace": queueing_setting("no_show_grace_minutes"),
    })


def _booking_from_link(request, token):
    booking = access_booking_by_token(token)
    if booking is None:
        return None, render(request, "queueing/booking_link_invalid.html", status=404)
    return booking, None


@never_cache
@require_GET
def booking_manage(request, token):
    booking, refusal = _booking_from_link(request, token)
    if refusal:
        return refusal
    return render(request, "queueing/booking_manage.html", {
        "booking": booking, "token": token, "phone": normalise_phone(booking.phone),
        "active": booking.status == BookingStatus.BOOKED,
    })


@require_POST
def booking_cancel(request, token):
    booking, refusal = _booking_from_link(request, token)
    if refusal:
        return refusal
    try:
        services.booking_cancel(booking=booking)
    except services.QueueError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Antrian %(code)s dibatalkan. Tempatnya sudah dilepas untuk warga lain.")
                         % {"code": booking.code})
    return redirect("queueing:booking_manage", token=token)


@never_cache
@require_http_methods(["GET", "POST"])
def booking_reschedule(request, token):
    booking, refusal = _booking_from_link(request, token)
    if refusal:
        return refusal
    if booking.status != BookingStatus.BOOKED:
        messages.error(request, _("Antrian ini tidak aktif lagi dan tidak dapat diubah."))
        return redirect("queueing:booking_manage", token=token)
    days = selectors.booking_days()
    form = forms.SlotForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.hit(f"queueing:booking:phone:{booking.phone}",
                             queueing_setting("bookings_per_phone_per_day"), 24 * 3600):
            form.add_error(None, _("Jadwal nomor HP ini sudah terlalu sering diubah hari ini. Coba lagi besok."))
        else:
            try:
                booking = services.booking_reschedule(booking=booking, day=form.cleaned_data["date"],
                                                      start=form.cleaned_data["time"])
            except services.QueueError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Jadwal diubah. Nomor antrian Anda sekarang %(code)s; SMS baru sudah "
                                            "dikirim.") % {"code": booking.code})
                return redirect("queueing:booking_manage", token=token)
    day = _selected_day(request, days)
    return render(request, "queueing/booking_reschedule.html", {
        "form": form, "booking": booking, "token": token, "days": days, "day": day,
        "slots": selectors.slot_availability(day) if day else [],
    })


# ---------------------------------------------------------------------------------------------------------
# Counters (staff)


@role_required(*COUNTER_STAFF)
@require_GET
def counter_list(request):
    return render(request, "queueing/counter_list.html", {"counters": selectors.counters_active()})


@role_required(*COUNTER_STAFF)
@require_GET
def counter_screen(request, pk):
    counter = access_counter_by_id(request.user, pk)
    panel = selectors.counter_panel(counter)
    return render(request, "queueing/counter_screen.html", {
        "panel": panel, "counter": counter, "transfer_form": forms.TransferForm(),
    })


@role_required(*COUNTER_STAFF)
@require_POST
def counter_action(request, pk, action):
    counter = access_counter_by_id(request.user, pk)
    ticket_id = request.POST.get("ticket")
    try:
        if action not in {"call", "recall", "serve", "no_show", "transfer", "record",
                          "link"}:
            messages.error(request, _("Tindakan tidak dikenal."))
        elif action == "call":
            ticket = services.ticket_call_next(counter=counter, actor=request.user, request=request)
            if ticket is None:
                messages.info(request, _("Tidak ada antrian yang menunggu untuk loket ini."))
            else:
                messages.success(request, _("Memanggil %(code)s.") % {"code": ticket.code})
        elif not (ticket_id or "").isdigit():
            messages.error(request, _("Tiket tidak dikenal."))
        elif action == "recall":
            ticket = services.ticket_recall(counter=counter, ticket_id=int(ticket_id), actor=request.user,
                                            request=request)
            messages.success(request, _("Memanggil ulang %(code)s.") % {"code": ticket.code})
        elif action == "serve":
            ticket = services.ticket_mark_served(counter=counter, ticket_id=int(ticket_id), actor=request.user,
                                                 request=request)
            messages.success(request, _("%(code)s selesai dilayani.") % {"code": ticket.code})
        elif action == "no_show":
            ticket = services.ticket_mark_no_show(counter=counter, ticket_id=int(ticket_id), actor=request.user,
                                                  request=request)
            messages.success(request, _("%(code)s ditandai tidak hadir.") % {"code": ticket.code})
        elif action == "transfer":
            form = forms.TransferForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Pilih loket tujuan."))
            else:
                ticket = services.ticket_transfer(counter=counter, ticket_id=int(ticket_id),
                                                  to_counter=form.cleaned_data["to_counter"], actor=request.user,
                                                  request=request)
                messages.success(request, _("%(code)s dipindahkan ke %(counter)s.")
                                 % {"code": ticket.code, "counter": form.cleaned_data["to_counter"].name})
        elif action == "link":
            ticket = services.ticket_link_application(counter=counter, ticket_id=int(ticket_id),
                                                      tracking_number=request.POST.get("tracking_number", ""),
                                                      actor=request.user, request=request)
            messages.success(request, _("%(code)s ditautkan ke permohonan %(number)s.")
                             % {"code": ticket.code, "number": ticket.application.tracking_number})
        elif action == "record":
            ticket = Ticket.objects.filter(pk=int(ticket_id), counter=counter).select_related("booking").first()
            if ticket is None or ticket.booking is None:
                messages.error(request, _("Tiket ini bukan antrian perekaman KTP-el."))
            else:
                services.booking_mark_recorded(booking=ticket.booking, actor=request.user, counter=counter,
                                               request=request)
                messages.success(request, _("Perekaman %(code)s selesai.") % {"code": ticket.code})
    except services.QueueError as exc:
        messages.error(request, exc.message)
    except Ticket.DoesNotExist:
        messages.error(request, _("Tiket tidak dikenal."))
    return redirect("queueing:counter_screen", pk=counter.pk)


@role_required(*COUNTER_STAFF)
@require_http_methods(["GET", "POST"])
def ticket_take(request):
    form = forms.TicketIssueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_issue(group=form.cleaned_data["group"], actor=request.user, request=request)
        except services.QueueError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("queueing:ticket_print", pk=ticket.pk)
    return render(request, "queueing/ticket_take.html", {"form": form, "groups": ServiceGroup.objects.filter(
        is_active=True)})


@role_required(*COUNTER_STAFF)
@require_GET
def ticket_print(request, pk):
    ticket = Ticket.objects.select_related("group").filter(pk=pk).first()
    if ticket is None:
        raise Http404
    ahead = Ticket.objects.filter(day=ticket.day, group=ticket.group, status="WAITING",
                                  queued_at__lt=ticket.queued_at).count()
    return render(request, "queueing/ticket_print.html", {"ticket": ticket, "ahead": ahead})


# ---------------------------------------------------------------------------------------------------------
# KTP-el recording at the office (staff)


@role_required(*COUNTER_STAFF)
@require_http_methods(["GET", "POST"])
def booking_check_in(request):
    form = forms.CheckInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.booking_check_in(number=form.cleaned_data["number"], actor=request.user,
                                                request=request)
        except services.QueueError as exc:
            form.add_error("number", exc.message)
        else:
            messages.success(request, _("%(code)s hadir dan masuk antrian perekaman.") % {"code": booking.code})
            return redirect("queueing:booking_check_in")
    today = clock.today()
    return render(request, "queueing/booking_check_in.html", {
        "form": form, "bookings": selectors.bookings_of_day(today), "today": today,
    })


@role_required(*COUNTER_STAFF)
@require_http_methods(["GET", "POST"])
def booking_staff_detail(request, pk):
    booking = access_booking_by_id(request.user, pk)
    form = forms.BookingReadyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pickup_mark_ready(actor=request.user, kind=OutputKind.KTP_EL, reference=booking.reference,
                                       holder_name=form.cleaned_data["holder_name"],
                                       nik_suffix=form.cleaned_data["nik_suffix"], booking=booking, request=request)
        except services.QueueError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("KTP-el ditandai siap diambil; SMS dikirim ke pemohon."))
            return redirect("queueing:booking_staff_detail", pk=booking.pk)
    return render(request, "queueing/booking_staff_detail.html", {
        "booking": booking, "form": form, "phone": normalise_phone(booking.phone),
        "events": booking.events.select_related("actor"), "pickup": getattr(booking, "pickup", None),
    })


# ---------------------------------------------------------------------------------------------------------
# Pick-up of printed KTP-el and KIA (staff)


@role_required(*COUNTER_STAFF)
@require_http_methods(["GET", "POST"])
def pickup_list(request):
    form = forms.PickupReadyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pickup = services.pickup_mark_ready(actor=request.user, kind=data["kind"], reference=data["reference"],
                                                holder_name=data["holder_name"], nik_suffix=data["nik_suffix"],
                                                phone=data["phone"], email=data["email"], request=request)
        except services.QueueError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(doc)s %(ref)s siap diambil; pemberitahuan dikirim.")
                             % {"doc": pickup.get_kind_display(), "ref": pickup.reference})
            return redirect("queueing:pickup_list")
    query = (request.GET.get("q") or "").strip().upper()
    waiting = selectors.pickups_waiting()
    if query:
        waiting = [p for p in waiting if query in p.reference]
    return render(request, "queueing/pickup_list.html", {
        "form": form, "waiting": waiting, "collected": selectors.pickups_collected_recently(), "q": query,
    })


@role_required(*COUNTER_STAFF)
@require_http_methods(["GET", "POST"])
def pickup_hand_over(request, pk):
    pickup = access_pickup_by_id(request.user, pk)
    form = forms.HandOverForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pickup_hand_over(pickup=pickup, actor=request.user, request=request, **form.cleaned_data)
        except services.QueueError as exc:
            form.add_error(None, exc.message)
            pickup.refresh_from_db()
        else:
            messages.success(request, _("%(doc)s %(ref)s diserahkan.")
                             % {"doc": pickup.get_kind_display(), "ref": pickup.reference})
            return redirect("queueing:pickup_list")
    return render(request, "queueing/pickup_hand_over.html", {"pickup": pickup, "form": form})


# ---------------------------------------------------------------------------------------------------------
# Statistics and slot capacity


@role_required(*REPORT_STAFF)
@require_GET
def statistics(request):
    day = forms.parse_day(request.GET.get("tanggal")) or clock.today()
    return render(request, "queueing/statistics.html", {
        "stats": selectors.day_statistics(day), "day": day,
        "previous": day - datetime.timedelta(days=1), "next": day + datetime.timedelta(days=1),
    })


@role_required(*SUPERVISORS)
@require_http_methods(["GET", "POST"])
def capacity(request):
    form = forms.CapacityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.booking_slot_set_capacity(slot_day=data["date"], start=data["time"], capacity=data["capacity"],
                                               actor=request.user, request=request)
        except services.QueueError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Kuota diperbarui."))
            return redirect(reverse("queueing:capacity") + "?tanggal=" + data["date"].isoformat())
    day = forms.parse_day(request.GET.get("tanggal") or request.POST.get("date")) or clock.today()
    return render(request, "queueing/capacity.html", {
        "form": form, "day": day, "slots": selectors.slot_availability(day),
        "bookings": selectors.bookings_of_day(day),
    })


# ---------------------------------------------------------------------------------------------------------
# Counter intake (counter SOPs, steps 1–5) and the public status page


@role_required(*COUNTER_STAFF)
@require_http_methods(["GET", "POST"])
def intake_start(request):
    services_available = intake.counter_services()
    form = forms.IntakeOpenForm(request.POST if request.method == "POST" else None, services=services_available)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ticket = None
        if data["ticket"].strip():
            ticket = selectors.ticket_of_today(data["ticket"])
            if ticket is None:
                form.add_error("ticket", _("Tidak ada nomor antrian %(code)s hari ini.") % {"code": data["ticket"]})
        if not form.errors:
            try:
                opened = intake.counter_intake_open(
                    actor=request.user, version=intake.counter_service_by_slug(data["service"]),
                    full_name=data["full_name"], phone=data["phone"], email=data["email"], ticket=ticket,
                    request=request)
            except services.QueueError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Permohonan %(number)s dibuka.")
                                 % {"number": opened.application.tracking_number})
                return redirect("queueing:intake_detail", pk=opened.pk)
    return render(request, "queueing/intake_start.html", {"form": form, "recent": selectors.intakes_recent()})


@role_required(*COUNTER_STAFF)
@require_http_methods(["GET", "POST"])
def intake_detail(request, pk):
    from capil.applications.forms import AnswersForm, answers_initial
    from capil.applications.images import UploadRejected
    from capil.applications.services import application_missing_items, application_slots
    from capil.applications.workflow import TransitionRefused

    opened = access_intake_by_id(request.user, pk)
    application = opened.application
    version = application.service_version
    answers_form = AnswersForm(version=version, require=False, initial=answers_initial(application.answers),
                               prefix="f")
    steps_form = forms.IdentityStepsForm(initial={
        "interview_minutes": opened.interview_minutes, "biometric_result": opened.biometric_result,
        "f101_rt": opened.f101_signed_rt, "f101_lurah": opened.f101_signed_lurah,
        "f101_camat": opened.f101_signed_camat}, prefix="s")
    if request.method == "POST":
        do = request.POST.get("do")
        try:
            if do == "answers":
                answers_form = AnswersForm(request.POST, version=version, require=False, prefix="f")
                if answers_form.is_valid():
                    intake.counter_intake_answers(intake=opened, actor=request.user, answers=answers_form.answers(),
                                                  request=request)
                    messages.success(request, _("Isian formulir disimpan."))
                    return redirect("queueing:intake_detail", pk=opened.pk)
            elif do == "upload":
                fileobj = request.FILES.get("file")
                if fileobj is None:
                    messages.error(request, _("Pilih berkas hasil pindai atau foto."))
                else:
                    intake.counter_intake_upload(intake=opened, actor=request.user, slot=request.POST.get("slot", ""),
                                                 fileobj=fileobj, request=request)
                    messages.success(request, _("Berkas disimpan."))
                return redirect("queueing:intake_detail", pk=opened.pk)
            elif do == "steps":
                steps_form = forms.IdentityStepsForm(request.POST, prefix="s")
                if steps_form.is_valid():
                    d = steps_form.cleaned_data
                    intake.counter_intake_identity_steps(
                        intake=opened, actor=request.user, interview_minutes=d["interview_minutes"],
                        biometric_result=d["biometric_result"], f101_rt=d["f101_rt"], f101_lurah=d["f101_lurah"],
                        f101_camat=d["f101_camat"], request=request)
                    messages.success(request, _("Langkah di loket dicatat."))
                    return redirect("queueing:intake_detail", pk=opened.pk)
            elif do == "submit":
                intake.counter_intake_submit(intake=opened, actor=request.user, request=request)
                messages.success(request, _("Berkas diserahkan ke verifikasi. Cetak tanda terima untuk pemohon."))
                return redirect("queueing:intake_receipt", pk=opened.pk)
            else:
                messages.error(request, _("Tindakan tidak dikenal."))
        except (services.QueueError, TransitionRefused) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
        except UploadRejected as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        opened.refresh_from_db()
    return render(request, "queueing/intake_detail.html", {
        "intake": opened, "application": application, "answers_form": answers_form, "steps_form": steps_form,
        "slots": application_slots(application=application), "missing": application_missing_items(
            application=application) + intake.identity_steps_missing(opened),
        "identity_steps": intake.intake_needs_identity_steps(opened),
    })


@role_required(*COUNTER_STAFF)
@require_GET
def intake_receipt(request, pk):
    opened = access_intake_by_id(request.user, pk)
    status_url = intake.application_status_url(opened.application)
    return render(request, "queueing/intake_receipt.html", {
        "intake": opened, "application": opened.application, "status_url": status_url,
        "qr": intake.qr_svg(status_url),
    })


STATUS_CACHE_SECONDS = 300
_CSRF_PLACEHOLDER = "__capil_csrf_token__"


def status_cache_key(tracking_number: str, language: str) -> str:
    return f"queueing:status:{tracking_number}:{language}"


@require_GET
def application_status(request, token):
    """Public: where an application stands, for whoever holds the receipt's QR. No personal data.

    Read by everyone who scans a receipt, often and repeatedly, so an anonymous visitor's page comes from the
    cache (5 minutes at most, and dropped the moment the application changes state — the receipt of
    `application_state_changed`); only the CSRF token of the page's language form is the visitor's own."""
    from django.core.cache import cache
    from django.http import HttpResponse
    from django.middleware.csrf import get_token
    from django.template.loader import render_to_string

    from capil.applications.selectors import application_expected_completion

    number = intake.status_token_number(token)
    if number is None:
        return render(request, "queueing/status_invalid.html", status=404)
    shared = not request.user.is_authenticated and not request.GET and "messages" not in request.COOKIES
    key = status_cache_key(number, get_language())
    if shared:
        html = cache.get(key)
        if html is not None:
            return HttpResponse(html.replace(_CSRF_PLACEHOLDER, get_token(request)))
    application = intake.application_by_number(number)
    if application is None:
        return render(request, "queueing/status_invalid.html", status=404)
    context = {"application": application, "expected": application_expected_completion(application=application)}
    if not shared:
        return render(request, "queueing/application_status.html", context)
    html = render_to_string("queueing/application_status.html", {**context, "csrf_token": _CSRF_PLACEHOLDER},
                            request=request)
    cache.set(key, html, STATUS_CACHE_SECONDS)
    return HttpResponse(html.replace(_CSRF_PLACEHOLDER, get_token(request)))
