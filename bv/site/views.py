"""The public reading site: home, categories, articles, about, search, language switch."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from bv.i18n import LANG_COOKIE, LOCALES, negotiated_locale
from bv.settings import settings_for
from bv.site import queries
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


@bp.after_request
def cacheable(response):
    """Public pages are the same for every reader: let browsers and proxies revalidate cheaply."""
    if request.method == "GET" and response.status_code == 200 and not response.headers.getlist("Set-Cookie"):
        response.headers.setdefault("Cache-Control", "public, max-age=60, stale-while-revalidate=300")
        response.add_etag()
        response.make_conditional(request)
    return response


@root.get("/")
def choose_language():
    """Send the reader to their language's home page."""
    return redirect(url_for("site.home", lang_code=negotiated_locale()), code=302)


def _page_number() -> int:
    page = request.args.get("page", 1, type=int)
    if page < 1:
        abort(404)
    return page


@bp.get("/")
def home():
    """Lead story, latest articles and a section per category."""
    latest = queries.latest(g.lang_code)
    unavailable = None
    missing_id = request.args.get("unavailable", type=int)
    if missing_id:
        unavailable = queries.article_with_versions(missing_id)
    return render_template(
        "site/home.html",
        lead=latest[0] if latest else None,
        latest=latest[1:],
        sections=queries.sections(g.lang_code),
        unavailable=unavailable,
        canonical=absolute_url("site.home"),
        switch_target={},
    )


@bp.get("/c/<slug>/")
def category(slug: str):
    """One category's articles, newest first, paginated."""
    name = queries.category_by_slug(g.lang_code, slug)
    if name is None:
        abort(404)
    page = _page_number()
    pagination = queries.category_page(
        g.lang_code, name.category_id, page, current_app.config["PER_PAGE"]
    )
    canonical_args = {"slug": slug} if page == 1 else {"slug": slug, "page": page}
    return render_template(
        "site/category.html",
        category_name=name,
        pagination=pagination,
        canonical=absolute_url("site.category", **canonical_args),
        switch_target={"category": name.category_id},
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
    versions = {
        t.locale: t for t in translation.article.translations if t.is_published
    }
    return render_template(
        "site/article.html",
        translation=translation,
        article=translation.article,
        versions=versions,
        related=queries.related(translation),
        canonical=article_url(translation, absolute=True),
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
    """Search headlines and ledes in this language."""
    text = request.args.get("q", "").strip()
    if len(text) > MAX_SEARCH_LENGTH:
        abort(400)
    pagination = None
    if text:
        pagination = queries.search(
            g.lang_code, text, _page_number(), current_app.config["PER_PAGE"]
        )
    return render_template(
        "site/search.html",
        text=text,
        pagination=pagination,
        canonical=absolute_url("site.search"),
        switch_target={"page": "search"},
        noindex=True,
    )


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
    article_id = request.args.get("article", type=int)
    if article_id:
        article = queries.article_with_versions(article_id)
        if article is None:
            return url_for("site.home")
        version = article.translation(g.lang_code)
        if version is not None and version.is_published:
            return article_url(version)
        return url_for("site.home", unavailable=article_id)
    category_id = request.args.get("category", type=int)
    if category_id:
        for category in g.categories:
            if category.id == category_id and category.name_in(g.lang_code):
                return url_for("site.category", slug=category.name_in(g.lang_code).slug)
        return url_for("site.home")
    page = request.args.get("page")
    if page == "about":
        return url_for("site.about")
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
