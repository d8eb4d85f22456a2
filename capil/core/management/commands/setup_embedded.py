"""Everything ./start does before serving, in one idempotent command: migrate, create the cache table,
import the SOP catalog, create the demo staff accounts, the development signing keys and the demo citizen's
applications (one in each staff queue). Each step that
another context provides is a management command of that context; running this again upgrades what
changed and leaves the rest."""

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

# (command, args, kwargs) in order. A step whose command is not installed is an error, not a skip:
# the embedded set-up must be complete.
STEPS: list[tuple[str, list[str], dict]] = [
    ("migrate", [], {"interactive": False, "verbosity": 0}),
    ("createcachetable", [], {"verbosity": 0}),
    ("catalog", ["import"], {"quiet_report": True}),
    ("demo_accounts", [], {}),
    ("notifications_sweep", ["--schedule"], {}),
    ("documents_dev_pki", [], {}),
    ("queueing_housekeeping", ["--schedule"], {}),
    ("demo_applications", [], {}),
]


class Command(BaseCommand):
    help = "Prepare the embedded (SQLite) installation: migrate, catalog, demo accounts. Idempotent."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("setup_embedded is for the embedded development set-up (DEBUG on).")
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        available = get_commands()
        for name, cmd_args, cmd_kwargs in STEPS:
            if name not in available:
                raise CommandError(f"Set-up step {name!r} is missing.")
            self.stdout.write(f"  · {name} {' '.join(cmd_args)}".rstrip())
            call_command(name, *cmd_args, **cmd_kwargs, stdout=self.stdout, stderr=self.stderr)
