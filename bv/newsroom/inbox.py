"""The newsroom's notification list."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select, update

from bv.database import utcnow
from bv.extensions import db
from bv.newsroom import bp
from bv.notifications.models import Notification
from bv.notifications.service import subject_for


@bp.get("/notifications")
@login_required
def notifications():
    """The newest notifications for the signed-in user."""
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc())
        .limit(100)
    ).all()
    return render_template(
        "newsroom/notifications.html",
        items=[(n, subject_for(n)) for n in rows],
    )


@bp.post("/notifications/read")
@login_required
def mark_read():
    """Mark every notification as read."""
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return redirect(url_for("newsroom.notifications"))
