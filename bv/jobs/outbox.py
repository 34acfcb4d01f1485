"""The transactional outbox: every e-mail and job is a database row first; the queue carries ids.

A row is written in the transaction of the change that caused it and handed to the queue only
once that transaction commits (`bv.events.after_commit`). When the queue cannot take it then
(Redis is down, the process dies), nothing is lost: the periodic `sweep` hands rows that were
never picked up to the queue again, with growing pauses. A task claims its row with one
conditional UPDATE, so a task that runs twice does its work once.

Public API: `queue_job(kind, payload, user=, article=)` with `@job_task(kind)` for generic jobs;
e-mails go through `bv.notifications.mail.queue_email`.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from bv.accounts.models import User
from bv.database import utcnow
from bv.events import after_commit
from bv.extensions import db
from bv.i18n import FORMAT_LOCALES
from bv.jobs import health, registry
from bv.jobs.models import Job, OutboxEmail

log = logging.getLogger(__name__)

# the outbox task that sends OutboxEmail rows; every other outbox task runs Job rows of its kind
MAIL = "mail"


@dataclass
class SweepReport:
    """What one sweep did."""

    emails: int = 0
    jobs: int = 0
    reclaimed: int = 0
    queue_down: bool = False


def job_kinds() -> tuple[str, ...]:
    """Job kinds that have an outbox task."""
    return tuple(name for name in registry.outbox_names() if name != MAIL)


def backoff(times: int) -> timedelta:
    """The pause before the next try: the grace period, doubled each time, capped."""
    config = current_app.config
    seconds = config["OUTBOX_GRACE_SECONDS"] * 2 ** min(max(times, 0), 20)
    return timedelta(seconds=min(seconds, config["OUTBOX_MAX_BACKOFF_SECONDS"]))


def hand_off_after_commit(name: str, row) -> None:
    """Give the row's id to its task once the current transaction commits."""
    after_commit(_hand_off_row, name, row)


def _hand_off_row(name: str, row) -> None:
    # read the id from the identity map: the committed row's attributes are expired, and the
    # session can run no SQL inside its after-commit event
    identity = sa.inspect(row).identity
    if identity:
        try_hand_off(name, identity[0])


def try_hand_off(name: str, row_id: int) -> bool:
    """Hand one row to the queue; False (logged) when the queue cannot be reached."""
    try:
        registry.hand_off(name, row_id)
    except LookupError:
        raise
    except Exception as error:
        log.warning("queue unreachable (%s): %s %s waits for the sweep", error, name, row_id)
        health.mark_unreachable()
        return False
    health.mark_reachable()
    return True


def queue_job(kind: str, payload: dict | None = None, *, user=None, article=None) -> Job:
    """Add a Job row of a declared kind to the session; its task runs once the caller commits."""
    if kind not in job_kinds():
        raise ValueError(f"no job task is declared for {kind!r}")
    job = Job(
        kind=kind,
        payload=dict(payload or {}),
        user_id=getattr(user, "id", None),
        article_id=getattr(article, "id", None),
    )
    db.session.add(job)
    hand_off_after_commit(kind, job)
    return job


def claim_job(job_id: int) -> Job | None:
    """Move a queued job to running, once; None when another run took it or it already ended."""
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "queued")
        .values(status="running", started_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return db.session.get(Job, job_id) if claimed else None


def job_task(kind: str, **options):
    """Declare how Job rows of `kind` run: `fn(job)` once per row, returning its result dict.

    The job ends done with that result, or failed with a message when `fn` raises (its
    writes are rolled back). Queue such jobs with `queue_job(kind, payload)`.
    """

    def decorate(fn):
        @functools.wraps(fn)
        def run(job_id: int) -> None:
            job = claim_job(job_id)
            if job is None:
                return
            try:
                result = fn(job)
            except Exception:
                db.session.rollback()
                log.exception("job %s (%s) failed", job_id, kind)
                job = db.session.get(Job, job_id)
                user = db.session.get(User, job.user_id) if job.user_id else None
                with force_locale(FORMAT_LOCALES.get(getattr(user, "ui_locale", None) or "sq")):
                    job.error = _(
                        "The job stopped because of an unexpected error. Try again; if it "
                        "happens again, tell an administrator."
                    )
                _end(job, "failed")
            else:
                job.result = dict(result or {})
                job.progress = job.total
                _end(job, "done")

        return registry.outbox_task(kind, **options)(run)

    return decorate


def _end(job: Job, status: str) -> None:
    if job.status == "running":
        job.status, job.finished_at = status, utcnow()
    db.session.commit()


def sweep(now: datetime | None = None) -> SweepReport:
    """Hand rows that were never picked up to the queue again; run every minute by the queue."""
    config = current_app.config
    now = now or utcnow()
    report = SweepReport()
    # a worker died while sending: try again (the only case where a mail might go out twice)
    report.reclaimed = db.session.execute(
        update(OutboxEmail)
        .where(
            OutboxEmail.status == "sending",
            OutboxEmail.claimed_at < now - timedelta(minutes=config["OUTBOX_STUCK_MINUTES"]),
        )
        .values(status="pending", next_attempt_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    batch = config["OUTBOX_SWEEP_BATCH"]
    mails = db.session.execute(
        select(OutboxEmail.id, OutboxEmail.requeued)
        .where(OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.id)
        .limit(batch)
    ).all()
    jobs = db.session.execute(
        select(Job.id, Job.kind, Job.requeued)
        .where(
            Job.status == "queued",
            Job.kind.in_(job_kinds()),
            Job.created_at <= now - timedelta(seconds=config["OUTBOX_GRACE_SECONDS"]),
            or_(Job.next_attempt_at.is_(None), Job.next_attempt_at <= now),
            Job.requeued < config["JOB_MAX_REQUEUES"],
        )
        .order_by(Job.id)
        .limit(batch)
    ).all()
    # end this transaction first: in immediate mode the task runs inline and writes
    db.session.commit()
    for row_id, requeued in mails:
        if not try_hand_off(MAIL, row_id):
            report.queue_down = True
            return report
        _requeued(OutboxEmail, row_id, "pending", requeued, now)
        report.emails += 1
    for row_id, kind, requeued in jobs:
        if not try_hand_off(kind, row_id):
            report.queue_down = True
            return report
        _requeued(Job, row_id, "queued", requeued, now)
        report.jobs += 1
    if report.emails or report.jobs or report.reclaimed:
        log.info("outbox sweep: %s", report)
    return report


def _requeued(model, row_id: int, waiting: str, requeued: int, now: datetime) -> None:
    # only a row still waiting: a task may already have taken it
    db.session.execute(
        update(model)
        .where(model.id == row_id, model.status == waiting)
        .values(requeued=model.requeued + 1, next_attempt_at=now + backoff(requeued + 1))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
