"""The audit log, filterable by article, user and action."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from bv.accounts.models import User
from bv.audit.models import AuditEvent
from bv.errors import bounded_int
from bv.extensions import db
from bv.newsroom import bp, require


@bp.get("/audit")
@require("view_audit")
def audit():
    """Newest events first; filters combine."""
    stmt = select(AuditEvent).options(joinedload(AuditEvent.user)).order_by(
        AuditEvent.created_at.desc(), AuditEvent.id.desc()
    )
    article_id = request.args.get("article", type=bounded_int)
    user_id = request.args.get("user", type=bounded_int)
    action = request.args.get("action", "")[:40]
    if article_id:
        stmt = stmt.where(AuditEvent.article_id == article_id)
    if user_id:
        stmt = stmt.where(AuditEvent.user_id == user_id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    page = request.args.get("page", 1, type=bounded_int)
    events = db.paginate(stmt, page=page, per_page=50, error_out=False)
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    users = db.session.scalars(select(User).order_by(User.display_name))
    return render_template(
        "newsroom/audit.html",
        events=events,
        actions=list(actions),
        users=list(users),
        filters={"article": article_id, "user": user_id, "action": action},
    )
