"""The outbox: e-mails and jobs are rows of the causing transaction, and run exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bv.accounts.models import User
from bv.accounts.permissions import SYSTEM
from bv.accounts.service import create_user
from bv.database import utcnow
from bv.extensions import db
from bv.jobs import health, outbox, queue, registry
from bv.jobs.models import Job, OutboxEmail
from bv.notifications import mail, tasks
from bv.notifications.models import Notification
from bv.notifications.service import notify
from tests import job_kinds  # noqa: F401  (declares test_echo and test_broken)
from tests.conftest import PASSWORD, fresh_app
from tests.servers import free_port, redis_server, smtp_server

BANNER = "Background work is delayed"
STAFF = {"admin": "admin@test.example", "editor": "editor@test.example"}


@pytest.fixture
def smtp(app):
    """Mail from `app` goes to a local SMTP server; yields its catcher."""
    with smtp_server() as (port, catcher):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        yield catcher


@pytest.fixture
def queued_app(tmp_path, migrated_template):
    """An app whose queue is real (SQLite storage) and has no worker: tasks wait until run."""
    folder = tmp_path / "queued"
    folder.mkdir()
    with fresh_app(folder, migrated_template, JOBS_IMMEDIATE=False, REDIS_URL=None,
                   QUEUE_HEALTH_CACHE_SECONDS=0) as application:
        queue.huey.flush()
        with application.app_context():
            for role, address in STAFF.items():
                create_user(address, PASSWORD, role=role, display_name=role.title(),
                            ui_locale="en")
            db.session.commit()
        yield application
        queue.huey.flush()


def _editor() -> User:
    return db.session.scalar(select(User).where(User.role == "editor"))


def _run_queued_tasks() -> int:
    """Execute what waits on the queue, as a worker would (inside the current app)."""
    ran = 0
    while (task := queue.huey.dequeue()) is not None:
        queue.huey.execute(task)
        ran += 1
    return ran


def test_a_notification_and_its_mail_commit_or_roll_back_together(app, staff, smtp):
    payload = {"article_id": 1, "locale": "en", "headline": "Buxheti", "reviewer": "Editor",
               "url": "https://news.example/newsroom/articles/1/en/translate"}
    with app.app_context():
        notify([_editor()], "translation_approved", payload)
        assert db.session.scalar(select(func.count(OutboxEmail.id))) == 1
        db.session.rollback()
        assert db.session.scalar(select(func.count(OutboxEmail.id))) == 0
    assert smtp.envelopes == []
    with app.app_context():
        notify([_editor()], "translation_approved", payload)
        db.session.commit()
        row = db.session.scalar(select(OutboxEmail))
        assert (row.status, row.attempts, row.kind) == ("sent", 1, "translation_approved")
        assert row.sent_at is not None and row.recipient == staff["editor"]
    assert smtp.recipients() == [staff["editor"]]


def test_a_task_that_runs_twice_sends_once(app, staff, smtp):
    with app.app_context():
        # a row whose hand-off was lost: no task was queued for it yet
        row = OutboxEmail(recipient=staff["editor"], subject="Buxheti", text="Teksti.",
                          headers={}, next_attempt_at=utcnow())
        db.session.add(row)
        db.session.commit()
        tasks.send_email(row.id)
        tasks.send_email(row.id)
        assert mail.send_queued(row.id) is False
        db.session.refresh(row)
        assert (row.status, row.attempts) == ("sent", 1)
    assert len(smtp.envelopes) == 1


def test_a_line_break_in_a_headline_does_not_block_its_mail(app, staff, smtp):
    with app.app_context():
        editor = _editor()
        editor.ui_locale = "mk"
        notify([editor], "translation_approved", {
            "article_id": 1, "locale": "en", "headline": "Парк\r\nво Тетово\n", "reviewer": "R",
            "url": "https://news.example/newsroom/articles/1/en/translate",
        })
        db.session.commit()
        assert db.session.scalar(select(OutboxEmail.status)) == "sent"
    (subject,) = smtp.subjects()
    assert subject == "Преводот е одобрен: Парк во Тетово"
    assert b"=?utf-8?" in smtp.envelopes[0].content, "the subject is RFC 2047 encoded"


def test_queue_email_folds_headers_and_sends_html(app, staff, smtp):
    import email

    with app.app_context():
        mail.queue_email(staff["editor"], "Line one\nline two", "Plain.", html="<p>Rich.</p>",
                         headers={"List-Id": "news\r\n<bv>"}, kind="newsletter")
        with pytest.raises(ValueError):
            mail.queue_email(staff["editor"], "x", "y", headers={"Subject": "other"})
        db.session.commit()
    message = email.message_from_bytes(smtp.envelopes[0].content)
    assert message["Subject"] == "Line one line two"
    assert message["List-Id"] == "news <bv>"
    assert message.is_multipart()
    assert "<p>Rich.</p>" in message.get_payload()[1].get_payload(decode=True).decode()


def test_a_refused_mail_is_retried_later_and_given_up_after_the_last_attempt(app, staff):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_MAX_ATTEMPTS=2)
    with app.app_context():
        row = mail.queue_email(staff["editor"], "Buxheti", "Teksti.")
        db.session.commit()  # sent at once (tests run tasks inline): refused
        db.session.refresh(row)
        assert (row.status, row.attempts) == ("pending", 1)
        assert "ConnectionRefusedError" in row.last_error
        assert row.next_attempt_at > utcnow() + timedelta(seconds=100), "backs off"
        assert outbox.sweep().emails == 0, "not before its time"
        report = outbox.sweep(now=utcnow() + timedelta(hours=1))
        assert report.emails == 1
        db.session.refresh(row)
        assert (row.status, row.attempts) == ("failed", 2)
        assert outbox.sweep(now=utcnow() + timedelta(days=1)).emails == 0


def test_the_sweep_requeues_lost_rows_after_the_grace_period_with_backoff(queued_app):
    with smtp_server() as (port, catcher), queued_app.app_context():
        queued_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        row = mail.queue_email(STAFF["editor"], "Buxheti", "Teksti.")
        db.session.commit()
        assert queue.huey.pending_count() == 1
        queue.huey.flush()  # the queue lost it (Redis restarted empty)
        now = utcnow()
        assert outbox.sweep(now).emails == 0, "within the grace period"
        later = now + timedelta(seconds=61)
        assert outbox.sweep(later).emails == 1
        assert outbox.sweep(later + timedelta(seconds=1)).emails == 0, "backs off"
        assert outbox.sweep(later + timedelta(seconds=121)).emails == 1
        assert queue.huey.pending_count() == 2
        assert _run_queued_tasks() == 2
        db.session.refresh(row)
        assert (row.status, row.attempts, row.requeued) == ("sent", 1, 2)
        assert outbox.sweep(later + timedelta(days=1)).emails == 0
    assert len(catcher.envelopes) == 1


def test_the_sweep_takes_back_a_mail_whose_worker_died(queued_app):
    with queued_app.app_context():
        row = mail.queue_email(STAFF["editor"], "Buxheti", "Teksti.")
        db.session.commit()
        row.status, row.claimed_at = "sending", utcnow() - timedelta(minutes=20)
        db.session.commit()
        report = outbox.sweep()
        assert (report.reclaimed, report.emails) == (1, 1)
        db.session.refresh(row)
        assert row.status == "pending"


def test_generic_jobs_run_once_after_the_commit(app, staff):
    with app.app_context():
        editor = _editor()
        outbox.queue_job("test_echo", {"word": "po"}, user=editor)
        db.session.rollback()
        assert db.session.scalar(select(func.count(Job.id))) == 0
        job = outbox.queue_job("test_echo", {"word": "po"}, user=editor)
        assert job.status in (None, "queued")
        db.session.commit()
        db.session.refresh(job)
        assert (job.status, job.result) == ("done", {"echo": "po"})
        finished = job.finished_at
        registry.hand_off("test_echo", job.id)  # a second run finds it taken
        db.session.refresh(job)
        assert job.finished_at == finished
        with pytest.raises(ValueError):
            outbox.queue_job("no_such_kind")
        with pytest.raises(ValueError):
            outbox.queue_job(outbox.MAIL)


def test_a_failing_generic_job_fails_in_its_owners_language_and_keeps_nothing(app, staff):
    with app.app_context():
        editor = _editor()
        editor.ui_locale = "mk"
        job = outbox.queue_job("test_broken", user=editor)
        db.session.commit()
        db.session.refresh(job)
        assert job.status == "failed"
        assert job.error.startswith("Задачата запре")
        assert db.session.scalar(select(func.count(Notification.id))) == 0


def test_machine_drafts_are_queued_with_the_callers_transaction(queued_app):
    from bv.articles import service
    from bv.translation import drafting

    with queued_app.app_context():
        article = service.create_article(source_locale="sq", author=_editor())
        service.save_translation(article, "sq", {"headline": "Lajm", "lede": "Hyrje.",
                                                 "body": "Tekst."}, user=SYSTEM)
        db.session.commit()
        drafting.queue_draft(article, "en", user=_editor())
        db.session.rollback()
        assert db.session.scalar(select(func.count(Job.id))) == 0
        assert queue.huey.pending_count() == 0
        job = drafting.queue_draft(article, "en", user=_editor())
        db.session.commit()
        assert queue.huey.pending_count() == 1
        queue.huey.flush()  # lost
        report = outbox.sweep(utcnow() + timedelta(seconds=61))
        assert report.jobs == 1
        db.session.refresh(job)
        assert (job.status, job.requeued) == ("queued", 1)
        assert job.next_attempt_at is not None
        assert _run_queued_tasks() == 1
        db.session.refresh(job)
        # no provider answers in tests: the job ends, and says why
        assert job.status == "failed" and job.error
        db.session.commit()


def test_the_newsroom_banner_shows_a_backlog(queued_app):
    client = queued_app.test_client()
    client.post("/newsroom/login", data={"email": STAFF["editor"], "password": PASSWORD})
    with queued_app.app_context():
        row = mail.queue_email(STAFF["admin"], "Buxheti", "Teksti.")
        db.session.commit()
        row_id = row.id
    assert BANNER not in client.get("/newsroom/").get_data(as_text=True), "fresh rows are fine"
    with queued_app.app_context():
        db.session.get(OutboxEmail, row_id).created_at = utcnow() - timedelta(minutes=6)
        db.session.commit()
        assert health.check().as_dict() == {"reachable": True, "backlog": 1, "delayed": True}
    assert BANNER in client.get("/newsroom/").get_data(as_text=True)
    home = queued_app.test_client().get("/sq/")
    assert home.status_code == 200 and BANNER not in home.get_data(as_text=True)
    assert queued_app.test_client().get("/healthz").get_json()["queue"]["backlog"] == 1


def test_an_unreachable_queue_is_reported_and_cached(tmp_path, migrated_template):
    folder = tmp_path / "away"
    folder.mkdir()
    with redis_server() as server, fresh_app(
        folder, migrated_template, JOBS_IMMEDIATE=False, REDIS_URL=server.url
    ) as application:
        with application.app_context():
            assert health.check().reachable is True
            application.config["QUEUE_HEALTH_CACHE_SECONDS"] = 60
            server.stop()
            assert health.check().reachable is True, "cached for a while"
            application.config["QUEUE_HEALTH_CACHE_SECONDS"] = 0
            first = health.check()
            assert (first.reachable, first.delayed) == (False, True)
            # with a long cache: a hand-off that works clears the alarm, one that fails sets it
            application.config["QUEUE_HEALTH_CACHE_SECONDS"] = 60
            server.start()
            mail.queue_email("editor@test.example", "Buxheti", "Teksti.")
            db.session.commit()
            assert health.check().reachable is True
            server.stop()
            row = mail.queue_email("editor@test.example", "Buxheti", "Teksti.")
            db.session.commit()
            assert health.check().reachable is False
            assert db.session.get(OutboxEmail, row.id).status == "pending"


def test_the_production_worker_serves_its_own_app_from_the_one_registry(
    tmp_path, migrated_template
):
    """`huey_consumer bv.jobs.worker.huey` runs the tasks the web app queues."""
    folder = tmp_path / "worker"
    folder.mkdir()
    with smtp_server() as (port, catcher), fresh_app(
        folder, migrated_template, JOBS_IMMEDIATE=False, REDIS_URL=None,
        MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
    ) as application:
        queue.huey.flush()
        with application.app_context():
            row = mail.queue_email("reader@test.example", "Buxheti", "Teksti.")
            job = outbox.queue_job("test_echo", {"word": "po"})
            db.session.commit()
            row_id, job_id = row.id, job.id
        env = {k: v for k, v in os.environ.items() if not k.startswith("BV_")}
        env.update(
            BV_INSTANCE_PATH=str(folder),
            BV_SQLALCHEMY_DATABASE_URI=application.config["SQLALCHEMY_DATABASE_URI"],
            BV_MAIL_SERVER="127.0.0.1",
            BV_MAIL_PORT=str(port),
            # the tests' own job kinds: the worker loads them too
            PYTHONPATH=os.pathsep.join(filter(None, [os.getcwd(), env.get("PYTHONPATH")])),
        )
        log = folder / "worker.log"
        with log.open("wb") as output:
            worker = subprocess.Popen(
                [sys.executable, "-c",
                 "import sys, tests.job_kinds; from huey.bin.huey_consumer import consumer_main;"
                 " sys.argv = ['huey_consumer', 'bv.jobs.worker.huey', '-w', '1', '-d', '0.1',"
                 " '-m', '0.2', '-n']; consumer_main()"],
                env=env, stdout=subprocess.DEVNULL, stderr=output,
            )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                with application.app_context():
                    sent = db.session.get(OutboxEmail, row_id).status == "sent"
                    done = db.session.get(Job, job_id).status == "done"
                if sent and done:
                    break
                assert worker.poll() is None, log.read_text()
                time.sleep(0.2)
            else:
                raise AssertionError(log.read_text())
        finally:
            worker.terminate()
            worker.wait(timeout=20)
    assert catcher.recipients() == ["reader@test.example"]
