"""The newsroom's view layer: one loader module, thin views over services, and the holes they
closed (a preview that dropped the lead image, a glossary that cut long terms)."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest
from PIL import Image as PILImage
from sqlalchemy import func, select

from bv.accounts.models import User
from bv.accounts.permissions import SYSTEM, PermissionDenied
from bv.articles import service
from bv.articles.categories import CategoryClash, save_category
from bv.articles.models import Article, ArticleTranslation, Category, Image
from bv.audit.models import AuditEvent
from bv.extensions import db
from bv.translation import glossary
from bv.translation.models import GlossaryTerm
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent

ARTICLE = {
    "source_locale": "mk",
    "headline": "Тетово добива нов парк",
    "lede": "Општината почнува со градба на парк кај реката Пена.",
    "body": "Паркот ќе има 500 дрвја.",
    "category": "0",
    "tags": "Паркови",
    "byline": "Ана Петровска",
    "image_alt": "Паркот",
    "image_caption": "",
    "note": "",
}


def _login(client, email):
    assert client.post("/newsroom/login", data={"email": email, "password": PASSWORD}).status_code == 302


def _png(width=800, height=450) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (width, height), (40, 90, 140)).save(out, "PNG")
    return out.getvalue()


def _kept_image(html: str) -> str:
    """The image id the editor carries in its hidden field, or fail."""
    match = re.search(r'<input[^>]*name="kept_image"[^>]*value="(\d+)"', html)
    assert match, "the page keeps the chosen image in a hidden field"
    return match.group(1)


def _user(role: str) -> User:
    return db.session.scalar(select(User).where(User.role == role))


# --- hole 6: the lead image survives a preview ---------------------------------------------


def test_preview_of_a_new_article_keeps_the_chosen_image_and_save_uses_it(app, staff, client):
    _login(client, staff["editor"])
    preview = client.post(
        "/newsroom/articles/new",
        data={**ARTICLE, "action": "preview", "image": (io.BytesIO(_png(1000, 500)), "park.png")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    kept = _kept_image(html)
    assert 'class="lead-preview"' in html, "the preview shows the chosen image"
    assert "Imazhi që zgjodhët është mbajtur" in html, "the page says the image is kept (sq)"
    with app.app_context():
        assert db.session.scalar(select(func.count(Article.id))) == 0, "a preview saves no article"
    # the browser cannot refill the file input: Save sends only the hidden id
    saved = client.post(
        "/newsroom/articles/new",
        data={**ARTICLE, "action": "save", "kept_image": kept},
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302
    with app.app_context():
        article = db.session.scalar(select(Article))
        assert article.lead_image_id == int(kept)
        assert article.lead_image.width == 1000


def test_preview_while_editing_the_source_keeps_the_image(app, staff, stories):
    client = app.test_client()
    _login(client, staff["editor"])
    article_id = stories["other"]
    page = client.get(f"/newsroom/articles/{article_id}/sq/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    form = {
        "version": version, "headline": "Buxheti i ri", "lede": "Këshilli voton.", "body": "Teksti.",
        "category": "0", "tags": "", "byline": "Redaksia", "image_alt": "", "image_caption": "",
        "slug": "", "note": "",
    }
    preview = client.post(
        f"/newsroom/articles/{article_id}/sq/edit",
        data={**form, "action": "preview", "image": (io.BytesIO(_png()), "foto.png")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200
    kept = _kept_image(preview.get_data(as_text=True))
    saved = client.post(
        f"/newsroom/articles/{article_id}/sq/edit",
        data={**form, "action": "save", "kept_image": kept},
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.get(Article, article_id).lead_image_id == int(kept)
        changed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "article.shared_fields"))
        assert changed.detail["changed"] == ["byline", "lead_image"]


def test_a_refused_field_keeps_the_image_too(app, staff, client):
    _login(client, staff["editor"])
    refused = client.post(
        "/newsroom/articles/new",
        data={**ARTICLE, "headline": "", "image": (io.BytesIO(_png()), "park.png")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    kept = _kept_image(refused.get_data(as_text=True))
    saved = client.post("/newsroom/articles/new", data={**ARTICLE, "kept_image": kept})
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Article)).lead_image_id == int(kept)


def test_an_edit_conflict_keeps_the_image(app, staff, stories):
    first, second = app.test_client(), app.test_client()
    _login(first, staff["editor"])
    _login(second, staff["admin"])
    article_id = stories["other"]
    page = first.get(f"/newsroom/articles/{article_id}/sq/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    common = {"category": "0", "tags": "", "byline": "Redaksia", "image_alt": "", "image_caption": "",
              "slug": "", "note": "", "lede": "", "body": "Tekst."}
    assert first.post(f"/newsroom/articles/{article_id}/sq/edit",
                      data={**common, "version": version, "headline": "Buxheti miratohet"}).status_code == 302
    conflict = second.post(
        f"/newsroom/articles/{article_id}/sq/edit",
        data={**common, "version": version, "headline": "Buxheti shtyhet",
              "image": (io.BytesIO(_png()), "foto.png")},
        content_type="multipart/form-data",
    )
    assert conflict.status_code == 409
    html = conflict.get_data(as_text=True)
    kept = _kept_image(html)
    new_version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    resolved = second.post(
        f"/newsroom/articles/{article_id}/sq/edit",
        data={**common, "version": new_version, "headline": "Buxheti shtyhet", "kept_image": kept},
    )
    assert resolved.status_code == 302
    with app.app_context():
        assert db.session.get(Article, article_id).lead_image_id == int(kept)


def test_a_kept_image_that_is_gone_is_said_and_nothing_is_saved(app, staff, client):
    _login(client, staff["editor"])
    response = client.post("/newsroom/articles/new", data={**ARTICLE, "kept_image": "999999"})
    assert response.status_code == 422
    assert "Imazhi i zgjedhur më parë nuk është më i disponueshëm" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Article.id))) == 0


def test_a_refused_new_file_does_not_fall_back_to_the_kept_one(app, staff, client):
    _login(client, staff["editor"])
    preview = client.post(
        "/newsroom/articles/new",
        data={**ARTICLE, "action": "preview", "image": (io.BytesIO(_png()), "park.png")},
        content_type="multipart/form-data",
    )
    kept = _kept_image(preview.get_data(as_text=True))
    refused = client.post(
        "/newsroom/articles/new",
        data={**ARTICLE, "kept_image": kept, "image": (io.BytesIO(b"not an image"), "x.jpg")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Ky skedar nuk është imazh që mund ta lexojmë." in html
    assert _kept_image(html) == kept, "the earlier choice is still carried"
    with app.app_context():
        assert db.session.scalar(select(func.count(Article.id))) == 0


# --- hole 7: the glossary refuses a long term instead of cutting it -------------------------


def test_a_term_longer_than_the_limit_is_refused_and_kept(app, staff, client):
    _login(client, staff["editor"])
    long_term = "Agjencia " + "e Sigurisë " * 11 + "Ushqimore"
    assert len(long_term) > glossary.TERM_MAX
    response = client.post(
        "/newsroom/glossary?source=sq&target=mk",
        data={"term": long_term, "translation": "Агенција за храна"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Kjo fushë mund të mbajë së shumti 120 karaktere." in html
    assert f'value="{long_term}"' in html, "what was typed is kept, whole"
    assert "Termi u ruajt." not in html
    with app.app_context():
        assert db.session.scalar(select(func.count(GlossaryTerm.id))) == 0


def test_a_term_at_the_limit_is_saved_whole(app, staff, client):
    _login(client, staff["editor"])
    term = "T" * glossary.TERM_MAX
    response = client.post(
        "/newsroom/glossary?source=sq&target=mk", data={"term": f"  {term} ", "translation": "Т"}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(GlossaryTerm.term)) == term


def test_the_glossary_form_counts_characters_instead_of_cutting_them(app, staff, client):
    _login(client, staff["editor"])
    html = client.get("/newsroom/glossary").get_data(as_text=True)
    term_input = re.search(r'<input[^>]*name="term"[^>]*>', html).group(0)
    assert "maxlength" not in term_input
    assert 'data-max="120"' in term_input
    assert re.search(r"/static/counters\.[0-9a-f]+\.js", html), "the counter script, by its hashed name"


@pytest.mark.parametrize(
    ("data", "query", "message"),
    [
        ({"term": "Kuvendi", "translation": ""}, "source=sq&target=mk",
         "Shkruani përkthimin, ose shënojeni termin si term që nuk përkthehet."),
        ({"term": "", "translation": "Собранието"}, "source=sq&target=mk", "Kjo fushë është e detyrueshme."),
        ({"term": "Kuvendi", "translation": "Kuvendi"}, "source=sq&target=sq", "Zgjidhni dy gjuhë të ndryshme."),
    ],
)
def test_incomplete_terms_get_a_localized_reason(app, staff, client, data, query, message):
    _login(client, staff["editor"])
    response = client.post(f"/newsroom/glossary?{query}", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(GlossaryTerm.id))) == 0


def test_a_do_not_translate_term_needs_no_translation(app, staff, client):
    _login(client, staff["editor"])
    response = client.post(
        "/newsroom/glossary?source=sq&target=mk", data={"term": "MEK", "do_not_translate": "y"}
    )
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(GlossaryTerm))
        assert (row.term, row.translation, row.do_not_translate) == ("MEK", None, True)


def test_glossary_services_check_permission_and_leave_the_commit_to_the_caller(app, staff):
    with app.app_context():
        with pytest.raises(PermissionDenied):
            glossary.save_term("sq", "mk", "Kuvendi", "Собранието", False, user=_user("translator"))
        with pytest.raises(PermissionDenied):
            glossary.save_term("sq", "mk", "Kuvendi", "Собранието", False, user=None)
        with pytest.raises(glossary.GlossaryRejected) as refused:
            glossary.save_term("sq", "mk", "K" * 121, "С", False, user=_user("editor"))
        assert refused.value.field == "term"
        row = glossary.save_term("sq", "mk", "Kuvendi", "Собранието", False, user=_user("editor"))
        assert row.id is not None
        db.session.rollback()
        assert db.session.scalar(select(func.count(GlossaryTerm.id))) == 0, "save_term did not commit"
        row = glossary.save_term("sq", "mk", "Kuvendi", "Собранието", False, user=SYSTEM)
        db.session.commit()
        with pytest.raises(PermissionDenied):
            glossary.delete_term(row, user=_user("author"))
        glossary.delete_term(row, user=_user("editor"))
        db.session.rollback()
        assert db.session.scalar(select(func.count(GlossaryTerm.id))) == 1, "delete_term did not commit"


# --- services behind the thin views --------------------------------------------------------


def test_shared_fields_are_written_by_the_service_with_its_permission(app, staff, stories):
    with app.app_context():
        own = db.session.get(Article, stories["own"])
        other = db.session.get(Article, stories["other"])
        fields = {"category": None, "byline": "Ana", "tags_text": "Parqe"}
        with pytest.raises(PermissionDenied):
            service.update_shared_fields(own, user=_user("translator"), **fields)
        with pytest.raises(PermissionDenied):
            service.update_shared_fields(other, user=_user("author"), **fields)
        with pytest.raises(PermissionDenied):
            service.update_shared_fields(own, user=None, **fields)
        service.update_shared_fields(own, user=_user("author"), **fields)
        assert own.byline == "Ana" and [t.names for t in own.tags] == [{"mk": "Parqe"}]
        assert db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "article.shared_fields")) == {
            "changed": ["byline", "tags"]
        }
        db.session.rollback()
        assert db.session.get(Article, stories["own"]).byline != "Ana", "the service did not commit"


def test_sections_are_saved_by_the_service_and_clashes_change_nothing(app, staff):
    with app.app_context():
        names = {"sq": "Politikë", "mk": "Политика", "en": "Politics"}
        with pytest.raises(PermissionDenied):
            save_category(None, key="politics", names=names, user=_user("translator"))
        politics = save_category(None, key="Politics", names=names, user=_user("editor"))
        db.session.commit()
        assert politics.key == "politics" and politics.name_in("mk").slug == "politika"
        with pytest.raises(CategoryClash) as clash:
            save_category(None, key="other", names={**names, "sq": "Tjetër", "en": "Other"}, user=_user("editor"))
        assert clash.value.locale == "mk"
        with pytest.raises(CategoryClash) as clash:
            save_category(None, key="politics", names=names, user=_user("editor"))
        assert clash.value.locale is None
        assert db.session.scalar(select(func.count(Category.id))) == 1


# --- machine drafts are credited to the provider ------------------------------------------


def _credit_machine(app, monkeypatch, article_id, locale, provider="libretranslate"):
    """Mark a version as last written by a machine draft, with or without the new column."""
    with app.app_context():
        translation = db.session.get(Article, article_id).translation(locale)
        translation.updated_by_id = None
        if "updated_via" in ArticleTranslation.__table__.c:
            translation.updated_via = provider
        else:
            monkeypatch.setattr(ArticleTranslation, "updated_via", provider, raising=False)
        db.session.commit()


def test_the_matrix_and_history_credit_a_machine_draft_to_its_provider(app, staff, stories, monkeypatch):
    _credit_machine(app, monkeypatch, stories["own"], "sq")
    client = app.test_client()
    _login(client, staff["editor"])
    matrix = client.get(f"/newsroom/articles/{stories['own']}").get_data(as_text=True)
    assert "Përkthim automatik (libretranslate)" in matrix
    history = client.get(f"/newsroom/articles/{stories['own']}/sq/history").get_data(as_text=True)
    assert "Përkthim automatik (libretranslate)" in history


def test_a_persons_save_is_credited_to_the_person(app, staff, stories):
    client = app.test_client()
    _login(client, staff["editor"])
    matrix = client.get(f"/newsroom/articles/{stories['own']}").get_data(as_text=True)
    assert "Përkthim automatik" not in matrix
    assert "Author" in matrix, "the mk source was saved by the author"


# --- structure ---------------------------------------------------------------------------


def test_no_private_helper_is_imported_across_view_modules():
    for path in sorted((ROOT / "bv" / "newsroom").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bv."):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.name} imports {private} from {node.module}"


# views and templates of other work in progress; each entry is a role still compared by hand
NOT_YET_THROUGH_CAN = {"home.py", "dashboard.py", "home.html"}
ROLE_COMPARISON = re.compile(r"\.role\s*(==|!=|\bin\b|\bnot in\b)|\brole\s*==\s*['\"]")


def test_views_and_templates_decide_through_can_not_role_names():
    files = list((ROOT / "bv" / "newsroom").glob("*.py")) + list((ROOT / "templates" / "newsroom").glob("*.html"))
    found = []
    for path in files:
        if path.name in NOT_YET_THROUGH_CAN:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if ROLE_COMPARISON.search(line):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert not found, found


def test_loaders_answer_404_once(app, staff, stories):
    client = app.test_client()
    _login(client, staff["editor"])
    for url in (
        "/newsroom/articles/999999/sq/edit",
        "/newsroom/articles/999999/sq/history",
        f"/newsroom/articles/{stories['own']}/xx/edit",
        f"/newsroom/articles/{stories['own']}/en/history",
        "/newsroom/jobs/999999",
        "/newsroom/glossary?source=xx",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post("/newsroom/revisions/999999/restore").status_code == 404
    assert client.post("/newsroom/glossary/999999/delete").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(Image.id))) == 0
