"""Providers as they really are: DeepL's text-only languages, Retry-After, unreadable answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from bv.translation.mt import AllProvidersFailed, translate_segments, transport
from bv.translation.mt import base as mt_base
from bv.translation.mt.errors import MTBadResponse
from bv.translation.mt.placeholders import HTML, TEXT
from bv.translation.mt.providers import DeepL
from bv.translation.mt.settings import Settings
from tests.translation.fake_providers import MALFORMED, point_at

PROVIDER_NAMES = ["google", "mymemory", "libretranslate", "microsoft", "deepl"]
LINKED = "Shih [raportin zyrtar](https://example.org/r) dhe **buxhetin**."


# ---- DeepL: Albanian and Macedonian take no tags


def test_deepl_chooses_markup_per_pair():
    deepl = DeepL(Settings.from_config({"DEEPL_API_KEY": "k"}))
    assert deepl.markup_for("en", "de") == HTML  # languages with tag handling keep XML
    assert deepl.markup_for("sq", "mk") == TEXT
    assert deepl.markup_for("en", "mk") == TEXT
    assert deepl.markup_for("sq", "en") == TEXT
    assert deepl.route_markup(["de", "en", "fr"]) == HTML
    assert deepl.route_markup(["de", "en", "sq"]) == TEXT


@pytest.mark.parametrize(("source", "target"), [("sq", "mk"), ("mk", "en"), ("en", "sq")])
def test_deepl_sends_plain_text_with_our_placeholders_for_text_only_languages(fake, source,
                                                                              target):
    config = point_at(fake, MT_PROVIDERS="deepl", MT_RETRIES=0)
    [result] = translate_segments([LINKED], source, target, config=config)
    assert result.provider == "deepl"
    assert "[" in result.text and "](https://example.org/r)" in result.text
    assert "**" in result.text
    [sent] = fake.texts_sent()
    assert "{1}" in sent and "<x" not in sent
    assert [s.protocol for s in fake.seen] == ["deepl"]  # never refused for tag_handling


def test_deepl_pivot_through_english_goes_as_text(fake):
    fake.reject_pairs = {("sq", "mk")}
    config = point_at(fake, MT_PROVIDERS="deepl", MT_RETRIES=0)
    [result] = translate_segments([LINKED], "sq", "mk", config=config)
    assert result.route == "deepl:sq>en>mk"
    assert "](https://example.org/r)" in result.text
    pivot_legs = [s for s in fake.seen if s.status == 200]
    assert len(pivot_legs) == 2
    assert all("<x" not in t for s in pivot_legs for t in s.texts)


def test_fake_refuses_tag_handling_like_deepl(fake):
    """The fake answers as DeepL does, so XML for SQ or MK cannot pass unnoticed."""
    import deepl

    translator = deepl.Translator("k:fx", server_url=fake.url, send_platform_info=False)
    try:
        with pytest.raises(deepl.DeepLException) as refused:
            translator.translate_text(["Mirëdita"], source_lang="SQ", target_lang="MK",
                                      tag_handling="xml")
    finally:
        translator.close()
    assert refused.value.http_status_code == 400
    assert "tag_handling" in str(refused.value)


# ---- Retry-After on 429 and 503


@pytest.fixture
def sleeps(monkeypatch):
    waited: list[float] = []
    monkeypatch.setattr(mt_base.time, "sleep", waited.append)
    return waited


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize("provider", PROVIDER_NAMES)
def test_retry_after_seconds_is_honoured(fake, sleeps, provider, status):
    fake.retry_after = "7"
    fake.fail_next(status)
    config = point_at(fake, MT_PROVIDERS=provider, MT_RETRIES=2, MT_BACKOFF=0.25)
    [result] = translate_segments(["Mirëdita"], "sq", "mk", config=config)
    assert result.text == "mk_Mirëdita"
    assert sleeps == [7.0]
    assert fake.request_count == 2


@pytest.mark.parametrize("provider", ["libretranslate", "deepl", "google"])
def test_retry_after_http_date_is_honoured(fake, sleeps, provider):
    fake.retry_after = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    fake.fail_next(503)
    config = point_at(fake, MT_PROVIDERS=provider, MT_RETRIES=2, MT_BACKOFF=0.25)
    [result] = translate_segments(["Mirëdita"], "sq", "mk", config=config)
    assert result.text == "mk_Mirëdita"
    [waited] = sleeps
    assert 27 <= waited <= 30


def test_a_wait_beyond_the_budget_moves_on_to_the_next_provider(fake, other_fake, sleeps):
    fake.retry_after = "600"
    fake.fail_next(429)
    config = point_at(fake, MT_PROVIDERS="deepl,libretranslate", MT_RETRIES=3,
                      MT_WAIT_BUDGET=60, LIBRETRANSLATE_URL=other_fake.url)
    [result] = translate_segments(["Mirëdita"], "sq", "mk", config=config)
    assert result.provider == "libretranslate"
    assert sleeps == []
    assert fake.request_count == 1


def test_the_budget_counts_every_wait_of_the_run(fake, other_fake, sleeps):
    fake.retry_after = "40"
    fake.fail_next(429, times=2)
    config = point_at(fake, MT_PROVIDERS="libretranslate,deepl", MT_RETRIES=3,
                      MT_WAIT_BUDGET=60, DEEPL_SERVER_URL=other_fake.url)
    [result] = translate_segments(["Mirëdita"], "sq", "mk", config=config)
    assert sleeps == [40.0]  # the second 40 s would pass the 60 s budget
    assert result.provider == "deepl"


def test_the_budget_stays_below_the_stale_job_limit():
    settings = Settings.from_config({"MT_WAIT_BUDGET": 3600, "MT_JOB_STALE_MINUTES": 4})
    assert settings.wait_budget == 120


def test_without_retry_after_the_backoff_applies(fake, sleeps):
    fake.fail_next(503)
    config = point_at(fake, MT_PROVIDERS="microsoft", MT_RETRIES=2, MT_BACKOFF=0.25,
                      MT_BACKOFF_MAX=10)
    translate_segments(["Mirëdita"], "sq", "mk", config=config)
    assert sleeps == [0.25]


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0), (" 3 ", 3.0), ("", None), (None, None), ("soon", None), ("-5", None),
    ("Wed, 02 Dec 2026 07:00:30 GMT", 30.0), ("Wed, 02 Dec 2026 06:59:00 GMT", 0.0),
])
def test_parse_retry_after(value, seconds):
    now = datetime(2026, 12, 2, 7, 0, 0, tzinfo=UTC)
    assert transport.parse_retry_after(value, now) == seconds


# ---- unreadable answers


CASES = [(p, kind) for p in PROVIDER_NAMES for kind in MALFORMED[p]]


def test_every_provider_has_three_unreadable_answers():
    assert all(len(MALFORMED[p]) >= 3 for p in PROVIDER_NAMES)


@pytest.mark.parametrize(("provider", "kind"), CASES)
def test_an_unreadable_answer_is_a_bad_response(fake, provider, kind):
    fake.malformed = kind
    fake.deepl_text_only = set()  # the answer itself is what is under test, whatever the markup
    config = point_at(fake, MT_PROVIDERS=provider, MT_RETRIES=2, MT_PIVOT_LOCALE="")
    with pytest.raises(AllProvidersFailed) as failed:
        translate_segments(["Mirëdita"], "sq", "mk", config=config)
    [error] = failed.value.errors
    assert isinstance(error, MTBadResponse), error
    assert error.provider == provider
    assert fake.request_count == 1  # not retried: the same answer would come again


@pytest.mark.parametrize(("provider", "kind"), [("deepl", "missing_field"),
                                                ("microsoft", "error_string"),
                                                ("mymemory", "not_json"),
                                                ("google", "empty")])
def test_an_unreadable_answer_moves_on_to_the_next_provider(fake, other_fake, provider, kind):
    fake.malformed = kind
    fake.deepl_text_only = set()  # the answer itself is what is under test, whatever the markup
    config = point_at(fake, MT_PROVIDERS=f"{provider},libretranslate", MT_PIVOT_LOCALE="",
                      LIBRETRANSLATE_URL=other_fake.url)
    results = translate_segments(["Mirëdita", "Lajmi i ditës"], "sq", "mk", config=config)
    assert [(r.text, r.provider) for r in results] == [
        ("mk_Mirëdita", "libretranslate"), ("mk_Lajmi mk_i mk_ditës", "libretranslate")]
