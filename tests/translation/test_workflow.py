"""The translation workflow end to end: jobs, staleness, review, approval, files, notices."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from bv.accounts.models import User
from bv.accounts.permissions import SYSTEM
from bv.articles import service, workflow
from bv.articles.models import Article
from bv.audit.models import AuditEvent
from bv.extensions import db
from bv.jobs.models import Job
from bv.notifications.models import Notification
from bv.translation import drafting, inline, review, sync
from bv.translation.models import GlossaryTerm, TranslatedSegment
from tests.conftest import PASSWORD
from tests.translation.fake_providers import article as paragraphs
from tests.translation.fake_providers import point_at


def _login(client, email):
    return client.post("/newsroom/login", data={"email": email, "password": PASSWORD})


def _write(app, body_paragraphs, *, headline="Kuvendi i Tetovës miraton buxhetin", lede="Seanca zgjati katër orë."):
    with app.app_context():
        editor = db.session.scalar(select(User).where(User.role == "editor"))
        article = service.create_article(source_locale="sq", author=editor)
        source = service.save_translation(
            article, "sq",
            {"headline": headline, "lede": lede, "body": "\n\n".join(body_paragraphs)},
            user=editor,
        )
        workflow.transition(source, "publish", user=editor)
        db.session.commit()
        return article.id


@pytest.fixture
def mt_app(app, fake, staff):
    app.config.update(point_at(fake))
    return app


def _draft(app, article_id, target="mk"):
    with app.app_context():
        article = db.session.get(Article, article_id)
        editor = db.session.scalar(select(User).where(User.role == "editor"))
        job = drafting.queue_draft(article, target, user=editor)
        db.session.commit()  # the caller commits; then the job runs (inline in tests)
        db.session.expire_all()  # the job ran in its own session
        job = db.session.get(Job, job.id)
        return job.status, dict(job.result or {}), job.error


def test_request_counts_for_a_20_paragraph_article(mt_app, fake, capsys):
    """First draft, re-draft after a one-paragraph edit, re-draft with no change."""
    body = paragraphs(20)
    article_id = _write(mt_app, body)
    counts = []

    status, result, error = _draft(mt_app, article_id)
    assert status == "done", error
    counts.append(fake.request_count)
    # headline + lede + 20 paragraphs, ~7,000 characters: packed into 5,000-character requests
    assert fake.request_count == 2
    assert result["sent_segments"] == 22 and result["memory_hits"] == 0

    edited = list(body)
    edited[7] = edited[7].replace("Paragrafi 8:", "Paragrafi tetë:")
    with mt_app.app_context():
        article = db.session.get(Article, article_id)
        service.save_translation(article, "sq", {"body": "\n\n".join(edited)}, user=SYSTEM)
        mk = article.translation("mk")
        assert mk.outdated_since is not None
        assert len(sync.stale_keys(mk)) == 1, "exactly the edited paragraph is stale"
        db.session.commit()
    fake.reset_counts()
    status, result, _ = _draft(mt_app, article_id)
    assert status == "done"
    counts.append(fake.request_count)
    assert fake.request_count == 1
    assert fake.texts_sent() and len(fake.texts_sent()) == 1
    assert "Paragrafi tetë" in fake.texts_sent()[0] and "Paragrafi 9" not in fake.texts_sent()[0]
    with mt_app.app_context():
        assert db.session.get(Article, article_id).translation("mk").outdated_since is None

    fake.reset_counts()
    status, result, _ = _draft(mt_app, article_id)
    counts.append(fake.request_count)
    assert fake.request_count == 0 and result["sent_segments"] == 0
    with capsys.disabled():
        print(f"\n20-paragraph article, requests: first {counts[0]}, after one-paragraph edit {counts[1]}, unchanged {counts[2]}")


def test_memory_serves_a_second_article_with_the_same_paragraphs(mt_app, fake):
    body = paragraphs(5)
    first = _write(mt_app, body)
    _draft(mt_app, first)
    fake.reset_counts()
    second = _write(mt_app, body, headline="Titull tjetër", lede="Tjetër hyrje.")
    status, result, _ = _draft(mt_app, second)
    assert status == "done"
    assert result["memory_hits"] == 5
    assert fake.request_count == 1, "only the new headline and lede go out"


def test_failed_job_leaves_existing_drafts_untouched(mt_app, fake):
    article_id = _write(mt_app, paragraphs(3))
    _draft(mt_app, article_id)
    with mt_app.app_context():
        before = {k: t.target_text for k, t in sync.translated_segments(db.session.get(Article, article_id).translation("mk")).items()}
        service.save_translation(db.session.get(Article, article_id), "sq", {"headline": "Titull krejt i ri"}, user=SYSTEM)
        db.session.commit()
    fake.always_status = 500
    status, _result, error = _draft(mt_app, article_id)
    assert status == "failed"
    assert error and "gabim" in error.lower() or "server" in (error or "").lower()
    with mt_app.app_context():
        translation = db.session.get(Article, article_id).translation("mk")
        after = {k: t.target_text for k, t in sync.translated_segments(translation).items()}
        assert after == before
        assert len(translation.revisions) == 1


def test_cancelled_job_changes_nothing(mt_app, fake):
    article_id = _write(mt_app, paragraphs(3))
    with mt_app.app_context():
        job = Job(kind="machine_draft", article_id=article_id, payload={"target": "en", "provider": None}, cancel_requested=True)
        db.session.add(job)
        db.session.commit()
        job = drafting.run_job(job.id)
        assert job.status == "cancelled"
        assert db.session.get(Article, article_id).translation("en") is None
    assert fake.request_count == 0


def test_minor_edit_does_not_outdate_and_is_logged(mt_app, fake):
    article_id = _write(mt_app, paragraphs(3))
    _draft(mt_app, article_id)
    with mt_app.app_context():
        article = db.session.get(Article, article_id)
        body = article.source.body.replace("Paragrafi 2:", "Paragrafi 2 :")
        service.save_translation(article, "sq", {"body": body}, minor=True, user=SYSTEM)
        assert article.translation("mk").outdated_since is None
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "translation.saved").order_by(AuditEvent.id.desc())).first()
        assert event.detail["minor"] is True
        service.save_translation(article, "sq", {"body": body.replace("Paragrafi 3:", "Paragrafi III:")}, user=SYSTEM)
        assert article.translation("mk").outdated_since is not None
        db.session.commit()


def test_segment_editor_review_conflict_and_approval_gate(mt_app, fake, staff):
    article_id = _write(mt_app, paragraphs(2))
    _draft(mt_app, article_id)
    translator, editor = mt_app.test_client(), mt_app.test_client()
    _login(translator, staff["translator"])
    _login(editor, staff["editor"])
    # the demo translator works into sq and en; give them mk for this test
    with mt_app.app_context():
        user = db.session.scalar(select(User).where(User.role == "translator"))
        user.languages = "mk,en"
        db.session.commit()
    page = translator.get(f"/newsroom/articles/{article_id}/mk/translate")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "0 of 4 segments reviewed" in html or "0 nga 4" in html or "0 од 4" in html
    with mt_app.app_context():
        keys = [s.key for s in sync.source_segments(db.session.get(Article, article_id))]
        # the form shows inline markup as chips ([1]…[/1]), and a save sends them back
        sources = {s.key: s.source_text for s in sync.source_segments(db.session.get(Article, article_id))}
        texts = {
            k: inline.chip_target(t.target_text, inline.to_chips(sources[k]))
            for k, t in sync.translated_segments(db.session.get(Article, article_id).translation("mk")).items()
        }
    version = html.split('name="version" value="')[1].split('"')[0]
    form = {"version": version, **{f"t-{k}": texts[k] for k in keys}, **{f"r-{k}": "1" for k in keys[:2]}}
    form[f"t-{keys[0]}"] = "Собранието на Тетово го усвои буџетот"
    assert translator.post(f"/newsroom/articles/{article_id}/mk/translate", data=form).status_code == 302

    # an approval now is refused: two segments are unreviewed
    translator.post(f"/newsroom/articles/{article_id}/mk/submit")
    editor.post(f"/newsroom/articles/{article_id}/mk/approve")
    with mt_app.app_context():
        assert db.session.get(Article, article_id).translation("mk").status == "in_review"

    # a stale form is a conflict, and the text typed is kept
    stale = translator.post(f"/newsroom/articles/{article_id}/mk/translate", data={**form, f"t-{keys[1]}": "мој текст"})
    assert stale.status_code == 409
    assert "мој текст" in stale.get_data(as_text=True)

    # an editor may override, with a reason that is logged
    editor.post(f"/newsroom/articles/{article_id}/mk/approve", data={"reason": "Итна вест, ќе се провери подоцна"})
    with mt_app.app_context():
        translation = db.session.get(Article, article_id).translation("mk")
        assert translation.status == "approved"
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "translation.approve")).one()
        assert event.detail["override_reason"].startswith("Итна вест")
        assert event.detail["problems"]
        row = sync.translated_segments(translation)[keys[0]]
        assert row.origin == "human" and row.reviewed and row.machine_text
        # editors were told, in the app
        editors = db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == "translation_approved"))
        assert editors == 2  # admin and editor


def test_all_reviewed_translation_passes_the_gate(mt_app, fake, staff):
    article_id = _write(mt_app, ["Tetova ka 52.000 banorë."], headline="Tetova", lede="Qyteti.")
    _draft(mt_app, article_id, target="en")
    with mt_app.app_context():
        article = db.session.get(Article, article_id)
        keys = [s.key for s in sync.source_segments(article)]
        editor = db.session.scalar(select(User).where(User.role == "editor"))
        review.save_review(article, "en", {keys[0]: "Tetovo", keys[1]: "The town.", keys[2]: "Tetovo has 52,000 inhabitants."}, set(keys), user=editor, expected_revision=None)
        translation = article.translation("en")
        workflow.transition(translation, "submit", user=editor)
        assert review.approval_problems(translation) == []
        workflow.transition(translation, "approve", user=editor)
        assert translation.status == "approved"
        # a number changed in review is a blocking problem
        review.save_review(article, "en", {keys[2]: "Tetovo has 25,000 inhabitants."}, set(keys), user=editor, expected_revision=None)
        workflow.transition(translation, "return", user=editor)
        workflow.transition(translation, "submit", user=editor)
        assert review.approval_problems(translation)
        db.session.commit()


def test_xliff_round_trip_through_the_cli(mt_app, fake, runner, tmp_path):
    from translate.storage import xliff

    article_id = _write(mt_app, paragraphs(2))
    _draft(mt_app, article_id)
    path = tmp_path / "mk.xlf"
    result = runner.invoke(args=["xliff", "export", str(article_id), "--to", "mk", "-o", str(path)])
    assert result.exit_code == 0, result.output
    store = xliff.xlifffile.parsestring(path.read_bytes())
    units = [u for u in store.units if u.getid()]
    units[0].target = "Собранието на Тетово го усвои буџетот"
    path.write_bytes(bytes(store))
    result = runner.invoke(args=["xliff", "import", str(path)])
    assert result.exit_code == 0, result.output
    with mt_app.app_context():
        translation = db.session.get(Article, article_id).translation("mk")
        assert translation.headline == "Собранието на Тетово го усвои буџетот"
    # importing the same (now old) file again would overwrite a newer edit: refused
    again = runner.invoke(args=["xliff", "import", str(path)])
    assert again.exit_code != 0
    garbage = tmp_path / "bad.xlf"
    garbage.write_bytes(b"<xliff><oops")
    assert runner.invoke(args=["xliff", "import", str(garbage)]).exit_code != 0


def test_xliff_upload_reports_mismatches(mt_app, fake, staff):
    article_id = _write(mt_app, paragraphs(2))
    other_id = _write(mt_app, paragraphs(1), headline="Tjetër")
    _draft(mt_app, article_id)
    client = mt_app.test_client()
    _login(client, staff["editor"])
    exported = client.get(f"/newsroom/articles/{article_id}/mk/export.xliff").data
    wrong = client.post(
        f"/newsroom/articles/{other_id}/mk/import",
        data={"file": (io.BytesIO(exported), "a.xlf")}, content_type="multipart/form-data",
    )
    assert wrong.status_code == 422
    po = client.get(f"/newsroom/articles/{article_id}/mk/export.po").data
    assert b"msgctxt" in po
    ok = client.post(
        f"/newsroom/articles/{article_id}/mk/import",
        data={"file": (io.BytesIO(po), "a.po")}, content_type="multipart/form-data",
    )
    assert ok.status_code == 200


def test_translators_hear_when_their_source_changes(mt_app, fake, staff):
    article_id = _write(mt_app, paragraphs(1))
    _draft(mt_app, article_id, target="en")
    with mt_app.app_context():
        translator = db.session.scalar(select(User).where(User.role == "translator"))
        article = db.session.get(Article, article_id)
        keys = [s.key for s in sync.source_segments(article)]
        review.save_review(article, "en", {keys[0]: "The council approves the budget"}, set(), user=translator, expected_revision=None)
        service.save_translation(article, "sq", {"headline": "Kuvendi e rrëzon buxhetin"}, user=SYSTEM)
        notes = db.session.scalars(select(Notification).where(Notification.user_id == translator.id)).all()
        assert [n.kind for n in notes] == ["source_changed"]
        db.session.commit()


def test_outdated_notice_for_readers_and_the_site_switch(mt_app, fake, staff):
    article_id = _write(mt_app, paragraphs(1))
    _draft(mt_app, article_id, target="en")
    with mt_app.app_context():
        article = db.session.get(Article, article_id)
        en = article.translation("en")
        en.status = "approved"  # test shortcut past review; publication itself uses the workflow
        db.session.commit()
        workflow.transition(en, "publish", user=SYSTEM)
        service.save_translation(article, "sq", {"lede": "Një hyrje e re."}, user=SYSTEM)
        url = f"/en/a/{en.slug}"
        db.session.commit()
    client = mt_app.test_client()
    html = client.get(url).get_data(as_text=True)
    assert "has been updated since this translation was made" in html
    from bv.settings import set_setting

    with mt_app.app_context():
        set_setting("show_outdated_notice", "0")
        db.session.commit()
    assert "has been updated since" not in client.get(url).get_data(as_text=True)


def test_dashboard_shows_coverage_staleness_and_quality(mt_app, fake, staff):
    article_id = _write(mt_app, paragraphs(2))
    _draft(mt_app, article_id)
    with mt_app.app_context():
        article = db.session.get(Article, article_id)
        keys = [s.key for s in sync.source_segments(article)]
        editor = db.session.scalar(select(User).where(User.role == "editor"))
        done = sync.translated_segments(article.translation("mk"))
        review.save_review(article, "mk", {k: done[k].target_text for k in keys}, set(keys), user=editor, expected_revision=None)
        service.save_translation(article, "sq", {"headline": "Titull i ri për testin"}, user=SYSTEM)
        db.session.commit()
    client = mt_app.test_client()
    _login(client, staff["editor"])
    html = client.get("/newsroom/dashboard").get_data(as_text=True)
    assert "<svg" in html and 'class="coverage"' in html
    assert "status-outdated" in html
    assert "libretranslate" in html and "100%" in html
    filtered = client.get("/newsroom/dashboard?outdated=1&lang=mk").get_data(as_text=True)
    assert "Titull i ri për testin" in filtered


def test_glossary_is_enforced_and_checked(mt_app, fake, staff):
    with mt_app.app_context():
        db.session.add(GlossaryTerm(source_locale="sq", target_locale="mk", term="Tetovës", translation="Тетово"))
        db.session.commit()
    article_id = _write(mt_app, ["Qendra e Tetovës ka park të ri."], headline="Park", lede="Park i ri.")
    _draft(mt_app, article_id)
    with mt_app.app_context():
        article = db.session.get(Article, article_id)
        rows = review.rows_for(article, "mk", with_matches=False)
        body = next(r for r in rows if r.source.kind == "paragraph")
        assert "Тетово" in body.text
        rows = review.rows_for(article, "mk", submitted={body.source.key: "Центарот има нов парк."}, with_matches=False)
        body = next(r for r in rows if r.source.kind == "paragraph")
        assert any(p.code.startswith("glossary") for p in body.problems)


def test_mt_cli(mt_app, fake, runner):
    article_id = _write(mt_app, paragraphs(2))
    result = runner.invoke(args=["mt", "draft", str(article_id), "--to", "en", "--provider", "libretranslate"])
    assert result.exit_code == 0, result.output
    assert "segments sent in 1 requests" in result.output
    result = runner.invoke(args=["mt", "draft", "--all-missing"])
    assert result.exit_code == 0, result.output
    assert "1 drafts made" in result.output
    with mt_app.app_context():
        assert {t.locale for t in db.session.get(Article, article_id).translations} == {"sq", "en", "mk"}
        assert db.session.scalar(select(func.count(TranslatedSegment.id))) > 0
    bad = runner.invoke(args=["mt", "draft", str(article_id), "--to", "sq"])
    assert bad.exit_code != 0


def test_mt_cli_fails_when_segments_fail(mt_app, fake, runner):
    """A provider that drops placeholders leaves segments empty: the command must not say 0."""
    article_id = _write(mt_app, ["Një **fjalë** e [lidhje](https://x.mk)."])
    fake.placeholders = "drop"
    result = runner.invoke(args=["mt", "draft", str(article_id), "--to", "en",
                                 "--provider", "libretranslate"])
    assert result.exit_code != 0, result.output
    assert "could not be translated" in result.output


@pytest.fixture
def smtp_server():
    """A local SMTP server that keeps what it receives."""
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, handler
    controller.stop()


def test_approval_e_mails_editors_in_their_language(mt_app, fake, staff, smtp_server):
    import email

    controller, handler = smtp_server
    mt_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    article_id = _write(mt_app, ["Tetova ka park."], headline="Park", lede="Park i ri.")
    _draft(mt_app, article_id, target="en")
    with mt_app.app_context():
        editor = db.session.scalar(select(User).where(User.role == "editor"))
        editor.ui_locale = "mk"
        db.session.commit()
        article = db.session.get(Article, article_id)
        translation = article.translation("en")
        workflow.transition(translation, "submit", user=SYSTEM)
        workflow.transition(translation, "approve", user=editor, override_reason="test")
        db.session.commit()
    recipients = sorted(addr for m in handler.messages for addr in m.rcpt_tos)
    assert recipients == sorted([staff["admin"], staff["editor"]])
    to_editor = next(m for m in handler.messages if staff["editor"] in m.rcpt_tos)
    message = email.message_from_bytes(to_editor.content)
    subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
    assert subject.startswith("Преводот е одобрен") or "одобрен" in subject
    assert "/newsroom/articles/" in message.get_payload(decode=True).decode()


def test_publishing_a_source_can_draft_every_missing_language(mt_app, fake, staff):
    from bv.settings import set_setting

    with mt_app.app_context():
        set_setting("auto_machine_drafts", "1")
        db.session.commit()
    article_id = _write(mt_app, ["Tetova ka park të ri."], headline="Park", lede="Park i ri.")
    with mt_app.app_context():
        article = db.session.get(Article, article_id)
        assert {t.locale for t in article.translations} == {"sq", "mk", "en"}
        assert all(t.status == "draft" for t in article.translations if t.locale != "sq")
        jobs = db.session.scalars(select(Job)).all()
        assert sorted(j.payload["target"] for j in jobs) == ["en", "mk"]
        assert all(j.status == "done" for j in jobs)


def test_editor_offers_fuzzy_memory_matches_with_scores(mt_app, fake, staff):
    from bv.translation.store import remember

    with mt_app.app_context():
        remember("sq", "mk", "Kuvendi i Tetovës miratoi buxhetin për vitin e ardhshëm.", "Собранието на Тетово го усвои буџетот за следната година.", "human", None)
        db.session.commit()
        db.session.commit()
    article_id = _write(mt_app, ["Kuvendi i Tetovës miratoi buxhetin për vitin që vjen."], headline="Buxheti", lede="Seanca.")
    client = mt_app.test_client()
    _login(client, staff["editor"])
    html = client.get(f"/newsroom/articles/{article_id}/mk/translate").get_data(as_text=True)
    assert "Собранието на Тетово го усвои буџетот за следната година." in html
    assert 'class="score"' in html
