"""Timeouts, retries with back-off, fallback along the chain, pivots and clear errors."""

from __future__ import annotations

import threading
import time

import deep_translator.google
import pytest
from flask_babel import force_locale

from bv.translation.mt import (
    AllProvidersFailed,
    MTAuthError,
    MTTextTooLong,
    MTTimeout,
    MTUnsupportedLanguage,
    Usage,
    translate_segments,
    transport,
)
from bv.translation.mt import base as mt_base
from bv.translation.mt.providers import LibreTranslate
from tests.translation.fake_providers import article, point_at

PROVIDER_NAMES = ["google", "mymemory", "libretranslate", "microsoft", "deepl"]


@pytest.mark.parametrize("provider", PROVIDER_NAMES)
def test_every_call_has_a_timeout(fake, provider):
    fake.delay = 2.0  # the server sleeps; without a timeout the client would wait for it
    config = point_at(fake, MT_PROVIDERS=provider, MT_TIMEOUT=0.2, MT_RETRIES=0)
    started = time.monotonic()
    with pytest.raises(AllProvidersFailed) as failed:
        translate_segments(["Mirëdita"], "sq", "mk", config=config)
    assert time.monotonic() - started < 1.5
    [error] = failed.value.errors
    assert isinstance(error, MTTimeout)
    assert error.provider == provider
    assert fake.request_count == 1


