"""Locales, locale negotiation and the formatting helpers templates use."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask, current_app, g, request
from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l
from flask_login import current_user

LOCALES = ("sq", "mk", "en")

# each language's own name, for the switcher
NATIVE_NAMES = {"sq": "Shqip", "mk": "Македонски", "en": "English"}

# names of the languages in the reader's language
LANGUAGE_NAMES = {"sq": _l("Albanian"), "mk": _l("Macedonian"), "en": _l("English")}

# Babel's bare sq uses a 12-hour clock; the regional locales carry the conventions we want.
FORMAT_LOCALES = {"sq": "sq_MK", "mk": "mk_MK", "en": "en_GB"}
OG_LOCALES = {"sq": "sq_AL", "mk": "mk_MK", "en": "en_US"}

LANG_COOKIE = "bv_lang"


def is_locale(code: str | None) -> bool:
    """True for the three languages we publish in."""
    return code in LOCALES


def negotiated_locale() -> str:
    """The saved choice, then Accept-Language, then the site default."""
    saved = request.cookies.get(LANG_COOKIE)
    if is_locale(saved):
        return saved
    best = request.accept_languages.best_match(LOCALES)
    return best or current_app.config["DEFAULT_LOCALE"]


def current_language() -> str:
    """The language of this request as a short code (sq, mk, en)."""
    lang = g.get("lang_code")
    if is_locale(lang):
        return lang
    if request and request.view_args and is_locale(request.view_args.get("lang_code")):
        return request.view_args["lang_code"]
    # an unknown page under /sq/ matched no route, but its address still names the language
    prefix = request.path.strip("/").split("/", 1)[0] if request else ""
    if is_locale(prefix):
        return prefix
    user_lang = getattr(current_user, "ui_locale", None) if _has_user() else None
    if is_locale(user_lang):
        return user_lang
    if request:
        return negotiated_locale()
    return current_app.config["DEFAULT_LOCALE"]


def _has_user() -> bool:
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:  # no login manager in this context
        return False


def select_locale() -> str:
    """Flask-Babel's locale selector: the URL language, the user's choice, then negotiation."""
    return FORMAT_LOCALES[current_language()]


def format_date_long(value: datetime | None) -> str:
    """A long localized date with a 24-hour time, e.g. 14 mars 2026, 09:30."""
    if value is None:
        return ""
    return format_datetime(value, "d MMMM y, HH:mm")


def format_date_day(value: datetime | None) -> str:
    """A localized date without the time."""
    if value is None:
        return ""
    return format_datetime(value, "d MMMM y")


def format_calendar_day(value: date | str | None) -> str:
    """A calendar day (a date, or its ISO text from a stored payload), e.g. 14 mars 2026."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return format_date(value, "d MMMM y")


def iso_datetime(value: datetime | None) -> str:
    """A machine-readable instant for <time datetime> and JSON-LD, to the second, in UTC.

    HTML allows at most three digits of a second; isoformat() writes six.
    """
    if value is None:
        return ""
    if value.tzinfo is None:  # stored naive values are UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def init_app(app: Flask) -> None:
    """Register template helpers."""
    app.jinja_env.filters["longdate"] = format_date_long
    app.jinja_env.filters["isodatetime"] = iso_datetime
    app.jinja_env.filters["daydate"] = format_date_day
    app.jinja_env.filters["calendarday"] = format_calendar_day

    @app.context_processor
    def language_context():
        return {
            "LOCALES": LOCALES,
            "NATIVE_NAMES": NATIVE_NAMES,
            "LANGUAGE_NAMES": LANGUAGE_NAMES,
            "OG_LOCALES": OG_LOCALES,
            "lang": current_language(),
        }
