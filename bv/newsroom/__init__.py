"""The newsroom: staff pages under /newsroom/."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, Flask, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from bv.accounts.permissions import can
from bv.articles.fields import FIELDS
from bv.extensions import login_manager

bp = Blueprint("newsroom", __name__, url_prefix="/newsroom")

STATUS_LABELS = {
    "draft": _l("Draft"),
    "in_review": _l("In review"),
    "approved": _l("Approved"),
    "published": _l("Published"),
    "unpublished": _l("Unpublished"),
}
ACTION_LABELS = {
    "submit": _l("Submit for review"),
    "return": _l("Return to draft"),
    "approve": _l("Approve"),
    "publish": _l("Publish"),
    "unpublish": _l("Unpublish"),
    "schedule": _l("Schedule"),
    "unschedule": _l("Cancel the schedule"),
}
JOB_STATUS_LABELS = {
    "queued": _l("Waiting in the queue"),
    "running": _l("Running"),
    "done": _l("Finished"),
    "failed": _l("Failed"),
    "cancelled": _l("Cancelled"),
}
FIELD_LABELS = {field.name: field.label for field in FIELDS}


def require(action: str):
    """Log-in plus a site-level permission from the table in accounts.permissions."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not can(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


@bp.after_request
def no_store(response):
    """Staff pages hold drafts: never cache them in shared caches."""
    response.headers.setdefault("Cache-Control", "private, no-store")
    return response


def init_app(app: Flask) -> None:
    """Register the newsroom views."""
    from bv.newsroom import (  # noqa: F401  (routes)
        admin,
        articles,
        audit,
        auth,
        dashboard,
        home,
        inbox,
        newsletter,
        segment_editor,
        translate,
        wordpress,
    )
    from bv.newsroom.forms import ROLE_LABELS
    from bv.notifications.service import unread_count

    app.jinja_env.globals.update(
        can=can,
        STATUS_LABELS=STATUS_LABELS,
        ACTION_LABELS=ACTION_LABELS,
        ROLE_LABELS=ROLE_LABELS,
        FIELD_LABELS=FIELD_LABELS,
        JOB_STATUS_LABELS=JOB_STATUS_LABELS,
        unread_count=unread_count,
    )
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    app.register_blueprint(bp)
