"""Reader search across scripts and diacritics: folding, the index, its backends, the CLI.

The index follows `bv.events.live_text_changed` inside the publishing transaction, so a
version becomes findable, changes or disappears exactly when its page does.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event

from bv import events
from bv.articles.models import ArticleTranslation
from bv.search import cli
from bv.search.backends import backend_for
from bv.search.indexer import index_translation
from bv.search.service import SearchPage, search

__all__ = ["SearchPage", "init_app", "search"]


def on_live_text_changed(translation: ArticleTranslation, **kwargs) -> None:
    """Publish, unpublish or a live edit: the entry follows, in the same transaction."""
    index_translation(translation)


def _drop_deleted(mapper, connection, translation: ArticleTranslation) -> None:
    """A deleted version leaves the index with it (FTS5 tables have no foreign keys)."""
    backend_for(connection).remove(connection, translation.id)


def init_app(app: Flask) -> None:
    """Subscribe to live-text changes and deletions; register the CLI."""
    events.live_text_changed.connect(on_live_text_changed)
    # mapper events are process-wide and, unlike signals, would run once per registration
    if not event.contains(ArticleTranslation, "after_delete", _drop_deleted):
        event.listen(ArticleTranslation, "after_delete", _drop_deleted)
    cli.init_app(app)
