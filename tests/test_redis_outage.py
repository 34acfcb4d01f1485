"""Redis going away loses nothing: sign-in, approvals and drafts answer; mail and jobs wait.

The test starts its own redis-server on a free port, kills it, and starts it again; it never
touches a shared Redis.
"""

from __future__ import annotations

import logging
import time
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from bv.accounts.models import User
from bv.accounts.service import create_user
from bv.articles import service, workflow
from bv.articles.models import Article
from bv.extensions import db
from bv.jobs import outbox, queue, registry
from bv.jobs.embedded import EmbeddedConsumer
from bv.jobs.models import Job, OutboxEmail
from tests.conftest import PASSWORD, fresh_app
from tests.servers import redis_server, smtp_server
from tests.translation.fake_providers import FakeTranslationServer, point_at

BANNER = "Background work is delayed"
STAFF = {
    "admin": "admin@test.example",
    "editor": "editor@test.example",
    "translator": "translator@test.example",
}


@pytest.fixture
def outage(tmp_path, migrated_template):
    """An app whose queue and rate limits live in a Redis of its own, with SMTP and MT fakes."""
    folder = tmp_path / "outage"
    folder.mkdir()
    with (
        redis_server() as redis,
        smtp_server() as (smtp_port, mail),
        FakeTranslationServer() as fake,
        fresh_app(
            folder,
            migrated_template,
            REDIS_URL=redis.url,
            RATELIMIT_STORAGE_URI=redis.url,
            JOBS_IMMEDIATE=False,
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=smtp_port,
            QUEUE_HEALTH_CACHE_SECONDS=0,
            # the sweep may hand rows over again at once
            OUTBOX_GRACE_SECONDS=0,
            **point_at(fake),
        ) as app,
    ):
        queue.huey.flush()
        with app.app_context():
            for role, address in STAFF.items():
                languages = ("en", "mk") if role == "translator" else ()
                create_user(address, PASSWORD, role=role, languages=languages,
                            display_name=role.title(), ui_locale="en")
            db.session.commit()
        yield SimpleNamespace(app=app, redis=redis, mail=mail, fake=fake)


def _article_in_review(app) -> int:
    """A published Albanian story whose English version waits for approval."""
    with app.app_context():
        editor = db.session.scalar(select(User).where(User.email == STAFF["editor"]))
        article = service.create_article(source_locale="sq", author=editor)
        source = service.save_translation(
            article, "sq",
            {"headline": "Park i ri në Tetovë", "lede": "Komuna hap parkun.",
             "body": "Tetova ka park të ri."},
            user=editor,
        )
        workflow.transition(source, "publish", user=editor)
        english = service.save_translation(
            article, "en",
            {"headline": "A new park in Tetovo", "lede": "The town opens the park.",
             "body": "Tetovo has a new park."},
            user=editor,
        )
        workflow.transition(english, "submit", user=editor)
        db.session.commit()
        return article.id


def _run_consumer_until_done(app, timeout: float = 90) -> None:
    """A real consumer (threads, Redis) runs until the outbox is empty and the queue drained."""
    consumer = EmbeddedConsumer(queue.huey, app, workers=2, worker_type="thread",
                                periodic=False)
    consumer.start()
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with app.app_context():
                waiting = db.session.scalar(
                    select(func.count(OutboxEmail.id)).where(
                        OutboxEmail.status.in_(("pending", "sending"))
                    )
                ) + db.session.scalar(
                    select(func.count(Job.id)).where(Job.status.in_(("queued", "running")))
                )
            if not waiting and queue.huey.pending_count() == 0:
                return
            time.sleep(0.1)
        raise AssertionError("the consumer did not finish the outbox")
    finally:
        consumer.stop(graceful=True)


def test_redis_outage_loses_no_mail_and_no_draft(outage, caplog, monkeypatch):
    app = outage.app
    article_id = _article_in_review(app)
    client = app.test_client()

    outage.redis.stop()

    # sign-in: limits fall back to memory, the switch is logged once
    # (Alembic's fileConfig disabled the loggers that existed when the test database was made)
    monkeypatch.setattr(logging.getLogger("flask-limiter"), "disabled", False)
    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        wrong = client.post("/newsroom/login",
                            data={"email": STAFF["editor"], "password": "wrong password"})
        assert wrong.status_code == 401
        signed_in = client.post("/newsroom/login",
                                data={"email": STAFF["editor"], "password": PASSWORD})
        assert signed_in.status_code == 302
    fallbacks = [r for r in caplog.records if "falling back to in-memory" in r.getMessage()]
    assert len(fallbacks) == 1

    # the newsroom says background work is delayed; readers see nothing unusual
    assert BANNER in client.get("/newsroom/").get_data(as_text=True)
    public = app.test_client()
    home = public.get("/sq/")
    assert home.status_code == 200 and BANNER not in home.get_data(as_text=True)
    article_page = public.get("/sq/a/park-i-ri-ne-tetove")
    assert article_page.status_code == 200
    health = public.get("/healthz")
    assert health.status_code == 200
    assert health.get_json()["queue"] == {
        "status": "down", "reachable": False, "backlog": 0, "delayed": True,
    }

    # approving answers normally, the approval is saved, its e-mails wait in the outbox
    approved = client.post(f"/newsroom/articles/{article_id}/en/approve",
                           data={"reason": "checked against the original"})
    assert approved.status_code == 302
    # a machine draft answers normally too; a second request attaches to the same job
    drafted = client.post(f"/newsroom/articles/{article_id}/mk/machine-draft")
    assert drafted.status_code == 302
    again = client.post(f"/newsroom/articles/{article_id}/mk/machine-draft")
    assert again.headers["Location"] == drafted.headers["Location"]
    assert client.get(drafted.headers["Location"]).status_code == 200
    with app.app_context():
        article = db.session.get(Article, article_id)
        assert article.translation("en").status == "approved"
        assert article.translation("mk") is None
        mails = db.session.scalars(select(OutboxEmail)).all()
        assert sorted(m.recipient for m in mails) == sorted([STAFF["admin"], STAFF["editor"]])
        assert {m.status for m in mails} == {"pending"}
        job = db.session.scalar(select(Job))
        assert (job.kind, job.status) == ("machine_draft", "queued")
    assert outage.mail.envelopes == []

    # Redis comes back (empty: whatever was queued before the crash is gone)
    outage.redis.start()
    with app.app_context():
        report = outbox.sweep()
        assert (report.emails, report.jobs, report.queue_down) == (2, 1, False)
        # one mail is on the queue twice: it must still go out once
        registry.hand_off(outbox.MAIL, mails[0].id)
    _run_consumer_until_done(app)

    assert outage.mail.recipients() == sorted([STAFF["admin"], STAFF["editor"]])
    assert all(s.startswith("Translation approved") for s in outage.mail.subjects())
    with app.app_context():
        assert {m.status for m in db.session.scalars(select(OutboxEmail))} == {"sent"}
        assert db.session.scalar(select(Job)).status == "done"
        mk = db.session.get(Article, article_id).translation("mk")
        assert mk is not None and mk.headline.startswith("mk_")
        # nothing is left for a later sweep
        assert outbox.sweep() == outbox.SweepReport()
    assert BANNER not in client.get("/newsroom/").get_data(as_text=True)
    assert public.get("/healthz").get_json()["queue"]["delayed"] is False
    assert len(outage.mail.envelopes) == 2
