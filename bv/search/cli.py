"""`flask --app bv search reindex`: rebuild the search index from what readers see."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from bv.extensions import db
from bv.search.indexer import reindex_all

search = AppGroup("search", help="The reading site's search index.")


@search.command("reindex")
def reindex() -> None:
    """Drop every entry and index the live text of every published version again."""
    count = reindex_all()
    db.session.commit()
    click.echo(f"indexed {count} published versions")


def init_app(app: Flask) -> None:
    """Register the `search` command group."""
    app.cli.add_command(search)
