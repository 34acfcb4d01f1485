"""The newsletter: double opt-in sign-up, instant mail on first publication, a daily digest."""

from __future__ import annotations

from flask import Flask

from bv import events


def init_app(app: Flask) -> None:
    """Settings, the readers' pages, and the reaction to first publications."""
    from bv.newsletter import sending, views

    app.config.setdefault("NEWSLETTER_CONFIRM_MAX_AGE", 3 * 24 * 3600)
    app.config.setdefault("NEWSLETTER_BATCH_SIZE", 50)
    app.config.setdefault("NEWSLETTER_MAX_ATTEMPTS", 5)
    app.config.setdefault("NEWSLETTER_PAUSE_AFTER", 10)
    app.config.setdefault("NEWSLETTER_DIGEST_MAX", 20)
    app.register_blueprint(views.bp)
    events.status_changed.connect(sending.on_status_changed)
