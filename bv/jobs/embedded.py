"""A Huey consumer in threads of the web process (`make run`), serving one app."""

from __future__ import annotations

from flask import Flask
from huey import Huey
from huey.consumer import Consumer, Worker


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
