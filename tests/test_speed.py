"""Reading pages stay cheap as the archive grows: fixed query counts, keyset pages, a
sitemap index of bounded pages, indexes the listing queries use, consistent bench data."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlparse
from xml.etree import ElementTree

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from bv.articles.models import Article, ArticleTranslation, CategoryName
from bv.articles.rendering import render_body
from bv.articles.slugs import byline_slug, make_slug, tag_slugs
from bv.database import utcnow
from bv.demo import generated
from bv.extensions import db
from bv.search import service as search_service
from bv.site import queries
from bv.translation import segments as seg
from bv.translation import sync
from bv.translation.models import Segment, TranslatedSegment
from tests.conftest import PG_URL
from tests.helpers import SITEMAP_NS

SM = {"sm": SITEMAP_NS}
FUTURE = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _generate(app, articles: int, seed: int = 1) -> None:
    with app.app_context():
        generated.generate(articles, seed=seed)
        db.session.commit()


def _public_urls(app) -> dict[str, str]:
    """One address of every kind of public page, from the first generated article."""
    with app.app_context():
        t = db.session.scalar(
            select(ArticleTranslation)
            .where(ArticleTranslation.locale == "mk", ArticleTranslation.status == "published")
            .order_by(ArticleTranslation.id)
        )
        category = db.session.scalar(
            select(CategoryName).where(
                CategoryName.locale == "mk", CategoryName.category_id == t.article.category_id
            )
        )
        tag = t.article.tags[0] if t.article.tags else None
        tag_slug = tag_slugs(queries.all_tags(), "mk")[tag.id] if tag else None
        word = t.live_headline.split()[0]
        author = byline_slug(t.article.byline)
        first_sitemap = db.session.scalar(select(sa.func.min(Article.id)))
    urls = {
        "home": "/mk/",
        "article": f"/mk/a/{t.slug}",
        "category": f"/mk/c/{category.slug}/",
        "category later page": f"/mk/c/{category.slug}/?before={FUTURE},2147483646",
        "author": f"/mk/author/{author}/",
        "author later page": f"/mk/author/{author}/?before={FUTURE},2147483646",
        "search": f"/mk/search?q={word}",
        "feed": "/mk/feed.xml",
        "category feed": f"/mk/c/{category.slug}/feed.xml",
        "sitemap index": "/sitemap.xml",
        "sitemap articles": f"/sitemaps/articles-{first_sitemap}.xml",
        "sitemap pages": "/sitemaps/pages.xml",
        "news sitemap": "/news-sitemap.xml",
        "about": "/mk/about",
    }
    if tag_slug:
        urls["tag"] = f"/mk/t/{tag_slug}/"
        urls["tag later page"] = f"/mk/t/{tag_slug}/?before={FUTURE},2147483646"
    return urls


def _counts(app, client, count_queries, urls) -> dict[str, int]:
    counts = {}
    for name, url in urls.items():
        with count_queries(app) as counter:
            response = client.get(url)
        assert response.status_code == 200, (name, url)
        counts[name] = counter.count
    return counts


# the most each page may ask; the test below pins that they do not grow with content
MOST = {
    "home": 4, "article": 7, "category": 3, "category later page": 4, "tag": 5,
    "tag later page": 6, "author": 5, "author later page": 6, "search": 5, "feed": 3,
    "category feed": 2, "sitemap index": 1, "sitemap articles": 1, "sitemap pages": 3,
    "news sitemap": 1, "about": 2,
}


def test_public_pages_ask_the_same_queries_for_3_and_30_articles(app, client, count_queries):
    _generate(app, 3)
    urls = _public_urls(app)
    small = _counts(app, client, count_queries, urls)
    _generate(app, 27, seed=2)
    large = _counts(app, client, count_queries, urls)
    assert small == large, {k: (small[k], large[k]) for k in small if small[k] != large[k]}
    for name, count in large.items():
        assert count <= MOST[name], (name, count)


def _listing_ids(app, locale: str, category_id: int) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(
            select(ArticleTranslation.id)
            .join(ArticleTranslation.article)
            .where(ArticleTranslation.locale == locale, ArticleTranslation.status == "published",
                   Article.category_id == category_id)
            .order_by(ArticleTranslation.published_at.desc(), ArticleTranslation.id.desc())
        ))


def _page_ids(app, html: str) -> list[int]:
    slugs = re.findall(r'<h2><a href="/en/a/([^"]+)">', html)
    with app.app_context():
        by_slug = dict(db.session.execute(
            select(ArticleTranslation.slug, ArticleTranslation.id)
            .where(ArticleTranslation.locale == "en", ArticleTranslation.slug.in_(slugs))
        ).all())
    return [by_slug[s] for s in slugs]


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a rel="{rel}" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_keyset_pages_walk_the_whole_listing_through_ties(app, client):
    app.config["PER_PAGE"] = 3
    _generate(app, 30)
    with app.app_context():
        # all articles in one section: many pages, and every seventh shares its moment
        first = generated._categories()[0]
        db.session.execute(sa.update(Article).values(category_id=first))
        db.session.commit()
        name = db.session.scalar(select(CategoryName).where(
            CategoryName.locale == "en", CategoryName.category_id == first))
        category_id, slug = name.category_id, name.slug
        times = db.session.scalars(
            select(ArticleTranslation.published_at).where(ArticleTranslation.locale == "en")
        ).all()
    assert len(times) > len(set(times)), "the premise: some versions share a moment"
    expected = _listing_ids(app, "en", category_id)
    url, seen, pages = f"/en/c/{slug}/", [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        pages.append((url, html))
        seen += _page_ids(app, html)
        url = _link(html, "next")
    assert seen == expected
    assert len(pages) == 10
    # back up from the last page: every newer link leads to the page before it
    for (before_url, before_html), (_, html) in zip(pages[-2::-1], pages[:0:-1], strict=True):
        newer = _link(html, "prev")
        response = client.get(newer)
        if response.status_code == 302:
            newer = response.headers["Location"]
            response = client.get(newer)
        assert _page_ids(app, response.get_data(as_text=True)) == _page_ids(app, before_html)
        if before_url == f"/en/c/{slug}/":
            assert newer == before_url
    # the first page has no newer link; the last no older one
    assert _link(pages[0][1], "prev") is None and _link(pages[-1][1], "next") is None


@pytest.mark.parametrize("query, status", [
    ("before=yesterday", 400),
    ("before=2026-13-01T00:00:00.000000Z,5", 400),
    ("before=2026-12-01T00:00:00.000000Z,-5", 400),
    ("before=2026-12-01T00:00:00.000000Z,99999999999", 400),
    ("after=,", 400),
    ("before=2026-12-01T00:00:00.000000Z,5&after=2026-12-01T00:00:00.000000Z,5", 400),
    ("before=1990-01-01T00:00:00.000000Z,5", 404),
    ("page=9999", 404),
])
def test_bad_cursors_are_localized_errors(app, client, query, status):
    _generate(app, 3)
    with app.app_context():
        slug = db.session.scalar(select(CategoryName.slug).where(CategoryName.locale == "mk"))
    response = client.get(f"/mk/c/{slug}/?{query}")
    assert response.status_code == status
    assert 'lang="mk"' in response.get_data(as_text=True)


def test_sitemap_index_lists_pages_of_bounded_size(app, client):
    app.config["SITEMAP_PAGE_SIZE"] = 7  # two articles (six versions) a page
    _generate(app, 30)
    index = ElementTree.fromstring(client.get("/sitemap.xml").data)
    assert index.tag == f"{{{SITEMAP_NS}}}sitemapindex"
    locs = [e.text for e in index.iterfind("sm:sitemap/sm:loc", SM)]
    assert locs[0].endswith("/sitemaps/pages.xml")
    article_pages = [urlparse(loc).path for loc in locs[1:]]
    # pages are fixed id ranges, two article ids each: 30 consecutive articles fill 15
    firsts = [int(path.rsplit("-", 1)[1].removesuffix(".xml")) for path in article_pages]
    assert firsts == list(range(firsts[0], firsts[0] + 2 * 15, 2))
    assert all(first % 2 == 1 for first in firsts)
    urls = []
    for path in article_pages:
        response = client.get(path)
        assert response.status_code == 200 and response.last_modified is not None
        page = ElementTree.fromstring(response.data).findall("sm:url", SM)
        assert 0 < len(page) <= 7
        urls += [u.findtext("sm:loc", namespaces=SM) for u in page]
    assert len(urls) == len(set(urls)) == 90
    again = client.get(article_pages[0], headers={"If-Modified-Since": response.headers["Last-Modified"]})
    assert again.status_code in (200, 304)
    assert client.get(article_pages[-1] .replace("articles-", "articles-9")).status_code == 404


def test_a_sitemap_page_keeps_its_address_when_others_empty(app, client, count_queries):
    """Unpublishing every article of one range drops that page alone; the others keep
    their addresses, and the index is still one query."""
    from bv.articles.models import ArticleTranslation

    app.config["SITEMAP_PAGE_SIZE"] = 7
    _generate(app, 10)
    before = [loc.text for loc in ElementTree.fromstring(client.get("/sitemap.xml").data)
              .iterfind("sm:sitemap/sm:loc", SM)]
    emptied = urlparse(before[2]).path
    first = int(emptied.rsplit("-", 1)[1].removesuffix(".xml"))
    with app.app_context():
        db.session.execute(
            ArticleTranslation.__table__.update()
            .where(ArticleTranslation.article_id.in_([first, first + 1]))
            .values(status="unpublished")
        )
        db.session.commit()
    with count_queries(app) as counter:
        after = [loc.text for loc in ElementTree.fromstring(client.get("/sitemap.xml").data)
                 .iterfind("sm:sitemap/sm:loc", SM)]
    assert counter.count == 1, counter.statements
    assert after == [loc for loc in before if loc != before[2]]
    assert client.get(emptied).status_code == 404


def test_bench_data_is_consistent_and_searchable(app, runner):
    result = runner.invoke(args=["bench-data", "--articles", "30"])
    assert result.exit_code == 0, result.output
    assert "wrote 30 articles, 90 versions" in result.output
    with app.app_context():
        articles = db.session.scalars(select(Article)).all()
        assert len(articles) == 30
        for article in articles[:10]:
            source = article.source
            assert source.body_html == render_body(source.body)
            stored = sorted(sync.keyed_segments(article), key=lambda s: seg.key_order(s.key))
            split = seg.split(sync.values_of(source))
            assert [(s.key, s.kind, s.hash) for s in stored] == [
                (s.key, s.kind, s.hash) for s in sorted(split, key=lambda s: seg.key_order(s.key))
            ]
            skeleton = sync.source_skeleton(article)
            for t in article.translations:
                if t.locale == article.source_locale:
                    continue
                rows = db.session.scalars(
                    select(TranslatedSegment).where(TranslatedSegment.translation_id == t.id)
                ).all()
                texts = {r.key: r.target_text for r in rows}
                assert seg.assemble(skeleton, texts)["body"] == t.body
                assert t.body_html == render_body(t.body) == t.live_body_html
                assert {r.source_hash for r in rows} <= {s.hash for s in stored}
                assert t.live_revision_id and t.source_revision_id == source.live_revision_id
            for t in article.translations:
                assert t.slug == f"{make_slug(t.headline, t.locale, 200)}-{article.id}"
        assert db.session.scalar(select(sa.func.count()).select_from(Segment)) > 30 * 3
        # Cyrillic in Macedonian, and search finds a version by a word of its headline
        mk = db.session.scalar(select(ArticleTranslation).where(ArticleTranslation.locale == "mk"))
        assert re.search("[а-ш]", mk.live_headline)
        found = search_service.search("mk", mk.live_headline, 1, 10)
        assert mk.id in found.ids


# --- indexes ---------------------------------------------------------------------------------


def _captured_statements(app, client, urls):
    captured = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        for url in urls:
            assert client.get(url).status_code == 200, url
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return captured


def _plan(app, statement: str, parameters) -> str:
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            return "\n".join(str(row[-1]) for row in rows)
        conn.exec_driver_sql("SET enable_seqscan = off")
        rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()
        return "\n".join(row[0] for row in rows)


def test_listing_queries_use_an_index(app, client):
    _generate(app, 30)
    urls = _public_urls(app)
    pages = ["home", "category", "category later page", "tag", "tag later page", "author",
             "feed", "news sitemap", "sitemap articles", "sitemap index"]
    for name in pages:
        if name not in urls:
            continue
        statements = _captured_statements(app, client, [urls[name]])
        listing = [(s, p) for s, p in statements
                   if "FROM article_translation" in s and "ORDER BY" in s]
        assert listing, name
        for statement, parameters in listing:
            plan = _plan(app, statement, parameters)
            if PG_URL:
                assert "Seq Scan on article_translation" not in plan, (name, plan)
            else:
                # a full scan of the table reads every version; SEARCH (or a covering index) seeks
                assert not re.search(r"SCAN article_translation(?! USING)", plan), (name, plan)
                assert "article_translation USING" in plan, (name, plan)


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's planner; PostgreSQL's plans follow its statistics")
def test_search_reads_versions_only_by_key(app, client):
    """Search never walks the listing index of a language: its cost would grow with it."""
    _generate(app, 30)
    statements = _captured_statements(app, client, [_public_urls(app)["search"]])
    searching = [(s, p) for s, p in statements
                 if ("search_index" in s and "search_index_terms" not in s)
                 or re.search(r"article_translation\.id IN", s)]
    assert len(searching) == 2, [s for s, _ in searching]
    for statement, parameters in searching:
        plan = _plan(app, statement, parameters)
        lines = [line for line in plan.splitlines() if re.search(r"\b(t|article_translation)\b", line)]
        assert lines and all("INTEGER PRIMARY KEY" in line for line in lines), plan


def test_after_bench_data_the_newsroom_writes_as_usual(app, runner, staff):
    """bench-data writes rows with ids of its own; an editor's next article, revision and
    segments must still get fresh ids (on PostgreSQL the sequences are moved past them)."""
    from bv.accounts.models import User
    from bv.articles import service, workflow

    assert runner.invoke(args=["bench-data", "--articles", "5"]).exit_code == 0
    # and a database that already holds them (--if-fewer writes nothing) is mended too
    assert runner.invoke(args=["bench-data", "--articles", "5", "--if-fewer"]).exit_code == 0
    with app.app_context():
        editor = db.session.scalar(select(User).where(User.email == staff["editor"]))
        article = service.create_article(source_locale="sq", author=editor)
        version = service.save_translation(
            article, "sq", {"headline": "Ura e re", "lede": "Hapet sot.", "body": "Teksti i ri."},
            user=editor,
        )
        workflow.transition(version, "publish", user=editor)
        db.session.commit()
        assert article.id > 5 and version.live_revision_id


def _related_steps(app, tag_ids) -> int:
    """SQLite virtual-machine steps (in hundreds) of the newest mk version's related stories."""
    with app.test_request_context("/mk/"):
        translation = db.session.scalar(
            select(ArticleTranslation)
            .where(ArticleTranslation.locale == "mk", ArticleTranslation.status == "published")
            .order_by(ArticleTranslation.published_at.desc())
        )
        tag_ids = [t.id for t in translation.article.tags] if tag_ids is None else tag_ids
        steps = 0

        def count() -> int:
            nonlocal steps
            steps += 1
            return 0

        sqlite = db.session.connection().connection.driver_connection
        sqlite.set_progress_handler(count, 100)
        try:
            related, latest = queries.related(translation, latest=5, tag_ids=tag_ids)
        finally:
            sqlite.set_progress_handler(None, 100)
        assert len(related) == 4 and len(latest) == 5
        return steps


@pytest.mark.skipif(bool(PG_URL), reason="counts SQLite's own steps")
def test_related_stories_cost_the_same_whatever_the_archive_holds(app, monkeypatch):
    """Sharing a tag no other article carries must not walk the whole listing to find none:
    the work of related() stays flat from 40 to 400 articles, for the article's own tags and
    for a tag nobody else has."""
    # a small window, so that both archives fill it (its cost grows until it is full)
    monkeypatch.setattr(queries, "TAG_NEIGHBOURS", 2)
    queries._related_statement.cache_clear()
    try:
        _generate(app, 40)
        small = {"own": _related_steps(app, None), "alone": _related_steps(app, [2**31 - 1])}
        _generate(app, 360, seed=2)
        large = {"own": _related_steps(app, None), "alone": _related_steps(app, [2**31 - 1])}
    finally:
        # statements built with the small window must not outlive this test
        queries._related_statement.cache_clear()
    for kind in small:
        assert large[kind] <= small[kind] * 1.5 + 5, (kind, small, large)
