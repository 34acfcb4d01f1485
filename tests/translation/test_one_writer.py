"""One writer per piece of state: the holes that several writers left open, closed for good."""

from __future__ import annotations

from sqlalchemy import select

from bv import events
from bv.accounts.models import User
from bv.accounts.permissions import SYSTEM
from bv.articles import service, workflow
from bv.articles.models import Article
from bv.audit.models import AuditEvent
from bv.extensions import db
from bv.translation import files, sync
from bv.translation.memory import lookup_exact
from bv.translation.models import TranslatedSegment
from tests.translation.fake_providers import point_at
from tests.translation.stories import login, run_draft, write

SOURCE = {
    "headline": "Komuna ndan fonde për shkollat",
    "lede": "Këshilli miratoi planin.",
    "body": "Komuna ka 8 milionë euro për shkollat.\n\nPunimet nisin në pranverë.",
}
TARGET = {
    "headline": "Општината одвојува средства за училиштата",
    "lede": "Советот го усвои планот.",
    "body": "Општината има 8 милиони евра за училиштата.\n\nРаботите почнуваат напролет.",
}


def _user(role):
    return db.session.scalar(select(User).where(User.role == role))


def _published_pair(app, *, target_locale="mk", target=None) -> int:
    """A published sq source with a reviewed, approved and published translation."""
    with app.app_context():
        editor = _user("editor")
        article = service.create_article(source_locale="sq", author=editor)
        source = service.save_translation(article, "sq", SOURCE, user=editor)
        workflow.transition(source, "publish", user=editor)
        translation = service.save_translation(
            article, target_locale, target or TARGET, user=editor, segments_reviewed=True
        )
        workflow.transition(translation, "submit", user=editor)
        workflow.transition(translation, "approve", user=editor)
        workflow.transition(translation, "publish", user=editor)
        db.session.commit()
        return article.id


def _approved_sq_translation(app, *, publish=False) -> tuple[int, str]:
    """A published mk source with an approved (or published) sq translation: (id, sq slug)."""
    with app.app_context():
        editor = _user("editor")
        article = service.create_article(source_locale="mk", author=editor)
        source = service.save_translation(article, "mk", TARGET, user=editor)
        workflow.transition(source, "publish", user=editor)
        sq = service.save_translation(article, "sq", SOURCE, user=editor, segments_reviewed=True)
        for action in ("submit", "approve") + (("publish",) if publish else ()):
            workflow.transition(sq, action, user=editor)
        db.session.commit()
        return article.id, sq.slug


def _segment_form(client, article_id, locale, texts, reviewed=()):
    page = client.get(f"/newsroom/articles/{article_id}/{locale}/translate")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    version = html.split('name="version" value="', 1)[1].split('"', 1)[0]
    data = {"version": version}
    for key, text in texts.items():
        data[f"t-{key}"] = text
    for key in reviewed:
        data[f"r-{key}"] = "1"
    return client.post(f"/newsroom/articles/{article_id}/{locale}/translate", data=data,
                       follow_redirects=True)


def test_an_editors_segment_save_with_a_blocking_problem_waits_and_says_why(app, staff):
    """Hole 1: the segment editor was a quiet way around the approval gate."""
    article_id = _published_pair(app, target_locale="en", target={
        "headline": "The town sets money aside for schools",
        "lede": "The council approved the plan.",
        "body": "The town has 8 million euros for schools.\n\nWork starts in spring.",
    })
    editor = app.test_client()
    login(editor, staff["editor"])
    cyrillic = "Работите почнуваат напролет во сите училишта."
    response = _segment_form(editor, article_id, "en", {"b2": cyrillic}, reviewed=["b2"])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "lexuesit shohin ende tekstin e publikuar" in page
    with app.app_context():
        translation = db.session.get(Article, article_id).translation("en")
        assert translation.status == "published"
        assert translation.has_pending_changes
        assert cyrillic not in translation.live_body_html
        held = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "translation.held"))
        assert held is not None and held.detail["problems"]
        slug = translation.slug
    reader = app.test_client().get(f"/en/a/{slug}").get_data(as_text=True)
    assert "Work starts in spring." in reader and cyrillic not in reader

    # publishing the held changes goes through the gate: it needs a written reason
    blocked = editor.post(f"/newsroom/articles/{article_id}/en/publish", follow_redirects=True)
    assert "Работите" not in app.test_client().get(f"/en/a/{slug}").get_data(as_text=True)
    assert blocked.status_code == 200
    editor.post(f"/newsroom/articles/{article_id}/en/publish",
                data={"reason": "a quotation kept in the original"})
    assert cyrillic in app.test_client().get(f"/en/a/{slug}").get_data(as_text=True)


def test_a_clean_editors_segment_save_still_goes_live(app, staff):
    article_id = _published_pair(app)
    editor = app.test_client()
    login(editor, staff["editor"])
    text = "Работите почнуваат во март."
    _segment_form(editor, article_id, "mk", {"b2": text}, reviewed=["b2"])
    with app.app_context():
        translation = db.session.get(Article, article_id).translation("mk")
        assert not translation.has_pending_changes
        assert text in translation.live_body_html


