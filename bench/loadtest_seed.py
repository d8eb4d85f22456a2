"""Prepare the load test's world in the server's database and print its plan as JSON.

Run by bench_load and bench_memory as `python -m bench.loadtest_seed CITIZENS` in the server's environment
(production settings, the benchmark database). It creates verified citizens with signed-in sessions (the load
test measures browsing, tracking and applying, not Argon2 sign-ins, which bench_accounts measures), gives each a
few applications in various states when the applications app is installed, and resolves the URLs the visitors
use. Pages whose app is not installed yet are left out of the plan and named in "missing".
"""

import json
import sys


def main(citizens: int) -> dict:
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.utils import timezone
    from django.utils.module_loading import import_string

    User = get_user_model()
    now = timezone.now()
    existing = set(User.objects.filter(email__startswith="loadtest-").values_list("email", flat=True))
    User.objects.bulk_create([
        User(email=f"loadtest-{i:05d}@bench.invalid", full_name=f"Warga Uji {i}", role="CITIZEN",
             phone=f"+62812{9000000 + i:07d}", phone_verified_at=now, email_verified_at=now,
             password=make_password(None))
        for i in range(citizens) if f"loadtest-{i:05d}@bench.invalid" not in existing
    ])
    users = list(User.objects.filter(email__startswith="loadtest-").order_by("email")[:citizens])
    store_class = import_string(settings.SESSION_ENGINE + ".SessionStore")
    backend = settings.AUTHENTICATION_BACKENDS[0]
    plan: dict = {"citizens": [], "missing": [], "pages": {}}
    for user in users:
        session = store_class()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        plan["citizens"].append({"id": user.pk, "cookies": {settings.SESSION_COOKIE_NAME: session.session_key}})

    plan["static"] = [staticfiles_storage.url("core/capil.css")]
    plan["pages"]["status"] = "/healthz"
    plan["status_kind"] = "healthz (stand-in: no public status page is installed)"
    if apps.is_installed("capil.catalog"):
        from bench.loadtest_flows import catalog_pages

        pages = catalog_pages()
        plan["service_pages"] = pages.pop("service_pages")
        plan["pages"].update(pages)
    else:
        plan["missing"].append("catalog pages (capil.catalog not installed)")
    if apps.is_installed("capil.applications"):
        from bench.loadtest_flows import applications_plan

        applications_plan(plan, users)
    else:
        plan["missing"].append("tracking and applying (capil.applications not installed)")
    if apps.is_installed("capil.queueing") and apps.is_installed("capil.applications"):
        # The public status page a receipt's QR code opens: no sign-in, read by anyone holding the receipt.
        from django.urls import reverse

        from capil.applications.models import Application
        from capil.queueing.intake import application_status_token

        sample = Application.objects.filter(applicant__in=users).order_by("id")[:50]
        paths = [reverse("queueing:application_status", kwargs={"token": application_status_token(a)})
                 for a in sample]
        if paths:
            plan["pages"]["status"] = paths[0]
            plan["pages"]["status_all"] = paths
            plan["status_kind"] = "public application status page (the receipt's QR code)"
    return plan


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
