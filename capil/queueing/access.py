"""Object access of the queueing context. Views get objects only through these; the role checks of staff
views are `role_required` on the view, repeated in the services."""

from django.core import signing
from django.http import Http404

from .models import Booking, Counter, CounterIntake, Pickup


def access_counter_by_id(user, counter_id: int) -> Counter:
    if not getattr(user, "is_staff", False):
        raise Http404
    counter = Counter.objects.filter(pk=counter_id, is_active=True).prefetch_related("groups").first()
    if counter is None:
        raise Http404
    return counter


def access_booking_by_id(user, booking_id: int) -> Booking:
    if not getattr(user, "is_staff", False):
        raise Http404
    booking = Booking.objects.select_related("slot").filter(pk=booking_id).first()
    if booking is None:
        raise Http404
    return booking


def access_booking_by_token(token: str) -> Booking | None:
    """The booking a manage link (SMS) points to; None for a link that was altered or is not ours."""
    try:
        value = signing.Signer(salt="capil.queueing.booking-manage").unsign(token)
    except signing.BadSignature:
        return None
    pk, _, key = value.partition(".")
    if not pk.isdigit():
        return None
    booking = Booking.objects.select_related("slot").filter(pk=int(pk)).first()
    if booking is None:
        return None
    if booking.manage_key != key:
        return None
    return booking


def access_pickup_by_id(user, pickup_id: int) -> Pickup:
    if not getattr(user, "is_staff", False):
        raise Http404
    pickup = Pickup.objects.filter(pk=pickup_id).first()
    if pickup is None:
        raise Http404
    return pickup


def access_intake_by_id(user, intake_id: int) -> CounterIntake:
    if not getattr(user, "is_staff", False):
        raise Http404
    found = (CounterIntake.objects.select_related("application__service_version__service", "application__applicant",
                                                  "ticket__group").filter(pk=intake_id).first())
    if found is None:
        raise Http404
    return found
