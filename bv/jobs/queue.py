"""The Huey queue: SQLite in instance/ by default, Redis when BV_REDIS_URL is set.

The queue holds no application. Whoever runs a worker owns the app: `bv.jobs.worker` for
`huey_consumer`, `start_embedded_worker(app)` for `make run`. Their worker threads enter that
app's context, and each task then runs in a fresh context of it (see `registry.task`). In
immediate mode (tests, JOBS_IMMEDIATE) a task runs in the caller's app.

Huey is imported when the queue is first used (`get()`: a hand-off, a worker, `queue.huey`),
not when the app is built: its storage module imports redis and psycopg, some 15 MiB that a
web worker serving pages would otherwise carry. `configure()` only records the settings.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask

if TYPE_CHECKING:
    from huey import Huey

EXTENSION = "bv.jobs"

# the last configured app's settings, applied when the queue is made (or at once if it is);
# None until an app is configured: the queue then keeps its memory storage
_settings: dict | None = None
_huey: Huey | None = None
_lock = threading.RLock()
# called with the queue when it is made (the registry registers the declared tasks)
_when_made: list[Callable[[Huey], None]] = []


def when_made(callback: Callable[[Huey], None]) -> None:
    """Call `callback(queue)` when the queue is made."""
    _when_made.append(callback)


def get() -> Huey:
    """The queue, made on first use; every declared task is registered with it then."""
    global _huey
    with _lock:
        if _huey is None:
            from huey import Huey
            from huey.storage import MemoryStorage

            # memory until the settings are applied, so making it never touches disk.
            # results=False: every outcome lives in the database row, nothing reads Huey's results
            queue = Huey("bv", storage_class=MemoryStorage, utc=True, results=False)
            _apply(queue)
            _huey = queue
            for callback in _when_made:
                callback(queue)
        return _huey


def __getattr__(name: str):
    # `bv.jobs.queue.huey` (and `bv.jobs.worker.huey` for huey_consumer) makes the queue
    if name == "huey":
        return get()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _apply(queue: Huey) -> None:
    """Point the queue at the recorded storage; tests run jobs inline."""
    if _settings is None:
        return
    if _settings["immediate"]:
        queue.immediate = True
    else:
        queue.immediate = False
        if _settings["redis_url"]:
            import redis
            from huey.storage import RedisStorage

            # a hand-off after a request's commit must not hang on an unreachable server
            pool = redis.ConnectionPool.from_url(_settings["redis_url"], socket_connect_timeout=1)
            queue.storage = RedisStorage("bv", connection_pool=pool)
        else:
            from huey.storage import SqliteStorage

            queue.storage = SqliteStorage("bv", filename=_settings["path"])


def configure(app: Flask) -> None:
    """Point the queue at this app's storage; tests run jobs inline."""
    global _settings
    with _lock:
        _settings = {
            "immediate": bool(app.config.get("JOBS_IMMEDIATE")),
            "redis_url": app.config.get("REDIS_URL") or None,
            "path": str(Path(app.instance_path) / "huey.sqlite3"),
        }
        if _huey is not None:
            _apply(_huey)
    app.extensions[EXTENSION] = {"consumer": None, "ping": None, "health": None}


def storage_reachable(app: Flask) -> bool:
    """Whether the queue's storage answers now; SQLite in instance/ always does."""
    url = app.config.get("REDIS_URL")
    if (_settings or {}).get("immediate") or not url:
        return True
    import redis

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


def start_embedded_worker(app: Flask) -> None:
    """Process jobs inside `make run`, so a local newsroom needs no second command."""
    from bv.jobs.embedded import EmbeddedConsumer

    state = app.extensions[EXTENSION]
    queue = get()
    if state["consumer"] is not None or queue.immediate:
        return
    consumer = EmbeddedConsumer(queue, app, workers=2, worker_type="thread", periodic=True)
    state["consumer"] = consumer
    threading.Thread(target=consumer.run, name="bv-jobs", daemon=True).start()
