"""The job queue with a real consumer: SQLite storage by default, Redis when configured."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from bv.accounts.permissions import SYSTEM
from bv.articles import service
from bv.extensions import db
from bv.jobs import queue
from bv.jobs.embedded import EmbeddedConsumer
from bv.jobs.models import Job
from tests.conftest import REDIS_URL, fresh_app


def _run_one_job(application) -> Job:
    from bv.translation.tasks import run_machine_draft

    with application.app_context():
        article = service.create_article(source_locale="sq")
        service.save_translation(article, "sq", {"headline": "Lajm", "lede": "Hyrje.", "body": "Tekst."}, user=SYSTEM)
        job = Job(kind="machine_draft", article_id=article.id, payload={"target": "en", "provider": None})
        db.session.add(job)
        db.session.commit()
        job_id = job.id
        db.session.commit()
    run_machine_draft(job_id)  # enqueued: nothing runs until a consumer takes it
    with application.app_context():
        assert db.session.get(Job, job_id).status == "queued"
    consumer = EmbeddedConsumer(queue.huey, application, workers=1, worker_type="thread", periodic=False)
    consumer.start()
    try:
        deadline = time.monotonic() + 60  # ends as soon as the job does; a loaded CI box is slow
        while time.monotonic() < deadline:
            with application.app_context():
                job = db.session.scalar(select(Job).where(Job.id == job_id))
                if job.status not in ("queued", "running"):
                    return job
            time.sleep(0.1)
    finally:
        consumer.stop(graceful=True)
    raise AssertionError("the consumer never finished the job")


def _queue_app(tmp_path, migrated_template, **extra):
    folder = tmp_path / "queue"
    folder.mkdir()
    return fresh_app(folder, migrated_template, JOBS_IMMEDIATE=False, **extra)


def test_sqlite_queue_survives_until_a_consumer_runs(tmp_path, migrated_template):
    with _queue_app(tmp_path, migrated_template, REDIS_URL=None) as application:
        assert type(queue.huey.storage).__name__ == "SqliteStorage"
        queue.huey.flush()
        job = _run_one_job(application)
        # no provider is configured in tests: the job fails cleanly and says why
        assert job.status == "failed" and job.error


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="BV_TEST_REDIS_URL not set: Redis queue not tested")
def test_redis_queue(tmp_path, migrated_template):
    with _queue_app(tmp_path, migrated_template) as application:
        assert type(queue.huey.storage).__name__ == "RedisStorage"
        queue.huey.flush()
        job = _run_one_job(application)
        assert job.status == "failed" and job.error
