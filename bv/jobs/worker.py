"""Entry point for production consumers: `huey_consumer bv.jobs.worker.huey -w 4`."""

from bv import create_app
from bv.jobs import tasks  # noqa: F401  (registers the tasks)
from bv.jobs.queue import huey
from bv.notifications import tasks as mail_tasks  # noqa: F401
from bv.translation import tasks as translation_tasks  # noqa: F401

app = create_app()

__all__ = ["app", "huey"]
