"""The public reading site: home, categories, articles, about, search, language switch."""

from __future__ import annotations

import unicodedata

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from bv.articles.slugs import byline_slug, tag_slugs
from bv.errors import bounded_int
from bv.extensions import db
from bv.i18n import LANG_COOKIE, LOCALES, negotiated_locale
from bv.settings import settings_for
from bv.site import queries
from bv.site.share import share_links
from bv.site.urls import absolute_url, article_url, fill_lang_code, pop_lang_code

bp = Blueprint("site", __name__, url_prefix="/<lang:lang_code>")
root = Blueprint("root", __name__)

bp.url_defaults(fill_lang_code)
bp.url_value_preprocessor(pop_lang_code)

COOKIE_MAX_AGE = 365 * 24 * 3600
MAX_SEARCH_LENGTH = 200


@bp.before_request
def load_page_context():
    """Menu categories and footer settings, shared by every public page."""
    g.categories = queries.categories()
    g.settings = settings_for(g.lang_code)


def load_error_page_context(lang: str, fresh: bool = False) -> None:
    """Menu and footer for an error page, which may come before (or instead of) any view."""
    if not fresh and "categories" in g and "settings" in g:
        return
    try:
        g.categories = queries.categories()
        g.settings = settings_for(lang)
    except Exception:  # the database may be why we are rendering an error at all
        current_app.logger.exception("error page without menu and footer")
        try:
            db.session.rollback()
        except Exception:
            current_app.logger.exception("rollback failed")
        g.categories, g.settings = [], {}


@bp.after_request
def cacheable(response):
    """Public pages are the same for every reader: let browsers and proxies revalidate cheaply."""
    if request.method == "GET" and response.status_code == 200 and not response.headers.getlist("Set-Cookie"):
        config = current_app.config
        response.headers.setdefault(
            "Cache-Control",
            f"public, max-age={int(config['PUBLIC_MAX_AGE'])}, "
            f"stale-while-revalidate={int(config['PUBLIC_STALE_WHILE_REVALIDATE'])}",
        )
        response.add_etag()
        response.make_conditional(request)
    return response


@root.get("/")
def choose_language():
    """Send the reader to their language's home page."""
    response = redirect(url_for("site.home", lang_code=negotiated_locale()), code=302)
    # the target depends on the saved choice and on the browser's languages
    response.vary.update(("Cookie", "Accept-Language"))
    return response


def _query_id(name: str) -> int | None:
    """A positive id or page number from the query string, or None when it is missing,
    not a number, or too large for the database's integer columns."""
    return request.args.get(name, type=bounded_int)


def _page_number() -> int:
    """The requested page: 1 when absent, a 404 when it is not a page we could have."""
    if "page" not in request.args:
        return 1
    page = _query_id("page")
    if page is None:
        abort(404)
    return page


@bp.get("/")
def home():
    """Lead story, latest articles and a section per category."""
    latest = queries.latest(g.lang_code)
    unavailable = None
    missing_id = _query_id("unavailable")
    if missing_id:
        unavailable = _versions_elsewhere(missing_id)
    response = make_response(
        render_template(
            "site/home.html",
            lead=latest[0] if latest else None,
            latest=latest[1:],
            sections=queries.sections(g.lang_code, [c.id for c in g.categories]),
            unavailable=unavailable,
            canonical=absolute_url("site.home"),
            switch_target={},
        )
    )
    if unavailable:
        # the notice disappears once the version is published: always ask before reusing it
        response.headers["Cache-Control"] = "no-cache"
    return response


def _versions_elsewhere(article_id: int) -> list | None:
    """An article's published versions when it has some, but none in this page's language."""
    versions = queries.published_versions(article_id)
    if not versions or any(v.locale == g.lang_code for v in versions):
        return None
    return versions


def _cursor() -> queries.Cursor | None:
    """The listing page asked for: None for the first, a 400 for a cursor we never wrote."""
    before, after = request.args.get("before"), request.args.get("after")
    if before is None and after is None:
        return None
    if before is not None and after is not None:
        abort(400)
    cursor = queries.Cursor.parse(after if after is not None else before, newer=after is not None)
    if cursor is None:
        abort(400)
    return cursor


