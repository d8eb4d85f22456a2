"""Send the day-before reminders and free the places of no-shows.

    manage.py queueing_housekeeping             # once (for cron / a systemd timer)
    manage.py queueing_housekeeping --schedule  # start the self-renewing task on the worker (./start does)
"""

from django.core.management.base import BaseCommand

from capil.queueing.services import queueing_housekeeping, queueing_housekeeping_ensure_scheduled


class Command(BaseCommand):
    help = "KTP-el recording bookings: reminders the day before, no-show expiry."

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true",
                            help="Start the periodic task on the task worker instead of running once.")

    def handle(self, *args, schedule=False, **options):
        if schedule:
            started = queueing_housekeeping_ensure_scheduled()
            self.stdout.write("queueing housekeeping " + ("scheduled" if started else "already scheduled"))
            return
        result = queueing_housekeeping()
        self.stdout.write(f"expired {result['expired']}, reminded {result['reminded']}")
