"""Translation jobs run by the queue."""

from __future__ import annotations

from bv.accounts.models import User
from bv.articles.models import Article
from bv.extensions import db
from bv.jobs.outbox import claim_job
from bv.jobs.registry import outbox_task, task
from bv.translation.drafting import missing_locales, queue_draft, run_job


@outbox_task("machine_draft")
def run_machine_draft(job_id: int) -> None:
    """Make a machine draft; the Job row carries progress, result and error."""
    # a job queued twice (the sweep, a retry) runs once: whoever claims it first
    if claim_job(job_id) is not None:
        run_job(job_id)


@task()
def draft_missing(article_id: int, user_id: int | None) -> None:
    """Queue machine drafts into every language the article lacks."""
    article = db.session.get(Article, article_id)
    if article is None:
        return
    user = db.session.get(User, user_id) if user_id else None
    for locale in missing_locales(article):
        queue_draft(article, locale, user=user)
    db.session.commit()
