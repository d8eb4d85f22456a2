"""manage.py sla_rollup [--since YYYY-MM-DD] [--forget]

Sums up every closed day not summed up yet into the SLA page's daily figures (capil/applications/sla.py). The
page does this itself for the days it shows; run this from a nightly cron (after midnight WITA) so no page pays
for yesterday, and after importing or generating data with past dates (with --forget first)."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from capil.applications.sla import sla_rollup, sla_rollup_forget


class Command(BaseCommand):
    help = "Sum up closed days for the SLA figures (nightly; after importing past data use --forget)."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="First day to consider (YYYY-MM-DD); default: the first event's day.")
        parser.add_argument("--forget", action="store_true",
                            help="Throw away the sums (from --since on) before summing up again.")

    def handle(self, *args, since=None, forget=False, **options):
        first = None
        if since:
            try:
                first = dt.date.fromisoformat(since)
            except ValueError as exc:
                raise CommandError("--since must be a date, YYYY-MM-DD.") from exc
        if forget:
            sla_rollup_forget(since=first)
        started = time.monotonic()
        days = sla_rollup(since=first)
        self.stdout.write(f"SLA: {days} day(s) summed up in {time.monotonic() - started:.1f} s.")
