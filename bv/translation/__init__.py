"""Translation workflow: segments, machine drafts, memory, glossary, review, exchange files."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The approval gate, automatic drafts, finished assignments, and the mt / xliff commands."""
    from bv import events
    from bv.articles import workflow
    from bv.translation import assignments, auto, cli, review

    review.init_gate()
    events.status_changed.connect(assignments.on_status_changed)
    if auto.on_transition not in workflow.transition_hooks:
        workflow.transition_hooks.append(auto.on_transition)
    cli.init_app(app)
