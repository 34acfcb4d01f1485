"""Discovery: tag pages, author pages, related articles and per-category feeds."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from lxml import etree
from sqlalchemy import select

from bv.accounts.permissions import SYSTEM
from bv.articles import service, workflow
from bv.articles.models import ArticleTranslation, Category, CategoryName, Tag
from bv.articles.slugs import byline_slug, tag_slugs
from bv.database import utcnow
from bv.extensions import db
from bv.i18n import LOCALES
from bv.site import queries
from tests.helpers import parse_page, sitemap_urls

BASE = "https://news.example"
SM = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


def _fetch(client, url):
    parts = urlparse(url)
    response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert response.status_code == 200, url
    return parse_page(response.get_data(as_text=True))


def _article_links(html: str, lang: str) -> list[str]:
    return re.findall(rf'<h[23]><a href="(/{lang}/a/[^"]+)">', html)


# --- slugs -------------------------------------------------------------------------------------


def test_tag_slugs_transliterate_macedonian_and_stay_unique_per_locale():
    tags = [
        SimpleNamespace(id=1, key="budget", names={"mk": "Буџет", "sq": "Buxheti"}),
        SimpleNamespace(id=3, key="budget-2024", names={"mk": "буџет", "sq": "Buxheti 2024"}),
        SimpleNamespace(id=2, key="roads", names={"mk": "Ѓорче Петров"}),
    ]
    mk = tag_slugs(tags, "mk")
    # the older tag keeps the plain address; the newer one gets a number
    assert mk == {1: "budzhet", 2: "gjorche-petrov", 3: "budzhet-2"}
    sq = tag_slugs(tags, "sq")
    assert sq == {1: "buxheti", 2: "roads", 3: "buxheti-2024"}, "no name in sq: the key"
    assert byline_slug("Ѓорѓи Кочовски") == "gjorgji-kochovski"
    assert byline_slug("Arta Selmani") == "arta-selmani"
    assert byline_slug("Fatmire Ademi-Çela") == "fatmire-ademi-cela"


# --- tag pages ---------------------------------------------------------------------------------

AGRICULTURE = {"sq": "bujqesia", "mk": "zemjodelstvo", "en": "agriculture"}


def test_tag_pages_list_tagged_versions_in_their_language(demo_app, demo_client):
    with demo_app.app_context():
        tag = db.session.scalar(select(Tag).where(Tag.key == "agriculture"))
        expected = {
            lang: {
                f"/{lang}/a/{t.slug}"
                for t in db.session.scalars(
                    select(ArticleTranslation).where(
                        ArticleTranslation.locale == lang,
                        ArticleTranslation.status == "published",
                    )
                )
                if tag in t.article.tags
            }
            for lang in LOCALES
        }
    for lang, slug in AGRICULTURE.items():
        response = demo_client.get(f"/{lang}/t/{slug}/")
        assert response.status_code == 200, lang
        html = response.get_data(as_text=True)
        assert expected[lang] and set(_article_links(html, lang)) == expected[lang]
    assert "Земјоделство" in demo_client.get("/mk/t/zemjodelstvo/").get_data(as_text=True)


def test_tag_page_hreflang_is_reciprocal_with_x_default(demo_client):
    expected = {lang: f"{BASE}/{lang}/t/{slug}/" for lang, slug in AGRICULTURE.items()}
    expected["x-default"] = f"{BASE}/sq/t/bujqesia/"
    for lang, slug in AGRICULTURE.items():
        page = _fetch(demo_client, f"{BASE}/{lang}/t/{slug}/")
        assert page.canonical == expected[lang]
        assert page.hreflang == expected


def test_article_links_its_tags_and_byline(demo_app, demo_client):
    with demo_app.app_context():
        t = db.session.scalar(
            select(ArticleTranslation).where(
                ArticleTranslation.locale == "mk", ArticleTranslation.status == "published"
            ).order_by(ArticleTranslation.id)
        )
        url, byline = f"/mk/a/{t.slug}", t.article.byline
        tags = tag_slugs(queries.all_tags(), "mk")
        tag_urls = {f"/mk/t/{tags[tag.id]}/" for tag in t.article.tags}
    page = parse_page(demo_client.get(url).get_data(as_text=True))
    hrefs = {a["href"] for a in page.anchors}
    assert tag_urls and tag_urls <= hrefs
    author_url = f"/mk/author/{byline_slug(byline)}/"
    assert author_url in hrefs
    for target in tag_urls | {author_url}:
        assert demo_client.get(target).status_code == 200
    article_ld = next(x for x in page.jsonld if x.get("@type") == "NewsArticle")
    assert article_ld["author"]["url"] == BASE + author_url


@pytest.mark.parametrize(
    "url",
    ["/mk/t/no-such-tag/", "/en/t/zemjodelstvo/", "/sq/t/agriculture/",
     "/mk/author/nobody-here/", "/en/author/", "/mk/t/zemjodelstvo/?page=9",
     "/mk/t/zemjodelstvo/?page=abc", "/en/author/elena-trajkovska/?page=0"],
)
def test_unknown_tags_and_authors_are_localized_404s(demo_client, url):
    response = demo_client.get(url)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    lang = url.split("/")[1]
    assert f'<html lang="{lang}"' in html
    assert {"mk": "Страницата не е пронајдена", "sq": "Faqja nuk u gjet",
            "en": "Page not found"}[lang] in html


# --- author pages ------------------------------------------------------------------------------


def test_author_pages_are_keyed_by_byline_and_show_no_private_data(demo_app, demo_client):
    with demo_app.app_context():
        rows = db.session.scalars(
            select(ArticleTranslation).where(ArticleTranslation.status == "published")
        ).all()
        elena = {
            (t.locale, f"/{t.locale}/a/{t.slug}")
            for t in rows
            if t.article.byline == "Elena Trajkovska"
        }
        emails = {t.article.author.email for t in rows if t.article.author}
    assert elena
    for lang in LOCALES:
        response = demo_client.get(f"/{lang}/author/elena-trajkovska/")
        mine = {url for code, url in elena if code == lang}
        if not mine:
            assert response.status_code == 404
            continue
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Elena Trajkovska" in html
        assert set(_article_links(html, lang)) == mine
        assert not any(email in html for email in emails)


def test_author_page_hreflang(demo_client):
    pages = {lang: _fetch(demo_client, f"{BASE}/{lang}/author/elena-trajkovska/") for lang in LOCALES}
    expected = {lang: f"{BASE}/{lang}/author/elena-trajkovska/" for lang in LOCALES}
    expected["x-default"] = f"{BASE}/sq/author/elena-trajkovska/"
    for lang, page in pages.items():
        assert page.canonical == expected[lang]
        assert page.hreflang == expected


# --- a hand-built newsroom: pagination, empty pages, related fill order ------------------------


def _publish(locale, headline, *, hours_ago, category=None, tags=(), byline="Vesna Ристовска"):
    article = service.create_article(
        source_locale=locale, category=category, byline=byline, tags=tags
    )
    when = utcnow() - timedelta(hours=hours_ago)
    t = service.save_translation(
        article, locale, {"headline": headline, "lede": f"{headline}.", "body": "Text."},
        user=SYSTEM, at=when, go_live=True,
    )
    workflow.transition(t, "publish", user=SYSTEM, at=when)
    return t


def _category(key, slug):
    category = Category(key=key)
    category.names = [CategoryName(locale=code, name=key.title(), slug=f"{slug}-{code}")
                      for code in LOCALES]
    db.session.add(category)
    return category


@pytest.fixture
def newsroom(app):
    """A city category, a sport category, a shared tag, and versions in en and sq."""
    with app.app_context():
        city, sport = _category("city", "city"), _category("sport", "sport")
        water = Tag(key="water", names={"en": "Water", "sq": "Uji", "mk": "Вода"})
        lonely = Tag(key="lonely", names={"en": "Lonely"})
        db.session.add_all([water, lonely])
        main = _publish("en", "Main story", hours_ago=1, category=city, tags=[water])
        _publish("en", "City old", hours_ago=50, category=city)
        _publish("en", "City new", hours_ago=40, category=city)
        _publish("en", "Sport with water", hours_ago=2, category=sport, tags=[water])
        _publish("en", "Untitled water", hours_ago=30, tags=[water])
        _publish("en", "Latest sport", hours_ago=3, category=sport)
        _publish("en", "Older sport", hours_ago=60, category=sport)
        # never related: another language, a draft, an unpublished tagged story
        _publish("sq", "Qyteti", hours_ago=5, category=city, tags=[water])
        draft = service.create_article(source_locale="en", category=city, tags=[water])
        service.save_translation(draft, "en", {"headline": "Draft city"}, user=SYSTEM)
        for n in range(12):
            _publish("en", f"Water note {n}", hours_ago=100 + n, tags=[lonely])
        db.session.commit()
        return SimpleNamespace(main_slug=main.slug, main_id=main.id)


def _related_headlines(app, slug, limit):
    with app.app_context():
        translation = queries.translation_by_slug("en", slug)
        return [t.live_headline for t in queries.related(translation, limit=limit)[0]]


def test_related_fills_category_then_tags_then_latest(app, newsroom):
    assert _related_headlines(app, newsroom.main_slug, 2) == ["City new", "City old"]
    assert _related_headlines(app, newsroom.main_slug, 4) == [
        "City new", "City old", "Sport with water", "Untitled water",
    ]
    assert _related_headlines(app, newsroom.main_slug, 6) == [
        "City new", "City old", "Sport with water", "Untitled water",
        "Latest sport", "Older sport",
    ]


def test_related_never_lists_the_article_or_other_languages(app, newsroom):
    headlines = _related_headlines(app, newsroom.main_slug, 50)
    assert "Main story" not in headlines
    assert "Qyteti" not in headlines and "Draft city" not in headlines
    assert len(headlines) == len(set(headlines)) == 6 + 12


def test_related_on_the_page_in_order(app, client, newsroom):
    html = client.get(f"/en/a/{newsroom.main_slug}").get_data(as_text=True)
    section = html[html.index('class="related"'):]
    headlines = re.findall(r'<h3><a href="/en/a/[^"]+">([^<]+)</a>', section)
    assert headlines == ["City new", "City old", "Sport with water", "Untitled water"]


def test_related_for_an_article_without_category_or_tags_is_the_latest(app, newsroom):
    with app.app_context():
        bare = _publish("en", "Bare", hours_ago=0)
        db.session.commit()
        slug = bare.slug
    assert _related_headlines(app, slug, 3) == ["Main story", "Sport with water", "Latest sport"]


def test_tag_pages_paginate_and_list_only_languages_with_that_page(app, client, newsroom):
    app.config["PER_PAGE"] = 5
    first = _fetch(client, f"{BASE}/en/t/water/")
    assert first.canonical == f"{BASE}/en/t/water/"
    # water has 4 published en versions and 1 sq; mk has none, so no mk alternate
    assert first.hreflang == {
        "sq": f"{BASE}/sq/t/uji/", "en": f"{BASE}/en/t/water/", "x-default": f"{BASE}/sq/t/uji/",
    }
    assert client.get("/mk/t/voda/").status_code == 404, "a tag with nothing in mk is a 404"
    # an old numbered address leads to the keyset page that now holds that place
    moved = client.get("/en/t/lonely/?page=2")
    assert moved.status_code == 302 and "before=" in moved.headers["Location"]
    second_path = moved.headers["Location"]
    lonely = _fetch(client, BASE + second_path)
    assert lonely.canonical == BASE + second_path
    assert lonely.hreflang == {"en": BASE + second_path, "x-default": BASE + second_path}
    newer = next(a["href"] for a in lonely.anchors if a.get("rel") == "prev")
    assert newer == "/en/t/lonely/"
    older = next(a["href"] for a in lonely.anchors if a.get("rel") == "next")
    html = client.get(older).get_data(as_text=True)
    assert _article_links(html, "en") and len(_article_links(html, "en")) == 2
    assert "rel=\"next\"" not in html
    assert client.get("/en/t/lonely/?page=4").status_code == 404
    # the tag has no sq name: its sq address would be its key, but nothing is published there
    assert client.get("/sq/t/lonely/").status_code == 404


def test_author_page_paginates_and_joins_cyrillic_and_latin_lists(app, client, newsroom):
    app.config["PER_PAGE"] = 5
    slug = byline_slug("Vesna Ристовска")
    assert slug == "vesna-ristovska"
    moved = client.get(f"/en/author/{slug}/?page=2")
    assert moved.status_code == 302
    page = _fetch(client, BASE + moved.headers["Location"])
    assert page.canonical == BASE + moved.headers["Location"]
    assert set(page.hreflang) == {"en", "x-default"}
    first = _fetch(client, f"{BASE}/sq/author/{slug}/")
    assert first.hreflang == {
        "sq": f"{BASE}/sq/author/{slug}/", "en": f"{BASE}/en/author/{slug}/",
        "x-default": f"{BASE}/sq/author/{slug}/",
    }
    assert client.get(f"/mk/author/{slug}/").status_code == 404


def test_switcher_keeps_tag_and_author_pages(app, client, newsroom):
    with app.app_context():
        water = db.session.scalar(select(Tag).where(Tag.key == "water"))
        water_id = water.id
    response = client.get(f"/sq/switch?tag={water_id}")
    assert response.headers["Location"].endswith("/sq/t/uji/")
    response = client.get(f"/mk/switch?tag={water_id}")
    assert response.headers["Location"].endswith("/mk/"), "nothing tagged in mk"
    response = client.get("/sq/switch?author=vesna-ristovska")
    assert response.headers["Location"].endswith("/sq/author/vesna-ristovska/")
    response = client.get("/mk/switch?author=vesna-ristovska")
    assert response.headers["Location"].endswith("/mk/")


# --- category feeds ----------------------------------------------------------------------------


def test_each_category_has_its_own_feed(demo_app, demo_client):
    with demo_app.app_context():
        names = db.session.scalars(select(CategoryName)).all()
        expected = {
            (n.locale, n.slug): {
                f"{BASE}/{t.locale}/a/{t.slug}"
                for t in db.session.scalars(
                    select(ArticleTranslation).where(
                        ArticleTranslation.locale == n.locale,
                        ArticleTranslation.status == "published",
                    )
                )
                if t.article.category_id == n.category_id
            }
            for n in names
        }
    assert any(expected.values())
    for (lang, slug), links in expected.items():
        response = demo_client.get(f"/{lang}/c/{slug}/feed.xml")
        assert response.status_code == 200
        assert response.mimetype == "application/rss+xml"
        channel = etree.fromstring(response.data).find("channel")
        assert channel.findtext("link") == f"{BASE}/{lang}/c/{slug}/"
        assert channel.findtext("language") == lang
        atom = channel.find("{http://www.w3.org/2005/Atom}link")
        assert atom.get("rel") == "self" and atom.get("href") == f"{BASE}/{lang}/c/{slug}/feed.xml"
        items = channel.findall("item")
        assert {item.findtext("link") for item in items} == links
        for item in items:
            # plain text, as in the site feed: no markup in titles or descriptions
            assert "<" not in item.findtext("title") and "<" not in item.findtext("description")
        try:
            import feedparser  # not a dependency; checked when a developer has it
        except ImportError:
            continue
        parsed = feedparser.parse(response.data)
        assert not parsed.bozo and {e.link for e in parsed.entries} == links


def test_site_feed_channel_links_the_home_page(demo_client):
    channel = etree.fromstring(demo_client.get("/mk/feed.xml").data).find("channel")
    assert channel.findtext("link") == f"{BASE}/mk/"


def test_category_feed_titles_are_localized_and_unknown_is_404(demo_client):
    channel = etree.fromstring(demo_client.get("/mk/c/lokalno/feed.xml").data).find("channel")
    assert "Локално" in channel.findtext("title")
    assert "Локално" in channel.findtext("description")
    assert demo_client.get("/mk/c/local/feed.xml").status_code == 404
    assert demo_client.get("/mk/c/no-such/feed.xml").status_code == 404


def test_category_page_links_its_feed_without_hreflang(demo_client):
    page = parse_page(demo_client.get("/en/c/local/").get_data(as_text=True))
    feeds = [
        link for link in page.links
        if link.get("rel") == "alternate" and link.get("type") == "application/rss+xml"
        and link.get("href") == "/en/c/local/feed.xml"
    ]
    assert len(feeds) == 1 and "hreflang" not in feeds[0] and feeds[0].get("title")


# --- sitemap and query counts ------------------------------------------------------------------


def test_sitemap_lists_tag_and_author_pages_with_alternates(demo_client):
    entries = {
        u.findtext("sm:loc", namespaces=SM): {
            x.get("hreflang"): x.get("href") for x in u.findall("xhtml:link", SM)
        }
        for u in sitemap_urls(demo_client)
    }
    expected = {lang: f"{BASE}/{lang}/t/{slug}/" for lang, slug in AGRICULTURE.items()}
    expected["x-default"] = f"{BASE}/sq/t/bujqesia/"
    for lang, slug in AGRICULTURE.items():
        assert entries[f"{BASE}/{lang}/t/{slug}/"] == expected
    author = f"{BASE}/en/author/elena-trajkovska/"
    assert entries[author]["en"] == author and "x-default" in entries[author]
    for loc in entries:
        if "/t/" in loc or "/author/" in loc:
            assert demo_client.get(urlparse(loc).path).status_code == 200, loc


LISTING_MAX = 6


def test_tag_author_and_feed_query_counts_are_fixed(demo_app, demo_client, count_queries):
    with demo_app.app_context():
        tags = queries.all_tags()
        slugs = tag_slugs(tags, "en")
        bylines = {t.article.byline for t in db.session.scalars(
            select(ArticleTranslation).where(
                ArticleTranslation.locale == "en", ArticleTranslation.status == "published"
            )
        )}
        categories = db.session.scalars(
            select(CategoryName).where(CategoryName.locale == "en")
        ).all()
    groups = {
        "tag": [f"/en/t/{slugs[t.id]}/" for t in tags],
        "author": [f"/en/author/{byline_slug(b)}/" for b in bylines],
        "feed": [f"/en/c/{n.slug}/feed.xml" for n in categories],
    }
    for kind, urls in groups.items():
        counts = set()
        for url in urls:
            with count_queries(demo_app) as counter:
                response = demo_client.get(url)
            if response.status_code == 200:
                counts.add(counter.count)
        assert counts and len(counts) == 1 and max(counts) <= LISTING_MAX, (kind, counts)


def test_every_demo_article_has_related_articles_in_its_own_language(demo_app, demo_client):
    with demo_app.app_context():
        urls = [
            (t.locale, f"/{t.locale}/a/{t.slug}")
            for t in db.session.scalars(
                select(ArticleTranslation).where(ArticleTranslation.status == "published")
            )
        ]
    assert {lang for lang, _ in urls} == set(LOCALES)
    for lang, url in urls:
        html = demo_client.get(url).get_data(as_text=True)
        section = html[html.index('class="related"'):]
        links = re.findall(r'<h3><a href="([^"]+)">', section)
        assert len(links) == 4, url
        assert url not in links and all(link.startswith(f"/{lang}/a/") for link in links)


def test_related_costs_the_same_queries_however_it_fills(app, client, newsroom, count_queries):
    with app.app_context():
        bare = _publish("en", "Bare", hours_ago=0)
        db.session.commit()
        urls = [f"/en/a/{newsroom.main_slug}", f"/en/a/{bare.slug}"]
    counts = set()
    for url in urls:
        with count_queries(app) as counter:
            assert client.get(url).status_code == 200
        counts.add(counter.count)
    assert len(counts) == 1, counts
