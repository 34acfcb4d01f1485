"""Machine-draft jobs always end, keep what was paid for, respect people, and agree with checks."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import sqlalchemy.exc
from sqlalchemy import func, select

from bv.accounts.models import User
from bv.accounts.permissions import SYSTEM
from bv.articles import service
from bv.articles.models import Article
from bv.database import utcnow
from bv.extensions import db
from bv.jobs.models import Job
from bv.translation import drafting, review, sync
from bv.translation.memory import lookup_exact
from bv.translation.models import GlossaryTerm, MemoryEntry
from bv.translation.mt import GlossaryRule, Protector
from bv.translation.mt.placeholders import term_pattern
from tests.translation.fake_providers import article as paragraphs
from tests.translation.fake_providers import point_at
from tests.translation.stories import editor as _editor
from tests.translation.stories import login as _login
from tests.translation.stories import run_draft
from tests.translation.stories import segments as _segments
from tests.translation.stories import write as _write


def _draft(app, article_id, target="mk"):
    job = run_draft(app, article_id, target)
    return job.id, job.status, dict(job.result or {}), job.error


@pytest.fixture
def mt_app(app, fake, staff):
    app.config.update(point_at(fake))
    with app.app_context():
        for user in db.session.scalars(select(User)):
            user.ui_locale = "en"
        db.session.commit()
    return app


# jobs that cannot get stuck


def test_an_unknown_provider_fails_the_job_and_a_new_one_can_run(mt_app, fake, caplog,
                                                                 monkeypatch):
    article_id = _write(mt_app, paragraphs(1))
    mt_app.config["MT_PROVIDERS"] = "libretranslate,nosuchservice"
    # Alembic's fileConfig() (the migrated test database) disables loggers that already exist
    monkeypatch.setattr(logging.getLogger("bv.translation.drafting"), "disabled", False)
    with caplog.at_level(logging.ERROR, logger="bv.translation.drafting"):
        first, status, _result, error = _draft(mt_app, article_id)
    assert status == "failed"
    assert "unexpected error" in error
    assert "nosuchservice" in caplog.text, "the cause is logged for the administrator"
    with mt_app.app_context():
        assert db.session.get(Article, article_id).translation("mk") is None
    mt_app.config["MT_PROVIDERS"] = "libretranslate"
    second, status, _result, error = _draft(mt_app, article_id)
    assert second != first and status == "done", error


def test_a_save_racing_the_job_fails_it_and_keeps_what_was_translated(mt_app, fake, monkeypatch):
    article_id = _write(mt_app, paragraphs(2))
    _draft(mt_app, article_id)
    before = _segments(mt_app, article_id)
    with mt_app.app_context():
        service.save_translation(db.session.get(Article, article_id), "sq",
                                 {"headline": "Titull krejt i ri"}, user=_editor())

    def racing(*args, **kwargs):
        raise sqlalchemy.exc.IntegrityError("UPDATE translated_segment", {}, Exception("race"))

    monkeypatch.setattr(drafting, "_apply", racing)
    fake.reset_counts()
    _job, status, _result, error = _draft(mt_app, article_id)
    assert status == "failed" and "unexpected error" in error
    assert fake.request_count == 1
    assert _segments(mt_app, article_id) == before, "existing drafts are untouched"
    with mt_app.app_context():
        assert "Titull krejt i ri" in lookup_exact("sq", "mk", ["Titull krejt i ri"])
    # the retry is served from the memory
    monkeypatch.undo()
    fake.reset_counts()
    _job, status, result, _error = _draft(mt_app, article_id)
    assert status == "done" and fake.request_count == 0 and result["memory_hits"] == 1


def test_a_failed_provider_keeps_the_segments_that_came_back(mt_app, fake):
    mt_app.config.update(point_at(fake, MT_PROVIDERS="mymemory", MT_RETRIES=0))
    # MyMemory packs headline, lede and the short paragraph; the long one goes alone and fails
    long = " ".join(["Këshilli bashkiak diskutoi gjatë për buxhetin e vitit të ardhshëm."] * 7)
    article_id = _write(mt_app, ["Tetova ka park.", long], headline="Park", lede="Park i ri.")
    fake.max_chars = 120
    _job, status, _result, _error = _draft(mt_app, article_id)
    assert status == "failed"
    with mt_app.app_context():
        assert db.session.get(Article, article_id).translation("mk") is None
        kept = {e.source_text for e in db.session.scalars(select(MemoryEntry))}
        assert kept == {"Park", "Park i ri.", "Tetova ka park."}
    fake.max_chars = None
    fake.reset_counts()
    _job, status, result, _error = _draft(mt_app, article_id)
    assert status == "done" and result["memory_hits"] == 3
    sent = fake.texts_sent()
    assert sent and all("Park" not in text and "Tetova" not in text for text in sent)


def _job(article_id, target, status, **times):
    job = Job(kind="machine_draft", article_id=article_id, status=status,
              payload={"target": target, "provider": None}, **times)
    db.session.add(job)
    db.session.commit()
    return job.id


def test_a_job_without_progress_for_too_long_is_abandoned(mt_app, fake, staff):
    article_id = _write(mt_app, paragraphs(1))
    long_ago = utcnow() - timedelta(minutes=20)
    with mt_app.app_context():
        stuck = _job(article_id, "mk", "running", created_at=long_ago, started_at=long_ago)
        lost = _job(article_id, "en", "queued", created_at=long_ago)
    new, status, _result, error = _draft(mt_app, article_id)
    assert new != stuck and status == "done", error
    client = mt_app.test_client()
    _login(client, staff["editor"])
    assert client.get(f"/newsroom/jobs/{lost}/status").get_json()["status"] == "failed"
    with mt_app.app_context():
        job = db.session.get(Job, stuck)
        assert job.status == "failed" and "nuk përparoi për 15 minuta" in job.error
        # a worker that picks an abandoned job up later leaves it alone
        assert drafting.run_job(lost).status == "failed"
    # a job that is merely slow is not abandoned
    mt_app.config["MT_JOB_STALE_MINUTES"] = 30
    with mt_app.app_context():
        slow = _job(article_id, "mk", "running", created_at=long_ago, started_at=long_ago)
        assert drafting.queue_draft(db.session.get(Article, article_id), "mk").id == slow


def test_the_active_job_of_the_right_language_is_reused(mt_app, fake):
    article_id = _write(mt_app, paragraphs(1))
    with mt_app.app_context():
        en = _job(article_id, "en", "queued")
        mk = _job(article_id, "mk", "queued")
        article = db.session.get(Article, article_id)
        assert drafting.queue_draft(article, "mk").id == mk
        assert drafting.queue_draft(article, "en").id == en
        assert db.session.scalar(select(func.count(Job.id))) == 2


# people's work, and suggestions for it


def test_a_redraft_suggests_but_never_replaces_a_persons_outdated_segment(mt_app, fake, staff):
    article_id = _write(mt_app, paragraphs(2))
    _draft(mt_app, article_id)
    with mt_app.app_context():
        article = db.session.get(Article, article_id)
        review.save_review(article, "mk", {"b1": "Превод од човек."}, {"b1"}, user=_editor(),
                           expected_revision=None)
        body = article.source.body.replace("Paragrafi 1:", "Paragrafi i parë:")
        service.save_translation(article, "sq", {"body": body}, user=_editor())
        new_source = next(s.source_text for s in sync.source_segments(article) if s.key == "b1")
    fake.reset_counts()
    _job, status, result, error = _draft(mt_app, article_id)
    assert status == "done", error
    assert result["suggested_keys"] == ["b1"]
    assert _segments(mt_app, article_id)["b1"] == "Превод од човек."
    assert any("Paragrafi i parë" in text for text in fake.texts_sent())
    client = mt_app.test_client()
    _login(client, staff["editor"])
    html = client.get(f"/newsroom/articles/{article_id}/mk/translate").get_data(as_text=True)
    assert "mk_Paragrafi" in html and "machine: libretranslate" in html
    assert ">Превод од човек.</textarea>" in html
    with mt_app.app_context():
        entry = lookup_exact("sq", "mk", [new_source])[new_source]
        assert entry.origin == "machine"
    page = client.get(f"/newsroom/jobs/{_job}").get_data(as_text=True)
    assert "got a machine suggestion" in page


def test_drafting_saves_through_the_article_service(mt_app, fake, monkeypatch):
    calls = []
    real = service.save_translation

    def spy(*args, **kwargs):
        calls.append((args[1], kwargs.get("user")))
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "save_translation", spy)
    article_id = _write(mt_app, paragraphs(1))
    calls.clear()
    _draft(mt_app, article_id)
    assert calls == [("mk", SYSTEM)]


# the provider menu


def test_only_configured_providers_can_be_chosen(mt_app, fake, staff):
    mt_app.config.update(DEEPL_API_KEY=None, MICROSOFT_API_KEY=None)
    article_id = _write(mt_app, paragraphs(1))
    client = mt_app.test_client()
    _login(client, staff["editor"])
    html = client.get(f"/newsroom/articles/{article_id}/mk/translate").get_data(as_text=True)
    assert '<option value="deepl" disabled>DeepL is not configured: set BV_DEEPL_API_KEY.' in html
    assert '<option value="libretranslate">LibreTranslate</option>' in html
    response = client.post(f"/newsroom/articles/{article_id}/mk/machine-draft",
                           data={"provider": "deepl"})
    assert response.status_code == 302
    assert "DeepL is not configured" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    with mt_app.app_context():
        assert db.session.scalar(select(func.count(Job.id))) == 0


# the glossary: drafting and the review check find the same word forms


def test_protection_finds_inflected_forms_of_a_term():
    rules = [GlossaryRule("Tetovë", "Тетово")]
    for text in ("Qendra e Tetovës", "Tetova sot", "në Tetovë"):
        protected = Protector(rules, locale="sq").protect(text)
        assert "Тетово" in protected.restore_unchanged(), text
        assert term_pattern("Tetovë", "sq").search(text)
    assert "Тетово" not in Protector(rules, locale="sq").protect("deri në tetor").restore_unchanged()
    # without a locale, only the form as written
    assert "Тетово" not in Protector(rules).protect("Qendra e Tetovës").restore_unchanged()


def test_a_term_in_an_inflected_form_is_drafted_and_passes_the_check(mt_app, fake):
    with mt_app.app_context():
        db.session.add(GlossaryTerm(source_locale="sq", target_locale="mk", term="Tetovë",
                                    translation="Тетово"))
        db.session.commit()
    article_id = _write(mt_app, ["Qendra e Tetovës ka park të ri.", "Tetova feston sot."],
                        headline="Park", lede="Park i ri.")
    _job, status, _result, error = _draft(mt_app, article_id)
    assert status == "done", error
    texts = _segments(mt_app, article_id)
    assert "Тетово" in texts["b1"] and "Тетово" in texts["b2"]
    with mt_app.app_context():
        rows = review.rows_for(db.session.get(Article, article_id), "mk", with_matches=False)
        assert not [p for r in rows for p in r.problems if p.code == "glossary"]
