"""Write the audit trail."""
from typing import Any

from directory.extensions import db
from directory.models import AuditEvent, User


def record(actor: User | None, action: str, target_type: str, target_id: int | None, **details: Any) -> AuditEvent:
    """Add one audit event (the caller's transaction commits it)."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details,
    )
    db.session.add(event)
    return event
