"""manage.py scale_data --applications 1000000 [--days 365] [--seed 1]

Fills the database with a realistic volume of an office's work (see capil/scale/generate.py): citizens,
applications over every online service and every state, their events, uploads (rows pointing at a few tiny
JPEGs, not a million files), step-10 records, issued documents, notifications and KTP-el recording bookings.
Adds to what is there. PostgreSQL (COPY) for more than a few thousand applications."""

import time

from django.core.management.base import BaseCommand, CommandError

from capil.scale.generate import ScaleData


class Command(BaseCommand):
    help = "Fill the database with realistic volume for benchmarks (PostgreSQL above a few thousand)."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=0, help="How many applications to add.")
        parser.add_argument("--days", type=int, default=365, help="Spread over this many days before now.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (same seed, same data).")
        parser.add_argument("--archive-backfill", action="store_true",
                            help="Only write the archive's rows for archived scale applications that have none "
                                 "(data filled before the archive context was installed).")

    def handle(self, *args, **options):
        if options["archive_backfill"]:
            from capil.scale.generate import archive_backfill

            written = archive_backfill(out=self.stdout.write)
            self.stdout.write(f"Archive rows written for {written:,} applications.")
            return
        count = options["applications"]
        if count < 1:
            raise CommandError("--applications must be at least 1.")
        if options["days"] < 7:
            raise CommandError("--days must be at least 7.")
        reason = ScaleData.refuse_reason(count)
        if reason:
            raise CommandError(reason)
        started = time.monotonic()
        generator = ScaleData(applications=count, days=options["days"], seed=options["seed"],
                              out=self.stdout.write)
        try:
            totals = generator.run()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        self.stdout.write(f"Done in {elapsed:.0f} s: {totals.applications:,} applications, "
                          f"{totals.citizens:,} citizens, {totals.staff} staff.")
        self.stdout.write("States: " + ", ".join(f"{k} {v:,}" for k, v in totals.states.items()))
        self.stdout.write("Rows: " + ", ".join(f"{k} {v:,}" for k, v in totals.rows.items()))
