"""System checks: the output kinds registry is consistent, and the signing configuration is usable."""

from django.conf import settings
from django.core import checks

from .kinds import FIELD_TYPES, output_kinds


@checks.register()
def output_kinds_consistent(app_configs=None, **kwargs):
    errors = []
    seen = set()
    for kind in output_kinds():
        if kind.slug in seen:
            errors.append(checks.Error(f"output kind {kind.slug} is defined twice", id="documents.E001"))
        seen.add(kind.slug)
        names = [f.name for f in kind.fields] + [t.name for t in kind.tables]
        if len(names) != len(set(names)):
            errors.append(checks.Error(f"output kind {kind.slug} has duplicate field names", id="documents.E002"))
        if kind.holder_field not in names:
            errors.append(checks.Error(f"output kind {kind.slug}: holder field {kind.holder_field} is not a field",
                                       id="documents.E003"))
        if "{seq" not in kind.number_format:
            errors.append(checks.Error(f"output kind {kind.slug}: number format has no {{seq}}", id="documents.E004"))
        for f in kind.fields:
            if f.type not in FIELD_TYPES:
                errors.append(checks.Error(f"{kind.slug}.{f.name}: unknown type", id="documents.E005"))
    return errors


@checks.register(deploy=True)
def signing_configured(app_configs=None, **kwargs):
    config = settings.CAPIL_DOCUMENTS
    problems = []
    backend = config.get("SIGNING_BACKEND")
    if backend not in ("local", "remote", "pkcs11"):
        problems.append(checks.Error("CAPIL_SIGNING_BACKEND must be local, remote or pkcs11", id="documents.E010"))
    if backend == "remote" and not config.get("REMOTE_URL"):
        problems.append(checks.Error("CAPIL_SIGNING_REMOTE_URL is required with the remote backend",
                                     id="documents.E011"))
    return problems
