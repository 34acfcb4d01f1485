"""Flask-Migrate for `flask db` and `flask_migrate.upgrade()`, imported only when one runs.

Alembic (with Mako and Pygments) costs each web worker about 8 MiB, and a web worker never
migrates. So the factory binds two stand-ins: `app.extensions["migrate"]` becomes Flask-Migrate's
own state the first time anything reads it (`upgrade()` in tests and tools, migrations/env.py),
and the `db` command group hands its arguments to Flask-Migrate's group when `flask db` runs.
"""

from __future__ import annotations

import click
from flask import Flask

from bv.config import PROJECT_ROOT


def bind(app: Flask):
    """Flask-Migrate's state for this app (`_MigrateConfig`), made on the first call."""
    state = app.extensions.get("migrate")
    if state is None or isinstance(state, Deferred):
        from flask_migrate import Migrate

        # Flask-SQLAlchemy's own registration: bv.extensions imports this module
        db = app.extensions["sqlalchemy"]
        Migrate(app, db, directory=str(PROJECT_ROOT / "migrations"), **app.extensions[OPTIONS])
    return app.extensions["migrate"]


class Deferred:
    """Holds app.extensions["migrate"] until the first read, which binds Flask-Migrate."""

    def __init__(self, app: Flask):
        self._app = app

    def __getattr__(self, name: str):
        return getattr(bind(self._app), name)


class Commands(click.Group):
    """`flask db`: Flask-Migrate's command group, imported when it is invoked."""

    def make_context(self, info_name, args, parent=None, **extra):
        from flask_migrate.cli import db

        return db.make_context(info_name, args, parent=parent, **extra)


OPTIONS = "bv_migrate_options"


def init_app(app: Flask, **options) -> None:
    """Bind the stand-ins: nothing of Alembic is imported here. `options` go to
    Flask-Migrate when it is bound."""
    app.extensions[OPTIONS] = options
    app.extensions["migrate"] = Deferred(app)
    app.cli.add_command(Commands("db", help="Perform database migrations."))
