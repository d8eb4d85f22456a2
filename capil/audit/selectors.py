from django.db.models import QuerySet

from .models import AuditEvent


def audit_events_for(*, target_type: str, target_id: str | int) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(target_type=target_type, target_id=str(target_id)).order_by("sequence")
