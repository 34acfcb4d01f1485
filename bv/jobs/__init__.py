"""Background jobs (Huey)."""

import os

from flask import Flask


def init_app(app: Flask) -> None:
    """Configure the queue; `make run` also starts an in-process worker."""
    from bv.jobs import queue, tasks  # noqa: F401  (registers the tasks)
    from bv.notifications import tasks as mail_tasks  # noqa: F401
    from bv.translation import tasks as translation_tasks  # noqa: F401

    queue.configure(app)
    if os.environ.get("BV_EMBEDDED_WORKER") == "1" and not app.testing:
        queue.start_embedded_worker()
