"""The server-side page cache: whole public pages for anonymous readers, and shared fragments.

A page is stored under its full URL, its language and the content version
(`bv.cache.version`), which every change readers can see replaces in the same transaction.
So a page is never served after the change it predates, whichever worker stored it, and
the cache needs no purging: old keys are simply never asked for again and expire.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from urllib.parse import parse_qs

from flask import Flask, current_app, g, render_template, request, request_finished
from markupsafe import Markup
from werkzeug.http import parse_cookie
from werkzeug.wrappers import Response
from werkzeug.wsgi import get_current_url

from bv.cache import mirror, version
from bv.extensions import db, page_cache
from bv.i18n import LANG_COOKIE, LOCALES
from bv.logs import HEADER as REQUEST_ID_HEADER
from bv.logs import safe_request_id

# pages that are the same for every anonymous reader; search is left out (its addresses are
# as many as readers' queries), and so are forms with CSRF tokens (newsletter)
CACHED_ENDPOINTS = frozenset({
    "site.home",
    "site.category",
    "site.tag",
    "site.author",
    "site.article",
    "site.about",
    "feeds.rss",
    "feeds.category_rss",
    # sitemaps: bounded, but a page of thousands of URLs is the costliest thing crawlers ask
    "seo.sitemap",
    "seo.sitemap_articles",
    "seo.sitemap_pages",
    "seo.news_sitemap",
})
# requests whose pages show the menu and footer fragments
FRAGMENT_BLUEPRINTS = frozenset({"site", "feeds"})
# a notice in the address (the switcher's "not in this language") is for one reader
NOTICE_ARGS = ("unavailable",)
STATUS_HEADER = "X-Page-Cache"
# a stored page keeps every header of its first answer (security headers, ETag, Link...)
# except these, which belong to one request; a page that set a cookie is never stored at all
PER_REQUEST_HEADERS = frozenset({"set-cookie", "x-request-id", "x-page-cache", "date"})
EXTENSION = "bv_page_cache"
# the content version the fast path read, handed on to the app when it did not answer
VERSION_KEY = "bv.content_version"
# addresses never stored whole: the fast path does not even read the version for them
NEVER_STORED_PREFIXES = ("/static/", "/media/", "/newsroom", "/healthz")


def enabled() -> bool:
    """BV_PAGE_CACHE (on unless 0): the page cache and the fragment caches."""
    return bool(current_app.config.get("PAGE_CACHE"))


def _state() -> dict:
    return current_app.extensions[EXTENSION]


def _available() -> bool:
    """False for a short while after the cache's storage failed (Redis away)."""
    return time.monotonic() >= _state()["down_until"]


def _failed(action: str, app: Flask | None = None) -> None:
    """The storage failed: serve without a cache for PAGE_CACHE_RETRY_SECONDS, log it once."""
    app = app or current_app
    state = app.extensions[EXTENSION]
    if time.monotonic() >= state["down_until"]:
        app.logger.warning(
            "page cache unavailable (%s); pages are rendered without it", action, exc_info=True
        )
    state["down_until"] = time.monotonic() + float(app.config["PAGE_CACHE_RETRY_SECONDS"])


def cache_get(key: str):
    """A stored value, or None when absent or when the storage is away (never an error)."""
    if not _available():
        return None
    try:
        return page_cache.get(key)
    except Exception:
        _failed("read")
        return None


def cache_set(key: str, value) -> None:
    """Store a value; a storage that is away only means the next reader renders again."""
    if not _available():
        return
    try:
        page_cache.set(key, value, timeout=int(current_app.config["PAGE_CACHE_TIMEOUT"]))
    except Exception:
        _failed("write")


def health() -> str:
    """For /healthz: "off", "ok", or "down" when the storage does not answer."""
    if not enabled():
        return "off"
    if not _available():
        return "down"
    try:
        page_cache.get("health-probe")
    except Exception:
        _failed("health check")
        return "down"
    return "ok"


