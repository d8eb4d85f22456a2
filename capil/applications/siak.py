"""Step 10's data entry behind one interface. SIAK (the national population-administration system) is
external: the operator types or confirms the output document's data, and the office keeps it here. A
built-in population register or a real SIAK connection replaces `LocalRecordRegistry` by naming another
class in settings.CAPIL_SIAK_BACKEND; nothing else changes."""

from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Application, RecordEntry


class RecordRegistry(Protocol):
    name: str

    def record_save(self, *, application: Application, output_kind: str, data: dict, actor) -> RecordEntry:
        """Keep (or send) the record for `application`; called inside the caller's transaction."""


class LocalRecordRegistry:
    """Keeps the entered data in the office's own database (RecordEntry)."""

    name = "local"

    def record_save(self, *, application: Application, output_kind: str, data: dict, actor) -> RecordEntry:
        record, _ = RecordEntry.objects.update_or_create(
            application=application,
            defaults={"output_kind": output_kind, "data": data, "backend": self.name, "entered_by": actor,
                      "entered_at": timezone.now()},
        )
        return record


def backend() -> RecordRegistry:
    path = getattr(settings, "CAPIL_SIAK_BACKEND", "capil.applications.siak.LocalRecordRegistry")
    return import_string(path)()
