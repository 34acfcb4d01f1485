"""Translation memory: normalization, one-query lookups, who may overwrite whom, fuzzy matches."""

from __future__ import annotations

import random
import time

from bv.extensions import db
from bv.translation import glossary, memory, store
from bv.translation.models import GlossaryTerm, MemoryEntry


def test_normalize_and_hash():
    assert memory.normalize("  Tung\u00a0 bota \n\t sot ") == "Tung bota sot"
    assert memory.normalize("e\u0308") == "ë"  # NFC
    assert memory.source_hash("Tung  bota") == memory.source_hash(" Tung bota ")
    assert len(memory.source_hash("x")) == 64


def test_lookup_exact_is_one_query(app, count_queries):
    with app.app_context():
        for i in range(30):
            store.remember("sq", "mk", f"Fjalia {i}.", f"Реченица {i}.", "machine", "google")
        db.session.commit()
        texts = [f"Fjalia  {i}. " for i in range(0, 40, 2)]
        with count_queries(app) as counter:
            found = memory.lookup_exact("sq", "mk", texts)
        assert counter.count == 1
        assert sorted(found) == sorted(t for t in texts if int(t.split()[1][:-1]) < 30)
        assert found["Fjalia  4. "].target_text == "Реченица 4."
        assert memory.lookup_exact("sq", "en", texts) == {}
        assert memory.lookup_exact("sq", "mk", []) == {}
        db.session.commit()


def test_human_beats_machine(app):
    with app.app_context():
        entry = store.remember("sq", "mk", "Mirëdita", "Добар ден (машина)", "machine", "google")
        assert (entry.origin, entry.provider) == ("machine", "google")
        entry = store.remember("sq", "mk", "Mirëdita", "Добар ден", "human")
        assert (entry.target_text, entry.origin, entry.provider) == ("Добар ден", "human", None)
        # a machine never overwrites a person
        entry = store.remember("sq", "mk", " Mirëdita ", "Друго", "machine", "deepl")
        assert (entry.target_text, entry.origin) == ("Добар ден", "human")
        # a person may correct a person
        entry = store.remember("sq", "mk", "Mirëdita", "Добар ден!", "human")
        assert entry.target_text == "Добар ден!"
        db.session.commit()
        assert db.session.query(MemoryEntry).count() == 1
        db.session.commit()


def test_remember_many_is_two_queries(app, count_queries):
    with app.app_context():
        store.remember("sq", "en", "Një", "One", "human")
        items = [(f"Fjalë {i}", f"Word {i}", "google") for i in range(50)] + [("Një", "1", "x")]
        with count_queries(app) as counter:
            written = store.remember_many("sq", "en", items, origin="machine")
        assert written == 50
        assert counter.count == 2
        assert memory.lookup_exact("sq", "en", ["Një"])["Një"].target_text == "One"
        db.session.commit()


def test_fuzzy_matches_are_fast_and_ranked(app):
    rng = random.Random(7)
    words = ("qeveria kuvendi buxheti komuna rruga shkolla spitali ministri opozita zgjedhjet "
             "qyteti fshati banorët projekti investimi tregu çmimet energjia uji ajri").split()
    with app.app_context():
        rows = []
        for i in range(5000):
            n = rng.randint(4, 30)
            rows.append((" ".join(rng.choice(words) for _ in range(n)) + f" {i}.", f"mk {i}", None))
        store.remember_many("sq", "mk", rows, origin="machine")
        store.remember("sq", "mk", "Kuvendi miratoi buxhetin e ri për komunën e Tetovës.",
                        "Собранието го усвои новиот буџет за општина Тетово.", "human")
        db.session.commit()
        started = time.perf_counter()
        matches = memory.fuzzy_matches("sq", "mk",
                                       "Kuvendi miratoi sot buxhetin e ri për komunën e Tetovës")
        elapsed = time.perf_counter() - started
        assert elapsed < 0.5
        best, score = matches[0]
        assert best.target_text.startswith("Собранието го усвои")
        assert score >= 90
        assert len(matches) <= 3 and all(s >= 70 for _, s in matches)
        assert [s for _, s in matches] == sorted((s for _, s in matches), reverse=True)
        assert memory.fuzzy_matches("sq", "en", "Kuvendi miratoi buxhetin") == []
        assert memory.fuzzy_matches("sq", "mk", "   ") == []
        db.session.commit()


def test_fuzzy_length_window_does_not_lose_matches(app):
    with app.app_context():
        store.remember("sq", "mk", "a b c d e f g", "x", "human")
        # very different punctuation, same words: the prefilter must still let it through
        [(entry, score)] = memory.fuzzy_matches("sq", "mk", "a, b, c, d, e, f, g!!", cutoff=90)
        assert score == 100 and entry.target_text == "x"
        db.session.commit()


def test_terms_for_loads_the_pair(app):
    with app.app_context():
        db.session.add_all([
            GlossaryTerm(source_locale="sq", target_locale="mk", term="MEK", do_not_translate=True),
            GlossaryTerm(source_locale="sq", target_locale="mk", term="Kuvendi",
                         translation="Собранието"),
            GlossaryTerm(source_locale="sq", target_locale="mk", term="bosh"),  # no rule: ignored
            GlossaryTerm(source_locale="mk", target_locale="sq", term="Собранието",
                         translation="Kuvendi"),
        ])
        db.session.commit()
        rules = glossary.terms_for("sq", "mk")
        assert [(r.term, r.translation, r.do_not_translate) for r in rules] == [
            ("Kuvendi", "Собранието", False), ("MEK", None, True)]
