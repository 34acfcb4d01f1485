"""The Huey queue: SQLite in instance/ by default, Redis when BV_REDIS_URL is set.

The queue holds no application. Whoever runs a worker owns the app: `bv.jobs.worker` for
`huey_consumer`, `start_embedded_worker(app)` for `make run`. Their worker threads enter that
app's context, and each task then runs in a fresh context of it (see `registry.task`). In
immediate mode (tests, JOBS_IMMEDIATE) a task runs in the caller's app.
"""

from __future__ import annotations

import threading
from pathlib import Path

import redis
from flask import Flask
from huey import Huey
from huey.consumer import Consumer, Worker
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

# storage is replaced by configure(); memory until then so importing never touches disk.
# results=False: every outcome lives in the database row, nothing reads Huey's result store
huey = Huey("bv", storage_class=MemoryStorage, utc=True, results=False)

EXTENSION = "bv.jobs"


def configure(app: Flask) -> None:
    """Point the queue at this app's storage; tests run jobs inline."""
    if app.config.get("JOBS_IMMEDIATE"):
        huey.immediate = True
    else:
        huey.immediate = False
        if app.config.get("REDIS_URL"):
            # a hand-off after a request's commit must not hang on an unreachable server
            pool = redis.ConnectionPool.from_url(app.config["REDIS_URL"], socket_connect_timeout=1)
            huey.storage = RedisStorage("bv", connection_pool=pool)
        else:
            path = Path(app.instance_path) / "huey.sqlite3"
            huey.storage = SqliteStorage("bv", filename=str(path))
    app.extensions[EXTENSION] = {"consumer": None, "ping": None, "health": None}


def storage_reachable(app: Flask) -> bool:
    """Whether the queue's storage answers now; SQLite in instance/ always does."""
    url = app.config.get("REDIS_URL")
    if huey.immediate or not url:
        return True
    state = app.extensions[EXTENSION]
    if state["ping"] is None:
        # its own client with short timeouts and no retries: a page must not wait on this
        state["ping"] = redis.Redis.from_url(
            url, socket_connect_timeout=0.5, socket_timeout=0.5, retry=None
        )
    try:
        return bool(state["ping"].ping())
    except redis.RedisError:
        return False


class AppWorker(Worker):
    """A Huey worker whose thread runs inside the app that started it."""

    def __init__(self, app: Flask, **options):
        self.app = app
        super().__init__(**options)

    def initialize(self):
        self.app.app_context().push()
        super().initialize()


class EmbeddedConsumer(Consumer):
    """A consumer in threads of this process, serving `app`; no signal handlers of its own."""

    def __init__(self, huey_instance: Huey, app: Flask, **options):
        self.app = app
        super().__init__(huey_instance, **options)

    def _create_worker(self):
        return AppWorker(
            self.app,
            huey=self.huey,
            stop_flag=self.stop_flag,
            default_delay=self.default_delay,
            max_delay=self.max_delay,
            backoff=self.backoff,
            max_tasks=self.max_tasks,
        )

    def _set_signal_handlers(self):
        # signal handlers belong to the main thread, which is the dev server's
        pass


def start_embedded_worker(app: Flask) -> None:
    """Process jobs inside `make run`, so a local newsroom needs no second command."""
    state = app.extensions[EXTENSION]
    if state["consumer"] is not None or huey.immediate:
        return
    consumer = EmbeddedConsumer(huey, app, workers=2, worker_type="thread", periodic=True)
    state["consumer"] = consumer
    threading.Thread(target=consumer.run, name="bv-jobs", daemon=True).start()
