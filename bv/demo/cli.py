"""`flask --app bv demo`: load the demo newsroom."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from bv import demo


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when articles already exist.")
def demo_command(if_empty: bool):
    """Load the original demo articles, categories and site settings."""
    if not demo.is_empty():
        if if_empty:
            click.echo("database has articles; demo content not loaded")
            return
        raise click.ClickException("the database already has articles")
    counts = demo.load()
    click.echo(f"loaded {counts['articles']} articles, {counts['versions']} language versions")
    click.echo("demo accounts (shown once; sign in at /newsroom/login):")
    for email, role, password in counts["credentials"]:
        click.echo(f"  {role:<10} {email:<32} {password}")


def init_app(app: Flask) -> None:
    """Register the command."""
    app.cli.add_command(demo_command)