def test_a_translators_save_after_approval_reopens_through_the_workflow(app, staff):
    """Hole 2: the status moved without transition(); the article page named the approver."""
    article_id, _slug = _approved_sq_translation(app)
    seen = []

    def listen(sender, **kwargs):
        seen.append((sender.locale, kwargs["action"]))

    events.status_changed.connect(listen)
    try:
        translator = app.test_client()
        login(translator, staff["translator"])
        _segment_form(translator, article_id, "sq", {"lede": "Këshilli e miratoi planin sot."})
    finally:
        events.status_changed.disconnect(listen)
    with app.app_context():
        sq = db.session.get(Article, article_id).translation("sq")
        translator_user = _user("translator")
        assert sq.status == "in_review"
        assert sq.status_changed_by_id == translator_user.id
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "translation.reopen"))
        assert event.user_id == translator_user.id and event.detail["from"] == "approved"
    assert ("sq", "reopen") in seen


def test_the_whole_text_form_teaches_the_memory(app, staff):
    """Hole 3: only the segment editor fed the memory."""
    with app.app_context():
        editor = _user("editor")
        article = service.create_article(source_locale="sq", author=editor)
        service.save_translation(article, "sq", SOURCE, user=editor)
        db.session.commit()
        article_id = article.id
    translator = app.test_client()
    login(translator, staff["editor"])
    page = translator.get(f"/newsroom/articles/{article_id}/mk/edit")
    assert page.status_code == 200
    response = translator.post(f"/newsroom/articles/{article_id}/mk/edit", data={
        "version": "0", "slug": "", "note": "", "image_alt": "", "image_caption": "", **TARGET})
    assert response.status_code == 302
    with app.app_context():
        learnt = lookup_exact("sq", "mk", [SOURCE["lede"], "Punimet nisin në pranverë."])
        assert learnt[SOURCE["lede"]].target_text == TARGET["lede"]
        assert learnt["Punimet nisin në pranverë."].origin == "human"


def test_an_import_made_from_an_older_source_pairs_memory_with_that_source(app, staff):
    """Hole 4: memory held the new source paired with the old target."""
    article_id = _published_pair(app)
    editor = app.test_client()
    login(editor, staff["editor"])
    exported = editor.get(f"/newsroom/articles/{article_id}/mk/export.xliff").data
    with app.app_context():
        article = db.session.get(Article, article_id)
        changed = dict(SOURCE, body=SOURCE["body"].replace("8 milionë", "9 milionë"))
        service.save_translation(article, "sq", changed, user=_user("editor"))
        db.session.commit()
    polished = "Општината има 8 милиони евра за сите училишта."
    offline = exported.replace(
        "Општината има 8 милиони евра за училиштата.".encode(), polished.encode())
    assert offline != exported
    with app.app_context():
        article = db.session.get(Article, article_id)
        report = files.import_file(article, "mk", offline, "old.xlf", user=_user("editor"))
        assert not report.blocked
        db.session.commit()
        new_source = "Komuna ka 9 milionë euro për shkollat."
        old_source = "Komuna ka 8 milionë euro për shkollat."
        memory = lookup_exact("sq", "mk", [new_source, old_source])
        assert new_source not in memory, "a target may only be paired with its own source"
        assert memory[old_source].target_text == polished
        # the segment stays outdated: it was made from the old text
        translation = article.translation("mk")
        assert "b1" in sync.stale_keys(translation)


def test_a_machine_draft_is_credited_to_its_provider(app, staff, fake):
    """Hole 5: the article page credited the editor who asked with the machine's text."""
    app.config.update(point_at(fake))
    article_id = write(app, ["Punimet nisin në pranverë."])
    job = run_draft(app, article_id, "mk")
    assert job.status == "done", job.error
    with app.app_context():
        translation = db.session.get(Article, article_id).translation("mk")
        assert translation.updated_by_id is None
        assert translation.updated_via == "libretranslate"
        assert translation.revisions[-1].author_id is None
        rows = db.session.scalars(select(TranslatedSegment).where(
            TranslatedSegment.translation_id == translation.id)).all()
        assert rows and all(r.updated_by_id is None for r in rows)
        assert {r.provider for r in rows if r.origin == "machine"} == {"libretranslate"}


def test_a_translator_cannot_move_a_published_address_without_an_editor(app, staff):
    """Issue 8: a slug change through 'edit as a whole' went live at once."""
    article_id, old_slug = _approved_sq_translation(app, publish=True)
    translator = app.test_client()
    login(translator, staff["translator"])
    translator.post(f"/newsroom/articles/{article_id}/sq/edit", data={
        "version": "1", "note": "", "image_alt": "", "image_caption": "", **SOURCE,
        "slug": "adrese-e-re"})
    reader = app.test_client()
    assert reader.get(f"/sq/a/{old_slug}").status_code == 200
    assert reader.get("/sq/a/adrese-e-re").status_code == 404
    with app.app_context():
        sq = db.session.get(Article, article_id).translation("sq")
        assert sq.slug == old_slug and sq.pending_slug == "adrese-e-re"
        assert sq.has_pending_changes
        workflow.transition(sq, "publish", user=_user("editor"))
        db.session.commit()
    assert reader.get("/sq/a/adrese-e-re").status_code == 200
    moved = reader.get(f"/sq/a/{old_slug}")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/sq/a/adrese-e-re")


def test_the_system_actor_and_nobody(app):
    from bv.accounts.permissions import TRANSLATION_ACTIONS, can

    for action in TRANSLATION_ACTIONS:
        assert can(SYSTEM, action, locale="sq")
        assert not can(None, action, locale="sq")
