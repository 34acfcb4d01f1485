"""Background jobs (Huey), and the outbox that keeps them when the queue is away."""

import os

from flask import Flask

from bv.jobs import health, queue, registry


def init_app(app: Flask) -> None:
    """Load the task registry and configure the queue; `make run` also starts a worker."""
    registry.load()
    queue.configure(app)
    health.init_app(app)
    if os.environ.get("BV_EMBEDDED_WORKER") == "1" and not app.testing:
        queue.start_embedded_worker(app)
