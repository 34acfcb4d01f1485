"""Translation workflow: segments, machine drafts, memory, glossary, review, exchange files."""

from __future__ import annotations

from flask import Flask

from bv import events
from bv.translation import assignments, auto, cli, review, sync


def init_app(app: Flask) -> None:
    """The approval gate, segments kept in step with saves, automatic drafts, finished
    assignments, the commands."""
    review.init_gate()
    events.translation_saved.connect(sync.on_translation_saved)
    events.status_changed.connect(auto.on_status_changed)
    events.status_changed.connect(assignments.on_status_changed)
    cli.init_app(app)
