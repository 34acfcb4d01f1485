"""Servers the outbox tests start and stop themselves, on free ports of 127.0.0.1."""

from __future__ import annotations

import email
import email.header
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest
import redis


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailCatcher:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"

    def recipients(self) -> list[str]:
        """Every recipient of every message, sorted."""
        return sorted(address for e in self.envelopes for address in e.rcpt_tos)

    def subjects(self) -> list[str]:
        """Every message's subject, decoded."""
        return [
            str(email.header.make_header(email.header.decode_header(
                email.message_from_bytes(e.content)["Subject"]
            )))
            for e in self.envelopes
        ]


@contextmanager
def smtp_server():
    """A local SMTP server (aiosmtpd); yields (port, catcher)."""
    from aiosmtpd.controller import Controller

    catcher = MailCatcher()
    controller = Controller(catcher, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, catcher
    finally:
        controller.stop()


class RedisServer:
    """A throw-away redis-server on its own port, never the shared one on 6379."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            pytest.skip("redis-server is not installed: the Redis outage tests need it")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the server (empty: nothing is saved) and wait until it answers."""
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5, retry=None)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    client.close()
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        """Kill the server, as a crash would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@contextmanager
def redis_server():
    """A running throw-away Redis; stopped at the end whatever happened."""
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
