"""Naming and renaming tags in the newsroom: every language's page and links follow, old
addresses redirect, refusals change nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from bv.accounts.models import User
from bv.accounts.permissions import PermissionDenied
from bv.articles import service, workflow
from bv.articles.models import Tag
from bv.articles.tags import InvalidTagName, TagClash, save_tag
from bv.audit.models import AuditEvent
from bv.extensions import db
from bv.redirects.models import OldUrl
from tests.conftest import PASSWORD, AuthActions, fresh_app

NEW_NAMES = {"sq": "Financat publike", "mk": "Јавни финансии", "en": "Public finances"}
NEW_SLUGS = {"sq": "financat-publike", "mk": "javni-finansii", "en": "public-finances"}
HEADLINES = {"sq": "Buxheti i ri", "mk": "Нов буџет", "en": "A new budget"}


def _user(role: str) -> User:
    return db.session.scalar(select(User).where(User.role == role))


def _publish(locale: str, headline: str, tags: str) -> str:
    """A published article written in `locale` carrying `tags`; returns its address."""
    editor = _user("editor")
    article = service.create_article(source_locale=locale, author=editor)
    version = service.save_translation(
        article, locale, {"headline": headline, "lede": "Lede.", "body": "Body."}, user=editor
    )
    service.update_shared_fields(article, user=editor, category=None, byline="Ana", tags_text=tags)
    workflow.transition(version, "publish", user=editor)
    return f"/{locale}/a/{version.slug}"


@pytest.fixture
def tagged(app, staff):
    """One tag ("Ekonomia", named in sq only) on a published article in each language, and a
    second tag ("Sporti")."""
    with app.app_context():
        paths = {code: _publish(code, HEADLINES[code], "Ekonomia") for code in HEADLINES}
        _publish("sq", "Ndeshja e fundit", "Sporti")
        db.session.commit()
        tag = db.session.scalar(select(Tag).where(Tag.key == "ekonomia"))
        return {"tag": tag.id, "paths": paths}


def _names(app, tag_id: int) -> dict:
    with app.app_context():
        return dict(db.session.get(Tag, tag_id).names)


def _saved_count(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "tag.saved")
        )


def _form(**names):
    return {f"name_{code}": names.get(code, NEW_NAMES[code]) for code in NEW_NAMES}


def test_a_rename_changes_every_language_page_and_link(app, staff, tagged, client):
    tag_id, paths = tagged["tag"], tagged["paths"]
    # before: the tag is named in sq only, the other languages show its key
    for code in ("sq", "mk", "en"):
        assert client.get(f"/{code}/t/ekonomia/").status_code == 200
    AuthActions(client).login(staff["editor"])
    listing = client.get("/newsroom/tags").get_data(as_text=True)
    row = re.search(rf'<tr><td><a href="/newsroom/tags/{tag_id}">ekonomia</a>.*?</tr>',
                    listing, re.S).group(0)
    assert "Ekonomia" in row and re.search(r"<td>3</td>", row), row
    response = client.post(f"/newsroom/tags/{tag_id}", data=_form())
    assert response.status_code == 302 and response.headers["Location"].endswith("/newsroom/tags")
    assert _names(app, tag_id) == NEW_NAMES
    assert _saved_count(app) == 1
    reader = app.test_client()
    for code, slug in NEW_SLUGS.items():
        page = reader.get(f"/{code}/t/{slug}/")
        assert page.status_code == 200, code
        assert NEW_NAMES[code] in page.get_data(as_text=True)
        article = reader.get(paths[code]).get_data(as_text=True)
        links = re.findall(r'<a class="tag" href="([^"]+)" rel="tag">([^<]*)</a>', article)
        assert len(links) == 1, code
        href, text = links[0]
        assert href == f"/{code}/t/{slug}/" and text.strip() == NEW_NAMES[code]
        # the old address leads to the new one
        old = reader.get(f"/{code}/t/ekonomia/")
        assert old.status_code == 301, code
        assert old.headers["Location"].endswith(f"/{code}/t/{slug}/")
    # renamed again: the first address leads straight to the latest, never through a chain
    assert client.post(f"/newsroom/tags/{tag_id}",
                       data=_form(sq="Paraja publike")).status_code == 302
    for old in ("/sq/t/ekonomia/", "/sq/t/financat-publike/"):
        assert reader.get(old).headers["Location"].endswith("/sq/t/paraja-publike/")
    # and back: the address it stands at now answers itself, not a redirect
    assert client.post(f"/newsroom/tags/{tag_id}",
                       data=_form(sq="Ekonomia")).status_code == 302
    assert reader.get("/sq/t/ekonomia/").status_code == 200


def test_a_neighbour_whose_numbered_address_shifts_keeps_its_old_one(app, staff):
    with app.app_context():
        first = Tag(key="rainwater", names={"en": "Water"})
        second = Tag(key="water-b", names={"en": "Water!"})
        db.session.add_all([first, second])
        db.session.flush()
        _publish("en", "Rain at last", "Water")
        _publish("en", "Dry wells", "Water!")
        db.session.commit()
        ids = first.id, second.id
    reader = app.test_client()
    assert "Dry wells" in reader.get("/en/t/water-2/").get_data(as_text=True)
    with app.app_context():
        save_tag(db.session.get(Tag, ids[0]), names={"en": "Rain"}, user=_user("editor"))
        db.session.commit()
    # the second tag now has the plain address; its numbered one leads there
    assert "Dry wells" in reader.get("/en/t/water/").get_data(as_text=True)
    assert reader.get("/en/t/water-2/").headers["Location"].endswith("/en/t/water/")
    assert "Rain at last" in reader.get("/en/t/rain/").get_data(as_text=True)


def test_a_clash_or_an_empty_name_is_refused_in_the_newsroom_language(app, staff, tagged,
                                                                        client):
    tag_id = tagged["tag"]
    before = _names(app, tag_id)
    AuthActions(client).login(staff["editor"])  # the newsroom speaks Albanian to this editor
    clash = client.post(f"/newsroom/tags/{tag_id}", data=_form(sq="SPORTI"))
    assert clash.status_code == 422
    assert "Një etiketë tjetër e ka tashmë këtë emër." in clash.get_data(as_text=True)
    empty = client.post(f"/newsroom/tags/{tag_id}", data=_form(mk="   "))
    assert empty.status_code == 422
    assert "Kjo fushë është e detyrueshme." in empty.get_data(as_text=True)
    with app.app_context():
        editor = db.session.scalar(select(User).where(User.email == staff["editor"]))
        editor.ui_locale = "mk"
        db.session.commit()
    clash_mk = client.post(f"/newsroom/tags/{tag_id}", data=_form(en="sporti"))
    assert "Друга ознака веќе го има ова име." in clash_mk.get_data(as_text=True)
    assert _names(app, tag_id) == before
    assert _saved_count(app) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(OldUrl.id))) == 0


def test_save_tag_checks_before_it_changes_anything(app, staff, tagged):
    tag_id = tagged["tag"]
    with app.app_context():
        tag = db.session.get(Tag, tag_id)
        with pytest.raises(PermissionDenied):
            save_tag(tag, names=NEW_NAMES, user=_user("translator"))
        for bad, reason in (("  ", "empty"), ("a\nb", "line_break"), ("x" * 81, "too_long")):
            with pytest.raises(InvalidTagName) as refused:
                save_tag(tag, names={**NEW_NAMES, "mk": bad}, user=_user("editor"))
            assert (refused.value.locale, refused.value.reason) == ("mk", reason)
        # another tag's name in that language, whatever the case, or its key where unnamed
        for code, taken in (("sq", "sPoRti"), ("en", "Sporti")):
            with pytest.raises(TagClash) as clash:
                save_tag(tag, names={code: taken}, user=_user("editor"))
            assert clash.value.locale == code
        assert tag.names == {"sq": "Ekonomia"}
        # the same name in another language is not a clash; a tag may keep its own name
        save_tag(tag, names={"sq": "Ekonomia", "mk": "Економија", "en": "Economy"},
                 user=_user("editor"))
        db.session.commit()
        assert db.session.get(Tag, tag_id).names == {
            "sq": "Ekonomia", "mk": "Економија", "en": "Economy"}
        # a clash that was there before (an unnamed tag showing its key) does not block
        # naming the other languages; only a name that changes is checked
        db.session.add(Tag(key="ekonomia-2", names={"en": "Economy!"}))
        db.session.add(Tag(key="economy", names={"sq": "Ekonomi"}))
        db.session.flush()
        save_tag(tag, names={"sq": "Ekonomia", "mk": "Економија и пари", "en": "Economy"},
                 user=_user("editor"))
        assert tag.names["mk"] == "Економија и пари"
        with pytest.raises(TagClash):
            save_tag(tag, names={"en": "ECONOMY!"}, user=_user("editor"))


def test_a_translator_may_not_rename_tags(app, staff, tagged, client):
    tag_id = tagged["tag"]
    AuthActions(client).login(staff["translator"])
    assert client.get("/newsroom/tags").status_code == 403
    assert client.get(f"/newsroom/tags/{tag_id}").status_code == 403
    assert client.post(f"/newsroom/tags/{tag_id}", data=_form()).status_code == 403
    assert _names(app, tag_id) == {"sq": "Ekonomia"}
    assert "/newsroom/tags" not in client.get("/newsroom/").get_data(as_text=True)


def test_the_list_pages_and_links_from_the_menu(app, staff, client):
    with app.app_context():
        db.session.add_all(Tag(key=f"tag-{n:03d}", names={"sq": f"Etiketa {n}"})
                           for n in range(105))
        db.session.commit()
    AuthActions(client).login(staff["editor"])
    assert 'href="/newsroom/tags"' in client.get("/newsroom/").get_data(as_text=True)
    first = client.get("/newsroom/tags").get_data(as_text=True)
    second = client.get("/newsroom/tags?page=2").get_data(as_text=True)
    assert "tag-000" in first and "tag-099" in first and "tag-100" not in first
    assert "tag-100" in second and "tag-104" in second and "tag-099" not in second
    assert client.get("/newsroom/tags/999999").status_code == 404


def test_a_rename_without_the_csrf_token_is_refused(tmp_path, migrated_template):
    with fresh_app(tmp_path, migrated_template, WTF_CSRF_ENABLED=True) as csrf_app:
        from bv.accounts.service import create_user

        with csrf_app.app_context():
            create_user("e@test.example", PASSWORD, role="editor")
            tag = Tag(key="ekonomia", names={"sq": "Ekonomia"})
            db.session.add(tag)
            db.session.commit()
            tag_id = tag.id
        client = csrf_app.test_client()
        page = client.get("/newsroom/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        signed_in = client.post("/newsroom/login", data={
            "email": "e@test.example", "password": PASSWORD, "csrf_token": token})
        assert signed_in.status_code == 302
        assert client.post(f"/newsroom/tags/{tag_id}", data=_form()).status_code == 400
        assert _names(csrf_app, tag_id) == {"sq": "Ekonomia"}
        # with the form's own token it goes through
        form = client.get(f"/newsroom/tags/{tag_id}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        saved = client.post(f"/newsroom/tags/{tag_id}", data={**_form(), "csrf_token": token})
        assert saved.status_code == 302
        assert _names(csrf_app, tag_id) == NEW_NAMES
