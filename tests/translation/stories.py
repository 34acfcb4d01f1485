"""Shared steps for translation tests: sign in, write an sq source, run a machine draft."""

from __future__ import annotations

from sqlalchemy import select

from bv.accounts.models import User
from bv.articles import service, workflow
from bv.articles.models import Article
from bv.extensions import db
from bv.jobs.models import Job
from tests.conftest import PASSWORD


def login(client, email):
    return client.post("/newsroom/login", data={"email": email, "password": PASSWORD})


def editor():
    return db.session.scalar(select(User).where(User.role == "editor"))


def write(app, body, *, headline="Kuvendi i Tetovës miraton buxhetin", lede="Seanca zgjati."):
    """A published sq source with these paragraphs; returns the article id."""
    with app.app_context():
        article = service.create_article(source_locale="sq", author=editor())
        source = service.save_translation(
            article, "sq", {"headline": headline, "lede": lede, "body": "\n\n".join(body)},
            user=editor(),
        )
        workflow.transition(source, "publish", user=editor())
        db.session.commit()
        return article.id


def run_draft(app, article_id, target="mk") -> Job:
    """Queue a machine draft (immediate in tests) and return the finished job, reloaded."""
    from bv.translation import drafting

    with app.app_context():
        job = drafting.queue_draft(db.session.get(Article, article_id), target, user=editor())
        db.session.commit()  # the caller commits; then the job runs (inline in tests)
        db.session.expire_all()  # the job ran in its own session
        job = db.session.get(Job, job.id)
        db.session.expunge(job)
        return job


def segments(app, article_id, locale="mk") -> dict[str, str]:
    """The translated segments' texts by key."""
    from bv.translation import sync

    with app.app_context():
        translation = db.session.get(Article, article_id).translation(locale)
        return {k: t.target_text for k, t in sync.translated_segments(translation).items()}


def english_desk(app, fake):
    """Providers pointed at the fake, the translator working into mk and en, and everyone
    reading the newsroom in English (tests assert its messages)."""
    from tests.translation.fake_providers import point_at

    app.config.update(point_at(fake))
    with app.app_context():
        translator = db.session.scalar(select(User).where(User.role == "translator"))
        translator.languages = "mk,en"
        for user in db.session.scalars(select(User)):
            user.ui_locale = "en"
        db.session.commit()
    return app
