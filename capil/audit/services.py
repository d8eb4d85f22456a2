"""Writing to the audit log. Every write goes through `audit_record`."""

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent


def _event_hash(*, previous_hash: str, sequence: int, created_at, actor_ref: str, actor_label: str, actor_role: str,
                action: str, target_type: str, target_id: str, ip_address, data: dict) -> str:
    canonical = json.dumps(
        {
            "previous_hash": previous_hash,
            "sequence": sequence,
            "created_at": created_at.isoformat(),
            "actor_ref": actor_ref,
            "actor_label": actor_label,
            "actor_role": actor_role,
            "action": action,
            "target_type": target_type,
            "target_id": target_id,
            "ip_address": ip_address,
            "data": data,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor,
    action: str,
    target: Any = None,
    target_type: str = "",
    target_id: str | int = "",
    data: dict | None = None,
    request=None,
) -> AuditEvent:
    """Append one event. Runs inside the caller's transaction when there is one, so an action and its
    audit row are written together or not at all. `data` must not hold personal numbers in clear."""
    if target is not None:
        target_type = target_type or f"{target._meta.app_label}.{target._meta.model_name}"
        target_id = target_id or target.pk
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    actor_label = str(actor_obj) if actor_obj else ("system" if actor is None else "anonymous")
    actor_role = getattr(actor_obj, "role", "") or ""
    payload = json.loads(json.dumps(data or {}, default=str))
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        sequence = head.last_sequence + 1
        created_at = timezone.now()
        ip_address = _client_ip(request)
        digest = _event_hash(
            previous_hash=head.last_hash, sequence=sequence, created_at=created_at,
            actor_ref=str(actor_obj.pk) if actor_obj else "", actor_label=actor_label, actor_role=actor_role,
            action=action, target_type=target_type, target_id=str(target_id), ip_address=ip_address,
            data=payload,
        )
        event = AuditEvent.objects.create(
            sequence=sequence, created_at=created_at, actor=actor_obj,
            actor_ref=str(actor_obj.pk) if actor_obj else "", actor_label=actor_label,
            actor_role=actor_role, action=action, target_type=target_type, target_id=str(target_id),
            ip_address=ip_address, data=payload, previous_hash=head.last_hash, hash=digest,
        )
        head.last_hash, head.last_sequence = digest, sequence
        head.save(update_fields=["last_hash", "last_sequence"])
    return event


def audit_chain_verify() -> int | None:
    """Return the sequence number of the first event whose hash does not match, or None when intact."""
    previous = "0" * 64
    expected_sequence = 1
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        digest = _event_hash(
            previous_hash=previous, sequence=event.sequence, created_at=event.created_at,
            actor_ref=event.actor_ref, actor_label=event.actor_label, actor_role=event.actor_role,
            action=event.action, target_type=event.target_type, target_id=event.target_id,
            ip_address=event.ip_address, data=event.data,
        )
        if event.sequence != expected_sequence or event.previous_hash != previous or event.hash != digest:
            return event.sequence
        previous = event.hash
        expected_sequence += 1
    return None
