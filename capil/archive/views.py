"""Archive pages for the archivist, Kasi, Kadis and admin. Thin: access, form, selector/service, template."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from capil.accounts.access import role_required
from capil.audit.services import audit_record
from capil.core.pagination import keyset_page

from .forms import ArchiveSearchForm
from .selectors import ARCHIVE_ROLES, access_archive, access_archive_record_by_id, archive_search, count_capped
from .services import archive_recheck

PAGE_SIZE = 25
COUNT_CAP = 1000  # "1000+ permohonan": an exact count of a city's archive costs more than the page


_archive_staff = role_required(*ARCHIVE_ROLES)


@require_GET
@_archive_staff
def search(request):
    access_archive(request.user)
    form = ArchiveSearchForm(request.GET or None)
    page = total = capped = None
    records = None
    if form.is_bound and form.is_valid():
        records = archive_search(**form.cleaned_data)
    elif not form.is_bound:
        records = archive_search()
    if records is not None:
        # Newest first, a page at a time from a position (keyset): page 4,000 costs what page 1 costs.
        page = keyset_page(records, key="archived_at", descending=True, size=PAGE_SIZE,
                           after=request.GET.get("after", ""), before=request.GET.get("before", ""))
        total, capped = count_capped(records, COUNT_CAP)
        if form.is_bound and form.cleaned_data.get("person_number"):
            # A search by a person's number is a look at personal data: audited, without the number itself.
            audit_record(actor=request.user, action="archive.search_person", target_type="archive.archiverecord",
                         request=request, data={"results": total})
    query = request.GET.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
    return render(request, "archive/search.html", {"form": form, "page": page, "total": total,
                                                  "capped": capped, "query": query.urlencode()})


@require_GET
@_archive_staff
def detail(request, pk: int):
    record = access_archive_record_by_id(request.user, pk)
    audit_record(actor=request.user, action="archive.view", target=record, request=request)
    return render(request, "archive/detail.html", {
        "record": record,
        "checks": record.checks.select_related("checked_by")[:10],
        "latest": record.checks.first(),
    })


@require_POST
@_archive_staff
def recheck(request, pk: int):
    record = access_archive_record_by_id(request.user, pk)
    check = archive_recheck(record=record, actor=request.user, request=request)
    if check.ok:
        messages.success(request, _("Segel utuh: setiap hash cocok dengan yang disegel."))
    else:
        messages.error(request, _("Segel TIDAK utuh: lihat butir yang berubah di bawah ini."))
    return redirect("archive:detail", pk=record.pk)


@require_GET
@_archive_staff
def manifest(request, pk: int):
    """The seal's manifest as JSON, to verify it outside the application."""
    record = access_archive_record_by_id(request.user, pk)
    audit_record(actor=request.user, action="archive.manifest", target=record, request=request)
    response = JsonResponse({
        "tracking_number": record.tracking_number,
        "archived_at": record.archived_at.isoformat(),
        "manifest_sha256": record.manifest_sha256,
        "hash_of": "SHA-256 of the manifest as JSON with sorted keys, separators (',', ':'), UTF-8",
        "manifest": record.manifest,
    }, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="segel-{record.tracking_number}.json"'
    return response
