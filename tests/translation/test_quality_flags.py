"""Quality flags on machine drafts: what raises them, where they are kept, shown and cleared."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bv.accounts.permissions import SYSTEM
from bv.articles.models import Article
from bv.audit.models import AuditEvent
from bv.extensions import db
from bv.translation import quality, review, store, sync
from bv.translation.checks import GlossaryRule
from bv.translation.models import GlossaryTerm, TranslatedSegment
from tests.translation.fake_providers import FakeTranslationServer, point_at
from tests.translation.stories import editor, login, run_draft, write

GLOSSARY = [GlossaryRule("Kuvendi", "Собранието"), GlossaryRule("MEK", do_not_translate=True)]
SOURCE = "Kuvendi i Komunës së Tetovës miratoi më 14 mars buxhetin prej 38,5 milionë denarësh."
GOOD = "Собранието на Општина Тетово на 14 март го усвои буџетот од 38,5 милиони денари."


def codes(source, target, source_locale="sq", target_locale="mk", glossary=GLOSSARY, second=None):
    return quality.assess(source, target, source_locale=source_locale,
                          target_locale=target_locale, glossary=glossary, second=second).codes


def test_a_good_draft_has_no_flags():
    assert codes(SOURCE, GOOD) == []
    assert codes(SOURCE, GOOD, second=(GOOD.replace("усвои", "прифати"), "mymemory")) == []


@pytest.mark.parametrize(("target", "expected"), [
    (GOOD.replace("38,5", "35,8"), ["numbers"]),
    (GOOD.replace("14 март", "14 мај"), ["dates"]),
    (GOOD.replace("буџетот", "budget-ot"), ["script"]),
    (GOOD.replace("Собранието", "Советот"), ["glossary"]),
    (SOURCE, ["numbers", "dates", "script", "identical", "glossary"]),
    ("Собранието го усвои буџетот.", ["numbers", "dates", "length"]),
    (GOOD + " Седницата траеше до доцна навечер, а дебатата за водоводот ја отвори "
            "претседателот на советот.", ["length"]),
])
def test_each_kind_of_trouble_raises_its_flag_worst_first(target, expected):
    assert codes(SOURCE, target) == expected


def test_a_copy_of_the_source_is_left_untranslated():
    source = "Kuvendi miratoi buxhetin për ujësjellësin e qytetit."
    assert codes(source, source) == ["script", "identical", "glossary"]
    assert codes(source, source, "sq", "en", ()) == ["identical"]


def test_length_follows_the_pairs_norm_and_ignores_short_segments():
    assert quality.LENGTH_NORMS[("en", "sq")] > 1 > quality.LENGTH_NORMS[("sq", "en")]
    source = "The council approved the water budget after a long debate."
    assert codes(source, "Këshilli miratoi buxhetin për ujin pas një debati të gjatë.", "en", "sq") == []
    assert codes(source, "Këshilli miratoi.", "en", "sq") == ["length"]
    # "Foto:" and a name have no meaningful ratio
    assert codes("Foto: BV", "Фотографија: BV", "sq", "mk", ()) == []


def test_disagreement_between_two_services_is_measured_with_chrf():
    unrelated = "Пазарот во Гостивар денес работи до пладне поради празникот."
    assessment = quality.assess(SOURCE, GOOD, source_locale="sq", target_locale="mk",
                                glossary=GLOSSARY, second=(unrelated, "mymemory"))
    assert assessment.codes == ["agreement"]
    assert assessment.flags[0].details["provider"] == "mymemory"
    assert assessment.signals["chrf"] < quality.AGREEMENT_MIN_CHRF
    assert quality.agreement(GOOD, GOOD) == pytest.approx(100)


def test_flags_keep_their_order_and_drop_unknown_codes_when_read_back():
    stored = [{"code": "agreement", "details": {"chrf": 12.0, "provider": "deepl"}},
              {"code": "retired", "details": {}}, {"code": "numbers", "details": {}}]
    flags = quality.flags_from_json(stored)
    assert [f.code for f in flags] == ["numbers", "agreement"]
    assert "deepl" in str(flags[1].message) and str(flags[1].label)


# stored at draft time, shown in the editor, cleared by a person's save


class DisagreeingServer(FakeTranslationServer):
    """A second service that answers something else entirely for every segment."""

    def decide(self, protocol, source, target, texts, key_ok):
        status, message, out = super().decide(protocol, source, target, texts, key_ok)
        return status, message, ["{1} zzz qqq" if "{1}" in text else "zzz qqq xxx yyy"
                                 for text in out]


@pytest.fixture
def two_services(app, fake):
    with DisagreeingServer() as other:
        app.config.update(point_at(fake, MT_PROVIDERS="libretranslate,mymemory",
                                   MYMEMORY_URL=f"{other.url}/get"))
        yield fake, other


BODY = ["Kuvendi i Komunës së Tetovës miratoi buxhetin për ujësjellësin e qytetit pas një "
        "seance të gjatë."]


def test_a_draft_asks_the_second_service_and_flags_disagreement(app, staff, two_services):
    fake, other = two_services
    article_id = write(app, BODY)
    job = run_draft(app, article_id)
    assert job.status == "done", job.error
    assert other.request_count >= 1, "the second opinion was asked for"
    with app.app_context():
        rows = {r.source.key: r for r in review.rows_for(
            db.session.get(Article, article_id), "mk", with_matches=False)}
        body = next(r for r in rows.values() if r.source.kind == "paragraph")
        # the fake writes mk_… in Latin letters, and the second service disagrees
        assert [f.code for f in body.flags][0] == "script"
        assert "agreement" in [f.code for f in body.flags]
        assert body.target.machine_signals["second_provider"] == "mymemory"
        done = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "machine_draft.done"))
        opinion = done.detail["second_opinion"]
        assert opinion["providers"] == ["mymemory"]
        assert opinion["requests"] == other.request_count
        assert opinion["characters"] > 0
        assert done.detail["flags"]["agreement"] >= 1


def test_one_service_means_no_second_opinion(app, staff, fake):
    app.config.update(point_at(fake))
    article_id = write(app, BODY)
    assert run_draft(app, article_id).status == "done"
    with app.app_context():
        done = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "machine_draft.done"))
        assert done.detail["second_opinion"]["requests"] == 0
        rows = db.session.scalars(select(TranslatedSegment)).all()
        assert all(r.machine_signals["chrf"] is None for r in rows)
        assert all("agreement" not in [f["code"] for f in r.flags or []] for r in rows)


def test_a_failing_second_service_does_not_fail_the_draft(app, staff, two_services):
    fake, other = two_services
    other.always_status = 500
    article_id = write(app, BODY)
    job = run_draft(app, article_id)
    assert job.status == "done", job.error
    with app.app_context():
        rows = db.session.scalars(select(TranslatedSegment)).all()
        assert rows and all(r.machine_signals["chrf"] is None for r in rows)


def test_the_editor_shows_badges_until_a_person_saves(app, staff, client, two_services):
    article_id = write(app, BODY)
    assert run_draft(app, article_id).status == "done"
    login(client, staff["editor"])
    html = client.get(f"/newsroom/articles/{article_id}/mk/translate").get_data(as_text=True)
    assert 'class="badge badge-flag flag-script"' in html
    assert "flag-agreement" in html
    with app.app_context():
        article = db.session.get(Article, article_id)
        key = next(s.key for s in sync.source_segments(article) if s.kind == "paragraph")
        review.save_review(article, "mk", {key: "Собранието на Општина Тетово го усвои буџетот "
                                                "за водоводот по долгата седница."},
                           {key}, user=editor(), expected_revision=None)
        db.session.commit()
        row = sync.translated_segments(article.translation("mk"))[key]
        assert row.flags is None and row.origin == "human"
        assert row.machine_signals is not None, "kept beside machine_text for calibration"
        others = [r for k, r in sync.translated_segments(article.translation("mk")).items()
                  if k != key]
        assert others and all(r.flags for r in others), "untouched segments keep theirs"


def test_the_writer_keeps_flags_for_drafts_only(app, staff):
    article_id = write(app, BODY)
    with app.app_context():
        article = db.session.get(Article, article_id)
        from bv.articles import service

        translation = service.get_or_create_translation(article, "mk", user=SYSTEM)
        source = sync.source_segments(article)[0]
        flags = [{"code": "length", "details": {"ratio": 3.0, "norm": 0.98}}]
        row = store.write_segment(translation, source, "Нешто", origin="machine", user=SYSTEM,
                                  reviewed=False, provider="google", flags=flags,
                                  signals={"flags": ["length"], "ratio": 3.0})
        assert row.flags == flags and row.machine_signals["ratio"] == 3.0
        store.write_segment(translation, source, "Нешто", origin="human", user=editor(),
                            reviewed=True, existing=row)
        assert row.flags is None and row.machine_signals["ratio"] == 3.0


# calibration against post-edit similarity


def _sample(codes=(), deviation=1.0, chrf=None, similarity=0.95):
    return quality.Sample(("sq", "mk"), set(codes), deviation, chrf, similarity)


def test_calibration_compares_flagged_and_unflagged_drafts():
    samples = ([_sample(("numbers",), similarity=0.6) for _ in range(6)]
               + [_sample(similarity=0.95) for _ in range(20)])
    report = quality.calibrate(samples)
    numbers = report["flags"]["numbers"]
    assert (numbers["flagged"], numbers["unflagged"]) == (6, 20)
    assert numbers["similarity_flagged"] == pytest.approx(60.0)
    assert numbers["difference"] == pytest.approx(35.0)
    assert numbers["youden_j"] == pytest.approx(1.0)
    assert report["flags"]["script"]["flagged"] == 0


def test_calibration_suggests_the_threshold_that_separates_heavy_edits():
    # drafts 1.7 times off the norm were rewritten; 1.3 times off were fine
    samples = ([_sample(deviation=1.7, chrf=22.0, similarity=0.5) for _ in range(8)]
               + [_sample(deviation=1.3, chrf=48.0, similarity=0.93) for _ in range(8)]
               + [_sample(deviation=1.05, chrf=70.0, similarity=0.97) for _ in range(20)])
    report = quality.calibrate(samples)
    assert report["length"]["suggested"] in (1.4, 1.5, 1.6)
    assert 25.0 <= report["agreement"]["suggested"] <= 45.0
    # with too few flagged drafts nothing is suggested
    assert quality.calibrate(samples[:3] + samples[16:])["length"]["suggested"] is None


def test_calibrate_and_flags_commands_read_the_database(app, staff, runner, two_services):
    article_id = write(app, BODY)
    assert run_draft(app, article_id).status == "done"
    counted = runner.invoke(args=["mt", "flags"])
    assert counted.exit_code == 0, counted.output
    assert "with flags" in counted.output and "script" in counted.output
    with app.app_context():
        article = db.session.get(Article, article_id)
        rows = sync.translated_segments(article.translation("mk"))
        texts = {k: "Собранието на Тетово го усвои буџетот." for k in rows}
        review.save_review(article, "mk", texts, set(texts), user=editor(),
                           expected_revision=None)
        db.session.add(GlossaryTerm(source_locale="sq", target_locale="mk", term="Kuvendi",
                                    translation="Собранието"))
        db.session.commit()
    result = runner.invoke(args=["mt", "calibrate", "--json"])
    assert result.exit_code == 0, result.output
    import json

    report = json.loads(result.output)
    assert report["samples"] == len(texts)
    assert report["flags"]["script"]["flagged"] == len(texts)
    table = runner.invoke(args=["mt", "calibrate"])
    assert table.exit_code == 0 and "reviewed machine drafts" in table.output
