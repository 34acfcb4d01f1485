"""Newsletter jobs: a send job per batch of a mailing, the daily digest, the retry of failures."""

from __future__ import annotations

from bv.extensions import db
from bv.jobs.outbox import job_task, queue_job
from bv.jobs.registry import cron, periodic_task
from bv.newsletter import sending


@job_task(sending.SEND_JOB)
def send_mailing(job) -> dict:
    """Send one batch; queue the next while the batch went through cleanly."""
    mailing_id = int(job.payload["mailing"])
    result = sending.send_batch(mailing_id)
    # a batch with failures stops here: the periodic retry tries them later, not in a tight loop
    if result["remaining"] and not result["paused"] and not result["failed"]:
        queue_job(sending.SEND_JOB, {"mailing": mailing_id})
        db.session.commit()
    return result


@periodic_task(cron(hour="5", minute="0"), retries=0)
def send_daily_digests() -> None:
    """Once a day (05:00 UTC): yesterday's first publications to the daily subscribers."""
    sending.plan_digests()
    db.session.commit()


@periodic_task(cron(minute="*/15"), retries=0)
def retry_newsletter() -> None:
    """Every quarter hour: unfinished mailings try their pending recipients again."""
    if not sending.is_paused():
        sending.requeue_unfinished()
        db.session.commit()
