"""The Huey queue: SQLite in instance/ by default, Redis when BV_REDIS_URL is set."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask
from huey import Huey
from huey.consumer import Consumer
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

# storage is replaced by configure(); memory until then so importing never touches disk
huey = Huey("bv", storage_class=MemoryStorage, utc=True)

_state: dict = {"app": None, "consumer": None}


def configure(app: Flask) -> None:
    """Point the queue at this app's storage; tests run jobs inline."""
    if app.config.get("JOBS_IMMEDIATE"):
        huey.immediate = True
    else:
        huey.immediate = False
        if app.config.get("REDIS_URL"):
            huey.storage = RedisStorage("bv", url=app.config["REDIS_URL"])
        else:
            path = Path(app.instance_path) / "huey.sqlite3"
            huey.storage = SqliteStorage("bv", filename=str(path))
    _state["app"] = app


def flask_app() -> Flask:
    """The app jobs run in: the configured one, or a new one inside huey_consumer."""
    if _state["app"] is None:
        from bv import create_app

        create_app()
    return _state["app"]


class EmbeddedConsumer(Consumer):
    """A consumer in a thread of the dev server; signal handlers belong to the main thread."""

    def _set_signal_handlers(self):
        pass


def start_embedded_worker() -> None:
    """Process jobs inside `make run`, so a local newsroom needs no second command."""
    if _state["consumer"] is not None or huey.immediate:
        return
    consumer = EmbeddedConsumer(huey, workers=2, worker_type="thread", periodic=True)
    _state["consumer"] = consumer

    def loop():
        consumer.run()

    threading.Thread(target=loop, name="bv-jobs", daemon=True).start()
