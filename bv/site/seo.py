"""What search engines and feed readers read: RSS, sitemaps, robots.txt, health."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, current_app, g, render_template
from flask_babel import gettext as _
from sqlalchemy import text

from bv.database import utcnow
from bv.extensions import db
from bv.i18n import LANGUAGE_NAMES, LOCALES
from bv.jobs import health
from bv.settings import settings_for
from bv.site import queries
from bv.site.urls import absolute_url, article_url, fill_lang_code, pop_lang_code
from bv.text import plain_text

bp = Blueprint("seo", __name__)
feeds = Blueprint("feeds", __name__, url_prefix="/<lang:lang_code>")
feeds.url_defaults(fill_lang_code)
feeds.url_value_preprocessor(pop_lang_code)

FEED_SIZE = 30
NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000


@feeds.get("/feed.xml")
def rss():
    """An RSS 2.0 feed of the newest published articles in one language."""
    lang = g.lang_code
    settings = settings_for(lang)
    feed = FeedGenerator()
    feed.title(
        _("%(site)s: news in %(language)s", site=current_app.config["SITE_NAME"],
          language=LANGUAGE_NAMES[lang])
    )
    feed.link(href=absolute_url("site.home"), rel="alternate")
    # feedgen writes rel="self" as the atom:link feed readers use to find the feed again
    feed.link(href=absolute_url("feeds.rss"), rel="self", type="application/rss+xml")
    feed.description(plain_text(settings.get("tagline")) or _("News from Tetovo and the region"))
    feed.language(lang)
    feed.lastBuildDate(utcnow())
    # every category with its names in two queries, instead of one lazy load per category
    categories = {c.id: c for c in queries.categories()}
    items = queries.latest(lang, FEED_SIZE)
    # feedgen prepends entries, so add the oldest first
    for translation in reversed(items):
        entry = feed.add_entry()
        url = article_url(translation, absolute=True)
        entry.id(url)
        entry.guid(url, permalink=True)
        # feed readers may treat both as HTML: both become plain text, and the description,
        # which RSS defines as HTML, is escaped so that text stays text
        entry.title(plain_text(translation.live_headline))
        entry.link(href=url)
        entry.description(escape(plain_text(translation.live_lede), quote=False))
        entry.pubDate(translation.published_at)
        category = categories.get(translation.article.category_id)
        if category and category.name_in(lang):
            entry.category(term=plain_text(category.name_in(lang).name))
    return Response(feed.rss_str(pretty=True), mimetype="application/rss+xml")


@bp.get("/sitemap.xml")
def sitemap():
    """Every published version, each listing its published siblings as alternates."""
    entries = []
    for article in queries.all_published_articles():
        published = [t for t in article.translations if t.is_published]
        alternates = [(t.locale, article_url(t, absolute=True)) for t in published]
        default = article.source if article.source and article.source.is_published else published[0]
        for t in published:
            entries.append(
                {
                    "loc": article_url(t, absolute=True),
                    "lastmod": t.updated_at,
                    "alternates": alternates,
                    "x_default": article_url(default, absolute=True),
                }
            )
    homes = [(code, absolute_url("site.home", lang_code=code)) for code in LOCALES]
    root_url = current_app.config["SITE_URL"].rstrip("/") + "/"
    body = render_template("seo/sitemap.xml", entries=entries, homes=homes, root_url=root_url)
    return Response(body, mimetype="application/xml")


@bp.get("/news-sitemap.xml")
def news_sitemap():
    """A Google News sitemap: the last two days, at most 1,000 entries."""
    recent = queries.published_since(utcnow() - NEWS_WINDOW, NEWS_LIMIT)
    body = render_template(
        "seo/news-sitemap.xml",
        items=[(t, article_url(t, absolute=True)) for t in recent],
        publication=current_app.config["SITE_NAME"],
    )
    return Response(body, mimetype="application/xml")


@bp.get("/robots.txt")
def robots():
    """Let crawlers in, keep them out of the newsroom, point them at the sitemaps."""
    base = current_app.config["SITE_URL"].rstrip("/")
    lines = [
        "User-agent: *",
        "Disallow: /newsroom/",
        "Allow: /",
        f"Sitemap: {base}/sitemap.xml",
        f"Sitemap: {base}/news-sitemap.xml",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


@bp.get("/healthz")
def healthz():
    """Liveness with a database round trip, for the load balancer; the queue is reported only."""
    db.session.execute(text("SELECT 1"))
    # a queue that is away delays mail and jobs but does not take the site down: still "ok"
    return {"status": "ok", "queue": health.check().as_dict()}
