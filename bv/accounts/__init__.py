"""Staff accounts: login, roles, the users CLI."""

from flask import Flask
from sqlalchemy import select

from bv.extensions import db, login_manager


@login_manager.user_loader
def load_user(session_token: str):
    """Flask-Login's loader: the active user holding this token; an old token is no user."""
    from bv.accounts.models import User

    if not session_token or len(session_token) > 64:
        return None
    user = db.session.scalar(select(User).where(User.session_token == session_token))
    return user if user is not None and user.active else None


def init_app(app: Flask) -> None:
    """Wire login and the users command."""
    from bv.accounts import cli

    login_manager.login_view = "newsroom.login"
    login_manager.session_protection = "strong"
    cli.init_app(app)
