"""Public pages: the home page with search, one page per service, and its printable Standar Pelayanan.
No account needed; nothing personal is shown."""

from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from . import selectors
from .models import Executor

MAX_QUERY = 100


def _link(name: str, **kwargs) -> str:
    """The URL of another context's page, or "" while that context is not installed yet."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


def _version_for(slug: str):
    service = selectors.service_get_by_slug(slug)
    if service is None or service.current_version_id is None:
        raise Http404("Layanan tidak ditemukan.")
    return selectors.service_version_detail_shared(service.current_version)


def _call_to_action(version) -> dict:
    slug = version.service.slug
    if version.channel == "ONLINE":
        return {"kind": "online", "url": _link("applications:start", slug=slug)}
    if version.channel == "BOOKING":
        url = _link("queueing:booking_start", slug=slug) or _link("queueing:booking_start")
        return {"kind": "booking", "url": url}
    if version.channel == "COUNTER":
        return {"kind": "counter", "url": ""}
    return {"kind": "inter_agency", "url": ""}


def home(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    groups = selectors.services_by_category(query)
    return render(
        request,
        "catalog/home.html",
        {"query": query, "groups": groups, "result_count": sum(len(g.versions) for g in groups)},
    )


def service_detail(request, slug):
    version = _version_for(slug)
    steps = list(version.steps.all())
    return render(
        request,
        "catalog/service_detail.html",
        {
            "version": version,
            "steps": steps,
            "has_citizen_steps": any(step.role == Executor.CITIZEN for step in steps),
            "requirements": list(version.requirements.all()),
            "total": selectors.standard_duration_total(version),
            "action": _call_to_action(version),
        },
    )


def standard(request, slug):
    version = _version_for(slug)
    return render(
        request,
        "catalog/standard.html",
        {
            "version": version,
            "steps": list(version.steps.all()),
            "requirements": list(version.requirements.all()),
            "total": selectors.standard_duration_total(version),
        },
    )
