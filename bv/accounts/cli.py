"""`flask --app bv users ...`: manage staff accounts from the shell."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from bv.accounts.models import ROLES, User
from bv.accounts.service import AccountError, create_user
from bv.extensions import db

users = AppGroup("users", help="Manage staff accounts.")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--languages", default="", help="Target languages, translators only, e.g. sq,mk")
@click.option("--name", "display_name", default="", help="Display name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_command(email, role, languages, display_name, password):
    """Create a staff account."""
    if len(password) < 10:
        raise click.BadParameter("use at least 10 characters", param_hint="--password")
    codes = [c.strip() for c in languages.split(",") if c.strip()]
    try:
        user = create_user(
            email, password, role=role, languages=codes, display_name=display_name
        )
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"created {user.email} ({user.role})")


@users.command("list")
def list_command():
    """List staff accounts."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        state = "" if user.active else " (inactive)"
        langs = f" [{user.languages}]" if user.languages else ""
        click.echo(f"{user.id}\t{user.email}\t{user.role}{langs}{state}")


def init_app(app: Flask) -> None:
    """Register the command group."""
    app.cli.add_command(users)
