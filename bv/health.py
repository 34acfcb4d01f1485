"""What /healthz reports: each part's state, and whether the site can serve at all."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bv.cache import pages
from bv.extensions import db
from bv.jobs import health as queue_health
from bv.jobs.queue import storage_reachable


def database_part() -> dict:
    """One round trip to the database."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("health check: the database does not answer")
        db.session.rollback()
        return {"status": "down"}
    return {"status": "ok"}


def queue_part(database_up: bool) -> dict:
    """Is the queue's storage reachable, is work waiting too long (needs the database)."""
    if not database_up:
        reachable = storage_reachable(current_app._get_current_object())
        return {"status": "ok" if reachable else "down", "reachable": reachable,
                "backlog": None, "delayed": not reachable}
    state = queue_health.check()
    status = "down" if not state.reachable else ("delayed" if state.delayed else "ok")
    return {"status": status, **state.as_dict()}


def report() -> tuple[dict, int]:
    """The JSON body and the HTTP status: 503 only when the database is down, because the
    site cannot serve without it; a queue or page cache that is away only delays or slows."""
    database = database_part()
    up = database["status"] == "ok"
    parts = {
        "database": database,
        "queue": queue_part(up),
        "page_cache": {"status": pages.health()},
    }
    if not up:
        overall = "down"
    elif all(part["status"] in ("ok", "off") for part in parts.values()):
        overall = "ok"
    else:
        overall = "degraded"
    return {"status": overall, **parts}, 200 if up else 503
