"""Translation jobs run by the queue."""

from __future__ import annotations

from bv.jobs.queue import flask_app, huey


@huey.task()
def run_machine_draft(job_id: int) -> None:
    """Make a machine draft; the Job row carries progress, result and error."""
    from bv.translation.drafting import run_job

    with flask_app().app_context():
        run_job(job_id)


@huey.task()
def draft_missing(article_id: int, user_id: int | None) -> None:
    """Queue machine drafts into every language the article lacks."""
    from bv.accounts.models import User
    from bv.articles.models import Article
    from bv.extensions import db
    from bv.translation.drafting import missing_locales, queue_draft

    with flask_app().app_context():
        article = db.session.get(Article, article_id)
        if article is None:
            return
        user = db.session.get(User, user_id) if user_id else None
        for locale in missing_locales(article):
            queue_draft(article, locale, user=user)
