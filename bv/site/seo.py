"""What search engines, feed readers and browsers read: RSS, sitemaps, robots.txt, icons, health."""

from __future__ import annotations

from datetime import timedelta
from html import escape
from itertools import groupby

from feedgen.feed import FeedGenerator
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _

from bv import health as site_health
from bv.articles.slugs import byline_slug, tag_slugs
from bv.database import utcnow
from bv.i18n import LANGUAGE_NAMES, LOCALES
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
    title = _("%(site)s: news in %(language)s", site=current_app.config["SITE_NAME"],
              language=LANGUAGE_NAMES[lang])
    return _rss_response(
        title=title,
        link=absolute_url("site.home"),
        self_link=absolute_url("feeds.rss"),
        description=plain_text(settings.get("tagline")) or _("News from Tetovo and the region"),
        items=queries.latest(lang, FEED_SIZE),
    )


@feeds.get("/c/<slug>/feed.xml")
def category_rss(slug: str):
    """An RSS 2.0 feed of one category's newest published articles in one language."""
    lang = g.lang_code
    sections = queries.categories()
    found = queries.section_by_slug(sections, lang, slug)
    if found is None:
        abort(404)
    name = found.name_in(lang)
    section = plain_text(name.name)
    return _rss_response(
        title=_("%(site)s: %(section)s section", site=current_app.config["SITE_NAME"], section=section),
        link=absolute_url("site.category", slug=name.slug),
        self_link=absolute_url("feeds.category_rss", slug=name.slug),
        description=_("The newest articles in %(section)s", section=section),
        items=queries.category_feed_items(lang, found.id, FEED_SIZE),
        sections=sections,
    )


def _rss_response(*, title: str, link: str, self_link: str, description: str, items,
                  sections=None) -> Response:
    """An RSS 2.0 document in the request's language; titles and descriptions are plain text."""
    lang = g.lang_code
    feed = FeedGenerator()
    feed.title(title)
    # feedgen writes rel="self" as the atom:link feed readers use to find the feed again
    feed.link(href=self_link, rel="self", type="application/rss+xml")
    # and takes the channel's <link> from the last link given: the HTML page, added last
    feed.link(href=link, rel="alternate")
    feed.description(description)
    feed.language(lang)
    feed.lastBuildDate(utcnow())
    # every category with its names in one query (or the caller's), never one per item
    categories = {c.id: c for c in (sections if sections is not None else queries.categories())}
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


