"""Fixtures for machine-translation tests: local fake providers, and no real network."""

from __future__ import annotations

import ipaddress

import pytest
import urllib3.util.connection

from tests.translation.fake_providers import FakeTranslationServer


@pytest.fixture
def fake():
    """A fake translation service on 127.0.0.1."""
    with FakeTranslationServer() as server:
        yield server


@pytest.fixture
def other_fake():
    """A second, independent fake (the next provider in a chain)."""
    with FakeTranslationServer() as server:
        yield server


@pytest.fixture(autouse=True)
def local_network_only(monkeypatch):
    """Tests never reach a real service: refuse any connection that is not to loopback."""
    real = urllib3.util.connection.create_connection

    def guarded(address, *args, **kwargs):
        host = address[0]
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise AssertionError(f"a test tried to reach {host}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", guarded)
