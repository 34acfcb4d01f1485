"""BalkanView: the publishing platform of a trilingual newsroom."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from bv.config import DEFAULT_INSTANCE, PROJECT_ROOT, configure


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, features, commands."""
    # BV_INSTANCE_PATH lets benchmarks and deployments keep data outside the checkout
    instance_path = Path(
        (test_config or {}).get("INSTANCE_PATH")
        or os.environ.get("BV_INSTANCE_PATH")
        or DEFAULT_INSTANCE
    )
    app = Flask(
        __name__,
        instance_path=str(instance_path.resolve()),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    configure(app, test_config)
    from bv.errors import BoundedIntConverter

    # before any blueprint adds its rules, which bind the converter when they are made
    app.url_map.converters["int"] = BoundedIntConverter
    Path(app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)
    configure_extensions(app)
    configure_features(app)
    configure_commands(app)
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # outermost, so every layer (the page cache's key too) sees the address the reader
        # used; the client address, scheme and host as the trusted proxies saw them (rate limits,
        # audit log and absolute URLs); never more hops than the proxies the newsroom runs
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies
        )
    return app


def configure_extensions(app: Flask) -> None:
    """Bind every extension to this app."""
    from bv import i18n, models  # noqa: F401  (models: every table registered for Alembic)
    from bv.extensions import babel, csrf, db, limiter, login_manager, migrate
    from bv.search.schema import include_name

    db.init_app(app)
    # Flask-Migrate (Alembic) is loaded when `flask db` or upgrade() runs, not by web workers;
    # the search index is a migration-owned table (FTS5 on SQLite): no model describes it
    migrate.init_app(app, include_name=include_name)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    if app.config.get("REDIS_URL"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    limiter.init_app(app)
    i18n.init_app(app)


def configure_features(app: Flask) -> None:
    """Register each feature's blueprints and hooks."""
    from bv import (
        accounts,
        assets,
        cache,
        errors,
        jobs,
        logs,
        newsletter,
        newsroom,
        notifications,
        redirects,
        search,
        security,
        site,
        translation,
        wordpress,
    )

    security.init_app(app)
    assets.init_app(app)
    redirects.init_app(app)
    accounts.init_app(app)
    jobs.init_app(app)
    site.init_app(app)
    newsroom.init_app(app)
    translation.init_app(app)
    notifications.init_app(app)
    search.init_app(app)
    newsletter.init_app(app)
    errors.init_app(app)
    wordpress.init_app(app)
    # after the request guard (errors): a stored page is answered only to a sound request
    cache.init_app(app)
    # last: its request id is then the first before_request hook of all
    logs.init_app(app)


def configure_commands(app: Flask) -> None:
    """Register the flask CLI groups."""
    from bv.articles import cli as articles_cli
    from bv.demo import cli as demo_cli
    from bv.i18n import cli as translate_cli

    translate_cli.init_app(app)
    articles_cli.init_app(app)
    demo_cli.init_app(app)