def personal_environ(environ: dict, config) -> bool:
    """True when this reader's page may differ from everyone's: a session (flash notices,
    CSRF tokens, a staff sign-in), a remember-me or language cookie, credentials, a notice."""
    if "HTTP_AUTHORIZATION" in environ:
        return True
    cookie_header = environ.get("HTTP_COOKIE")
    if cookie_header:
        cookies = parse_cookie(cookie_header)
        personal_cookies = (
            config["SESSION_COOKIE_NAME"],
            config.get("REMEMBER_COOKIE_NAME", "remember_token"),
            LANG_COOKIE,
        )
        if any(name in cookies for name in personal_cookies):
            return True
    query = environ.get("QUERY_STRING", "")
    if any(name in query for name in NOTICE_ARGS):
        arguments = parse_qs(query, keep_blank_values=True)
        return any(name in arguments for name in NOTICE_ARGS)
    return False


def personal_request() -> bool:
    """personal_environ for the request being handled."""
    return personal_environ(request.environ, current_app.config)


def _lang() -> str:
    return g.get("lang_code") or ""


def language_of(environ: dict) -> str:
    """The language an address names (its first path segment), or "" (sitemaps)."""
    first = environ.get("PATH_INFO", "").lstrip("/").split("/", 1)[0]
    return first if first in LOCALES else ""


def environ_key(environ: dict, content_version: int) -> str:
    """The full URL (host and query included), its language and the content version.

    Built from the WSGI environ alone, so the fast path (before Flask) and the hook that
    stores a page (after it) compute the same key by construction.
    """
    before, after = key_parts(environ)
    return f"{before}{content_version}{after}"


def key_parts(environ: dict) -> tuple[str, str]:
    """environ_key's text before and after the content version (mirror.Mirror.read)."""
    url = get_current_url(environ)
    digest = hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()
    return "page:", f":{language_of(environ)}:{digest}"


def page_key(content_version: int) -> str:
    """environ_key of the request being handled."""
    return environ_key(request.environ, content_version)


def _read_version() -> int | None:
    """The content version, read first, before any of the page's own queries."""
    try:
        return version.current()
    except Exception:
        # the page itself will say what is wrong; the cache only steps aside
        current_app.logger.exception("content version unreadable")
        db.session.rollback()
        return None


def serve_cached_page():
    """before_request: note the content version (for fragments) and where a cacheable page
    will be stored. Stored pages themselves are answered earlier, by CachedPages."""
    if not enabled() or request.method not in ("GET", "HEAD"):
        return None
    cacheable = request.endpoint in CACHED_ENDPOINTS
    if not cacheable and request.blueprint not in FRAGMENT_BLUEPRINTS:
        return None
    content_version = request.environ.get(VERSION_KEY)
    if content_version is None:
        content_version = _read_version()
    if content_version is None:
        return None
    g.content_version = content_version
    if not cacheable:
        return None
    if personal_request():
        g.page_cache_status = "bypass"
        return None
    # the page's language must be the one its address names, as the key says
    if _lang() != language_of(request.environ):
        return None
    g.page_cache_status = "miss"
    g.page_cache_key = page_key(content_version)
    return None


def store_page(sender, response, **extra) -> None:
    """request_finished: keep the finished page when it is the same for everyone.

    This runs after the session is saved, so a Set-Cookie the session added is seen here.
    """
    key = g.get("page_cache_key")
    if key is None or request.method != "GET":
        return
    if response.status_code != 200 or response.headers.getlist("Set-Cookie"):
        return
    if response.is_streamed or response.direct_passthrough:
        return
    cache_control = response.headers.get("Cache-Control", "")
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return
    if not response.get_etag()[0]:
        response.add_etag()
    headers = [
        (name, value) for name, value in response.headers
        if name.lower() not in PER_REQUEST_HEADERS
    ]
    cache_set(key, (response.get_data(), response.status_code, headers))


def mark_status(response):
    """after_request: say what the cache did (hit, miss, bypass) for operators and tests."""
    status = g.get("page_cache_status")
    if status:
        response.headers[STATUS_HEADER] = status
    return response


