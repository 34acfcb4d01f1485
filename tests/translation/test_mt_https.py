"""Unpublished articles never travel unencrypted: every built-in provider address is https."""

from __future__ import annotations

import pytest
import requests

from bv.translation.mt.providers import PROVIDERS


class Sent(Exception):
    """Stops the request once its address is known."""


@pytest.fixture
def captured(monkeypatch):
    urls = []

    def record(self, method, url, *args, **kwargs):
        urls.append(url)
        raise Sent(url)

    monkeypatch.setattr(requests.Session, "request", record)
    return urls


@pytest.mark.parametrize("name", ["google", "mymemory", "microsoft"])
def test_built_in_addresses_are_https(name, captured):
    settings = {"MICROSOFT_API_KEY": "k", "MT_TIMEOUT": 1, "MT_RETRIES": 0}
    provider = PROVIDERS[name](settings)
    with pytest.raises(Exception):  # noqa: B017  (whatever the adapter makes of Sent)
        provider._request(["Mirëdita"], "sq", "mk")
    assert captured, f"{name} sent nothing"
    assert all(url.startswith("https://") for url in captured), captured


def test_a_configured_address_stays_as_given(captured):
    provider = PROVIDERS["mymemory"]({"MYMEMORY_URL": "http://127.0.0.1:9/get"})
    with pytest.raises(Exception):  # noqa: B017
        provider._request(["Mirëdita"], "sq", "mk")
    assert captured == ["http://127.0.0.1:9/get"]


def test_the_language_model_has_no_built_in_address_and_keeps_the_configured_one(captured):
    from bv.translation.mt import MTNotConfigured
    from bv.translation.mt.settings import Settings

    with pytest.raises(MTNotConfigured):
        PROVIDERS["llm"](Settings.from_config({"LLM_MODEL": "m"}))
    provider = PROVIDERS["llm"](Settings.from_config(
        {"LLM_URL": "http://127.0.0.1:9/v1/", "LLM_MODEL": "m"}))
    with pytest.raises(Exception):  # noqa: B017
        provider._request(["{}"], "sq", "mk")
    assert captured == ["http://127.0.0.1:9/v1/chat/completions"]
