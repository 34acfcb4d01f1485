"""The one registry of job tasks, for the embedded worker and `huey_consumer` alike.

`TASK_MODULES` lists every module that defines tasks; `bv.jobs.init_app` loads them, so each
process built by `create_app()` (the web app, `make run`, `bv.jobs.worker`) knows the same
tasks under the same names. Outbox tasks are also registered by name: an e-mail or job row is
handed to the queue as (name, row id), and the sweep finds the task again by that name.
"""

from __future__ import annotations

import functools
import importlib

from flask import current_app
from huey.api import TaskWrapper

from bv.jobs.queue import huey

# like Celery's `include`: the modules are named, not imported, so bv.jobs depends on no feature
TASK_MODULES = (
    "bv.jobs.tasks",
    "bv.newsletter.tasks",
    "bv.notifications.tasks",
    "bv.translation.tasks",
    "bv.wordpress.tasks",
)

_outbox: dict[str, TaskWrapper] = {}


def load() -> None:
    """Import every task module, registering its tasks with the queue."""
    for name in TASK_MODULES:
        importlib.import_module(name)


def _in_app_context(fn):
    """Run the task in a fresh context of the worker's (or, inline, the caller's) app.

    A fresh context gives every task its own database session, removed when the task ends.
    """

    @functools.wraps(fn)
    def run(*args, **kwargs):
        with current_app._get_current_object().app_context():
            return fn(*args, **kwargs)

    return run


def task(**options):
    """Declare a job task (Huey's `task`, run inside the app)."""

    def decorate(fn) -> TaskWrapper:
        return huey.task(**options)(_in_app_context(fn))

    return decorate


def periodic_task(schedule, **options):
    """Declare a periodic job task (Huey's `periodic_task`, run inside the app)."""

    def decorate(fn) -> TaskWrapper:
        return huey.periodic_task(schedule, **options)(_in_app_context(fn))

    return decorate


def outbox_task(name: str, **options):
    """Declare the task that processes outbox rows called `name`; it receives the row id."""

    def decorate(fn) -> TaskWrapper:
        if name in _outbox:
            raise ValueError(f"outbox task {name!r} is declared twice")
        wrapper = task(**options)(fn)
        _outbox[name] = wrapper
        return wrapper

    return decorate


def outbox_names() -> tuple[str, ...]:
    """The names of every declared outbox task."""
    return tuple(_outbox)


def hand_off(name: str, row_id: int) -> None:
    """Put the row id on the queue for its task; raises when the queue cannot be reached."""
    try:
        wrapper = _outbox[name]
    except KeyError:
        raise LookupError(f"no outbox task is declared for {name!r}") from None
    wrapper(row_id)
