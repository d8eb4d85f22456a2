"""Run from a subprocess against the worker's database: `python -m capil.notifications.tests.scenario
enqueue COUNT FIRST` writes COUNT OTP notifications (subjects FIRST…) in one transaction, the way a request
of the portal would."""

import os
import sys


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "capil.notifications.tests.worker_settings")
    import django

    django.setup()
    from django.db import transaction

    from capil.notifications.services import notification_enqueue

    command, count, first = argv[0], int(argv[1]), int(argv[2])
    if command != "enqueue":
        raise SystemExit(f"unknown command {command!r}")
    with transaction.atomic():
        for n in range(first, first + count):
            notification_enqueue(event="otp", subject=("accounts.otp", str(n)), phone=f"+62812{n:08d}",
                                 context={"code": f"{n % 1000000:06d}", "minutes": 5}, channels=["sms"])


if __name__ == "__main__":
    main(sys.argv[1:])
