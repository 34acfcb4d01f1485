"""Entry point for production consumers: `huey_consumer bv.jobs.worker.huey -w 4`.

This module owns the app the workers serve: each worker thread (or process) enters its
context when it starts, and each task then runs in a fresh context of it. `create_app()`
loads the task registry (`bv.jobs.registry`), the same one `make run`'s embedded worker uses.
"""

from bv import create_app
from bv.jobs.queue import huey

app = create_app()


@huey.on_startup("bv-app-context")
def enter_app_context() -> None:
    """Run this worker's tasks inside the app."""
    app.app_context().push()


__all__ = ["app", "huey"]
