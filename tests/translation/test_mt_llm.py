"""The language-model provider: JSON in and out, retry of just the unusable segments, then the
next provider; errors, Retry-After, tokens counted, the headline as context."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bv.extensions import db
from bv.translation import drafting
from bv.translation.models import MachineUsage
from bv.translation.mt import (
    AllProvidersFailed,
    GlossaryRule,
    MTAuthError,
    MTNotConfigured,
    MTTimeout,
    Usage,
    translate_segments,
)
from bv.translation.mt import base as mt_base
from bv.translation.mt.llm import LLM, parse_segments, same_placeholders
from bv.translation.mt.settings import Settings
from tests.translation.fake_providers import LLM_MODES, point_at
from tests.translation.stories import write

TEXTS = [
    "Kuvendi miratoi buxhetin.",
    "Më shumë në [raportin zyrtar](https://example.org/r).",
    "Rregullatori MEK paralajmëroi për çmimet.",
]


def _expected(mek: str = "mk_MEK"):
    """The fake's translations; the link's text is translated, its address kept. With MEK in
    the glossary as "do not translate", it stays MEK."""
    return ["mk_Kuvendi mk_miratoi mk_buxhetin.",
            "mk_Më mk_shumë mk_në [mk_raportin mk_zyrtar](https://example.org/r).",
            f"mk_Rregullatori {mek} mk_paralajmëroi mk_për mk_çmimet."]


def _config(fake, **overrides):
    return point_at(fake, **{"MT_PROVIDERS": "llm", **overrides})


GLOSSARY = [GlossaryRule("MEK", do_not_translate=True), GlossaryRule("Kuvendi", "Собранието")]


def test_segments_travel_together_with_headline_glossary_and_key(fake):
    fake.api_key = "sk-test"
    usage = Usage()
    results = translate_segments(TEXTS, "sq", "mk", config=_config(fake, LLM_API_KEY="sk-test"),
                                 usage=usage, glossary=[GLOSSARY[0]],
                                 headline="Buxheti i ri për Tetovën")
    assert [r.text for r in results] == _expected(mek="MEK")
    assert {r.route for r in results} == {"llm:sq>mk"}
    assert fake.request_count == 1  # several segments, one request
    [sent] = fake.llm_requests
    assert sent["headline"] == "Buxheti i ri për Tetovën"
    assert sent["glossary"] == [{"source": "MEK", "target": "MEK"}]  # only terms that occur
    assert [s["id"] for s in sent["segments"]] == ["s0", "s1", "s2"]
    # markup and glossary terms travel as text placeholders
    assert "{" in sent["segments"][1]["text"] and "https://" not in sent["segments"][1]["text"]


def test_tokens_are_counted_beside_characters(fake):
    usage = Usage()
    translate_segments(TEXTS, "sq", "mk", config=_config(fake), usage=usage)
    row = usage.by_provider["llm"]
    assert row["requests"] == 1 and row["characters"] > 0
    assert row["prompt_tokens"] > 0 and row["completion_tokens"] > 0
    assert usage.tokens == row["prompt_tokens"] + row["completion_tokens"]
    # exactly what the server billed
    assert {k: row[k] for k in fake.llm_tokens} == fake.llm_tokens


def test_tokens_of_unusable_answers_count_too(fake):
    fake.llm_mode, fake.llm_bad_times = "invalid_json", 1
    usage = Usage()
    translate_segments(TEXTS, "sq", "mk", config=_config(fake), usage=usage)
    assert usage.requests == 2
    assert usage.prompt_tokens == fake.llm_tokens["prompt_tokens"]
    assert usage.completion_tokens == fake.llm_tokens["completion_tokens"]


@pytest.mark.parametrize("mode", ["prose", "fenced"])
def test_prose_or_fences_around_the_json_are_read(fake, mode):
    fake.llm_mode = mode
    results = translate_segments(TEXTS, "sq", "mk", config=_config(fake))
    assert [r.text for r in results] == _expected()
    assert fake.request_count == 1


@pytest.mark.parametrize(("mode", "resent"), [
    ("drop_segment", ["s0"]),  # the last segment was missing: only it goes again
    ("placeholder_translated", ["s0"]),  # the link's placeholders came back translated
    ("placeholder_dropped", ["s0"]),
    ("invalid_json", ["s0", "s1", "s2"]),  # nothing readable: the whole batch again
    ("cut_off", ["s0", "s1", "s2"]),
])
def test_only_the_unusable_segments_are_sent_again(fake, mode, resent):
    fake.llm_mode, fake.llm_bad_times = mode, 1
    usage = Usage()
    results = translate_segments(TEXTS, "sq", "mk", config=_config(fake), usage=usage)
    assert [r.text for r in results] == _expected()
    assert [r.provider for r in results] == ["llm"] * 3
    assert fake.request_count == 2 == usage.requests
    first, second = fake.llm_requests
    assert len(first["segments"]) == 3
    assert [s["id"] for s in second["segments"]] == resent
    # the retry carries the same texts it failed on
    texts = {s["id"]: s["text"] for s in first["segments"]}
    if mode.startswith("placeholder"):
        assert second["segments"][0]["text"] == texts["s1"]
    elif mode == "drop_segment":
        assert second["segments"][0]["text"] == texts["s2"]


@pytest.mark.parametrize("mode", ["drop_segment", "placeholder_translated", "invalid_json"])
def test_still_unusable_after_one_retry_goes_to_the_next_provider(fake, other_fake, mode):
    fake.llm_mode = mode  # every answer
    config = _config(fake, MT_PROVIDERS="llm,libretranslate", LIBRETRANSLATE_URL=other_fake.url)
    results = translate_segments(TEXTS, "sq", "mk", config=config)
    assert fake.request_count == 2  # the first answer and one retry, no more
    assert [r.text for r in results] == _expected()
    by = [r.provider for r in results]
    if mode == "invalid_json":
        assert by == ["libretranslate"] * 3
        assert other_fake.request_count >= 1
    elif mode == "drop_segment":
        assert by == ["llm", "llm", "libretranslate"]
        assert other_fake.texts_sent() == [fake.llm_requests[0]["segments"][2]["text"]]
    else:
        assert by == ["llm", "libretranslate", "llm"]


def test_rate_limit_waits_as_retry_after_says(fake, monkeypatch):
    sleeps = []
    monkeypatch.setattr(mt_base.time, "sleep", sleeps.append)
    fake.retry_after = "3"
    fake.fail_next(429)
    results = translate_segments(TEXTS, "sq", "mk", config=_config(fake, MT_RETRIES=2))
    assert [r.text for r in results] == _expected()
    assert sleeps == [3.0]
    assert fake.request_count == 2


def test_a_wrong_key_is_not_retried_and_the_chain_moves_on(fake, other_fake):
    fake.api_key = "sk-right"
    config = _config(fake, LLM_API_KEY="sk-wrong", MT_PROVIDERS="llm,libretranslate",
                     LIBRETRANSLATE_URL=other_fake.url)
    results = translate_segments(TEXTS, "sq", "mk", config=config)
    assert fake.request_count == 1
    assert [r.provider for r in results] == ["libretranslate"] * 3
    with pytest.raises(AllProvidersFailed) as failed:
        translate_segments(TEXTS[:1], "sq", "mk", config=_config(fake, LLM_API_KEY="sk-wrong"))
    [error] = failed.value.errors
    assert isinstance(error, MTAuthError) and error.status == 401
    assert "invalid" in error.detail.lower() or "failure" in error.detail.lower()


def test_server_errors_are_retried_then_the_chain_moves_on(fake, other_fake):
    fake.always_status = 500
    config = _config(fake, MT_PROVIDERS="llm,libretranslate", MT_RETRIES=2,
                     LIBRETRANSLATE_URL=other_fake.url)
    results = translate_segments(TEXTS, "sq", "mk", config=config)
    assert fake.request_count == 3
    assert [r.provider for r in results] == ["libretranslate"] * 3


def test_every_request_has_a_timeout(fake):
    fake.delay = 2.0
    with pytest.raises(AllProvidersFailed) as failed:
        translate_segments(TEXTS[:1], "sq", "mk",
                           config=_config(fake, LLM_TIMEOUT=0.2, MT_RETRIES=0))
    [error] = failed.value.errors
    assert isinstance(error, MTTimeout)


def test_no_address_or_model_means_not_configured():
    with pytest.raises(MTNotConfigured):
        LLM(Settings.from_config({"LLM_MODEL": "m"}))
    with pytest.raises(MTNotConfigured):
        LLM(Settings.from_config({"LLM_URL": "http://127.0.0.1:9/v1"}))


def test_reading_answers():
    assert parse_segments('x {"segments": [{"id": "s0", "text": "a"}]} y') == {"s0": "a"}
    assert parse_segments("<think>{hmm}</think>{\"segments\": []}") == {}
    assert parse_segments("no json at all") == {}
    assert parse_segments('{"segments": [{"id": "s0", "text": 5}]}') == {}
    assert same_placeholders("a {1} b {2}", "{2} x {1}")
    assert not same_placeholders("a {1} b {2}", "{1} x {1}")
    assert not same_placeholders("a {1}", "a")


@pytest.mark.parametrize("mode", LLM_MODES)
def test_the_fake_misbehaves_in_every_mode(fake, mode):
    """Guard for the tests above: each mode really breaks the first answer."""
    fake.llm_mode, fake.llm_bad_times = mode, 1
    translate_segments(TEXTS, "sq", "mk", config=_config(fake))
    retried = mode not in ("prose", "fenced")
    assert fake.request_count == (2 if retried else 1)


# through the newsroom's drafting


def test_a_draft_sends_the_headline_and_stores_its_usage(app, staff, fake):
    app.config.update(_config(fake))
    article_id = write(app, TEXTS, headline="Buxheti i Tetovës")
    with app.app_context():
        article = db.session.get(drafting.Article, article_id)
        outcome = drafting.draft(article, "mk")
        assert not outcome.failed_keys
        rows = db.session.scalars(select(MachineUsage)).all()
    assert {s["headline"] for s in fake.llm_requests} == {"Buxheti i Tetovës"}
    [row] = rows
    assert (row.article_id, row.locale, row.provider) == (article_id, "mk", "llm")
    assert row.requests == fake.request_count == outcome.requests
    assert row.prompt_tokens > 0 and row.completion_tokens > 0
    assert row.prompt_tokens + row.completion_tokens == outcome.tokens
    assert outcome.by_provider["llm"]["characters"] == row.characters


def test_a_failed_draft_still_stores_what_was_sent(app, staff, fake):
    app.config.update(_config(fake, MT_RETRIES=0))
    fake.always_status = 500
    article_id = write(app, TEXTS[:1])
    with app.app_context():
        with pytest.raises(AllProvidersFailed):
            drafting.draft(db.session.get(drafting.Article, article_id), "mk")
        db.session.rollback()
        [row] = db.session.scalars(select(MachineUsage)).all()
    assert row.requests == 1 and row.prompt_tokens == 0
