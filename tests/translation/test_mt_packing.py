"""Adapters against local fakes: every provider works through its real client, packed."""

from __future__ import annotations

import pytest

from bv.translation.mt import PROVIDERS, Settings, Usage, translate_segments
from bv.translation.mt.placeholders import Protector
from tests.translation.fake_providers import article, point_at

SIZE_UNIT = {"google": "chars", "mymemory": "bytes", "libretranslate": "chars"}


@pytest.mark.parametrize(
    "provider, expected_requests",
    [("google", 2), ("libretranslate", 2), ("deepl", 1), ("microsoft", 1)],
)
def test_twenty_paragraphs_are_packed(fake, provider, expected_requests):
    paragraphs = article(20)
    usage = Usage()
    results = translate_segments(paragraphs, "sq", "mk", config=point_at(fake, MT_PROVIDERS=provider),
                                 usage=usage)
    print(f"\n{provider}: 20 paragraphs ({sum(map(len, paragraphs))} chars) -> "
          f"{fake.request_count} requests")
    assert fake.request_count == expected_requests == usage.requests
    assert [r.provider for r in results] == [provider] * 20
    assert all(r.route == f"{provider}:sq>mk" for r in results)
    for source, result in zip(paragraphs, results, strict=True):
        # same order: each answer is its own paragraph, translated, with markup restored
        number = source.split(":")[0].split()[1]
        assert result.text.startswith(f"mk_Paragrafi {number}:")
        assert result.error is None
    if provider in SIZE_UNIT:
        limit = PROVIDERS[provider](Settings.from_config(point_at(fake))).max_size
        assert all(s.characters <= limit for s in fake.seen)


def test_markup_survives_the_round_trip(fake):
    text = "Lexo [raportin zyrtar](https://example.org/r?a=1&b=2) dhe **vendimin** e *ri* `kod`."
    for provider in ("google", "mymemory", "libretranslate", "deepl", "microsoft"):
        [result] = translate_segments([text], "sq", "en",
                                      config=point_at(fake, MT_PROVIDERS=provider))
        assert result.text == ("en_Lexo [en_raportin en_zyrtar](https://example.org/r?a=1&b=2) "
                               "en_dhe **en_vendimin** en_e *en_ri* `kod`."), provider


def test_mymemory_respects_500_bytes_and_splits_long_paragraphs(fake):
    paragraphs = article(3) + [" ".join(article(2))]  # the last one is ~700 characters
    results = translate_segments(paragraphs, "sq", "mk",
                                 config=point_at(fake, MT_PROVIDERS="mymemory"))
    assert all(len(t.encode("utf-8")) <= 500 for s in fake.seen for t in s.texts)
    assert all(s.source == "sq" and s.target == "mk" for s in fake.seen)
    assert len(fake.seen) > len(paragraphs)  # the long one went sentence by sentence
    assert results[-1].text.startswith("mk_Paragrafi 1:")
    assert "mk_Paragrafi 2:" in results[-1].text
    assert all(r.error is None for r in results)


def test_unsplittable_answer_falls_back_to_smaller_batches(fake):
    fake.merge_paragraphs = True  # the engine loses the <p data-k> wrappers of packed requests
    paragraphs = article(6)
    results = translate_segments(paragraphs, "sq", "mk", config=point_at(fake))
    assert [r.text.split(":")[0] for r in results] == [f"mk_Paragrafi {i}" for i in range(1, 7)]
    # 1 packed request, 2 halves, then 4 smaller ones, then singles where needed
    assert fake.request_count > 6


def test_text_providers_split_packs_by_numbered_markers(fake):
    paragraphs = ["Një.", "Dy {7} tre.", "Katër **pesë**."]
    translate_segments(paragraphs, "sq", "en", config=point_at(fake, MT_PROVIDERS="google"))
    [sent] = fake.texts_sent()
    protected = Protector().protect_all(paragraphs)
    # inline placeholders are {1}..{3}; the segment markers continue after the highest
    assert sent == "\n".join(
        f"{{{4 + n}}} {p.render('text')}" for n, p in enumerate(protected)
    )


def test_deepl_gets_upper_case_codes_and_an_english_variant(fake):
    translate_segments(["Mirëdita"], "sq", "en", config=point_at(fake, MT_PROVIDERS="deepl"))
    translate_segments(["Mirëdita"], "sq", "en",
                       config=point_at(fake, MT_PROVIDERS="deepl", DEEPL_ENGLISH="en-us"))
    assert [(s.source, s.target) for s in fake.seen] == [("sq", "en"), ("sq", "en")]


def test_mymemory_and_google_get_the_codes_they_expect(fake):
    translate_segments(["Mirëdita"], "sq", "mk", config=point_at(fake, MT_PROVIDERS="mymemory"))
    assert fake.seen[0].protocol == "mymemory"
    assert (fake.seen[0].source, fake.seen[0].target) == ("sq", "mk")


def test_per_pair_chain_overrides_the_default():
    settings = Settings.from_config({"MT_PROVIDERS": "google, mymemory",
                                     "MT_PROVIDERS_SQ_MK": ["libretranslate", "google"]})
    assert settings.chain("sq", "en") == ["google", "mymemory"]
    assert settings.chain("sq", "mk") == ["libretranslate", "google"]


def test_environment_variables_arrive_as_config(monkeypatch):
    from flask import Flask

    monkeypatch.setenv("BV_MT_PROVIDERS", "google,mymemory")
    monkeypatch.setenv("BV_MT_PROVIDERS_SQ_MK", "libretranslate,google")
    monkeypatch.setenv("BV_MT_TIMEOUT", "2.5")
    app = Flask(__name__)
    app.config.from_prefixed_env("BV")
    settings = Settings.from_config(app.config)
    assert settings.chain("mk", "en") == ["google", "mymemory"]
    assert settings.chain("sq", "mk") == ["libretranslate", "google"]
    assert settings.timeout == 2.5


def test_unconfigured_providers_are_skipped_with_a_reason(fake):
    config = point_at(fake, MT_PROVIDERS="deepl,libretranslate", DEEPL_API_KEY=None)
    [result] = translate_segments(["Mirëdita"], "sq", "mk", config=config)
    assert result.provider == "libretranslate"
