"""Staff accounts: login, roles, the users CLI."""

from flask import Flask

from bv.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_id: str):
    """Flask-Login's loader; a malformed id is simply no user."""
    from bv.accounts.models import User

    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


def init_app(app: Flask) -> None:
    """Wire login and the users command."""
    from bv.accounts import cli

    login_manager.login_view = "newsroom.login"
    login_manager.session_protection = "strong"
    cli.init_app(app)
