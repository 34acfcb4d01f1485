"""Localized error pages; readers never see a traceback."""

from __future__ import annotations

from flask import Flask, abort, current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import IntegerConverter

from bv.extensions import db
from bv.i18n import current_language

FALLBACK_500 = (
    "<!doctype html><html><head><meta charset='utf-8'><title>500</title></head>"
    "<body><h1>500</h1><p>Gabim në server · Грешка на серверот · Server error</p></body></html>"
)


ERROR_MESSAGES = {
    400: _l("The request was malformed. Check the address and try again."),
    403: _l("You do not have permission to do this."),
    405: _l("This address does not accept that kind of request."),
    413: _l("The upload is too large."),
    414: _l("The address is too long."),
    429: _l("Too many attempts. Please wait a moment and try again."),
}


def error_message(code: int) -> str:
    """A short localized explanation of a 4xx status."""
    return str(ERROR_MESSAGES.get(code, ERROR_MESSAGES[400]))


def reject_bad_requests():
    """Overlong URLs and NUL bytes end here with a clean 4xx, before any view or query."""
    if len(request.full_path) > current_app.config["MAX_URL_LENGTH"]:
        abort(414)
    if "\x00" in request.full_path or any("\x00" in v for v in request.args.values()):
        abort(400)
    # PostgreSQL text cannot hold NUL; refuse it before any form reaches the database
    if request.method == "POST" and (
        any("\x00" in v for v in request.form.values())
        or any("\x00" in (f.filename or "") for f in request.files.values())
    ):
        abort(400)


# the largest id PostgreSQL's integer column holds
MAX_ID = 2**31 - 1


def bounded_int(value: str) -> int:
    """An id or page number from a query string; ValueError (so `args.get` gives the default)
    when it is not a positive number the database can hold."""
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError(value)
    return number


class BoundedIntConverter(IntegerConverter):
    """<int:...> that never matches an id too large for the database: a 404, not an overflow."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


# asked, in order, before a 404 page is shown; one may answer instead (old addresses of an
# imported site that bv also routes)
not_found_fallbacks: list = []

# filled by the reading site: loads the menu and footer an error page shows, given
# (lang, fresh=bool); the error pages stay plain without it
page_context_loaders: list = []


def _load_page_context(lang: str, *, fresh: bool = False) -> None:
    for loader in page_context_loaders:
        loader(lang, fresh=fresh)


def render_http_error(error: HTTPException):
    """Render 4xx pages in the reader's language."""
    if not g.get("lang_code"):
        g.lang_code = None
    code = error.code or 500
    if code == 404:
        for fallback in not_found_fallbacks:
            answer = fallback()
            if answer is not None:
                return answer
    template = "errors/404.html" if code == 404 else "errors/4xx.html"
    try:
        lang = current_language()
        # unknown languages and routes never reach the site's before_request
        _load_page_context(lang)
        return render_template(
            template, error=error, code=code, lang=lang, switch_target={}
        ), code
    except Exception:  # the error page itself must not fail
        current_app.logger.exception("error page failed")
        return FALLBACK_500, code


def render_server_error(error: Exception):
    """Roll back, log, and show a localized 500 page."""
    original = getattr(error, "original_exception", None) or error
    # a deliberate 502/503 (storage or a service away) keeps its code, so proxies may retry
    code = error.code if isinstance(error, HTTPException) and (error.code or 0) > 500 else 500
    current_app.logger.error("unhandled error on %s", request.path, exc_info=original)
    db.session.rollback()
    try:
        lang = current_language()
        # the rollback expired whatever the view loaded: load the menu again, or go without
        _load_page_context(lang, fresh=True)
        return render_template("errors/500.html", lang=lang, switch_target={}), code
    except Exception:
        current_app.logger.exception("500 page failed")
        return FALLBACK_500, code


def init_app(app: Flask) -> None:
    """Install the request guard and the error handlers."""
    app.before_request(reject_bad_requests)
    app.jinja_env.globals["error_message"] = error_message
    app.register_error_handler(HTTPException, _dispatch)
    app.register_error_handler(InternalServerError, render_server_error)
    app.register_error_handler(Exception, render_server_error)


def _dispatch(error: HTTPException):
    if error.code and error.code >= 500:
        return render_server_error(error)
    return render_http_error(error)