def _keyset_listing(endpoint: str, slug: str, condition):
    """A listing's page by its cursor, or the redirect an old or stale address needs."""
    per_page = current_app.config["PER_PAGE"]
    if "page" in request.args:
        # old numbered links keep working: they lead to the page that now holds that place
        page = _page_number()
        if page == 1:
            return redirect(url_for(endpoint, slug=slug), code=301)
        start = queries.cursor_for_page(g.lang_code, condition, page, per_page)
        if start is None:
            abort(404)
        return redirect(url_for(endpoint, slug=slug, **start.query_args()), code=302)
    cursor = _cursor()
    listing = queries.keyset_page(g.lang_code, condition, cursor, per_page)
    if listing is None:
        # newer than the newest full page: that is the first page
        return redirect(url_for(endpoint, slug=slug), code=302)
    if cursor is not None and not listing.items:
        abort(404)
    return listing


def _listing_urls(endpoint: str, listing, slugs: dict[str, str]) -> dict[str, str]:
    """hreflang targets: the first page in every language that has one; a later page exists
    only in its own language (its cursor is a place in this language's list)."""
    if listing.is_first:
        return {code: absolute_url(endpoint, lang_code=code, slug=slug) for code, slug in slugs.items()}
    # this page's own cursor, as parsed and written back (the address it is known by)
    args = _cursor().query_args()
    return {g.lang_code: absolute_url(endpoint, slug=slugs[g.lang_code], **args)}


@bp.get("/c/<slug>/")
def category(slug: str):
    """One category's articles, newest first, a page at a time (keyset)."""
    # the menu's rows already hold every category's address: no query of its own
    section = queries.section_by_slug(g.categories, g.lang_code, slug)
    if section is None:
        abort(404)
    name = section.name_in(g.lang_code)
    listing = _keyset_listing("site.category", slug, queries.category_condition(section.id))
    if not isinstance(listing, queries.KeysetPage):
        return listing
    names = sorted(section.names, key=lambda n: LOCALES.index(n.locale))
    alternates = _listing_urls("site.category", listing, {n.locale: n.slug for n in names})
    return render_template(
        "site/category.html",
        category_name=name,
        listing=listing,
        canonical=alternates[g.lang_code],
        alternates=alternates,
        x_default=_x_default(alternates),
        switch_target={"category": name.category_id},
    )


def _x_default(alternates: dict) -> str:
    """The same in every language: the default language's page, or the first that exists."""
    default = current_app.config["DEFAULT_LOCALE"]
    return alternates.get(default) or next(iter(alternates.values()))


@bp.get("/t/<slug>/")
def tag(slug: str):
    """The published versions carrying one tag in this language, newest first, by keyset."""
    tags = queries.all_tags()
    slugs = {code: queries.cached_tag_slugs(tags, code) for code in LOCALES}
    found = next((t for t in tags if slugs[g.lang_code][t.id] == slug), None)
    if found is None:
        abort(404)
    present = queries.tag_locales(found.id)
    if g.lang_code not in present:
        abort(404)
    listing = _keyset_listing("site.tag", slug, queries.tag_condition(found.id))
    if not isinstance(listing, queries.KeysetPage):
        return listing
    alternates = _listing_urls(
        "site.tag", listing, {code: slugs[code][found.id] for code in LOCALES if code in present}
    )
    return render_template(
        "site/tag.html",
        tag=found,
        tag_name=found.name_in(g.lang_code),
        slug=slug,
        listing=listing,
        canonical=alternates[g.lang_code],
        alternates=alternates,
        x_default=_x_default(alternates),
        switch_target={"tag": found.id},
    )


@bp.get("/author/<slug>/")
def author(slug: str):
    """The published versions under one byline in this language, newest first, by keyset.

    An author is keyed by the byline's slug, so imported bylines without an account get a
    page too; the page shows the byline and nothing else about the person.
    """
    bylines = queries.bylines_for_slug(slug)
    present = queries.author_locales(bylines) if bylines else set()
    if g.lang_code not in present:
        abort(404)
    listing = _keyset_listing("site.author", slug, queries.author_condition(bylines))
    if not isinstance(listing, queries.KeysetPage):
        return listing
    alternates = _listing_urls(
        "site.author", listing, {code: slug for code in LOCALES if code in present}
    )
    return render_template(
        "site/author.html",
        # the spelling of the newest version in this language is the one readers just saw
        byline=listing.items[0].article.byline if listing.items else bylines[0],
        slug=slug,
        listing=listing,
        canonical=alternates[g.lang_code],
        alternates=alternates,
        x_default=_x_default(alternates),
        switch_target={"author": slug},
    )


