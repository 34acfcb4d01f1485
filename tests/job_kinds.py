"""Two job kinds only the tests queue; a module of its own, so a worker process can load it."""

from __future__ import annotations

from bv.extensions import db
from bv.jobs import outbox
from bv.jobs.models import Job
from bv.notifications.models import Notification


@outbox.job_task("test_echo")
def echo(job: Job) -> dict:
    """Answer with the word it was given."""
    return {"echo": job.payload["word"]}


@outbox.job_task("test_broken")
def broken(job: Job) -> dict:
    """Write something, then fail: the write must not survive."""
    db.session.add(Notification(user_id=job.user_id, kind="source_changed", payload={}))
    raise RuntimeError("the archive is unreachable")
