"""Reads on the archive: who may see it, the search, whether an application is sealed."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from capil.accounts.models import Role
from capil.core.workdays import WITA

from .models import ArchiveRecord

ARCHIVE_ROLES = frozenset({Role.ARSIPARIS, Role.KASI, Role.KADIS, Role.ADMIN})


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
    if number:
        records = records.filter(tracking_number__icontains=number.strip())
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
    """(slug, name) of every service that has archived applications, for the search form."""
    rows = ArchiveRecord.objects.order_by("service_name").values_list("service_slug", "service_name").distinct()
    return list(dict(rows).items())
