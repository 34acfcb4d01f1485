"""Template helpers for the reading site: JSON-LD, numbers, the year."""

from __future__ import annotations

from flask import Flask, current_app, g, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _

from bv.articles.slugs import byline_slug
from bv.database import utcnow
from bv.i18n import LOCALES, iso_datetime
from bv.media import image_src
from bv.site.urls import absolute_url, article_url
from bv.text import plain_text


def current_year() -> int:
    """The year for the copyright line."""
    return utcnow().year


def _work(translation) -> dict:
    return {
        "@type": "NewsArticle",
        "@id": article_url(translation, absolute=True),
        "url": article_url(translation, absolute=True),
        "inLanguage": translation.locale,
        "headline": plain_text(translation.live_headline),
    }


def news_article_jsonld(translation, versions: dict) -> dict:
    """schema.org NewsArticle linking the language versions to each other."""
    article = translation.article
    base = current_app.config["SITE_URL"].rstrip("/")
    data = {
        "@context": "https://schema.org",
        **_work(translation),
        "description": plain_text(translation.live_lede),
        "datePublished": iso_datetime(translation.published_at),
        "dateModified": iso_datetime(translation.updated_at),
        "mainEntityOfPage": article_url(translation, absolute=True),
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": current_app.config["SITE_NAME"],
            "url": base + "/",
            "logo": {"@type": "ImageObject", "url": site_image_url(), "width": 512, "height": 512},
        },
    }
    if article.byline:
        data["author"] = {
            "@type": "Person",
            "name": plain_text(article.byline),
            "url": absolute_url(
                "site.author", lang_code=translation.locale, slug=byline_slug(article.byline)
            ),
        }
    # search engines want an image on every article: the site's own when there is no lead image
    data["image"] = (
        base + image_src(article.lead_image, 1600) if article.lead_image else site_image_url()
    )
    source = versions.get(article.source_locale)
    if translation.locale == article.source_locale:
        others = [_work(versions[c]) for c in LOCALES if c in versions and c != translation.locale]
        if others:
            data["workTranslation"] = others
    elif source is not None:
        data["translationOfWork"] = _work(source)
    return data


def site_image_url() -> str:
    """The site's own picture (its icon), absolute, for structured data without a lead image."""
    base = current_app.config["SITE_URL"].rstrip("/")
    return base + url_for("static", filename="icons/icon-512.png")


def breadcrumbs_jsonld(translation) -> dict:
    """schema.org BreadcrumbList with the same steps as the article page's visible breadcrumbs."""
    lang = translation.locale
    name = section_name(translation.article, lang)
    steps = [(str(_("Home")), absolute_url("site.home", lang_code=lang))]
    if name:
        steps.append((name.name, absolute_url("site.category", lang_code=lang, slug=name.slug)))
    steps.append((plain_text(translation.live_headline), article_url(translation, absolute=True)))
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": label, "item": url}
            for position, (label, url) in enumerate(steps, start=1)
        ],
    }


def section_name(article, lang: str):
    """The name of an article's category in a language, from the menu's rows that every public
    page loads first (never a query per card); from the article itself elsewhere."""
    if article.category_id is None:
        return None
    sections = g.get("sections_by_id")
    if sections is None:
        sections = g.sections_by_id = {c.id: c for c in g.get("categories", ())}
    # a newsroom preview shows no menu, so its page loaded none
    section = sections.get(article.category_id) or article.category
    return section.name_in(lang) if section else None


def number(value) -> str:
    """A number in the page's locale (1.200 in sq and mk, 1,200 in en)."""
    return format_decimal(value)


def init_app(app: Flask) -> None:
    """Register the helpers."""
    app.jinja_env.globals.update(
        current_year=current_year,
        news_article_jsonld=news_article_jsonld,
        breadcrumbs_jsonld=breadcrumbs_jsonld,
        absolute_url=absolute_url,
        section_name=section_name,
    )
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["plain_text"] = plain_text
