"""Caching that is always correct: a content version that changes with what readers see,
whole public pages and shared fragments keyed by it (`pages.py`).

Every change readers can see sends a signal (`bv.events`); the subscribers here only mark the
transaction, and the token is replaced just before it commits (`version.py`).
"""

from __future__ import annotations

from flask import Flask

from bv import events
from bv.cache import pages, version


def on_reader_visible_change(sender, **extra) -> None:
    """Published text, a menu, a footer, a byline or a picture changed: new content version."""
    version.mark_changed()


def init_app(app: Flask) -> None:
    """Subscribe to the changes readers see, then install the page cache."""
    events.live_text_changed.connect(on_reader_visible_change)
    events.site_content_changed.connect(on_reader_visible_change)
    pages.init_app(app)