class CachedPages:
    """WSGI middleware: answers a stored page before Flask builds a request at all.

    A hit costs the version read, one cache read and the conditional check, instead of the
    whole before/after-request chain (about a millisecond of Python per page). Anything
    unusual (a personal request, an unreadable version, a storage error, a miss) goes on
    to the app, which renders, stores and says why.
    """

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self._engine = None

    def _content_version(self) -> int | None:
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        connection = self._engine.raw_connection()
        try:
            driver = connection.driver_connection
            # psycopg would wrap the read in BEGIN and the pool end it with ROLLBACK: in
            # autocommit the read is one round trip (pysqlite never opens one for a SELECT)
            autocommit = self._engine.dialect.name == "postgresql"
            if autocommit:
                driver.autocommit = True
            try:
                cursor = driver.cursor()
                cursor.execute(version.CURRENT_SQL)
                row = cursor.fetchone()
                cursor.close()
            finally:
                if autocommit:
                    driver.autocommit = False
        finally:
            connection.close()
        return row[0] if row else None

    def _stored(self, environ: dict):
        config = self.app.config
        if not config.get("PAGE_CACHE") or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        if environ.get("PATH_INFO", "").startswith(NEVER_STORED_PREFIXES):
            return None
        if personal_environ(environ, config):
            return None
        state = self.app.extensions[EXTENSION]
        if time.monotonic() < state["down_until"]:
            return None
        redis_copy = mirror.of(self.app)
        generation = None
        if redis_copy is not None:
            before, after = key_parts(environ)
            try:
                generation, content_version, stored = redis_copy.read(before, after)
            except Exception:
                _failed("read", self.app)
                return None
            if content_version is not None:
                environ[VERSION_KEY] = content_version
                return stored
        try:
            content_version = self._content_version()
        except Exception:
            return None  # the app reads it again, and says what is wrong
        if content_version is None:
            return None
        environ[VERSION_KEY] = content_version
        try:
            if generation is not None:
                redis_copy.refresh(generation, content_version)
            return self.app.extensions["cache"][page_cache].get(
                environ_key(environ, content_version)
            )
        except Exception:
            # Redis away: step aside for a while, so no reader waits on its timeout each time
            _failed("read", self.app)
            return None

    def __call__(self, environ, start_response):
        stored = self._stored(environ)
        if stored is None:
            return self.wsgi_app(environ, start_response)
        body, status, headers = stored
        response = Response(body, status=status, headers=headers)
        response.headers[STATUS_HEADER] = "hit"
        response.headers[REQUEST_ID_HEADER] = safe_request_id(environ.get("HTTP_X_REQUEST_ID"))
        response.make_conditional(environ)
        return response(environ, start_response)


def cached_fragment(template_name: str) -> Markup:
    """A partial every public page shares (menu, footer), rendered once per language and
    content version; rendered afresh when the version is unknown or the cache is off."""
    content_version = g.get("content_version")
    if content_version is None or not enabled():
        return Markup(render_template(template_name))
    # the footer's copyright line names the year
    key = f"fragment:{content_version}:{_lang()}:{template_name}:{time.gmtime().tm_year}"
    html = cache_get(key)
    if html is None:
        html = render_template(template_name)
        cache_set(key, html)
    return Markup(html)


def cache_config(app: Flask) -> dict:
    """Flask-Caching's settings: Redis with BV_REDIS_URL (or BV_CACHE_REDIS_URL), else files
    in instance/page-cache shared by every worker on this machine; nothing when switched off."""
    timeout = int(app.config["PAGE_CACHE_TIMEOUT"])
    if not app.config.get("PAGE_CACHE"):
        return {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}
    redis_url = mirror.redis_url(app.config)
    if redis_url:
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": mirror.KEY_PREFIX,
            "CACHE_DEFAULT_TIMEOUT": timeout,
            # a Redis that does not answer must cost a page little, not hang it
            "CACHE_OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    return {
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": app.config.get("PAGE_CACHE_DIR") or str(Path(app.instance_path) / "page-cache"),
        "CACHE_DEFAULT_TIMEOUT": timeout,
        "CACHE_THRESHOLD": int(app.config["PAGE_CACHE_THRESHOLD"]),
    }


def switched_on(value) -> bool:
    """BV_PAGE_CACHE as written in the environment: 0, false, off and no turn it off."""
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "off", "no")
    return bool(value)


def init_app(app: Flask) -> None:
    """Bind the cache and install the hooks."""
    app.config["PAGE_CACHE"] = switched_on(app.config.get("PAGE_CACHE"))
    page_cache.init_app(app, config=cache_config(app))
    mirror.init_app(app)
    app.extensions[EXTENSION] = {"down_until": 0.0}
    app.before_request(serve_cached_page)
    app.after_request(mark_status)
    app.wsgi_app = CachedPages(app, app.wsgi_app)
    request_finished.connect(store_page, app)
    app.jinja_env.globals["cached_fragment"] = cached_fragment
