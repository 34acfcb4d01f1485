"""Periodic jobs of the queue itself: scheduled publication and the outbox sweep."""

from __future__ import annotations

from bv.articles.workflow import publish_due
from bv.jobs import outbox
from bv.jobs.registry import cron, periodic_task


@periodic_task(cron(minute="*"), retries=0)
def publish_scheduled() -> None:
    """Every minute: publish what editors scheduled; the schedule lives in the database."""
    publish_due()


@periodic_task(cron(minute="*"), retries=0)
def sweep_outbox() -> None:
    """Every minute: queue again the e-mails and jobs that were never picked up."""
    outbox.sweep()
