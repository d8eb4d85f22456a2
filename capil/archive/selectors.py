"""Reads on the archive: who may see it, the search, whether an application is sealed."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from capil.accounts.models import Role
from capil.core.workdays import WITA

from .models import ArchiveRecord

ARCHIVE_ROLES = frozenset({Role.ARSIPARIS, Role.KASI, Role.KADIS, Role.ADMIN})
# A whole tracking number ("BPN-2026-000123") is looked up exactly through its unique index; a part of one
# ("000123", "2026-0001") by a substring match, which PostgreSQL answers from a trigram index (migration 0002).
WHOLE_TRACKING_NUMBER = re.compile(r"^[A-Z]{2,10}-\d{4}-\d{6,}$")
NUMBER_PART_MIN = 3  # a trigram index cannot narrow a search for fewer characters


def access_archive(user) -> None:
    """The archive is for the archivist, the section head, the head of office and the admin."""
    if not user.is_authenticated:
        raise PermissionDenied
    if not user.is_active:
        raise PermissionDenied
    if user.role not in ARCHIVE_ROLES:
        raise PermissionDenied


def access_archive_record_by_id(user, pk) -> ArchiveRecord:
    access_archive(user)
    try:
        return ArchiveRecord.objects.select_related("archived_by").get(pk=pk)
    except (ArchiveRecord.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def archive_is_sealed(application) -> bool:
    """True once the application has been sealed into the archive (it is then read-only)."""
    pk = getattr(application, "pk", application)
    return ArchiveRecord.objects.filter(application_id=pk).exists()


def archive_search(*, number: str = "", person_number: str = "", service: str = "",
                   date_from: dt.date | None = None, date_to: dt.date | None = None) -> QuerySet[ArchiveRecord]:
    """Archived applications, newest first. `number`: the tracking number or a part of it; `person_number`:
    a NIK or No. KK, exact; `service`: a service slug; dates: the day the application was submitted (WITA),
    both ends included."""
    from .services import person_number_key

    records = ArchiveRecord.objects.all()
    number = "".join(number.split()).upper()
    if WHOLE_TRACKING_NUMBER.match(number):
        records = records.filter(tracking_number=number)
    elif number:
        records = records.filter(tracking_number__icontains=number)
    if person_number:
        records = records.filter(person_keys__number_hash=person_number_key(person_number))
    if service:
        records = records.filter(service_slug=service)
    if date_from:
        records = records.filter(submitted_at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=WITA))
    if date_to:
        records = records.filter(
            submitted_at__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=WITA)
        )
    return records.order_by("-archived_at", "-id")


def archive_services() -> list[tuple[str, str]]:
    """(slug, name) of every service in the catalog, by name, for the search form. (Not `SELECT DISTINCT` over
    the archive: that reads every archived row — a million in a city's year — on each page load.)"""
    from capil.catalog.selectors import service_list_public

    return sorted({(v.service.slug, v.name) for v in service_list_public()}, key=lambda pair: pair[1].lower())


def count_capped(queryset: QuerySet, cap: int) -> tuple[int, bool]:
    """How many rows, counted up to `cap`: (count, whether there are `cap` or more)."""
    total = queryset.order_by().values("pk")[:cap].count()
    return total, total >= cap
