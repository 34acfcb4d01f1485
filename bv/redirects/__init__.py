"""Old addresses from a previous site, and a renamed tag's old addresses, answered with a 301.

Targets are rows (a language version, a category, a language's home), not URLs: the URL is
worked out when a reader asks, so a slug that changed later never makes a chain, and a version
that is not published is never a destination (another published language of the story is).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from flask import Flask, current_app, redirect, request, url_for
from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError

from bv import errors, events
from bv.articles.models import ArticleTranslation, CategoryName, Tag, article_tags
from bv.articles.slugs import byline_slug, tag_slugs
from bv.extensions import db
from bv.i18n import LOCALES
from bv.redirects.models import OldUrl
from bv.site.urls import article_url

# the query parameters that name a page on a WordPress site; others (utm_*) are ignored
MEANINGFUL_QUERY = ("p", "page_id", "cat", "tag", "author", "lang", "feed", "paged", "m")
# bv's own areas: never shadowed by an old address
OWN_PREFIXES = ("/newsroom", "/static", "/media", "/uploads")
# the origin of the rows a tag rename leaves behind (bv's own old tag addresses)
TAG_RENAME = "tag-rename"


def normalize(url: str) -> str:
    """The lookup key of an address: decoded path, no trailing slash, meaningful query sorted.

    Percent-encoded and decoded Cyrillic, upper- and lower-case escapes, and a missing or extra
    trailing slash all give the same key.
    """
    parts = urlsplit(url)
    path = unquote(parts.path or "/").strip()
    path = "/" + path.strip("/") if path.strip("/") else "/"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k in MEANINGFUL_QUERY
    )
    key = path.lower()
    return key + ("?" + urlencode(query) if query else "")


def add(path: str, kind: str, *, locale: str, target_id: int | None = None, text: str = "",
        origin: str = "") -> bool:
    """Claim an old address for a target; False when another import holds it already."""
    key = normalize(path)
    if len(key) > 700:
        return False
    existing = db.session.scalar(select(OldUrl).where(OldUrl.path == key))
    if existing is not None:
        if existing.origin == origin and origin:
            # the same import run again: keep the row, follow the (maybe newer) target
            existing.target_kind, existing.target_id = kind, target_id
            existing.locale, existing.search_words = locale, text[:200]
            return True
        return (existing.target_kind, existing.target_id, existing.locale) == (
            kind, target_id, locale)
    db.session.add(OldUrl(path=key, target_kind=kind, target_id=target_id, locale=locale,
                          search_words=text[:200], origin=origin))
    return True


def target_url(row: OldUrl) -> str | None:
    """Where an old address leads now, or None when nothing published stands there."""
    if row.target_kind == "translation":
        translation = db.session.get(ArticleTranslation, row.target_id)
        if translation is None:
            return None
        if translation.is_published:
            return article_url(translation)
        # never an unpublished version: another published language of the same story
        for other in sorted(translation.article.translations,
                            key=lambda t: LOCALES.index(t.locale)):
            if other.is_published:
                return article_url(other)
        return None
    if row.target_kind == "category":
        name = db.session.scalar(
            select(CategoryName).where(CategoryName.category_id == row.target_id,
                                       CategoryName.locale == row.locale)
        )
        return url_for("site.category", lang_code=row.locale, slug=name.slug) if name else None
    if row.target_kind == "tag":
        # tag slugs are derived per locale; a tag with nothing published there has no page
        tags = db.session.scalars(select(Tag)).all()
        slug = tag_slugs(tags, row.locale).get(row.target_id)
        if slug is None or not _published_with_tag(row.target_id, row.locale):
            return url_for("site.home", lang_code=row.locale)
        return url_for("site.tag", lang_code=row.locale, slug=slug)
    if row.target_kind == "author":
        if not row.search_words:
            return url_for("site.home", lang_code=row.locale)
        return url_for("site.author", lang_code=row.locale, slug=byline_slug(row.search_words))
    if row.target_kind == "feed":
        return url_for("feeds.rss", lang_code=row.locale)
    if row.target_kind == "search":
        return url_for("site.search", lang_code=row.locale, q=row.search_words)
    if row.target_kind == "about":
        return url_for("site.about", lang_code=row.locale)
    return url_for("site.home", lang_code=row.locale)


def _published_with_tag(tag_id: int, locale: str) -> bool:
    return db.session.scalar(
        select(ArticleTranslation.id)
        .join(article_tags, article_tags.c.article_id == ArticleTranslation.article_id)
        .where(article_tags.c.tag_id == tag_id, ArticleTranslation.locale == locale,
               ArticleTranslation.status == "published")
        .limit(1)
    ) is not None


PAGED = re.compile(r"/page/\d+$")
FEED = re.compile(r"/feed(/(rss2?|atom|rdf))?$")


def _row(key: str) -> OldUrl | None:
    return db.session.scalar(select(OldUrl).where(OldUrl.path == key))


def lookup(url: str) -> str | None:
    """The new URL for an old one, if any (one hop, never to the same address).

    Paginated archives (`/page/2/`) lead where their first page does, and a feed of an old
    page (`/category/x/feed/`) to the feed of that page's language.
    """
    key = normalize(url)
    row = _row(key)
    path, _, query = key.partition("?")
    if row is None and PAGED.search(path):
        base = PAGED.sub("", path) or "/"
        row = _row(base + ("?" + query if query else ""))
    if row is None and FEED.search(path):
        base = _row((FEED.sub("", path) or "/") + ("?" + query if query else ""))
        if base is not None:
            return url_for("feeds.rss", lang_code=base.locale)
    if row is None:
        return None
    target = target_url(row)
    if target is None or normalize(target) == key:
        return None
    return target


def serve_old_url():
    """before_request: answer an old address with a 301 before bv's routes see it."""
    if request.method not in ("GET", "HEAD"):
        return None
    if request.path.startswith(OWN_PREFIXES):
        return None
    # a path bv answers itself costs no lookup, unless it carries an old `?p=`-style query
    if request.url_rule is not None and not any(k in request.args for k in MEANINGFUL_QUERY):
        return None
    raw = request.full_path if request.query_string else request.path
    try:
        target = lookup(raw)
    except SQLAlchemyError:
        # the site's own pages (and /healthz) still answer, and say what is wrong
        current_app.logger.exception("old URL lookup failed")
        db.session.rollback()
        return None
    if target is None:
        return None
    return redirect(target, code=301)


