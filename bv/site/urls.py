"""The language prefix on every public URL, and links between language versions."""

from __future__ import annotations

from flask import current_app, g, url_for
from werkzeug.routing import BaseConverter

from bv.i18n import LOCALES


class LanguageConverter(BaseConverter):
    """Matches only the languages we publish in, so /de/ is a plain 404."""

    regex = "(?:" + "|".join(LOCALES) + ")"


def absolute_url(endpoint: str, **values) -> str:
    """An absolute canonical URL on the configured site address."""
    return current_app.config["SITE_URL"].rstrip("/") + url_for(endpoint, **values)


def article_url(translation, absolute: bool = False) -> str:
    """The canonical URL of one language version."""
    build = absolute_url if absolute else url_for
    return build("site.article", lang_code=translation.locale, slug=translation.slug)


def fill_lang_code(endpoint: str, values: dict) -> None:
    """url_defaults: links inside a page stay in the page's language."""
    if "lang_code" in values or not g.get("lang_code"):
        return
    if current_app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
        values["lang_code"] = g.lang_code


def pop_lang_code(endpoint: str | None, values: dict | None) -> None:
    """url_value_preprocessor: the language moves from the URL into g."""
    if values is not None:
        g.lang_code = values.pop("lang_code", None)
