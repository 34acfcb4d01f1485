"""`flask --app bv translate ...`: the catalog workflow."""

from __future__ import annotations

import click
from flask import Flask

from bv.i18n import catalogs


@click.group("translate")
def translate():
    """Extract, update, compile and check the UI catalogs."""


@translate.command("extract")
def extract_command():
    """Write translations/messages.pot from the code and templates."""
    catalogs.extract()


@translate.command("update")
def update_command():
    """Merge messages.pot into the sq and mk catalogs."""
    catalogs.update()


@translate.command("compile")
def compile_command():
    """Compile the catalogs to .mo files."""
    catalogs.compile_catalogs()


@translate.command("check")
def check_command():
    """Fail when a catalog is stale, incomplete or has mismatched placeholders."""
    report = catalogs.check()
    for problem in report.problems:
        click.echo(problem, err=True)
    if not report.ok:
        raise SystemExit(1)
    click.echo("catalogs complete")


def init_app(app: Flask) -> None:
    """Register the command group."""
    app.cli.add_command(translate)
