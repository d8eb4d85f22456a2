"""manage.py catalog import PATH   — import an SOP document (one transaction; prints the report)
manage.py catalog show [--json]  — print the current catalog"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from capil.catalog.definitions import OverlayError, load_overlay
from capil.catalog.parser import DocumentRefused
from capil.catalog.selectors import catalog_as_dict
from capil.catalog.services import catalog_import, default_overlay_path


class Command(BaseCommand):
    help = "Import the office's SOP document into the service catalog, or show the catalog."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import an SOP document (a new version for each changed service).")
        imp.add_argument("path", nargs="?", help="The SOP document (default: settings.CAPIL_SOP_DOCUMENT).")
        imp.add_argument("--overlay", help="The overlay TOML (default: overlay.toml beside the bundled document).")
        imp.add_argument("--quiet-report", action="store_true", help="Print only the summary, not every entry.")
        show = sub.add_parser("show", help="Print the current catalog.")
        show.add_argument("--json", action="store_true", help="As JSON.")

    def handle(self, *args, **options):
        if options["action"] == "import":
            return self.do_import(options)
        return self.do_show(options)

    def do_import(self, options):
        path = Path(options["path"] or settings.CAPIL_SOP_DOCUMENT)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: tidak dapat dibaca ({exc.strerror})") from exc
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise CommandError(f"{path}: ditolak, baris {line}: bukan teks UTF-8; tidak ada yang diimpor") from exc
        try:
            overlay = load_overlay(options["overlay"] or default_overlay_path())
        except (OSError, ValueError) as exc:
            raise CommandError(f"overlay tidak dapat dibaca: {exc}") from exc
        try:
            result = catalog_import(text=text, overlay=overlay, source_name=path.name)
        except DocumentRefused as exc:
            raise CommandError(f"{path}: ditolak, baris {exc.line}: {exc.reason}; tidak ada yang diimpor") from exc
        except OverlayError as exc:
            raise CommandError(
                "overlay tidak cocok dengan dokumen; tidak ada yang diimpor:\n  " + "\n  ".join(exc.problems)
            ) from exc
        if not options["quiet_report"]:
            self.stdout.write(f"Laporan impor {path.name} ({len(result.report)} catatan):")
            for entry in result.report:
                self.stdout.write("  " + entry.as_text())
        kinds = {k: sum(1 for e in result.report if e.kind == k) for k in ("correction", "ambiguity", "note")}
        self.stdout.write(
            f"Katalog: {len(result.created)} versi baru, {len(result.unchanged)} layanan tidak berubah "
            f"({kinds['correction']} koreksi, {kinds['ambiguity']} ambiguitas, {kinds['note']} catatan)."
        )
        for slug, number in result.created:
            self.stdout.write(f"  + {slug} v{number}")

    def do_show(self, options):
        catalog = catalog_as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(catalog, ensure_ascii=False, indent=2))
            return
        for service in catalog:
            total = service["standard_time_total"]
            self.stdout.write(
                f"{service['slug']:32} v{service['version']:<3} {service['channel']:13} {service['category']:18} "
                f"{len(service['steps']):2} langkah, {total['minutes']} menit + {total['working_days']} hari kerja"
            )
