"""Drafting: memory first, providers for the rest, and never the same text twice."""

from __future__ import annotations

import pytest

from bv.extensions import db
from bv.translation.drafting import draft_segments
from bv.translation.memory import lookup_exact
from bv.translation.models import GlossaryTerm
from bv.translation.mt import AllProvidersFailed, TranslationCancelled, Usage
from bv.translation.mt.placeholders import Protector
from bv.translation.store import remember
from tests.translation.fake_providers import article, point_at


def measure_article_requests(app, fake, provider: str = "google") -> dict[str, int]:
    """Provider requests for a 20-paragraph article: first draft, one edit, no change."""
    config = point_at(fake, MT_PROVIDERS=provider)
    segments = [(f"b{i}", text) for i, text in enumerate(article(20))]
    edited = list(segments)
    edited[7] = ("b7", segments[7][1] + " Kjo fjali është e re.")
    counts = {}
    with app.app_context():
        for name, version in (("first draft", segments), ("after one edit", edited),
                              ("no change", edited)):
            before = fake.request_count
            draft_segments(version, "sq", "mk", glossary=[], app_config=config)
            db.session.commit()
            counts[name] = fake.request_count - before
    return counts


@pytest.mark.parametrize("provider", ["google", "libretranslate", "mymemory", "deepl"])
def test_measured_request_counts(app, fake, provider):
    counts = measure_article_requests(app, fake, provider)
    print(f"\n{provider}: {counts}")
    assert counts["after one edit"] == 1
    assert counts["no change"] == 0
    assert counts["first draft"] == {"google": 2, "libretranslate": 2, "deepl": 1}.get(
        provider, counts["first draft"])
    if provider == "mymemory":
        assert counts["first draft"] == 20  # ~350-byte paragraphs, 500 bytes a request


def test_memory_hits_are_never_sent_again(app, fake):
    config = point_at(fake, MT_PROVIDERS="google")
    segments = [(f"b{i}", text) for i, text in enumerate(article(20))]
    with app.app_context():
        usage = Usage()
        first = draft_segments(segments, "sq", "mk", glossary=[], app_config=config, usage=usage)
        db.session.commit()
        assert [r.key for r in first] == [k for k, _ in segments]
        assert {r.origin for r in first} == {"machine"}
        assert usage.requests == fake.request_count == 2
        assert len(lookup_exact("sq", "mk", [t for _, t in segments])) == 20

        # one paragraph edited: exactly that one goes out
        fake.reset_counts()
        new_text = segments[7][1].replace("Paragrafi 8:", "Paragrafi 8 (ndryshuar):")
        edited = [*segments[:7], ("b7", new_text), *segments[8:]]
        usage = Usage()
        second = draft_segments(edited, "sq", "mk", glossary=[], app_config=config, usage=usage)
        db.session.commit()
        assert fake.request_count == 1 == usage.requests
        assert fake.texts_sent() == [Protector().protect(new_text).render("text")]
        assert fake.char_count == len(Protector().protect(new_text).render("text"))
        assert usage.memory_hits == 19
        assert [r.origin for r in second] == ["memory"] * 7 + ["machine"] + ["memory"] * 12
        assert second[7].text.startswith("mk_Paragrafi 8 (mk_ndryshuar):")
        assert second[0].text == first[0].text and second[0].provider == "google"

        # nothing changed: nothing goes out
        fake.reset_counts()
        third = draft_segments(edited, "sq", "mk", glossary=[], app_config=config)
        assert fake.request_count == 0
        assert {r.origin for r in third} == {"memory"}
        assert [r.text for r in third] == [r.text for r in second]


def test_duplicates_are_sent_once_and_empty_segments_not_at_all(app, fake):
    with app.app_context():
        results = draft_segments(
            [("a", "Mirëdita"), ("b", " Mirëdita  "), ("c", ""), ("d", "2024")], "sq", "mk",
            glossary=[], app_config=point_at(fake))
        assert fake.texts_sent() == ["Mirëdita"]
        assert [(r.key, r.text) for r in results] == [
            ("a", "mk_Mirëdita"), ("b", "mk_Mirëdita"), ("c", ""), ("d", "2024")]


def test_a_human_translation_in_memory_wins(app, fake):
    with app.app_context():
        remember("sq", "mk", "Mirëdita", "Добар ден", "human")
        [result] = draft_segments([("h", "Mirëdita")], "sq", "mk", glossary=[],
                                  app_config=point_at(fake))
        assert (result.text, result.origin, result.provider) == ("Добар ден", "memory", None)
        assert fake.request_count == 0
        db.session.commit()


def test_glossary_comes_from_the_database_by_default(app, fake):
    with app.app_context():
        db.session.add(GlossaryTerm(source_locale="sq", target_locale="mk", term="Kuvendi",
                                    translation="Собранието"))
        db.session.commit()
        [result] = draft_segments([("h", "Kuvendi voton")], "sq", "mk",
                                  app_config=point_at(fake))
        assert result.text == "Собранието mk_voton"


def test_progress_and_cancellation(app, fake):
    config = point_at(fake, MT_PROVIDERS="mymemory")  # one request per paragraph
    segments = [(f"b{i}", text) for i, text in enumerate(article(6))]
    with app.app_context():
        remember("sq", "mk", segments[0][1], "Од меморијата", "human")
        seen = []
        draft_segments(segments[:3], "sq", "mk", glossary=[], app_config=config,
                       progress=lambda done, total: seen.append((done, total)))
        assert seen == [(1, 3), (2, 3), (3, 3)]

        fake.reset_counts()
        with pytest.raises(TranslationCancelled) as cancelled:
            draft_segments(segments, "sq", "mk", glossary=[], app_config=config,
                           should_cancel=lambda: fake.request_count >= 2)
        assert fake.request_count == 2
        assert len(cancelled.value.partial) == 2
        # what was translated before the stop is remembered
        assert len(lookup_exact("sq", "mk", [t for _, t in segments])) == 5
        db.session.commit()


def test_failure_remembers_what_was_done_and_reraises(app, fake):
    with app.app_context():
        fake.always_status = 403
        with pytest.raises(AllProvidersFailed) as failed:
            draft_segments([("a", "Mirëdita")], "sq", "mk", glossary=[],
                           app_config=point_at(fake, MT_PROVIDERS="libretranslate"))
        assert failed.value.errors[0].code == "auth"


def test_placeholder_errors_are_reported_and_not_remembered(app, fake):
    fake.placeholders = "drop"
    with app.app_context():
        [result] = draft_segments([("a", "Lexo **këtë**.")], "sq", "mk", glossary=[],
                                  app_config=point_at(fake))
        assert result.text is None and result.error.code == "placeholder"
        assert result.origin == "machine"
        assert lookup_exact("sq", "mk", ["Lexo **këtë**."]) == {}
