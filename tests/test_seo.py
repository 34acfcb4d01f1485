"""hreflang reciprocity, canonical URLs, Open Graph, JSON-LD, feeds and sitemaps."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from bv.articles.models import ArticleTranslation
from bv.database import utcnow
from bv.extensions import db
from bv.i18n import LOCALES, NATIVE_NAMES, OG_LOCALES
from tests.helpers import parse_page, sitemap_urls

BASE = "https://news.example"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def _published(app):
    with app.app_context():
        rows = db.session.scalars(
            select(ArticleTranslation).where(ArticleTranslation.status == "published")
        ).all()
        return [(t.article_id, t.locale, t.slug, t.article.source_locale) for t in rows]


def _fetch(client, url):
    parts = urlparse(url)
    response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert response.status_code == 200, url
    return parse_page(response.get_data(as_text=True))


def test_hreflang_is_reciprocal_on_every_article(demo_app, demo_client):
    published = _published(demo_app)
    by_article: dict[int, dict[str, str]] = {}
    for article_id, locale, slug, _source in published:
        by_article.setdefault(article_id, {})[locale] = f"{BASE}/{locale}/a/{slug}"
    assert len(by_article) >= 8
    for versions in by_article.values():
        for url in versions.values():
            page = _fetch(demo_client, url)
            assert page.canonical == url, "canonical must be the page itself"
            alternates = page.hreflang
            expected = dict(versions)
            assert {k: v for k, v in alternates.items() if k != "x-default"} == expected
            assert alternates["x-default"] in versions.values()
            for other_url in alternates.values():
                assert other_url.startswith(BASE + "/")
                # reciprocal: the other page lists exactly the same set
                assert _fetch(demo_client, other_url).hreflang == alternates


def test_open_graph_and_json_ld(demo_app, demo_client):
    for _article_id, locale, slug, source in _published(demo_app):
        page = _fetch(demo_client, f"{BASE}/{locale}/a/{slug}")
        assert page.meta_values("og:locale") == [OG_LOCALES[locale]]
        siblings = [code for code in page.hreflang if code not in ("x-default", locale)]
        assert sorted(page.meta_values("og:locale:alternate")) == sorted(
            OG_LOCALES[c] for c in siblings
        )
        (data,) = [x for x in page.jsonld if x["@type"] != "BreadcrumbList"]
        assert data["@type"] == "NewsArticle"
        assert data["inLanguage"] == locale
        if locale == source:
            linked = {w["inLanguage"] for w in data.get("workTranslation", [])}
            assert linked == set(siblings)
        elif source in page.hreflang:
            assert data["translationOfWork"]["inLanguage"] == source
            assert data["translationOfWork"]["@id"] == page.hreflang[source]


@pytest.mark.parametrize("lang", LOCALES)
def test_rss_feed_per_language(demo_app, demo_client, lang):
    response = demo_client.get(f"/{lang}/feed.xml")
    assert response.mimetype == "application/rss+xml"
    root = ET.fromstring(response.data)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("language") == lang
    links = [item.findtext("link") for item in channel.findall("item")]
    expected = {
        f"{BASE}/{loc}/a/{slug}" for _a, loc, slug, _s in _published(demo_app) if loc == lang
    }
    assert set(links) == expected
    html = demo_client.get(f"/{lang}/").get_data(as_text=True)
    # a feed is not a language alternate of the page: no hreflang on it
    assert f'type="application/rss+xml" title="BalkanView ({NATIVE_NAMES[lang]})" href="/{lang}/feed.xml"' in html


def test_sitemap_lists_alternates(demo_app, demo_client):
    urls = sitemap_urls(demo_client)
    locs = {u.findtext("sm:loc", namespaces=NS): u for u in urls}
    published = _published(demo_app)
    for _article, locale, slug, _source in published:
        entry = locs[f"{BASE}/{locale}/a/{slug}"]
        alternates = {
            link.get("hreflang"): link.get("href") for link in entry.findall("xhtml:link", NS)
        }
        assert f"{BASE}/{locale}/a/{slug}" == alternates[locale]
        assert "x-default" in alternates
    # besides articles and homes, the sitemap lists tag and author pages (tests/test_discovery.py)
    pages = {loc for loc in locs if "/t/" not in loc and "/author/" not in loc}
    assert len(pages) == len(published) + len(LOCALES)


def test_news_sitemap_covers_two_days(demo_app, demo_client):
    root = ET.fromstring(demo_client.get("/news-sitemap.xml").data)
    entries = root.findall("sm:url", NS)
    with demo_app.app_context():
        recent = db.session.scalars(
            select(ArticleTranslation).where(
                ArticleTranslation.status == "published",
                ArticleTranslation.published_at >= utcnow() - timedelta(days=2),
            )
        ).all()
        older = db.session.scalar(
            select(db.func.count()).where(
                ArticleTranslation.status == "published",
                ArticleTranslation.published_at < utcnow() - timedelta(days=2),
            )
        )
    assert older > 0, "the demo must have older articles for this test to mean anything"
    assert len(entries) == len(recent) > 0
    for entry in entries:
        assert entry.find("news:news/news:publication/news:language", NS).text in LOCALES


def test_robots_points_to_sitemaps(demo_client):
    text = demo_client.get("/robots.txt").get_data(as_text=True)
    assert f"Sitemap: {BASE}/sitemap.xml" in text
    assert "Disallow: /newsroom/" in text


def test_healthz(demo_client):
    assert demo_client.get("/healthz").get_json() == {
        "status": "ok",
        "database": {"status": "ok"},
        "queue": {"status": "ok", "reachable": True, "backlog": 0, "delayed": False},
        "page_cache": {"status": "off"},
    }


def test_public_pages_revalidate_with_etags(demo_app, demo_client):
    _article, locale, slug, _source = _published(demo_app)[0]
    first = demo_client.get(f"/{locale}/a/{slug}")
    assert "public" in first.headers["Cache-Control"]
    again = demo_client.get(f"/{locale}/a/{slug}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    switched = demo_client.get(f"/{locale}/switch?article=1")
    assert "ETag" not in switched.headers, "redirects that set the language cookie are never cached"




FEED_MAX = 4


def test_feed_and_sitemap_query_counts_are_fixed(demo_app, demo_client, count_queries):
    counts = {}
    for url in [f"/{lang}/feed.xml" for lang in LOCALES]:
        with count_queries(demo_app) as counter:
            assert demo_client.get(url).status_code == 200
        counts[url] = counter.count
    # the languages' feeds carry different categories; none may cost a query of its own
    assert len(set(counts.values())) == 1 and max(counts.values()) <= FEED_MAX, counts
    # the sitemap: articles (2), then tags, their publications and bylines (1 each)
    # the index (1), a page of articles (1: its published versions), the listing pages
    # (tags, their publications and bylines: 1 each)
    index = ET.fromstring(demo_client.get("/sitemap.xml").data)
    articles = [urlparse(loc.text).path for loc in index.iterfind("sm:sitemap/sm:loc", NS)
                if "/articles-" in loc.text]
    for url, most in (("/sitemap.xml", 1), (articles[0], 1), ("/sitemaps/pages.xml", 3),
                      ("/news-sitemap.xml", 1)):
        with count_queries(demo_app) as counter:
            assert demo_client.get(url).status_code == 200
        assert counter.count <= most, (url, counter.statements)


def test_about_page_hreflang_has_x_default_and_is_reciprocal(demo_client):
    pages = {lang: _fetch(demo_client, f"{BASE}/{lang}/about") for lang in LOCALES}
    expected = {lang: f"{BASE}/{lang}/about" for lang in LOCALES}
    expected["x-default"] = f"{BASE}/sq/about"
    for lang, page in pages.items():
        assert page.canonical == f"{BASE}/{lang}/about"
        assert page.hreflang == expected


def test_category_hreflang_has_x_default_and_is_reciprocal(demo_client):
    page = _fetch(demo_client, f"{BASE}/en/c/local/")
    alternates = page.hreflang
    assert alternates["x-default"] == f"{BASE}/sq/c/lokale/"
    assert alternates["en"] == page.canonical == f"{BASE}/en/c/local/"
    for code, url in alternates.items():
        assert _fetch(demo_client, url).hreflang == alternates, code


@pytest.fixture(scope="module")
def paged_app(tmp_path_factory, migrated_template):
    """The demo with four articles a page: local news has two pages in en and mk, one in sq."""
    from bv import demo
    from tests.conftest import fresh_app

    with fresh_app(tmp_path_factory.mktemp("paged"), migrated_template, PER_PAGE=4) as app:
        with app.app_context():
            demo.load()
        yield app


def _older_link(client, path):
    page = parse_page(client.get(path).get_data(as_text=True))
    return next(a["href"] for a in page.anchors if a.get("rel") == "next")


def test_category_page_two_lists_only_itself(paged_app):
    client = paged_app.test_client()
    assert client.get("/sq/c/lokale/?page=2").status_code == 404, "the premise of this test"
    for first in ("/en/c/local/", "/mk/c/lokalno/"):
        second = _older_link(client, first)
        assert "?before=" in second
        page = _fetch(client, BASE + second)
        # its cursor is a place in this language's list: no other language has this page
        assert page.canonical == BASE + second, "the page lists itself"
        lang = first.split("/")[1]
        assert page.hreflang == {lang: BASE + second, "x-default": BASE + second}


def test_pager_goes_back_to_the_canonical_first_page(paged_app):
    client = paged_app.test_client()
    second = _older_link(client, "/en/c/local/")
    page = parse_page(client.get(second).get_data(as_text=True))
    newer = next(a["href"] for a in page.anchors if a.get("rel") == "prev")
    assert newer == "/en/c/local/"
    first = parse_page(client.get(newer).get_data(as_text=True))
    assert first.canonical == f"{BASE}/en/c/local/"
    # an old numbered link lands on the same page
    assert client.get("/en/c/local/?page=2").headers["Location"] == second


def test_category_page_query_count_with_pages(paged_app, count_queries):
    client = paged_app.test_client()
    counts = set()
    for url in ("/en/c/local/", "/sq/c/lokale/", "/mk/c/kultura/"):
        with count_queries(paged_app) as counter:
            assert client.get(url).status_code == 200
        counts.add(counter.count)
    assert counts == {3}, counts
    # a later page asks one more, bounded question: is the page above it the first?
    second = _older_link(client, "/en/c/local/")
    with count_queries(paged_app) as counter:
        assert client.get(second).status_code == 200
    assert counter.count == 4, counter.statements