def _articles_per_sitemap() -> int:
    # a page lists every published version of its articles: at most one per language each
    return max(1, int(current_app.config["SITEMAP_PAGE_SIZE"]) // len(LOCALES))


def _xml(body: str, last_modified=None) -> Response:
    response = Response(body, mimetype="application/xml")
    if last_modified is not None:
        response.last_modified = last_modified
        response.make_conditional(request)
    return response


@bp.get("/sitemap.xml")
def sitemap():
    """A sitemap index: the site's pages, then the articles in pages of bounded size."""
    # no <lastmod> per page: the newest change of a range of articles is a pass over the
    # range, and over every range a pass over the archive; each page answers Last-Modified
    # and 304 itself, so a crawler's revisit of an unchanged page costs nothing
    starts = queries.sitemap_page_starts(_articles_per_sitemap())
    # one address built by the router, the others by its pattern: at 100,000 articles the
    # index names 100 pages, and url_for was most of its cost
    head, _, tail = url_for("seo.sitemap_articles", first=1).rpartition("1")
    paths = [url_for("seo.sitemap_pages")] + [f"{head}{first}{tail}" for first in starts]
    base = current_app.config["SITE_URL"].rstrip("/")
    body = render_template("seo/sitemap-index.xml", sitemaps=[base + path for path in paths])
    response = _xml(body)
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/sitemaps/articles-<int:first>.xml")
def sitemap_articles(first: int):
    """One page of the article sitemap: articles from an id on, each version with its
    published siblings as alternates; one bounded query (and one for the versions)."""
    entries = []
    rows = queries.sitemap_versions(first, _articles_per_sitemap())
    for _article_id, versions in groupby(rows, key=lambda row: row.article_id):
        versions = list(versions)
        # each address built once: it appears as a loc and as every sibling's alternate
        urls = {v.locale: article_url(v, absolute=True) for v in versions}
        alternates = list(urls.items())
        source = versions[0].source_locale
        default = urls.get(source) or urls[versions[0].locale]
        for v in versions:
            entries.append(
                {
                    "loc": urls[v.locale],
                    "lastmod": v.updated_at,
                    "alternates": alternates,
                    "x_default": default,
                }
            )
    if not entries:
        abort(404)
    body = render_template("seo/sitemap.xml", entries=entries, homes=[], root_url="")
    return _xml(body, max(e["lastmod"] for e in entries))


@bp.get("/sitemaps/pages.xml")
def sitemap_pages():
    """The sitemap of the home, tag and author pages, with their language alternates."""
    entries = _tag_entries() + _author_entries()
    homes = [(code, absolute_url("site.home", lang_code=code)) for code in LOCALES]
    root_url = current_app.config["SITE_URL"].rstrip("/") + "/"
    body = render_template("seo/sitemap.xml", entries=entries, homes=homes, root_url=root_url)
    return _xml(body, max((e["lastmod"] for e in entries), default=None))


def _listing_entries(groups: dict, url_for_locale) -> list[dict]:
    """Sitemap entries for the first page of listings (tag or author) in each language,
    each with its language siblings; groups maps a key to {locale: newest publication}."""
    default = current_app.config["DEFAULT_LOCALE"]
    entries = []
    for key, newest in groups.items():
        codes = [code for code in LOCALES if code in newest]
        alternates = [(code, url_for_locale(key, code)) for code in codes]
        x_default = url_for_locale(key, default if default in newest else codes[0])
        for code, url in alternates:
            entries.append(
                {"loc": url, "lastmod": newest[code], "alternates": alternates,
                 "x_default": x_default}
            )
    return entries


def _tag_entries() -> list[dict]:
    tags = queries.all_tags()
    slugs = {code: tag_slugs(tags, code) for code in LOCALES}
    groups: dict = {}
    for tag_id, locale, newest in queries.tag_listing_index():
        groups.setdefault(tag_id, {})[locale] = newest
    return _listing_entries(
        groups, lambda tag_id, code: absolute_url("site.tag", lang_code=code,
                                                  slug=slugs[code][tag_id])
    )


def _author_entries() -> list[dict]:
    groups: dict = {}
    for byline, locale, newest in queries.author_listing_index():
        languages = groups.setdefault(byline_slug(byline), {})
        # two spellings of one name share a page: it changed when either last did
        languages[locale] = max(filter(None, (languages.get(locale), newest)))
    return _listing_entries(
        groups, lambda slug, code: absolute_url("site.author", lang_code=code, slug=slug)
    )


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


# the browser asks for /favicon.ico on every page whatever the page links to
@bp.get("/favicon.ico")
def favicon():
    """The site icon at the address browsers ask for."""
    return send_from_directory(
        current_app.static_folder, "icons/favicon.ico", mimetype="image/vnd.microsoft.icon",
        max_age=86400,
    )


MANIFEST_ICONS = (
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/icon-maskable-512.png", "512x512", "maskable"),
)


@bp.get("/manifest.webmanifest")
def manifest():
    """The web-app manifest: the name and the icons a phone shows for a saved site."""
    name = current_app.config["SITE_NAME"]
    data = {
        "name": name,
        "short_name": name,
        "start_url": "/",
        "scope": "/",
        "display": "browser",
        "background_color": "#ffffff",
        "theme_color": "#1b1f23",
        "icons": [
            {"src": url_for("static", filename=src), "sizes": sizes, "type": "image/png",
             "purpose": purpose}
            for src, sizes, purpose in MANIFEST_ICONS
        ],
    }
    response = current_app.response_class(
        current_app.json.dumps(data), mimetype="application/manifest+json"
    )
    response.cache_control.max_age = 86400
    return response


@bp.get("/healthz")
def healthz():
    """Each part's state for the load balancer (bv/health.py); 503 when the database is down."""
    body, status = site_health.report()
    return body, status
