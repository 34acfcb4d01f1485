"""Localized error pages and bad input: always a clean 4xx, never a 500 or a traceback."""

import pytest

from bv.i18n import LOCALES


@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("/sq/a/no-such-article", "Faqja nuk u gjet"),
        ("/mk/a/nema-takov-napis", "Страницата не е пронајдена"),
        ("/en/a/no-such-article", "Page not found"),
        ("/mk/c/nema-takva-rubrika/", "Страницата не е пронајдена"),
    ],
)
def test_404_is_localized(demo_client, url, text):
    response = demo_client.get(url)
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/de/", "/xx/a/something", "/SQ/", "/sq-AL/", "/nowhere"])
def test_unknown_language_prefix_is_a_404_in_the_readers_language(demo_client, url):
    response = demo_client.get(url, headers={"Accept-Language": "mk"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<html lang="mk">' in html
    assert "Страницата не е пронајдена" in html


BAD_REQUESTS = [
    ("/sq/a/" + "x" * 5000, 414),
    ("/sq/search?q=" + "y" * 3000, 414),
    ("/sq/search?q=" + "y" * 500, 400),
    ("/sq/search?q=%00", 400),
    ("/sq/a/%00", 400),
    ("/sq/c/lokale/?page=0", 404),
    ("/sq/c/lokale/?page=-3", 404),
    ("/sq/c/lokale/?page=99999", 404),
    # past PostgreSQL's integer (and SQLite's 64-bit) range: a 404, not an overflow
    ("/sq/c/lokale/?page=2147483648", 404),
    ("/sq/c/lokale/?page=99999999999999999999999", 404),
    ("/sq/search?q=a&page=2147483648", 404),
    ("/sq/search?q=a&page=99999999999999999999999", 404),
    ("/sq/a/%ff%fe%fd", 404),
    ("/sq/a/%E0%A4%A", 404),
    ("/sq/a/..%2F..%2Fetc%2Fpasswd", 404),
    ("/media/..%2Fsecret_key", 404),
    ("/sq/feed.xml", 200),
]


@pytest.mark.parametrize(("url", "status"), BAD_REQUESTS)
def test_bad_urls_get_clean_answers(demo_client, url, status):
    response = demo_client.get(url)
    assert response.status_code == status
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    ["Тетово", "Tetovë", "çelës ë", "😀", "%F0%9F%98%80", "a%", "_", "\\", "'; DROP TABLE article;--",
     "page=١٢", "<script>alert(1)</script>"],
)
@pytest.mark.parametrize("lang", LOCALES)
def test_unicode_and_hostile_query_strings(demo_client, lang, query):
    response = demo_client.get(f"/{lang}/search", query_string={"q": query, "page": "١٢"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    response = demo_client.get(f"/{lang}/", query_string={"unavailable": query})
    assert response.status_code == 200
    response = demo_client.get(f"/{lang}/switch", query_string={"article": query})
    assert response.status_code == 302


HUGE_NUMBERS = ["2147483648", "99999999999999999999999", "-2147483649"]


@pytest.mark.parametrize("number", HUGE_NUMBERS)
def test_huge_ids_in_query_strings_count_as_missing(demo_client, number):
    home = demo_client.get("/sq/", query_string={"unavailable": number})
    assert home.status_code == 200
    assert 'class="notice"' not in home.get_data(as_text=True)
    switched = demo_client.get("/sq/switch", query_string={"article": number})
    assert switched.status_code == 302
    assert switched.headers["Location"] == "/sq/"
    switched = demo_client.get("/sq/switch", query_string={"category": number})
    assert switched.headers["Location"] == "/sq/"


def test_search_finds_cyrillic_and_albanian(demo_client):
    mk = demo_client.get("/mk/search", query_string={"q": "Тетово"}).get_data(as_text=True)
    assert 'href="/mk/a/' in mk
    sq = demo_client.get("/sq/search", query_string={"q": "Tetov"}).get_data(as_text=True)
    assert 'href="/sq/a/' in sq


def test_method_not_allowed_is_localized(demo_client):
    response = demo_client.post("/sq/", headers={"Accept-Language": "sq"})
    assert response.status_code in (400, 405)
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "accept", "lang", "note"),
    [
        ("/de/", "mk", "mk", "BalkanView е медиум на БВС."),
        ("/nowhere", "en", "en", "BalkanView is a media outlet of BVS."),
        ("/sq/zzz", "mk", "sq", "BalkanView është medium i BVS."),
        ("/en/no/such/page", "mk", "en", "BalkanView is a media outlet of BVS."),
        ("/mk/a/nema-takov-napis", "sq", "mk", "BalkanView е медиум на БВС."),
    ],
)
def test_404_pages_have_the_menu_and_the_outlets_details(demo_client, url, accept, lang, note):
    response = demo_client.get(url, headers={"Accept-Language": accept})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert f'href="/{lang}/c/' in html, "the section menu is missing"
    assert note in html, "the footer's outlet details are missing"


@pytest.fixture
def failing_app(app):
    @app.get("/<lang:lang_code>/boom")
    def boom(lang_code):
        raise RuntimeError("simulated failure")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


@pytest.mark.parametrize(
    ("lang", "text"),
    [("sq", "Diçka shkoi keq"), ("mk", "Нешто тргна наопаку"), ("en", "Something went wrong")],
)
def test_500_page_is_localized_and_hides_the_traceback(failing_app, lang, text):
    response = failing_app.test_client().get(f"/{lang}/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert text in html
    assert "simulated failure" not in html and "Traceback" not in html


@pytest.fixture
def sectioned_app(failing_app):
    """The failing app with one category, so the menu has something to show."""
    from bv.articles.models import Category, CategoryName
    from bv.extensions import db

    with failing_app.app_context():
        category = Category(key="local", position=0)
        category.names = [CategoryName(locale="sq", name="Lokale", slug="lokale")]
        db.session.add(category)
        db.session.commit()
    return failing_app


def test_500_page_keeps_the_menu(sectioned_app):
    response = sectioned_app.test_client().get("/sq/boom")
    assert response.status_code == 500
    assert 'href="/sq/c/lokale/"' in response.get_data(as_text=True)


def test_500_page_renders_when_the_database_is_down(sectioned_app, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from bv.site import queries

    def broken():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(queries, "categories", broken)
    client = sectioned_app.test_client()
    for url in ("/sq/", "/sq/boom", "/sq/zzz"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code in (404, 500)
        # the real, localized page, not the last-resort fallback
        assert '<html lang="sq">' in html and "connection refused" not in html
        assert "Diçka shkoi keq" in html or "Faqja nuk u gjet" in html
