"""URL access rows of the applications app (see capil/accounts/tests/test_url_access.py)."""

from ..models import State
from .factories import application_row, catalog_load

CITIZEN_ONLY = {"anonymous": 302, "unverified": 403, "citizen": 200, "other_citizen": 200, "*": 403}
OWNER_ONLY = {"anonymous": 302, "unverified": 403, "citizen": 200, "other_citizen": 404, "*": 403}
STAFF = {"anonymous": 302, "operator": 200, "kasi": 200, "kadis": 200, "arsiparis": 200, "*": 403}


def _own(world, state=State.DRAFT, **kwargs):
    return application_row(applicant=world.citizen, state=state, **kwargs)


def _pk(state=State.DRAFT, **kwargs):
    return lambda w: {"pk": _own(w, state, **kwargs).pk}


def _upload(state=State.DRAFT):
    def make(w):
        application = _own(w, state)
        return {"pk": application.pk, "upload_pk": application.uploads.get().pk}
    return make


def _catalog(w):
    catalog_load()
    return {"slug": "akta-kelahiran"}


URL_ACCESS = [
    # Citizen pages
    {"name": "applications:mine", "expect": CITIZEN_ONLY},
    {"name": "applications:choose", "kwargs": lambda w: catalog_load() or {}, "expect": CITIZEN_ONLY},
    {"name": "applications:start", "kwargs": _catalog, "expect": CITIZEN_ONLY},
    {"name": "applications:start", "kwargs": _catalog, "method": "post",
     "expect": {**CITIZEN_ONLY, "citizen": 302, "other_citizen": 302}, "redirect_to": "*"},
    {"name": "applications:detail", "kwargs": _pk(State.VERIFICATION), "expect": OWNER_ONLY},
    {"name": "applications:edit", "kwargs": _pk(), "expect": OWNER_ONLY},
    {"name": "applications:uploads", "kwargs": _pk(), "expect": OWNER_ONLY},
    {"name": "applications:upload", "method": "post", "redirect_to": "*",
     "kwargs": lambda w: {"pk": _own(w).pk, "slot": "ktp"},
     "expect": {**OWNER_ONLY, "citizen": 302}},
    {"name": "applications:upload_file", "kwargs": _upload(), "expect": OWNER_ONLY},
    {"name": "applications:submit", "method": "post", "kwargs": _pk(), "redirect_to": "*",
     "expect": {**OWNER_ONLY, "citizen": 302}},
    {"name": "applications:withdraw", "method": "post", "kwargs": _pk(State.VERIFICATION), "redirect_to": "*",
     "expect": {**OWNER_ONLY, "citizen": 302}},
    {"name": "applications:document", "kwargs": _pk(State.ARCHIVING, with_document=True), "expect": OWNER_ONLY},
    # Back office
    {"name": "applications:queue", "expect": STAFF},
    {"name": "applications:office_detail", "kwargs": _pk(State.VERIFICATION), "expect": STAFF},
    {"name": "applications:office_detail", "kwargs": _pk(State.DRAFT),
     "expect": {**STAFF, "operator": 404, "kasi": 404, "kadis": 404, "arsiparis": 404}},
    {"name": "applications:office_viewer", "kwargs": _upload(State.VERIFICATION), "expect": STAFF},
    {"name": "applications:office_file", "kwargs": _upload(State.VERIFICATION), "expect": STAFF},
    {"name": "applications:review", "method": "post", "kwargs": _upload(State.VERIFICATION), "redirect_to": "*",
     "data": lambda w: {"decision": "accept"}, "expect": {"anonymous": 302, "operator": 302, "*": 403}},
    {"name": "applications:claim", "method": "post", "kwargs": _pk(State.VERIFICATION), "redirect_to": "*",
     "expect": {**STAFF, "operator": 302, "kasi": 302, "kadis": 302, "arsiparis": 302}},
    {"name": "applications:reassign", "method": "post", "kwargs": _pk(State.VERIFICATION), "redirect_to": "*",
     "data": lambda w: {"to_user": w.operator.pk}, "expect": {"anonymous": 302, "kasi": 302, "*": 403}},
    {"name": "applications:act", "method": "post", "kwargs": _pk(State.KASI_VERIFICATION), "redirect_to": "*",
     "data": lambda w: {"action": "verify", "expected_state": State.KASI_VERIFICATION},
     "expect": {**STAFF, "operator": 302, "kasi": 302, "kadis": 302, "arsiparis": 302}},
    {"name": "applications:data_entry", "kwargs": _pk(State.DATA_ENTRY),
     "expect": {"anonymous": 302, "operator": 200, "*": 403}},
    {"name": "applications:sign_batch", "expect": {"anonymous": 302, "kadis": 200, "*": 403}},
    {"name": "applications:sla", "expect": {"anonymous": 302, "kasi": 200, "kadis": 200, "*": 403}},
    {"name": "applications:sla_late", "data": lambda w: {"layanan": "akta-kelahiran", "langkah": "9"},
     "expect": {"anonymous": 302, "kasi": 200, "kadis": 200, "*": 403}},
]
