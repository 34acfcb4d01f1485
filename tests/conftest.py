"""Fixtures: apps on a fresh migrated database (SQLite, or PostgreSQL when configured)."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from bv import create_app
from bv.accounts.permissions import SYSTEM
from bv.cache import mirror
from bv.extensions import db, limiter

PG_URL = os.environ.get("BV_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("BV_TEST_REDIS_URL")


def pytest_report_header(config):
    lines = [f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (BV_TEST_DATABASE_URL not set: PostgreSQL run skipped)'}"]
    lines.append(
        f"redis: {REDIS_URL} (rate limits and the Redis job queue)"
        if REDIS_URL
        else "redis: BV_TEST_REDIS_URL not set: rate limits in memory, Redis queue test skipped"
    )
    return lines


FRESH_DATABASE_FIXTURES = {"app", "client", "runner", "auth", "staff", "stories"}


def pytest_collection_modifyitems(config, items):
    """Within each module, tests on the shared demo newsroom run before tests on a fresh app.

    On PostgreSQL every fresh app empties the one shared database, which would wipe the
    module's demo newsroom under the tests that come after it.
    """
    def fresh(item) -> bool:
        return bool(FRESH_DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))

    order = {}
    for index, item in enumerate(items):
        order.setdefault(item.module.__name__ if item.module else "", index)
    items.sort(key=lambda item: (order[item.module.__name__ if item.module else ""],
                                 fresh(item)))


def _config(instance: Path, database_url: str, **extra) -> dict:
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SITE_URL": "https://news.example",
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "RATELIMIT_STORAGE_URI": REDIS_URL or "memory://",
        "REDIS_URL": REDIS_URL,
        # scrypt is deliberately slow; the suite signs in hundreds of times
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "JOBS_IMMEDIATE": True,
        # no real translation service is ever called; tests point providers at local fakes
        "MT_PROVIDERS": "libretranslate",
        "LIBRETRANSLATE_URL": None,
        # tests of the page cache turn it on (tests/test_page_cache.py)
        "PAGE_CACHE": False,
    }
    config.update(extra)
    return config


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """Run the real migrations once; SQLite tests copy the result, PostgreSQL reuses the schema."""
    folder = tmp_path_factory.mktemp("template")
    if PG_URL:
        _reset_postgres(PG_URL)
        url = PG_URL
    else:
        url = f"sqlite:///{folder / 'template.sqlite3'}"
    app = create_app(_config(folder, url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return folder / "template.sqlite3"


def _truncate_postgres(app) -> None:
    with app.app_context():
        names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        db.session.commit()


@contextmanager
def fresh_app(folder: Path, template: Path, **extra):
    """An app on its own empty, migrated database."""
    if PG_URL:
        url = PG_URL
    else:
        target = folder / "bv.sqlite3"
        shutil.copy(template, target)
        url = f"sqlite:///{target}"
    app = create_app(_config(folder, url, **extra))
    if PG_URL:
        _truncate_postgres(app)
    # the limiter is one object per process; a shared Redis would carry counts between tests
    with app.app_context():
        limiter.reset()
    # each test's database has its own content version: a copy of another's must not be trusted
    redis_copy = mirror.of(app)
    if redis_copy is not None:
        try:
            redis_copy.announce()
        except Exception:
            pass  # tests of Redis being away point at a closed port
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(tmp_path, migrated_template):
    """A fresh app with an empty database."""
    with fresh_app(tmp_path, migrated_template) as application:
        yield application


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory, migrated_template):
    """An app with the demo newsroom loaded; tests using it only read."""
    folder = tmp_path_factory.mktemp("demo")
    with fresh_app(folder, migrated_template) as application:
        from bv import demo

        with application.app_context():
            demo.load()
        yield application


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo_client(demo_app):
    return demo_app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class QueryCounter:
    """Counts SQL statements sent while active."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries():
    """Use as `with count_queries(app) as counter:`."""

    @contextmanager
    def counting(application):
        counter = QueryCounter()
        with application.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", counter)

    return counting


PASSWORD = "correct horse battery"


class AuthActions:
    """Sign a test client in and out."""

    def __init__(self, client):
        self._client = client

    def login(self, email, password=PASSWORD):
        return self._client.post(
            "/newsroom/login", data={"email": email, "password": password}
        )

    def logout(self):
        return self._client.post("/newsroom/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def staff(app):
    """One account per role; the translator works into sq and en. Returns e-mails by role."""
    from bv.accounts.service import create_user

    accounts = {
        "admin": ("admin@test.example", ()),
        "editor": ("editor@test.example", ()),
        "translator": ("translator@test.example", ("sq", "en")),
        "author": ("author@test.example", ()),
    }
    with app.app_context():
        for role, (email, languages) in accounts.items():
            create_user(email, PASSWORD, role=role, languages=languages, display_name=role.title())
        db.session.commit()
    return {role: email for role, (email, _) in accounts.items()}


@pytest.fixture
def stories(app, staff):
    """Two articles: one by the author (mk source, sq draft), one by the editor (sq, published)."""
    from bv.accounts.models import User
    from bv.articles import service, workflow

    with app.app_context():
        author = db.session.scalar(sa.select(User).where(User.role == "author"))
        editor = db.session.scalar(sa.select(User).where(User.role == "editor"))
        own = service.create_article(source_locale="mk", author=author)
        service.save_translation(
            own,
            "mk",
            {"headline": "Нов парк во Тетово", "lede": "Општината гради парк.", "body": "Текст."},
            user=author,
        )
        service.save_translation(
            own, "sq", {"headline": "Park i ri në Tetovë", "lede": "Komuna ndërton park."}
        , user=SYSTEM)
        other = service.create_article(source_locale="sq", author=editor)
        t = service.save_translation(
            other,
            "sq",
            {"headline": "Buxheti i ri", "lede": "Këshilli voton.", "body": "Teksti."},
            user=editor,
        )
        workflow.transition(t, "publish", user=editor)
        db.session.commit()
        return {"own": own.id, "other": other.id}


def pytest_terminal_summary(terminalreporter):
    """One plain line naming the validators that could not run on this machine, and why."""
    from tests.quality_tools import missing_tools

    missing = missing_tools()
    if missing:
        terminalreporter.write_line(
            "validators skipped: " + "; ".join(f"{tool}: {why}" for tool, why in missing.items())
        )