def all_redirects() -> list[tuple[str, str]]:
    """Every old address with a published destination, as (old key, new URL)."""
    out = []
    for row in db.session.scalars(select(OldUrl).order_by(OldUrl.path)):
        target = target_url(row)
        if target is not None and normalize(target) != row.path:
            out.append((row.path, target))
    return out


def nginx_map(pairs: list[tuple[str, str]], variable: str = "$bv_old_url") -> str:
    """An nginx `map` from $request_uri to the new URL (exact paths, encoded and decoded)."""
    lines = [f"map $request_uri {variable} {{", "    default \"\";"]
    for old, new in pairs:
        path, _, query = old.partition("?")
        forms = {path, quote(path, safe="/"), quote(path, safe="/").lower()}
        for form in sorted(forms):
            for variant in ([form, form + "/"] if form != "/" else [form]):
                uri = variant + ("?" + query if query else "")
                lines.append(f"    {_nginx_quote(uri)} {_nginx_quote(new)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _nginx_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def old_url_instead_of_404():
    """A 404 under an address an import claimed (an old author or tag archive whose path bv
    also routes) answers with its 301 instead."""
    if request.method not in ("GET", "HEAD") or request.path.startswith(OWN_PREFIXES):
        return None
    raw = request.full_path if request.query_string else request.path
    try:
        target = lookup(raw)
    except SQLAlchemyError:
        db.session.rollback()
        return None
    return redirect(target, code=301) if target else None


def on_tag_addresses_moved(sender, *, moved, **extra) -> None:
    """A renamed tag's old address (and a neighbour's whose numbered slug shifted) leads to
    where the tag is now, one hop, in the rename's transaction."""
    taken = {normalize(f"/{locale}/t/{new}") for locale, _old, new, _tag_id in moved}
    # an address a tag answers at now is no longer an old one
    db.session.execute(delete(OldUrl).where(OldUrl.path.in_(taken), OldUrl.origin == TAG_RENAME))
    for locale, old, _new, tag_id in moved:
        if normalize(f"/{locale}/t/{old}") not in taken:
            add(f"/{locale}/t/{old}", "tag", locale=locale, target_id=tag_id, origin=TAG_RENAME)


def init_app(app: Flask) -> None:
    """Serve old addresses first, and instead of a 404 where bv routes the same path."""
    events.tag_addresses_moved.connect(on_tag_addresses_moved)
    app.before_request_funcs.setdefault(None, []).insert(0, serve_old_url)
    if old_url_instead_of_404 not in errors.not_found_fallbacks:
        errors.not_found_fallbacks.append(old_url_instead_of_404)
