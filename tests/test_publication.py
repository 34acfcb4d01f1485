"""What readers see: a save over a published version by someone who may not publish waits."""

from sqlalchemy import select

from bv.accounts.models import User
from bv.accounts.permissions import SYSTEM
from bv.articles import service, workflow
from bv.articles.models import Article
from bv.audit.models import AuditEvent
from bv.extensions import db
from tests.test_newsroom_writing import _edit_form, _login


def _user(role):
    return db.session.scalar(select(User).where(User.role == role))


def _publish_sq_translation(app, article_id):
    """Publish the sq translation of the author's mk story, as the system would."""
    with app.app_context():
        article = db.session.get(Article, article_id)
        workflow.transition(article.translation("mk"), "publish", user=SYSTEM)
        sq = article.translation("sq")
        service.save_translation(
            article, "sq", {"headline": "Park i ri në Tetovë", "lede": "Komuna ndërton park.",
                            "body": "Tekst."}, user=SYSTEM,
        )
        workflow.transition(sq, "submit", user=SYSTEM)
        workflow.transition(sq, "approve", user=SYSTEM, override_reason="test setup")
        workflow.transition(sq, "publish", user=SYSTEM)
        return sq.slug


def _save(client, article_id, locale, headline, **extra):
    version = _edit_form(client, article_id, locale)
    data = {"version": version, "headline": headline, "lede": "Përmbledhje.", "body": "Tekst.",
            "image_alt": "", "image_caption": "", "slug": "", "note": "", **extra}
    return client.post(f"/newsroom/articles/{article_id}/{locale}/edit", data=data)


def test_a_translators_save_waits_until_an_editor_publishes_it(app, staff, stories):
    slug = _publish_sq_translation(app, stories["own"])
    translator, editor, reader = app.test_client(), app.test_client(), app.test_client()
    _login(translator, staff["translator"])
    _login(editor, staff["editor"])

    assert _save(translator, stories["own"], "sq", "Parku i ri hapet në pranverë").status_code == 302
    page = reader.get(f"/sq/a/{slug}").get_data(as_text=True)
    assert "Park i ri në Tetovë" in page and "hapet në pranverë" not in page
    assert "ndryshime në pritje të publikimit" in editor.get(
        f"/newsroom/articles/{stories['own']}").get_data(as_text=True)
    assert "Parku i ri hapet" in editor.get("/newsroom/").get_data(as_text=True), (
        "the editor's home lists changes waiting"
    )
    # a translator never publishes, not even changes
    assert translator.post(
        f"/newsroom/articles/{stories['own']}/sq/publish").status_code == 403

    response = editor.post(
        f"/newsroom/articles/{stories['own']}/sq/publish", data={"reason": "checked by hand"}
    )
    assert response.status_code == 302
    page = reader.get(f"/sq/a/{slug}").get_data(as_text=True)
    assert "Parku i ri hapet në pranverë" in page
    with app.app_context():
        t = db.session.get(Article, stories["own"]).translation("sq")
        assert t.status == "published" and not t.has_pending_changes
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "translation.publish")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event.detail.get("changes") is True


def test_publishing_changes_to_a_translation_goes_through_the_approval_gate(app, staff, stories):
    _publish_sq_translation(app, stories["own"])
    with app.app_context():
        article = db.session.get(Article, stories["own"])
        service.save_translation(
            article, "sq", {"headline": "Park", "lede": "", "body": "Tekst."}, user=_user("translator")
        )
        sq = article.translation("sq")
        assert sq.has_pending_changes
        problems = []
        workflow.approval_checks.append(lambda t: problems)
        try:
            problems.append("a segment is not reviewed")
            try:
                workflow.transition(sq, "publish", user=_user("editor"))
            except workflow.TransitionError as error:
                assert error.code == "approval_blocked"
            else:
                raise AssertionError("the gate did not run")
            workflow.transition(sq, "publish", user=_user("editor"), override_reason="urgent fix")
            assert sq.live_headline == "Park"
        finally:
            workflow.approval_checks.pop()


def test_an_editors_save_of_a_published_version_goes_live_at_once(app, staff, stories):
    editor, reader = app.test_client(), app.test_client()
    _login(editor, staff["editor"])
    assert _save(editor, stories["other"], "sq", "Buxheti i ri u miratua",
                 category="0", tags="", byline="Redaksia").status_code == 302
    with app.app_context():
        t = db.session.get(Article, stories["other"]).translation("sq")
        assert t.live_headline == "Buxheti i ri u miratua" and not t.has_pending_changes
        slug = t.slug
    assert "Buxheti i ri u miratua" in reader.get(f"/sq/a/{slug}").get_data(as_text=True)


def test_an_authors_edit_of_their_published_source_waits_and_no_publish_button(app, staff, stories):
    with app.app_context():
        article = db.session.get(Article, stories["own"])
        workflow.transition(article.translation("mk"), "publish", user=SYSTEM)
        slug = article.translation("mk").slug
    author, reader = app.test_client(), app.test_client()
    _login(author, staff["author"])
    assert _save(author, stories["own"], "mk", "Паркот се отвора во мај",
                 category="0", tags="", byline="Ана").status_code == 302
    assert "Нов парк во Тетово" in reader.get(f"/mk/a/{slug}").get_data(as_text=True)
    html = author.get(f"/newsroom/articles/{stories['own']}").get_data(as_text=True)
    assert "ndryshime në pritje të publikimit" in html
    assert "/mk/publish" not in html


def test_changing_an_approved_translation_sends_it_back_to_review(app, staff, stories):
    with app.app_context():
        article = db.session.get(Article, stories["own"])
        sq = article.translation("sq")
        workflow.transition(sq, "submit", user=SYSTEM)
        workflow.transition(sq, "approve", user=SYSTEM, override_reason="test setup")
        service.save_translation(
            article, "sq", {"headline": "Park i ri, i ndryshuar"}, user=_user("translator")
        )
        assert sq.status == "in_review"
        assert db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "translation.reopened")
        ) is not None
        # saving the same text again changes nothing
        workflow.transition(sq, "approve", user=SYSTEM, override_reason="again")
        service.save_translation(
            article, "sq", {"headline": "Park i ri, i ndryshuar"}, user=_user("translator")
        )
        assert sq.status == "approved"


def test_a_source_edit_marks_what_readers_see_as_stale_until_the_fix_is_published(
    app, staff, stories
):
    _publish_sq_translation(app, stories["own"])
    with app.app_context():
        article = db.session.get(Article, stories["own"])
        service.save_translation(
            article, "mk", {"headline": "Нов парк во Тетово", "lede": "Општината гради голем парк.",
                            "body": "Текст."}, user=_user("editor"),
        )
        sq = article.translation("sq")
        assert sq.outdated_since is not None and sq.live_outdated_since is not None


def test_the_person_saving_is_told_their_changes_wait_and_pictures_are_not_shown(
    app, staff, stories
):
    with app.app_context():
        article = db.session.get(Article, stories["own"])
        workflow.transition(article.translation("mk"), "publish", user=SYSTEM)
    author = app.test_client()
    _login(author, staff["author"])
    response = _save(author, stories["own"], "mk", "Паркот се отвора во мај",
                     category="0", tags="", byline="Ана", body="Текст.\n\n![парк](https://example.org/p.jpg)")
    assert response.status_code == 302
    html = author.get(response.headers["Location"]).get_data(as_text=True)
    assert "flash-info" in html and html.count("flash-info") == 2
