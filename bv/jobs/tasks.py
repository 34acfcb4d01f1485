"""Jobs run by the queue."""

from __future__ import annotations

from huey import crontab

from bv.jobs.queue import flask_app, huey


@huey.periodic_task(crontab(minute="*"), retries=0)
def publish_scheduled() -> int:
    """Every minute: publish what editors scheduled; the schedule lives in the database."""
    from bv.articles.workflow import publish_due

    with flask_app().app_context():
        return publish_due()
