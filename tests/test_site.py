"""The reading site: the switcher on search, the fallback notice, the root redirect, markup."""

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import select

from bv.articles.models import Article
from bv.extensions import db
from tests.helpers import parse_page


def _versions(app) -> dict[int, set[str]]:
    with app.app_context():
        return {
            a.id: {t.locale for t in a.translations if t.is_published}
            for a in db.session.scalars(select(Article))
        }


def test_switcher_on_search_keeps_the_search(demo_client):
    html = demo_client.get("/sq/search", query_string={"q": "Tetov ë"}).get_data(as_text=True)
    switch = next(
        a["href"] for a in parse_page(html).anchors if a.get("href", "").startswith("/mk/switch?")
    )
    response = demo_client.get(switch)
    assert response.status_code == 302
    location = urlparse(response.headers["Location"])
    assert location.path == "/mk/search"
    assert parse_qs(location.query) == {"q": ["Tetov ë"]}
    assert demo_client.get(response.headers["Location"]).status_code == 200


def test_switcher_on_an_empty_search_goes_to_search(demo_client):
    response = demo_client.get("/en/switch?page=search")
    assert response.headers["Location"] == "/en/search"
    response = demo_client.get("/en/switch", query_string={"page": "search", "q": "x" * 500})
    assert response.headers["Location"] == "/en/search"


def test_notice_only_when_the_article_is_really_missing(demo_app, demo_client):
    versions = _versions(demo_app)
    in_english = next(aid for aid, v in versions.items() if "en" in v)
    response = demo_client.get(f"/en/?unavailable={in_english}")
    assert response.status_code == 200
    assert "is not available in English" not in response.get_data(as_text=True)
    assert "public" in response.headers["Cache-Control"]

    not_in_english = next(aid for aid, v in versions.items() if v and "en" not in v)
    response = demo_client.get(f"/en/?unavailable={not_in_english}")
    assert "is not available in English" in response.get_data(as_text=True)
    # the notice goes away once the version is published: never reused without asking
    assert "public" not in response.headers["Cache-Control"]
    assert "no-cache" in response.headers["Cache-Control"]
    again = demo_client.get(
        f"/en/?unavailable={not_in_english}", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_notice_for_unknown_articles_is_not_shown(demo_client):
    html = demo_client.get("/en/?unavailable=999999").get_data(as_text=True)
    assert 'class="notice"' not in html


def test_notice_page_query_count_is_fixed(demo_app, demo_client, count_queries):
    counts = {}
    for article_id in [*_versions(demo_app), 999999]:
        for lang in ("sq", "mk", "en"):
            with count_queries(demo_app) as counter:
                assert demo_client.get(f"/{lang}/?unavailable={article_id}").status_code == 200
            counts[(article_id, lang)] = counter.count
    # the home page's own queries plus one for the article's versions
    assert set(counts.values()) == {5}, counts


def test_root_redirect_varies_on_cookie_and_accept_language(demo_client):
    response = demo_client.get("/", headers={"Accept-Language": "mk"})
    assert response.status_code == 302
    vary = {v.strip().lower() for v in response.headers["Vary"].split(",")}
    assert {"cookie", "accept-language"} <= vary


class _Nesting(HTMLParser):
    """Records every element opened while a <p> is open."""

    def __init__(self):
        super().__init__()
        self.open_p = 0
        self.inside_p: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.open_p and tag in {"address", "div", "section", "ul", "ol", "h1", "h2", "p"}:
            self.inside_p.append(tag)
        if tag == "p":
            self.open_p += 1

    def handle_endtag(self, tag):
        if tag == "p" and self.open_p:
            self.open_p -= 1


@pytest.mark.parametrize("url", ["/sq/", "/mk/about", "/en/about", "/en/no-such-page"])
def test_no_block_elements_inside_paragraphs(demo_client, url):
    html = demo_client.get(url).get_data(as_text=True)
    assert "<address>" in html, "the demo outlet has an address"
    checker = _Nesting()
    checker.feed(html)
    assert checker.inside_p == [], url
