"""Configuration: defaults, then instance/config.py, then BV_* environment variables."""

import secrets
from pathlib import Path

from flask import Flask

PACKAGE_ROOT = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_ROOT.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"


def defaults(instance_path: Path) -> dict:
    """The settings a fresh clone runs with."""
    return {
        "SITE_NAME": "BalkanView",
        "SITE_URL": "http://127.0.0.1:5000",
        "DEFAULT_LOCALE": "sq",
        "DATABASE_URL": None,
        "REDIS_URL": None,
        "UPLOAD_FOLDER": str(instance_path / "uploads"),
        # where image files live: "local" (UPLOAD_FOLDER, a shared disk on several machines)
        # or "s3" (any S3-compatible bucket; see docs/deploy.md)
        "MEDIA_STORAGE": "local",
        "S3_BUCKET": None,
        "S3_PREFIX": "",
        "S3_ENDPOINT_URL": None,
        "S3_REGION": None,
        "S3_ACCESS_KEY_ID": None,
        "S3_SECRET_ACCESS_KEY": None,
        "S3_TIMEOUT": 10,
        # how many proxies (nginx, a load balancer) stand in front and set X-Forwarded-*:
        # 0 trusts none, so a client cannot forge its address for the rate limits
        "PROXY_COUNT": 0,
        "MAX_IMAGE_BYTES": 12 * 1024 * 1024,
        "MAX_IMAGE_PIXELS": 40_000_000,
        # above the image limit, so an oversized photo gets a form error, not a bare 413
        "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "sq",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Skopje",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "PER_PAGE": 10,
        # URLs per sitemap page: the protocol allows 50,000; WordPress's own sitemaps hold
        # 2,000. A page is built whole in a worker's memory, so it is kept small: 1,000
        # articles (3,000 versions, each with its alternates)
        "SITEMAP_PAGE_SIZE": 3_000,
        # a search ranks (and counts) at most this many matches, the newest: beyond it the
        # page says "more than" and its cost no longer grows with the archive
        "SEARCH_MAX_RESULTS": 1000,
        "MAX_URL_LENGTH": 2048,
        "SHOW_OUTDATED_NOTICE": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Redis away: sign-in keeps its limits in this process's memory instead of failing
        # (Flask-Limiter logs the switch once, and the recovery)
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # the outbox (bv/jobs/outbox.py): a row the queue has not picked up after the grace
        # period is queued again by the sweep, with pauses that double up to the maximum
        "OUTBOX_GRACE_SECONDS": 60,
        "OUTBOX_MAX_BACKOFF_SECONDS": 3600,
        "OUTBOX_SWEEP_BATCH": 200,
        # a mail claimed this long ago by a worker that died is tried again
        "OUTBOX_STUCK_MINUTES": 15,
        "MAIL_MAX_ATTEMPTS": 5,
        "JOB_MAX_REQUEUES": 10,
        # the newsroom's "background work is delayed" banner: queue checked at most this
        # often; rows waiting longer than the backlog minutes count as delayed
        "QUEUE_HEALTH_CACHE_SECONDS": 5,
        "QUEUE_BACKLOG_MINUTES": 5,
        # the page cache (bv/cache): BV_PAGE_CACHE=0 turns it and the fragment caches off;
        # Redis with BV_REDIS_URL (or BV_CACHE_REDIS_URL), else files in instance/page-cache
        "PAGE_CACHE": True,
        "PAGE_CACHE_TIMEOUT": 600,
        "PAGE_CACHE_THRESHOLD": 5000,
        "PAGE_CACHE_RETRY_SECONDS": 10,
        # with the cache in Redis, the longest a copy of the content version is trusted
        # (bv/cache/mirror.py): the bound on staleness when a commit cannot reach Redis
        "PAGE_CACHE_VERSION_SECONDS": 2,
        # what browsers and proxies may do with a public page (Cache-Control)
        "PUBLIC_MAX_AGE": 60,
        "PUBLIC_STALE_WHILE_REVALIDATE": 300,
        # BV_LOG_FORMAT=json: one JSON object per log line (bv/logs.py)
        "LOG_FORMAT": "text",
    }


def load_secret_key(instance_path: Path) -> str:
    """Read the instance secret key, creating it on first run; it never enters git."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def database_uri(app: Flask) -> str:
    """PostgreSQL when BV_DATABASE_URL is set, else SQLite in instance/."""
    url = app.config.get("DATABASE_URL")
    if url:
        # psycopg 3 is the driver we ship; accept the common short spellings.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix):]
        return url
    return f"sqlite:///{Path(app.instance_path) / 'bv.sqlite3'}"


def configure(app: Flask, test_config: dict | None) -> None:
    """Fill app.config in the documented order."""
    instance_path = Path(app.instance_path)
    app.config.from_mapping(defaults(instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("BV")
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(app)
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LOCALE"]
    app.config["SESSION_COOKIE_SECURE"] = app.config["SITE_URL"].startswith("https://")
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
