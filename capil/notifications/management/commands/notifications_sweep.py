"""Crash recovery for notifications, by hand, from cron, or as a loop beside the workers.

    manage.py notifications_sweep             # once
    manage.py notifications_sweep --loop 30   # every 30 seconds until stopped
    manage.py notifications_sweep --schedule  # (re)start the self-renewing sweep task on the task queue
"""

import time

from django.core.management.base import BaseCommand

from capil.notifications.services import notification_sweep, sweep_ensure_scheduled


class Command(BaseCommand):
    help = "Re-queue notifications stuck in 'sending' or whose task was lost; start the periodic sweep task."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, metavar="SECONDS", help="Repeat every SECONDS until stopped.")
        parser.add_argument("--schedule", action="store_true",
                            help="Only make sure the periodic sweep task is queued (for ./start and deploys).")

    def handle(self, *args, loop=None, schedule=False, **options):
        if schedule:
            started = sweep_ensure_scheduled(force=True)
            self.stdout.write("periodic sweep task queued" if started else
                              "the task backend runs no worker; run this command with --loop instead")
            return
        while True:
            counts = notification_sweep()
            self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
            if not loop:
                return
            time.sleep(loop)
