"""The one registry of job tasks, for the embedded worker and `huey_consumer` alike.

`TASK_MODULES` lists every module that defines tasks; `bv.jobs.init_app` loads them, so each
process built by `create_app()` (the web app, `make run`, `bv.jobs.worker`) knows the same
tasks under the same names. Outbox tasks are also registered by name: an e-mail or job row is
handed to the queue as (name, row id), and the sweep finds the task again by that name.
"""

from __future__ import annotations

import functools
import importlib
import threading

from flask import current_app

from bv.jobs import queue

# like Celery's `include`: the modules are named, not imported, so bv.jobs depends on no feature
TASK_MODULES = (
    "bv.jobs.tasks",
    "bv.newsletter.tasks",
    "bv.notifications.tasks",
    "bv.translation.tasks",
    "bv.wordpress.tasks",
)


class Task:
    """A declared job task. Huey's TaskWrapper is made with the queue (`queue.get()`), so a
    process that never queues anything never imports Huey; calls and attributes (`call_local`,
    `schedule`, ...) go to the wrapper."""

    # underscored: the wrapper's own names (`schedule`, `name`...) must reach the wrapper
    def __init__(self, fn, options: dict, cron: dict | None = None):
        self._fn = fn
        self._options = options
        self._cron = cron
        self._wrapper = None
        functools.update_wrapper(self, fn)

    def _bound(self):
        if self._wrapper is None:
            queue.get()  # registers every declared task, this one included
        return self._wrapper

    def __call__(self, *args, **kwargs):
        return self._bound()(*args, **kwargs)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._bound(), name)


_declared: list[Task] = []
_outbox: dict[str, Task] = {}
_queue = None
_lock = threading.RLock()


def load() -> None:
    """Import every task module, declaring its tasks."""
    for name in TASK_MODULES:
        importlib.import_module(name)


def bind(made) -> None:
    """Register every declared task with the queue, now being made (see `queue.get`)."""
    global _queue
    with _lock:
        _queue = made
        for declared in _declared:
            _register(declared)


queue.when_made(bind)


def _register(declared: Task) -> None:
    run = _in_app_context(declared._fn)
    if declared._cron is None:
        declared._wrapper = _queue.task(**declared._options)(run)
    else:
        from huey import crontab

        declared._wrapper = _queue.periodic_task(crontab(**declared._cron),
                                                 **declared._options)(run)


def _declare(declared: Task) -> Task:
    with _lock:
        _declared.append(declared)
        if _queue is not None:
            _register(declared)
    return declared


def _in_app_context(fn):
    """Run the task in a fresh context of the worker's (or, inline, the caller's) app.

    A fresh context gives every task its own database session, removed when the task ends.
    """

    @functools.wraps(fn)
    def run(*args, **kwargs):
        with current_app._get_current_object().app_context():
            return fn(*args, **kwargs)

    return run


def cron(**fields) -> dict:
    """A periodic task's schedule: the fields of Huey's `crontab` (minute, hour, day...)."""
    return fields


def task(**options):
    """Declare a job task (Huey's `task`, run inside the app)."""

    def decorate(fn) -> Task:
        return _declare(Task(fn, options))

    return decorate


def periodic_task(schedule: dict, **options):
    """Declare a periodic job task (Huey's `periodic_task` on `cron(...)`, run inside the app)."""

    def decorate(fn) -> Task:
        return _declare(Task(fn, options, schedule))

    return decorate


def outbox_task(name: str, **options):
    """Declare the task that processes outbox rows called `name`; it receives the row id."""

    def decorate(fn) -> Task:
        if name in _outbox:
            raise ValueError(f"outbox task {name!r} is declared twice")
        declared = task(**options)(fn)
        _outbox[name] = declared
        return declared

    return decorate


def outbox_names() -> tuple[str, ...]:
    """The names of every declared outbox task."""
    return tuple(_outbox)


def hand_off(name: str, row_id: int) -> None:
    """Put the row id on the queue for its task; raises when the queue cannot be reached."""
    try:
        declared = _outbox[name]
    except KeyError:
        raise LookupError(f"no outbox task is declared for {name!r}") from None
    declared(row_id)
