"""Recording audit events; the caller's transaction commits them with the change."""

from __future__ import annotations

from bv.audit.models import AuditEvent
from bv.extensions import db


def record(action: str, *, user=None, article=None, locale=None, detail=None) -> AuditEvent:
    """Add an audit event to the current transaction."""
    event = AuditEvent(
        action=action,
        user_id=getattr(user, "id", None),
        article_id=getattr(article, "id", None),
        locale=locale,
        detail=detail or {},
    )
    db.session.add(event)
    return event
