"""Staff accounts: login, roles, server-side sessions, the users CLI."""

from datetime import timedelta

from flask import Flask, request
from flask_login import current_user

from bv.accounts import reset, sessions
from bv.extensions import db, login_manager


@login_manager.user_loader
def load_user(session_id: str):
    """Flask-Login's loader: the user of a live staff session; anything else is no user."""
    user = sessions.resume(session_id)
    if user is not None and _only_the_touch_is_pending(user.staff_session):
        # the once-a-minute last_seen_at write; anything else pending is left to its owner
        db.session.commit()
    return user


def _only_the_touch_is_pending(record) -> bool:
    pending = db.session
    return not pending.new and not pending.deleted and list(pending.dirty) == [record]


def _load_staff_user() -> None:
    """Resolve the session before the view runs, so its last_seen_at write commits on its own."""
    if request.blueprint == "newsroom":
        current_user._get_current_object()


def init_app(app: Flask) -> None:
    """Wire login, session lifetimes and the users command."""
    from bv.accounts import cli

    # BV_SESSION_IDLE_MINUTES, BV_SESSION_MAX_HOURS, BV_REAUTH_MINUTES, BV_PASSWORD_RESET_MINUTES
    app.config.setdefault("SESSION_IDLE_MINUTES", sessions.IDLE_MINUTES)
    app.config.setdefault("SESSION_MAX_HOURS", sessions.MAX_HOURS)
    app.config.setdefault("REAUTH_MINUTES", sessions.REAUTH_MINUTES)
    app.config.setdefault("PASSWORD_RESET_MINUTES", reset.MAX_AGE_MINUTES)
    # the browser drops the remember-me cookie when the server would refuse it anyway
    app.config.setdefault(
        "REMEMBER_COOKIE_DURATION", timedelta(hours=float(app.config["SESSION_MAX_HOURS"]))
    )
    login_manager.login_view = "newsroom.login"
    login_manager.session_protection = "strong"
    app.before_request(_load_staff_user)
    cli.init_app(app)
