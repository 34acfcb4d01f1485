"""Is background work flowing? A cheap, cached answer for the newsroom banner and /healthz."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import func, select

from bv.database import utcnow
from bv.extensions import db
from bv.jobs import registry
from bv.jobs.models import Job, OutboxEmail
from bv.jobs.queue import EXTENSION, storage_reachable


@dataclass(frozen=True)
class QueueHealth:
    """Whether the queue's storage answers, and how many rows wait longer than they should."""

    reachable: bool
    backlog: int

    @property
    def delayed(self) -> bool:
        """E-mails and jobs will go out late."""
        return not self.reachable or self.backlog > 0

    def as_dict(self) -> dict:
        """For /healthz."""
        return {"reachable": self.reachable, "backlog": self.backlog, "delayed": self.delayed}


def backlog() -> int:
    """Outbox rows (e-mails, queued jobs) still waiting after QUEUE_BACKLOG_MINUTES."""
    cutoff = utcnow() - timedelta(minutes=current_app.config["QUEUE_BACKLOG_MINUTES"])
    mails = db.session.scalar(
        select(func.count(OutboxEmail.id)).where(
            OutboxEmail.status.in_(("pending", "sending")), OutboxEmail.created_at < cutoff
        )
    )
    jobs = db.session.scalar(
        select(func.count(Job.id)).where(
            Job.status == "queued",
            Job.created_at < cutoff,
            Job.kind.in_(registry.outbox_names()),
        )
    )
    return mails + jobs


def check() -> QueueHealth:
    """The queue's health, measured at most every QUEUE_HEALTH_CACHE_SECONDS."""
    app = current_app._get_current_object()
    state = app.extensions[EXTENSION]
    cached = state["health"]
    now = time.monotonic()
    if cached is not None and now - cached[0] < app.config["QUEUE_HEALTH_CACHE_SECONDS"]:
        return cached[1]
    health = QueueHealth(reachable=storage_reachable(app), backlog=backlog())
    state["health"] = (now, health)
    return health


def mark_unreachable() -> None:
    """A hand-off just failed: say so at once instead of waiting for the next check."""
    state = current_app.extensions[EXTENSION]
    cached = state["health"]
    state["health"] = (time.monotonic(), QueueHealth(False, cached[1].backlog if cached else 0))


def mark_reachable() -> None:
    """A hand-off just worked: forget an "unreachable" measured earlier."""
    state = current_app.extensions[EXTENSION]
    cached = state["health"]
    if cached is not None and not cached[1].reachable:
        state["health"] = None


def delayed() -> bool:
    """For the newsroom's template: is background work delayed?"""
    return check().delayed


def init_app(app: Flask) -> None:
    """Templates call `queue_delayed()`; only the newsroom does, so public pages never check."""
    app.context_processor(lambda: {"queue_delayed": delayed})