def test_timeouts_are_per_run_and_thread_safe(fake):
    """Two runs at once with different timeouts each keep their own."""
    fake.delay = 0.6
    outcome = {}

    def run(name, timeout):
        config = point_at(fake, MT_PROVIDERS="google", MT_TIMEOUT=timeout, MT_RETRIES=0)
        try:
            outcome[name] = translate_segments(["Mirëdita"], "sq", "mk", config=config)[0].text
        except AllProvidersFailed as exc:
            outcome[name] = exc.errors[0].code

    threads = [threading.Thread(target=run, args=("quick", 0.2)),
               threading.Thread(target=run, args=("patient", 5))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcome == {"quick": "timeout", "patient": "mk_Mirëdita"}


def test_deep_translator_modules_use_our_requests_but_requests_is_untouched(fake):
    import requests

    # installed by the first deep-translator adapter that runs, not at import
    config = point_at(fake, MT_PROVIDERS="google", MT_RETRIES=0)
    assert translate_segments(["Mirëdita"], "sq", "mk", config=config)[0].text == "mk_Mirëdita"
    assert deep_translator.google.requests is transport.REQUESTS
    assert requests.get.__module__ == "requests.api"  # nothing patched globally
    assert transport.current().timeout == transport.DEFAULT_TIMEOUT  # outside a run


def test_rate_limit_is_retried_with_exponential_backoff(fake, monkeypatch):
    sleeps = []
    monkeypatch.setattr(mt_base.time, "sleep", sleeps.append)
    fake.fail_next(429, times=2)
    usage = Usage()
    config = point_at(fake, MT_RETRIES=3, MT_BACKOFF=0.25, MT_BACKOFF_MAX=10)
    [result] = translate_segments(["Mirëdita"], "sq", "mk", config=config, usage=usage)
    assert result.text == "mk_Mirëdita"
    assert fake.request_count == 3 == usage.requests
    assert sleeps == [0.25, 0.5]


def test_google_429_is_recognised(fake):
    fake.fail_next(429, times=1)
    [result] = translate_segments(["Mirëdita"], "sq", "mk",
                                  config=point_at(fake, MT_PROVIDERS="google"))
    assert result.text == "mk_Mirëdita"
    assert fake.request_count == 2


def test_server_errors_fall_back_to_the_next_provider(fake, other_fake):
    fake.always_status = 500
    config = point_at(fake, MT_PROVIDERS="libretranslate,deepl", MT_RETRIES=2,
                      DEEPL_SERVER_URL=other_fake.url)
    usage = Usage()
    results = translate_segments(["Mirëdita", "Lajmi i ditës"], "sq", "mk", config=config,
                                 usage=usage)
    assert fake.request_count == 3  # first attempt and two retries
    assert other_fake.request_count == 1
    assert [(r.text, r.provider, r.route) for r in results] == [
        ("mk_Mirëdita", "deepl", "deepl:sq>mk"),
        ("mk_Lajmi mk_i mk_ditës", "deepl", "deepl:sq>mk"),
    ]
    # the counter agrees with what the servers received
    assert usage.by_provider == {
        "libretranslate": {"requests": 3, "characters": fake.char_count},
        "deepl": {"requests": 1, "characters": other_fake.char_count},
    }
    assert usage.characters == fake.char_count + other_fake.char_count


def test_bad_key_is_not_retried_and_says_so(app, fake):
    fake.api_key = "right"
    config = point_at(fake, LIBRETRANSLATE_API_KEY="wrong", MT_RETRIES=5)
    with pytest.raises(AllProvidersFailed) as failed:
        translate_segments(["Mirëdita"], "sq", "mk", config=config)
    assert fake.request_count == 1
    [error] = failed.value.errors
    assert isinstance(error, MTAuthError) and error.status == 403
    with app.test_request_context(), force_locale("en"):
        assert str(error.message) == ("LibreTranslate rejected the API key; check it in the "
                                      "configuration.")
        assert "LibreTranslate rejected the API key" in str(failed.value.message)


@pytest.mark.parametrize("provider, key_setting", [("deepl", "DEEPL_API_KEY"),
                                                   ("microsoft", "MICROSOFT_API_KEY")])
def test_bad_key_for_keyed_providers(fake, provider, key_setting):
    fake.api_key = "right"
    config = point_at(fake, MT_PROVIDERS=provider, MT_RETRIES=5, **{key_setting: "wrong"})
    with pytest.raises(AllProvidersFailed) as failed:
        translate_segments(["Mirëdita"], "sq", "mk", config=config)
    assert fake.request_count == 1
    assert failed.value.errors[0].code == "auth"


def test_text_too_long_is_not_retried(fake):
    fake.max_chars = 10  # the server's limit is lower than we were told
    with pytest.raises(AllProvidersFailed) as failed:
        translate_segments(["Një tekst pak më i gjatë."], "sq", "mk",
                           config=point_at(fake, MT_RETRIES=5))
    assert fake.request_count == 1
    assert isinstance(failed.value.errors[0], MTTextTooLong)


def test_network_errors_are_mapped_and_fall_through(fake):
    config = point_at(fake, MT_PROVIDERS="libretranslate,google", MT_RETRIES=1,
                      LIBRETRANSLATE_URL="http://127.0.0.1:9")  # nothing listens there
    [result] = translate_segments(["Mirëdita"], "sq", "mk", config=config)
    assert result.provider == "google"


def test_unsupported_pair_pivots_through_english(fake):
    fake.reject_pairs = {("sq", "mk")}
    results = translate_segments(["Mirëdita", "Kuvendi sot"], "sq", "mk", config=point_at(fake))
    assert [r.route for r in results] == ["libretranslate:sq>en>mk"] * 2
    assert results[0].text == "mk_en_Mirëdita"
    assert [(s.source, s.target, s.status) for s in fake.seen] == [
        ("sq", "mk", 400), ("sq", "en", 200), ("en", "mk", 200)]


def test_pivot_when_no_provider_declares_the_pair(fake, monkeypatch):
    monkeypatch.setattr(LibreTranslate, "supports",
                        lambda self, s, t: s != t and {s, t} != {"sq", "mk"})
    [result] = translate_segments(["**Mirëdita**"], "sq", "mk", config=point_at(fake))
    assert result.route == "libretranslate:sq>en>mk"
    assert result.text == "**mk_en_Mirëdita**"
    assert fake.request_count == 2


def test_no_pivot_when_the_direct_failure_was_not_about_languages(fake):
    fake.always_status = 503
    with pytest.raises(AllProvidersFailed):
        translate_segments(["Mirëdita"], "sq", "mk", config=point_at(fake, MT_RETRIES=0))
    assert fake.request_count == 1


def test_all_failed_keeps_partial_results(fake):
    """The provider answers one request, then breaks: what it did answer is kept."""
    original = fake.decide

    def flaky(*args, **kwargs):
        if fake.request_count >= 1:
            fake.always_status = 500
        return original(*args, **kwargs)

    fake.decide = flaky
    paragraphs = article(3)  # ~350 bytes each: MyMemory takes one per request
    with pytest.raises(AllProvidersFailed) as failed:
        translate_segments(paragraphs, "sq", "mk",
                           config=point_at(fake, MT_PROVIDERS="mymemory", MT_RETRIES=0))
    assert list(failed.value.partial) == [0]
    assert failed.value.partial[0].text.startswith("mk_Paragrafi 1:")


def test_unsupported_language_error_names_the_pair(fake):
    with pytest.raises(AllProvidersFailed) as failed:
        translate_segments(["Hello"], "en", "de", config=point_at(fake))
    assert isinstance(failed.value.errors[0], MTUnsupportedLanguage)


def test_an_adapter_called_directly_still_times_out(fake):
    from bv.translation.mt import PROVIDERS, Settings

    fake.delay = 2.0
    google = PROVIDERS["google"](Settings.from_config(point_at(fake, MT_TIMEOUT=0.2,
                                                              MT_RETRIES=0)))
    started = time.monotonic()
    with pytest.raises(MTTimeout):
        google.translate(["Mirëdita"], "sq", "mk")
    assert time.monotonic() - started < 1.5


def test_mymemory_reports_errors_inside_a_200_answer(fake, monkeypatch):
    from bv.translation.mt.providers import MyMemory

    monkeypatch.setattr(MyMemory, "max_size", 5000)  # pretend we did not know the limit
    with pytest.raises(AllProvidersFailed) as failed:
        translate_segments(["ë" * 300], "sq", "mk",
                           config=point_at(fake, MT_PROVIDERS="mymemory", MT_RETRIES=3))
    assert fake.request_count == 1
    assert isinstance(failed.value.errors[0], MTTextTooLong)
