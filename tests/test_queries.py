"""Pages load in a small, fixed number of queries: no N+1."""

from sqlalchemy import select

from bv.articles.models import ArticleTranslation
from bv.extensions import db

HOME_MAX = 5
# related stories (one query whatever fills them) and the tags for tag links included,
# plus one for the sidebar's latest articles
ARTICLE_MAX = 9


def test_home_page_query_count_is_small_and_fixed(demo_app, demo_client, count_queries):
    counts = {}
    for lang in ("sq", "mk", "en"):
        with count_queries(demo_app) as counter:
            assert demo_client.get(f"/{lang}/").status_code == 200
        counts[lang] = counter.count
    assert max(counts.values()) <= HOME_MAX, counts
    assert len(set(counts.values())) == 1, counts


def test_article_page_query_count_does_not_grow_with_content(demo_app, demo_client, count_queries):
    with demo_app.app_context():
        urls = [
            f"/{t.locale}/a/{t.slug}"
            for t in db.session.scalars(
                select(ArticleTranslation).where(ArticleTranslation.status == "published")
            )
        ]
    counts = set()
    for url in urls:
        with count_queries(demo_app) as counter:
            assert demo_client.get(url).status_code == 200
        counts.add(counter.count)
    # articles differ in tags, images, related stories and language versions
    assert max(counts) <= ARTICLE_MAX, counts
    assert len(counts) == 1, counts


def test_category_page_query_count(demo_app, demo_client, count_queries):
    html = demo_client.get("/en/").get_data(as_text=True)
    import re

    links = sorted(set(re.findall(r'href="(/en/c/[^"]+)"', html)))
    assert len(links) >= 3
    counts = set()
    for link in links:
        with count_queries(demo_app) as counter:
            assert demo_client.get(link).status_code == 200
        counts.add(counter.count)
    assert max(counts) <= 6 and len(counts) == 1, counts
