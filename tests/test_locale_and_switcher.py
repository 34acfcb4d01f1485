"""Locale negotiation, the language switcher and the fallback for missing versions."""

from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from bv.articles.models import Article
from bv.extensions import db
from bv.i18n import LANG_COOKIE, LOCALES
from tests.helpers import parse_page


def test_root_uses_site_default(demo_client):
    response = demo_client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sq/"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("mk-MK,mk;q=0.9,en;q=0.5", "/mk/"), ("en-GB,en;q=0.8", "/en/"), ("de-DE,de", "/sq/"),
     ("sq;q=0.2, mk;q=0.9", "/mk/")],
)
def test_root_follows_accept_language(demo_client, header, expected):
    response = demo_client.get("/", headers={"Accept-Language": header})
    assert response.headers["Location"] == expected


def test_saved_choice_beats_accept_language(demo_client):
    demo_client.set_cookie(LANG_COOKIE, "en")
    response = demo_client.get("/", headers={"Accept-Language": "mk"})
    assert response.headers["Location"] == "/en/"


def test_garbage_cookie_is_ignored(demo_client):
    demo_client.set_cookie(LANG_COOKIE, "<script>")
    response = demo_client.get("/", headers={"Accept-Language": "mk"})
    assert response.headers["Location"] == "/mk/"


@pytest.mark.parametrize("lang", LOCALES)
def test_pages_declare_their_language(demo_client, lang):
    page = parse_page(demo_client.get(f"/{lang}/").get_data(as_text=True))
    assert page.lang == lang
    assert page.canonical == f"https://news.example/{lang}/"


def _articles(app):
    with app.app_context():
        articles = db.session.scalars(select(Article)).all()
        return [
            (a.id, {t.locale: t.slug for t in a.translations if t.is_published})
            for a in articles
        ]


def test_switcher_reaches_every_language_without_a_dead_end(demo_app, demo_client):
    """For every article and every language: the same article, or the home page with a notice."""
    for article_id, versions in _articles(demo_app):
        for target in LOCALES:
            response = demo_client.get(f"/{target}/switch?article={article_id}")
            assert response.status_code == 302
            assert f"{LANG_COOKIE}={target}" in response.headers["Set-Cookie"]
            location = urlparse(response.headers["Location"]).path
            if target in versions:
                assert location == f"/{target}/a/{versions[target]}"
            else:
                assert location == f"/{target}/"
                assert f"unavailable={article_id}" in response.headers["Location"]
            followed = demo_client.get(response.headers["Location"])
            assert followed.status_code == 200


def test_fallback_notice_is_in_the_chosen_language(demo_app, demo_client):
    missing_en = next(
        (aid, v) for aid, v in _articles(demo_app) if "en" not in v
    )
    article_id, versions = missing_en
    html = demo_client.get(f"/en/?unavailable={article_id}").get_data(as_text=True)
    assert "is not available in English yet" in html
    for code, slug in versions.items():
        assert f"/{code}/a/{slug}" in html

    missing_mk = next(aid for aid, v in _articles(demo_app) if "mk" not in v)
    html = demo_client.get(f"/mk/?unavailable={missing_mk}").get_data(as_text=True)
    assert "не е достапен на македонски" in html


def test_switcher_marks_missing_language(demo_app, demo_client):
    article_id, versions = next((aid, v) for aid, v in _articles(demo_app) if "en" not in v)
    lang = next(iter(versions))
    html = demo_client.get(f"/{lang}/a/{versions[lang]}").get_data(as_text=True)
    assert 'class="unavailable"' in html
    assert f"/en/switch?article={article_id}" in html


def test_switch_to_unknown_article_goes_home(demo_client):
    response = demo_client.get("/mk/switch?article=999999")
    assert urlparse(response.headers["Location"]).path == "/mk/"


def test_switch_keeps_category(demo_client):
    html = demo_client.get("/sq/").get_data(as_text=True)
    page = parse_page(html)
    category_link = next(a["href"] for a in page.anchors if a.get("href", "").startswith("/sq/c/"))
    category_html = demo_client.get(category_link).get_data(as_text=True)
    switch = next(
        a["href"] for a in parse_page(category_html).anchors
        if a.get("href", "").startswith("/mk/switch?category=")
    )
    response = demo_client.get(switch)
    assert urlparse(response.headers["Location"]).path.startswith("/mk/c/")
    assert demo_client.get(response.headers["Location"]).status_code == 200