@bp.get("/a/<slug>")
def article(slug: str):
    """One published language version of an article."""
    translation = queries.translation_by_slug(g.lang_code, slug)
    if translation is None:
        moved = queries.redirect_for(g.lang_code, slug)
        if moved is not None:
            return redirect(article_url(moved), code=301)
        abort(404)
    versions = queries.sibling_versions(translation.article_id)
    tags, tag_slugs = queries.article_tags_and_slugs(translation.article_id, g.lang_code)
    related, latest = queries.related(translation, latest=5, tag_ids=[tag.id for tag in tags])
    canonical = article_url(translation, absolute=True)
    return render_template(
        "site/article.html",
        translation=translation,
        article=translation.article,
        versions=versions,
        related=related,
        latest=latest,
        share=share_links(canonical, translation.live_headline),
        tags=tags,
        tag_slugs=tag_slugs,
        author_slug=byline_slug(translation.article.byline) if translation.article.byline else None,
        canonical=canonical,
        switch_target={"article": translation.article_id},
        show_outdated_notice=_show_outdated_notice(),
    )


def _show_outdated_notice() -> bool:
    value = g.settings.get("show_outdated_notice")
    if value is None:
        return bool(current_app.config["SHOW_OUTDATED_NOTICE"])
    return value == "1"


@bp.get("/about")
def about():
    """The outlet's About page, from translated site settings."""
    return render_template(
        "site/about.html",
        canonical=absolute_url("site.about"),
        switch_target={"page": "about"},
    )


@bp.get("/search")
def search():
    """Search the live text of this language; bad input gets the search page with a reason."""
    text = _search_text()
    status, problem, found = 200, None, None
    if len(text) > MAX_SEARCH_LENGTH:
        status = 400
        problem = "too_long"
        text = text[:MAX_SEARCH_LENGTH]
    elif text:
        found = queries.search(g.lang_code, text, _page_number(), current_app.config["PER_PAGE"])
        if not found.terms:
            problem = "no_words"
        elif found.past_the_end:
            # said on the page (noindex) with a way back, like an empty search
            problem = "past_the_end"
    return make_response(render_template(
        "site/search.html",
        text=text,
        found=found,
        problem=problem,
        max_length=MAX_SEARCH_LENGTH,
        canonical=absolute_url("site.search"),
        switch_target={"page": "search", "q": text} if text else {"page": "search"},
        noindex=True,
    ), status)


def _search_text() -> str:
    """The query as typed, with control characters turned into spaces."""
    raw = request.args.get("q", "")
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in raw).strip()


@bp.get("/switch")
def switch():
    """Remember the chosen language and go to the same page in it, or to a clear notice."""
    target = _switch_target()
    response = redirect(target, code=302)
    response.set_cookie(
        LANG_COOKIE,
        g.lang_code,
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        secure=request.is_secure,
        httponly=True,
    )
    return response


def _switch_target() -> str:
    article_id = _query_id("article")
    if article_id:
        versions = queries.published_versions(article_id)
        if not versions:
            return url_for("site.home")
        for version in versions:
            if version.locale == g.lang_code:
                return article_url(version)
        return url_for("site.home", unavailable=article_id)
    category_id = _query_id("category")
    if category_id:
        for category in g.categories:
            if category.id == category_id and category.name_in(g.lang_code):
                return url_for("site.category", slug=category.name_in(g.lang_code).slug)
        return url_for("site.home")
    tag_id = _query_id("tag")
    if tag_id:
        tags = queries.all_tags()
        if tag_id in {t.id for t in tags} and g.lang_code in queries.tag_locales(tag_id):
            return url_for("site.tag", slug=tag_slugs(tags, g.lang_code)[tag_id])
        return url_for("site.home")
    author_slug = request.args.get("author")
    if author_slug:
        bylines = queries.bylines_for_slug(author_slug)
        if bylines and g.lang_code in queries.author_locales(bylines):
            return url_for("site.author", slug=author_slug)
        return url_for("site.home")
    page = request.args.get("page")
    if page == "about":
        return url_for("site.about")
    if page == "search":
        text = request.args.get("q", "").strip()
        if text and len(text) <= MAX_SEARCH_LENGTH:
            return url_for("site.search", q=text)
        return url_for("site.search")
    return url_for("site.home")


def switch_links(target: dict) -> list[dict]:
    """The switcher's entries for the current page."""
    links = []
    for code in LOCALES:
        links.append(
            {
                "code": code,
                "url": url_for("site.switch", lang_code=code, **target),
                "current": code == g.get("lang_code"),
            }
        )
    return links
