"""What the segment editor and file imports refuse, and how whole-text edits reach the segments."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from bv.accounts.models import User
from bv.accounts.permissions import SYSTEM
from bv.articles import service, workflow
from bv.articles.models import Article, ArticleTranslation
from bv.extensions import db
from bv.newsroom.forms import HEADLINE_MAX
from bv.notifications.models import Notification
from bv.translation import review, sync
from bv.translation.models import TranslatedSegment
from tests.translation.fake_providers import article as paragraphs
from tests.translation.stories import editor as _editor
from tests.translation.stories import english_desk, run_draft
from tests.translation.stories import login as _login
from tests.translation.stories import segments as _segments
from tests.translation.stories import write as _write


def _draft(app, article_id, target="mk"):
    job = run_draft(app, article_id, target)
    assert job.status == "done", job.error
    return job.id


def _publish(app, article_id, locale="mk"):
    with app.app_context():
        translation = db.session.get(Article, article_id).translation(locale)
        workflow.transition(translation, "submit", user=_editor())
        workflow.transition(translation, "approve", user=_editor(), override_reason="test setup")
        workflow.transition(translation, "publish", user=_editor())
        db.session.commit()


def _review_all(article, locale):
    """Tick every segment reviewed, as it is."""
    done = sync.translated_segments(article.translation(locale))
    review.save_review(article, locale, {k: t.target_text for k, t in done.items()}, set(done),
                       user=_editor(), expected_revision=None)
    assert all(t.reviewed for t in sync.translated_segments(article.translation(locale)).values())


@pytest.fixture
def mt_app(app, fake, staff):
    return english_desk(app, fake)


@pytest.fixture
def published(mt_app):
    """A published sq story (headline, lede, two paragraphs) with a published mk draft."""
    article_id = _write(mt_app, paragraphs(2))
    _draft(mt_app, article_id)
    _publish(mt_app, article_id)
    return article_id


def _editor_page(client, article_id, locale="mk"):
    page = client.get(f"/newsroom/articles/{article_id}/{locale}/translate")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return html, html.split('name="version" value="')[1].split('"')[0]


def _tags(app, article_id, key):
    """Every tag (chip) of a source segment, as text a translation may end with, and the
    length of the Markdown it restores to: the editor refuses a text that drops one."""
    from bv.translation import inline

    with app.app_context():
        article = db.session.get(Article, article_id)
        source = next(s for s in sync.source_segments(article) if s.key == key)
        chips = inline.to_chips(source.source_text)
    suffix = "".join(
        f" [{t.id}]x[/{t.id}]" if t.paired else f" [{t.id}/]" for t in chips.tags.values()
    )
    return suffix, len(inline.from_chips(suffix, chips))


# the segment editor


def test_a_form_with_one_segment_changes_only_that_segment(mt_app, published, staff):
    before = _segments(mt_app, published)
    client = mt_app.test_client()
    _login(client, staff["translator"])
    _html, version = _editor_page(client, published)
    tags, _length = _tags(mt_app, published, "b1")
    response = client.post(f"/newsroom/articles/{published}/mk/translate",
                           data={"version": version, "t-b1": "Нов прв пасус." + tags})
    assert response.status_code == 302
    after = _segments(mt_app, published)
    assert after["b1"].startswith("Нов прв пасус.")
    assert {k: v for k, v in after.items() if k != "b1"} == {
        k: v for k, v in before.items() if k != "b1"}
    assert all(after[k].strip() for k in ("headline", "lede", "b2"))
    with mt_app.app_context():
        translation = db.session.get(Article, published).translation("mk")
        assert translation.headline == before["headline"]


@pytest.mark.parametrize("status", ["draft", "published"])
def test_an_empty_headline_is_refused_and_the_text_kept(mt_app, staff, status):
    article_id = _write(mt_app, paragraphs(1))
    _draft(mt_app, article_id)
    if status == "published":
        _publish(mt_app, article_id)
    before = _segments(mt_app, article_id)
    client = mt_app.test_client()
    _login(client, staff["translator"])
    _html, version = _editor_page(client, article_id)
    tags, _length = _tags(mt_app, article_id, "b1")
    response = client.post(f"/newsroom/articles/{article_id}/mk/translate", data={
        "version": version, "t-headline": "  ", "t-b1": "Мојот преведен пасус." + tags,
    })
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "needs a headline" in html
    assert "Мојот преведен пасус." in html
    assert _segments(mt_app, article_id) == before


def test_emptying_segments_of_a_published_translation_is_refused(mt_app, published, staff):
    before = _segments(mt_app, published)
    client = mt_app.test_client()
    _login(client, staff["translator"])
    _html, version = _editor_page(client, published)
    tags, _length = _tags(mt_app, published, "b2")
    response = client.post(f"/newsroom/articles/{published}/mk/translate", data={
        "version": version, "t-b1": "", "t-b2": "Нов втор пасус." + tags, "r-b2": "1",
    })
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "1 segment was emptied" in html
    assert "Нов втор пасус." in html
    assert 'name="r-b2" value="1" checked' in html, "the reviewed tick is kept too"
    assert _segments(mt_app, published) == before


def test_a_draft_may_still_lose_a_segment(mt_app, staff):
    article_id = _write(mt_app, paragraphs(2))
    _draft(mt_app, article_id)
    client = mt_app.test_client()
    _login(client, staff["translator"])
    _html, version = _editor_page(client, article_id)
    response = client.post(f"/newsroom/articles/{article_id}/mk/translate",
                           data={"version": version, "t-b2": ""})
    assert response.status_code == 302
    assert _segments(mt_app, article_id)["b2"] == ""


@pytest.mark.parametrize(("key", "limit"), [("headline", HEADLINE_MAX), ("b1", 10_000)])
def test_segments_are_held_to_their_fields_length(mt_app, published, staff, key, limit):
    before = _segments(mt_app, published)
    client = mt_app.test_client()
    _login(client, staff["translator"])
    html, version = _editor_page(client, published)
    assert f'data-max="{HEADLINE_MAX}"' in html
    tags, length = _tags(mt_app, published, key)
    typed = "ж" * (limit + 1 - length) + tags
    response = client.post(f"/newsroom/articles/{published}/mk/translate",
                           data={"version": version, f"t-{key}": typed})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "longer than its field allows" in html
    assert typed in html
    assert f"at most {limit} fit" in html
    assert _segments(mt_app, published) == before
    # exactly at the limit is fine
    response = client.post(f"/newsroom/articles/{published}/mk/translate",
                           data={"version": version, f"t-{key}": "ж" * (limit - length) + tags})
    assert response.status_code == 302


def test_machine_draft_missing_refuses_non_ascii_digits(mt_app, staff):
    client = mt_app.test_client()
    _login(client, staff["editor"])
    response = client.post("/newsroom/machine-draft-missing", data={"article": ["²", "٣"]})
    assert response.status_code == 302
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Choose at least one article." in follow


# whole-text edits (the plain form) and the segments


def test_a_plain_edit_with_another_body_structure_still_reaches_the_segments(mt_app, staff):
    article_id = _write(mt_app, paragraphs(2))
    _draft(mt_app, article_id)
    with mt_app.app_context():
        article = db.session.get(Article, article_id)
        _review_all(article, "mk")
        translator = db.session.scalar(select(User).where(User.role == "translator"))
        # one paragraph where the original has two: the body cannot be aligned
        service.save_translation(article, "mk", {
            "headline": "Собранието на Тетово го усвои буџетот",
            "lede": "Седницата траеше.",
            "body": "Само еден пасус наместо два.",
        }, user=translator)
        translation = article.translation("mk")
        done = sync.translated_segments(translation)
        assert done["headline"].target_text == "Собранието на Тетово го усвои буџетот"
        assert done["lede"].target_text == "Седницата траеше."
        assert not done["headline"].reviewed, "changed in the plain form: no longer reviewed"
        assert sync.body_mismatch(translation)
        problems = review.approval_problems(translation)
        assert str(review.BODY_MISMATCH) in problems
        workflow.transition(translation, "submit", user=translator)
        with pytest.raises(workflow.TransitionError):
            workflow.transition(translation, "approve", user=_editor())
        db.session.commit()
    client = mt_app.test_client()
    _login(client, staff["translator"])
    html, version = _editor_page(client, article_id)
    assert "does not match its segments" in html
    assert "Само еден пасус наместо два." in html, "the text as saved is shown"
    assert "Собранието на Тетово го усвои буџетот</textarea>" in html
    # saving from the segment editor puts the body back in step
    assert client.post(f"/newsroom/articles/{article_id}/mk/translate",
                       data={"version": version}).status_code == 302
    with mt_app.app_context():
        assert not sync.body_mismatch(db.session.get(Article, article_id).translation("mk"))


def test_a_plain_edit_with_the_same_structure_adopts_every_segment(mt_app, staff):
    article_id = _write(mt_app, paragraphs(2))
    _draft(mt_app, article_id)
    with mt_app.app_context():
        article = db.session.get(Article, article_id)
        _review_all(article, "mk")
        translation = article.translation("mk")
        body = translation.body.split("\n\n")
        body[1] = "Вториот пасус, поправен."
        service.save_translation(article, "mk", {"body": "\n\n".join(body)}, user=_editor())
        done = sync.translated_segments(translation)
        assert done["b2"].target_text == "Вториот пасус, поправен."
        assert not done["b2"].reviewed
        assert done["b1"].reviewed, "an unchanged segment keeps its mark"
        assert not sync.body_mismatch(translation)
        db.session.commit()


def test_later_source_changes_are_told_once_each_but_not_minor_ones(mt_app, staff):
    article_id = _write(mt_app, paragraphs(1))
    _draft(mt_app, article_id, target="en")
    with mt_app.app_context():
        translator = db.session.scalar(select(User).where(User.role == "translator"))
        article = db.session.get(Article, article_id)
        review.save_review(article, "en", {"headline": "The council approves the budget"},
                           set(), user=translator, expected_revision=None)

        def told():
            return db.session.scalar(select(func.count(Notification.id)).where(
                Notification.user_id == translator.id, Notification.kind == "source_changed"))

        service.save_translation(article, "sq", {"headline": "Kuvendi e rrëzon buxhetin"}, user=SYSTEM)
        assert told() == 1
        service.save_translation(article, "sq", {"headline": "Kuvendi e shtyn buxhetin"}, user=SYSTEM)
        assert told() == 2, "a second change is news as well"
        service.save_translation(article, "sq", {"headline": "Kuvendi e shtyn buxhetin."},
                                 minor=True, user=SYSTEM)
        assert told() == 2, "a typo fix is not"
        # the translator's own save re-checks staleness: nobody is told again
        assert sync.refresh_outdated(article) == []
        review.save_review(article, "en", {"lede": "The session was long."}, set(),
                           user=translator, expected_revision=None)
        assert told() == 2
        db.session.commit()


# imports


def _export(client, article_id, locale, fmt="xliff") -> bytes:
    response = client.get(f"/newsroom/articles/{article_id}/{locale}/export.{fmt}")
    assert response.status_code == 200
    return response.data


def _retarget(data: bytes, *, target: str | None = None, source: str | None = None) -> bytes:
    if target:
        data = data.replace(b'target-language="mk"', f'target-language="{target}"'.encode())
    if source:
        data = data.replace(b'source-language="sq"', f'source-language="{source}"'.encode())
    return data


@pytest.mark.parametrize(("change", "message"), [
    ({"target": "sq"}, "gjuhën në të cilën u shkrua artikulli"),
    ({"target": "de"}, "gjuhë në të cilën kjo faqe nuk publikon"),
    ({"source": "en"}, "por artikulli u shkrua në"),
])
def test_cli_import_holds_the_files_languages_to_the_article(mt_app, staff, runner, tmp_path,
                                                             change, message):
    article_id = _write(mt_app, paragraphs(1))
    _draft(mt_app, article_id)
    client = mt_app.test_client()
    _login(client, staff["editor"])
    path = tmp_path / "file.xlf"
    path.write_bytes(_retarget(_export(client, article_id, "mk"), **change))
    with mt_app.app_context():
        before = db.session.get(Article, article_id).source.headline
    result = runner.invoke(args=["xliff", "import", str(path)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert message in result.output
    with mt_app.app_context():
        article = db.session.get(Article, article_id)
        assert article.source.headline == before
        assert {t.locale for t in article.translations} == {"sq", "mk"}
        assert db.session.scalar(select(func.count(ArticleTranslation.id)).where(
            ArticleTranslation.locale == "de")) == 0


def test_upload_holds_the_files_languages_to_the_article(mt_app, staff):
    article_id = _write(mt_app, paragraphs(1))
    _draft(mt_app, article_id)
    client = mt_app.test_client()
    _login(client, staff["editor"])
    data = _retarget(_export(client, article_id, "mk"), target="de")
    response = client.post(f"/newsroom/articles/{article_id}/mk/import",
                           data={"file": (io.BytesIO(data), "a.xlf")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "a language this site does not publish in" in response.get_data(as_text=True)


def _with_target(data: bytes, key: str, text: str) -> bytes:
    from translate.storage import xliff

    store = xliff.xlifffile.parsestring(data)
    for unit in store.units:
        if unit.xmlelement.get("resname") == key:
            # a CAT tool writes a whole new target: drop the exported one's inline codes too
            target = unit.getlanguageNode(lang=None, index=1)
            if target is not None:
                for child in list(target):
                    target.remove(child)
            unit.target = text
    return bytes(store)


def test_an_overlong_segment_in_an_upload_is_a_mismatch(mt_app, staff):
    article_id = _write(mt_app, paragraphs(1))
    _draft(mt_app, article_id)
    before = _segments(mt_app, article_id)
    client = mt_app.test_client()
    _login(client, staff["editor"])
    for key, length in (("b1", 10_001), ("headline", HEADLINE_MAX + 1)):
        data = _with_target(_export(client, article_id, "mk"), key, "ж" * length)
        response = client.post(f"/newsroom/articles/{article_id}/mk/import",
                               data={"file": (io.BytesIO(data), "a.xlf")},
                               content_type="multipart/form-data")
        assert response.status_code == 422
        assert "longer than their field allows" in response.get_data(as_text=True)
        assert f"{key} ({length}/" in response.get_data(as_text=True)
    assert _segments(mt_app, article_id) == before


def test_an_overlong_segment_in_a_cli_import_is_a_clean_error(mt_app, staff, runner, tmp_path):
    article_id = _write(mt_app, paragraphs(1))
    _draft(mt_app, article_id)
    client = mt_app.test_client()
    _login(client, staff["editor"])
    path = tmp_path / "mk.xlf"
    path.write_bytes(_with_target(_export(client, article_id, "mk"), "b1", "ж" * 10_001))
    result = runner.invoke(args=["xliff", "import", str(path)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert "më të gjata se sa lejon fusha" in result.output


def test_a_file_without_translations_creates_nothing(mt_app, staff, runner, tmp_path):
    article_id = _write(mt_app, paragraphs(1))
    client = mt_app.test_client()
    _login(client, staff["editor"])
    data = _export(client, article_id, "en")
    response = client.post(f"/newsroom/articles/{article_id}/en/import",
                           data={"file": (io.BytesIO(data), "a.xlf")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "no translated segments" in response.get_data(as_text=True)
    path = tmp_path / "en.xlf"
    path.write_bytes(data)
    result = runner.invoke(args=["xliff", "import", str(path)])
    assert result.exit_code == 1
    assert "nuk ka segmente të përkthyera" in result.output
    with mt_app.app_context():
        assert db.session.get(Article, article_id).translation("en") is None
        assert db.session.scalar(select(func.count(TranslatedSegment.id)).join(
            ArticleTranslation, ArticleTranslation.id == TranslatedSegment.translation_id
        ).where(ArticleTranslation.locale == "en")) == 0
