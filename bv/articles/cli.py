"""`flask --app bv articles list [--json]`: article status for scripts."""

from __future__ import annotations

import json

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bv.articles.models import Article
from bv.extensions import db
from bv.i18n import LOCALES

articles = AppGroup("articles", help="Inspect articles.")


def article_status(article: Article) -> dict:
    """One article as plain data: id, source language, each language's status."""
    languages = {}
    for code in LOCALES:
        t = article.translation(code)
        languages[code] = (
            {"status": t.status, "outdated": t.outdated_since is not None, "slug": t.slug}
            if t
            else {"status": "missing", "outdated": False, "slug": None}
        )
    source = article.source
    return {
        "id": article.id,
        "source_locale": article.source_locale,
        "headline": source.headline if source else "",
        "languages": languages,
    }


@articles.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_command(as_json: bool):
    """Each article's id, source language and the status of each language."""
    rows = [
        article_status(a)
        for a in db.session.scalars(
            select(Article).options(selectinload(Article.translations)).order_by(Article.id)
        )
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    click.echo("id\tsource\t" + "\t".join(LOCALES) + "\theadline")
    for row in rows:
        cells = []
        for code in LOCALES:
            info = row["languages"][code]
            cells.append(info["status"] + ("*" if info["outdated"] else ""))
        click.echo(f"{row['id']}\t{row['source_locale']}\t" + "\t".join(cells) + f"\t{row['headline']}")


def init_app(app: Flask) -> None:
    """Register the command group."""
    app.cli.add_command(articles)
