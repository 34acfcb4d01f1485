"""`flask --app bv demo`: load the demo newsroom."""

from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import text

from bv import demo
from bv.demo import generated
from bv.extensions import db


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


@click.command("bench-data")
@with_appcontext
@click.option("--articles", type=click.IntRange(1, 1_000_000), default=1000, show_default=True,
              help="How many articles to add, each published in every language.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same text.")
@click.option("--no-index", is_flag=True, help="Leave the new versions out of the search index.")
@click.option("--if-fewer", is_flag=True,
              help="Top up: write only as many as the database lacks to hold --articles "
                   "generated articles (nothing when it has them).")
def bench_data_command(articles: int, seed: int, no_index: bool, if_fewer: bool):
    """Fill the database with generated articles for benchmarks (bulk inserts)."""
    first = generated.count() if if_fewer else 0
    if first >= articles:
        click.echo(f"the database already holds {first} generated articles; nothing written")
        # a database filled by an earlier release of this command may lack either
        generated.advance_sequences()
        _refresh_statistics()
        return
    started = time.perf_counter()

    def after_batch(done: int) -> None:
        # one transaction per batch: a huge one makes SQLite's WAL as large as the database
        db.session.commit()
        if done % 10_000 == 0:
            click.echo(f"  {done} articles, {time.perf_counter() - started:.0f} s", err=True)

    counts = generated.generate(articles - first, seed=seed, first=first, index=not no_index,
                                after_batch=after_batch)
    db.session.commit()
    click.echo(
        f"wrote {counts['articles']} articles, {counts['versions']} versions, "
        f"{counts['segments']} source segments, {counts['revisions']} revisions"
        f"{'' if no_index else ' and their search entries'} in "
        f"{time.perf_counter() - started:.1f} s"
    )
    _refresh_statistics()


def _refresh_statistics() -> None:
    """PostgreSQL plans by its statistics, which autovacuum gathers in its own time (or never,
    where it is off): after a bulk load, gather them now, as a restore or an import should."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(demo_command)
    app.cli.add_command(bench_data_command)
