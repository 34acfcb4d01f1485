"""The page cache is always correct: two worker processes, every change readers can see,
both backends (files in instance/, Redis with BV_TEST_REDIS_URL), and Redis away."""

from __future__ import annotations

import http.client
import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image as PILImage

from bv.accounts.models import User
from bv.cache import version
from bv.database import utcnow
from bv.extensions import db
from tests.conftest import REDIS_URL, fresh_app
from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent


def _editor():
    return db.session.scalar(sa.select(User).where(User.role == "editor"))


def _admin():
    return db.session.scalar(sa.select(User).where(User.role == "admin"))


def _jpeg(colour: str) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (640, 400), colour).save(out, "JPEG")
    return out.getvalue()


@contextmanager
def _workers(app, count: int = 2, **env):
    """`count` bv processes on loopback, sharing the app's database and instance folder."""
    base = {
        k: v for k, v in os.environ.items() if not k.startswith("BV_")
    }
    base.update({
        "BV_INSTANCE_PATH": app.instance_path,
        "BV_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "BV_SECRET_KEY": "test-secret",
        "BV_SITE_URL": app.config["SITE_URL"],
        "BV_UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
        "BV_PAGE_CACHE": "1",
        "PYTHONPATH": str(ROOT),
        **env,
    })
    ports = [free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "cache_worker.py"), str(port)],
            env=base, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise AssertionError(process.stderr.read().decode()[-3000:])
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise AssertionError("worker did not start") from None
                    time.sleep(0.1)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)
            process.stderr.close()


def _get(port: int, path: str, headers: dict | None = None):
    """(status, headers, body) of a GET with no cookies, like a first-time reader."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "news.example", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        connection.close()


def _settled(port: int, path: str) -> tuple[int, str]:
    """Read a page twice; the second answer must come from the cache and match the first."""
    status, headers, body = _get(port, path)
    again_status, again, again_body = _get(port, path)
    if status == 200:
        assert again["X-Page-Cache"] == "hit", (path, again["X-Page-Cache"])
        assert again_body == body
    assert again_status == status
    return status, body


def _seed(app):
    """A section, a published sq article in it, footer text; returns ids and paths."""
    from bv.articles import categories, service, workflow
    from bv.settings import set_setting

    with app.app_context():
        editor, admin = _editor(), _admin()
        section = categories.save_category(
            None, key="city", names={"sq": "Qyteti", "mk": "Град", "en": "City"}, user=admin
        )
        article = service.create_article(source_locale="sq", author=editor)
        version_sq = service.save_translation(
            article, "sq",
            {"headline": "Ura e vjetër rihapet", "lede": "Punimet mbaruan.", "body": "Teksti."},
            user=editor,
        )
        service.update_shared_fields(
            article, user=editor, category=section, byline="Arta Berisha", tags_text="Ura"
        )
        workflow.transition(version_sq, "publish", user=editor)
        set_setting("outlet_note", "Gazetë e pavarur", "sq")
        db.session.commit()
        return {
            "article": article.id,
            "section": section.id,
            "path": f"/sq/a/{version_sq.slug}",
            "tag": article.tags[0].id,
        }


def _check_every_change(app, ports):
    """Each change made by a third actor is seen at once by both workers."""
    from bv.articles import categories, service, tags, workflow
    from bv.articles.models import Article, Category, Tag
    from bv.media import store_image
    from bv.settings import set_setting

    seeded = _seed(app)
    path = seeded["path"]
    pages = ["/sq/", path, "/sq/about", "/sq/feed.xml", "/sq/t/ura/"]

    def everywhere(page):
        return [_settled(port, page) for port in ports]

    for page in pages:
        everywhere(page)

    def change(action):
        with app.app_context():
            action(db.session.get(Article, seeded["article"]))
            db.session.commit()

    # a live edit of the published text
    change(lambda a: service.save_translation(
        a, "sq", {"headline": "Ura e vjetër u rihap sot", "lede": "Punimet mbaruan.",
                  "body": "Teksti."}, user=_editor()))
    for status, body in everywhere(path) + everywhere("/sq/"):
        assert status == 200 and "Ura e vjetër u rihap sot" in body
    # a section renamed: the menu of every page (a fragment) and the article's breadcrumbs
    with app.app_context():
        categories.save_category(
            db.session.get(Category, seeded["section"]), key="city",
            names={"sq": "Qyteti ynë", "mk": "Град", "en": "City"}, user=_admin(),
        )
        db.session.commit()
    for page in ("/sq/", path):
        for _status, body in everywhere(page):
            assert "Qyteti ynë" in body
    # a tag renamed: the article's tag link and the tag's page; its old page now redirects
    for _status, body in everywhere(path):
        assert 'href="/sq/t/ura/" rel="tag">Ura</a>' in body
    with app.app_context():
        tags.save_tag(db.session.get(Tag, seeded["tag"]),
                      names={"sq": "Urat e qytetit", "mk": "Мостови", "en": "Bridges"},
                      user=_admin())
        db.session.commit()
    for _status, body in everywhere(path):
        assert 'href="/sq/t/urat-e-qytetit/" rel="tag">Urat e qytetit</a>' in body
    for status, body in everywhere("/sq/t/urat-e-qytetit/"):
        assert status == 200 and "<h1>Etiketa: Urat e qytetit</h1>" in body
    for port in ports:
        for _ in range(2):
            status, headers, _body = _get(port, "/sq/t/ura/")
            assert status == 301 and headers["Location"].endswith("/sq/t/urat-e-qytetit/")
    # site settings: the footer
    with app.app_context():
        set_setting("outlet_note", "Gazetë e pavarur që nga 2001", "sq")
        db.session.commit()
    for page in ("/sq/", path, "/sq/about"):
        for _status, body in everywhere(page):
            assert "Gazetë e pavarur që nga 2001" in body
    # an image change: a new lead image
    with app.app_context():
        image = store_image(_jpeg("navy"))
        stem = image.stem
        article = db.session.get(Article, seeded["article"])
        service.update_shared_fields(
            article, user=_editor(), category=article.category, byline=article.byline,
            tags_text="", lead_image=image,
        )
        db.session.commit()
    for _status, body in everywhere(path):
        assert stem in body
    # unpublish: the article is gone from its page, the home page and the feed
    change(lambda a: workflow.transition(a.translation("sq"), "unpublish", user=_editor()))
    for status, _body in everywhere(path):
        assert status == 404
    for page in ("/sq/", "/sq/feed.xml"):
        for _status, body in everywhere(page):
            assert "Ura e vjetër u rihap sot" not in body
    # a scheduled publication coming due (the scheduler's own function)
    change(lambda a: workflow.transition(
        a.translation("sq"), "schedule", user=_editor(), when=utcnow() + timedelta(hours=1)))
    for status, _body in everywhere(path):
        assert status == 404
    with app.app_context():
        assert workflow.publish_due(now=utcnow() + timedelta(hours=2)) == 1
    for page in (path, "/sq/", "/sq/feed.xml"):
        for status, body in everywhere(page):
            assert status == 200 and "Ura e vjetër u rihap sot" in body
    # publish a new article
    with app.app_context():
        fresh = service.create_article(source_locale="sq", author=_editor())
        version_sq = service.save_translation(
            fresh, "sq", {"headline": "Tregu i ri hapet", "lede": "Sot.", "body": "Teksti."},
            user=_editor(),
        )
        workflow.transition(version_sq, "publish", user=_editor())
        db.session.commit()
    for _status, body in everywhere("/sq/"):
        assert "Tregu i ri hapet" in body


def test_two_workers_never_show_a_stale_page_local_files(app, staff):
    """The default backend: files in instance/page-cache, shared by the workers of one machine."""
    with _workers(app) as ports:
        _check_every_change(app, ports)
    assert any((Path(app.instance_path) / "page-cache").iterdir())


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="BV_TEST_REDIS_URL not set: Redis page cache skipped")
def test_two_workers_never_show_a_stale_page_redis(app, staff):
    with _workers(app, BV_REDIS_URL=REDIS_URL) as ports:
        _check_every_change(app, ports)


@pytest.fixture
def cached_app(tmp_path, migrated_template):
    with fresh_app(tmp_path, migrated_template, PAGE_CACHE=True, REDIS_URL=None) as application:
        yield application


@pytest.fixture
def cached_client(cached_app):
    return cached_app.test_client()


def _published(app, headline="Parku i qytetit", locale="sq"):
    from bv.accounts.service import create_user
    from bv.articles import service, workflow

    with app.app_context():
        editor = _editor() or create_user(
            "editor@test.example", "correct horse battery", role="editor", display_name="Ed"
        )
        article = service.create_article(source_locale=locale, author=editor)
        translation = service.save_translation(
            article, locale, {"headline": headline, "lede": "Lede.", "body": "Body."},
            user=editor,
        )
        workflow.transition(translation, "publish", user=editor)
        db.session.commit()
        return f"/{locale}/a/{translation.slug}"


def test_a_second_reader_gets_the_stored_page(cached_app, cached_client):
    path = _published(cached_app)
    first = cached_client.get(path)
    second = cached_client.get(path)
    assert first.headers["X-Page-Cache"] == "miss" and second.headers["X-Page-Cache"] == "hit"
    assert first.data == second.data
    # what is added to every answer is added to the stored one too
    for name in ("Content-Security-Policy", "ETag", "X-Request-ID"):
        assert second.headers.get(name)
    assert second.headers["Cache-Control"].startswith("public, max-age=60")
    assert cached_client.get(path, headers={"If-None-Match": second.headers["ETag"]}).status_code == 304


def test_personal_requests_bypass_the_cache(cached_app, cached_client):
    _published(cached_app)
    cached_client.get("/sq/")
    assert cached_client.get("/sq/").headers["X-Page-Cache"] == "hit"
    # the switcher's notice is for one reader
    assert cached_client.get("/sq/?unavailable=1").headers["X-Page-Cache"] == "bypass"
    for cookie in ("bv_lang", "session", "remember_token"):
        reader = cached_app.test_client()
        reader.set_cookie(cookie, "x", domain="localhost")
        assert reader.get("/sq/").headers["X-Page-Cache"] == "bypass", cookie


def test_a_signed_in_editor_never_gets_or_leaves_a_cached_page(cached_app, cached_client):
    from tests.conftest import AuthActions

    path = _published(cached_app)
    staff_client = cached_app.test_client()
    assert AuthActions(staff_client).login("editor@test.example").status_code == 302
    seen = staff_client.get(path)
    assert seen.headers["X-Page-Cache"] == "bypass"
    # the editor's visit stored nothing: the next reader renders afresh
    assert cached_client.get(path).headers["X-Page-Cache"] == "miss"


def test_an_answer_that_sets_a_cookie_is_never_stored(cached_app):
    from flask import request, session

    @cached_app.after_request
    def set_cookie(response):
        if request.headers.get("X-Test-Cookie"):
            response.set_cookie("tracking", "1")
        return response

    @cached_app.after_request
    def touch_session(response):
        # like a flash or a CSRF token: the session's cookie is added after every hook
        if request.headers.get("X-Test-Session"):
            session["notice"] = "only for you"
        return response

    for header in ("X-Test-Cookie", "X-Test-Session"):
        path = _published(cached_app, headline=f"Lajm {header}")
        answer = cached_app.test_client().get(path, headers={header: "1"})
        assert answer.headers.getlist("Set-Cookie")
        assert answer.headers["X-Page-Cache"] == "miss"
        # nothing was stored: the next reader renders afresh, without the cookie
        reader = cached_app.test_client().get(path)
        assert reader.headers["X-Page-Cache"] == "miss"
        assert not reader.headers.getlist("Set-Cookie")


def test_a_rolled_back_change_keeps_the_version_and_a_draft_save_too(cached_app):
    from bv.articles import service

    _published(cached_app)
    with cached_app.app_context():
        before = version.current()
        article = service.create_article(source_locale="sq", author=_editor())
        service.save_translation(article, "sq", {"headline": "Skicë", "lede": "", "body": ""},
                                 user=_editor())
        db.session.commit()
        assert version.current() == before
        version.mark_changed()
        db.session.rollback()
        db.session.commit()
        assert version.current() == before
        version.mark_changed()
        db.session.commit()
        assert version.current() != before


def test_fragments_are_cached_per_language_and_follow_a_rename(cached_app, cached_client):
    from bv.articles import categories
    from bv.articles.models import Category
    from bv.cache import pages

    _published(cached_app)
    with cached_app.app_context():
        section = categories.save_category(
            None, key="sport", names={"sq": "Sporti", "mk": "Спорт", "en": "Sport"},
            user=__import__("bv.accounts.permissions", fromlist=["SYSTEM"]).SYSTEM,
        )
        db.session.commit()
        section_id = section.id
    assert "Sporti" in cached_client.get("/sq/").get_data(as_text=True)
    assert "Спорт" in cached_client.get("/mk/").get_data(as_text=True)
    with cached_app.test_request_context("/sq/"):
        cached_app.preprocess_request()
        from flask import g

        key_version = g.content_version
        stored = pages.cache_get(f"fragment:{key_version}:sq:site/_menu.html:{time.gmtime().tm_year}")
        assert stored is not None and "Sporti" in stored
    with cached_app.app_context():
        from bv.accounts.permissions import SYSTEM

        categories.save_category(
            db.session.get(Category, section_id), key="sport",
            names={"sq": "Sport e lojëra", "mk": "Спорт", "en": "Sport"}, user=SYSTEM,
        )
        db.session.commit()
    # the search page is never stored whole, but its menu is the shared fragment
    assert "Sport e lojëra" in cached_client.get("/sq/search").get_data(as_text=True)
    assert "Sport e lojëra" in cached_client.get("/sq/").get_data(as_text=True)


def test_switched_off_nothing_is_stored(app, client, count_queries):
    assert app.config["PAGE_CACHE"] is False
    path = _published(app)
    client.get(path)
    answer = client.get(path)
    assert "X-Page-Cache" not in answer.headers
    assert not (Path(app.instance_path) / "page-cache").exists()
    with count_queries(app) as counter:
        client.get(path)
    assert not any("content_version" in s for s in counter.statements)


def test_redis_away_means_no_cache_never_an_error(tmp_path, migrated_template, caplog,
                                                  monkeypatch):
    # Alembic's fileConfig disabled the loggers that existed when the test database was made
    monkeypatch.setattr(logging.getLogger("bv"), "disabled", False)
    closed = f"redis://127.0.0.1:{free_port()}/0"
    with fresh_app(tmp_path, migrated_template, PAGE_CACHE=True, CACHE_REDIS_URL=closed,
                   REDIS_URL=None) as app:
        path = _published(app)
        client = app.test_client()
        from bv.cache import mirror
        from bv.extensions import page_cache

        storage = app.extensions["cache"][page_cache]
        asked = []
        real_get = storage.get
        monkeypatch.setattr(storage, "get", lambda key: asked.append(key) or real_get(key))
        # a hit is first asked of the Redis copy of the content version (mirror.py)
        copy = mirror.of(app)
        real_read = copy.read
        monkeypatch.setattr(copy, "read", lambda *key: asked.append(key) or real_read(*key))
        with caplog.at_level(logging.WARNING, logger="bv"):
            for _ in range(3):
                answer = client.get(path)
                assert answer.status_code == 200 and "Parku i qytetit" in answer.get_data(as_text=True)
                assert answer.headers["X-Page-Cache"] == "miss"
        # said once in the log, not once per page; and Redis was tried once, not per reader
        assert sum("page cache unavailable" in r.getMessage() for r in caplog.records) == 1
        assert len(asked) == 1
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.get_json()["page_cache"] == {"status": "down"}
        assert health.get_json()["status"] == "degraded"


def test_healthz_is_503_when_the_database_is_down(tmp_path):
    from bv import create_app

    missing = tmp_path / "no-such-folder" / "bv.sqlite3"
    app = create_app({
        "TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}", "PAGE_CACHE": True,
        "JOBS_IMMEDIATE": True,
    })
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["status"] == "down" and body["database"] == {"status": "down"}
    assert body["queue"]["status"] == "ok"


def test_public_newsroom_static_and_media_lifetimes(cached_app, cached_client):
    from flask import url_for

    from bv.media import store_image

    path = _published(cached_app)
    page = cached_client.get(path)
    assert page.headers["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    for newsroom_path in ("/newsroom/login", "/newsroom/no-such-page"):
        assert cached_client.get(newsroom_path).headers["Cache-Control"] == "private, no-store"
    with cached_app.test_request_context():
        css = url_for("static", filename="site.css")
    assert css.startswith("/static/site.") and css != "/static/site.css"
    assert css in page.get_data(as_text=True)
    stored = cached_client.get(css)
    assert stored.status_code == 200
    assert set(stored.headers["Cache-Control"].split(", ")) == {
        "public", "max-age=31536000", "immutable"}
    assert stored.data == (ROOT / "bv" / "static" / "site.css").read_bytes()
    stored.close()
    # the plain name and an older digest still answer, and are checked again next time
    for name in ("/static/site.css", "/static/site.000000000000.css"):
        answer = cached_client.get(name)
        assert answer.status_code == 200 and "immutable" not in answer.headers["Cache-Control"]
        answer.close()
    assert cached_client.get("/static/nothing.000000000000.css").status_code == 404
    with cached_app.app_context():
        image = store_image(_jpeg("teal"))
        db.session.commit()
        name = f"{image.stem}-{image.widths[0]}.{image.extension}"
    media = cached_client.get(f"/media/{name}")
    assert "immutable" in media.headers["Cache-Control"]
    assert "max-age=31536000" in media.headers["Cache-Control"]
    media.close()


def test_request_ids_are_taken_when_safe_and_made_otherwise(cached_client):
    given = cached_client.get("/healthz", headers={"X-Request-ID": "lb-1234.abc"})
    assert given.headers["X-Request-ID"] == "lb-1234.abc"
    for hostile in ("a b", "x" * 200, "id;Set-Cookie=a", "<script>", "\"quoted\""):
        made = cached_client.get("/healthz", headers={"X-Request-ID": hostile})
        assert made.headers["X-Request-ID"] != hostile
        assert len(made.headers["X-Request-ID"]) == 32


def test_json_logs_carry_the_request_id(tmp_path, migrated_template, monkeypatch):
    monkeypatch.setattr(logging.getLogger("bv"), "disabled", False)
    with fresh_app(tmp_path, migrated_template, LOG_FORMAT="json") as app:
        handler = next(h for h in app.logger.handlers if getattr(h, "bv_json", False))
        stream = io.StringIO()
        handler.setStream(stream)

        @app.get("/log-something")
        def log_something():
            app.logger.warning("something happened")
            return "ok"

        answer = app.test_client().get("/log-something", headers={"X-Request-ID": "req-77"})
        assert answer.headers["X-Request-ID"] == "req-77"
        line = json.loads(stream.getvalue().strip().splitlines()[-1])
        assert line["message"] == "something happened"
        assert line["request_id"] == "req-77" and line["level"] == "WARNING"
    # the next app writes text again, through one handler
    (tmp_path / "text").mkdir()
    with fresh_app(tmp_path / "text", migrated_template) as app:
        assert not any(getattr(h, "bv_json", False) for h in app.logger.handlers)


def test_pictures_are_named_by_their_content(cached_app):
    import hashlib

    from bv.articles.models import Image
    from bv.media import store_image

    navy, teal = _jpeg("navy"), _jpeg("teal")
    with cached_app.app_context():
        first = store_image(navy)
        db.session.commit()
        again = store_image(navy)
        other = store_image(teal)
        db.session.commit()
        assert first.stem == hashlib.sha256(navy).hexdigest()[:32]
        assert again.id == first.id and other.stem != first.stem
        assert db.session.scalar(sa.select(sa.func.count(Image.id))) == 2
        # a row whose files were lost gets them written again under the same name
        folder = Path(cached_app.config["UPLOAD_FOLDER"])
        for path in folder.glob(f"{first.stem}-*"):
            path.unlink()
        assert store_image(navy).id == first.id
        assert (folder / f"{first.stem}-{first.widths[0]}.jpg").is_file()


def test_a_stored_page_is_answered_before_flask(cached_app, cached_client):
    """A hit never reaches the app: no before-request hook, no view, no query of the page's."""
    path = _published(cached_app)
    assert cached_client.get(path).headers["X-Page-Cache"] == "miss"
    reached = []
    cached_app.before_request_funcs.setdefault(None, []).insert(0, lambda: reached.append(1))
    hit = cached_client.get(path, headers={"X-Request-ID": "proxy-42"})
    assert hit.headers["X-Page-Cache"] == "hit" and reached == []
    # the proxy's id is echoed; an unsafe one is replaced, never copied into the header
    assert hit.headers["X-Request-ID"] == "proxy-42"
    forged = cached_client.get(path, headers={"X-Request-ID": "bad id; <script>"})
    assert forged.headers["X-Page-Cache"] == "hit"
    assert len(forged.headers["X-Request-ID"]) == 32 and "<" not in forged.headers["X-Request-ID"]
    # HEAD gets the headers and no body; a conditional GET gets a 304 without a body
    head = cached_client.head(path)
    assert head.status_code == 200 and head.data == b"" and head.headers["ETag"] == hit.headers["ETag"]
    again = cached_client.get(path, headers={"If-None-Match": hit.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert reached == []
    # a personal request goes through the whole app again
    cached_client.get(f"{path}?unavailable=1")
    assert reached == [1]


def test_the_key_is_the_address_the_reader_used_behind_a_proxy(tmp_path, migrated_template):
    """With BV_PROXY_COUNT the forwarded host is part of the key, as the proxy saw it."""
    with fresh_app(tmp_path, migrated_template, PAGE_CACHE=True, REDIS_URL=None,
                   PROXY_COUNT=1) as app:
        path = _published(app)
        client = app.test_client()
        for host in ("lajme.example", "news.example"):
            headers = {"X-Forwarded-Host": host, "X-Forwarded-Proto": "https"}
            first = client.get(path, headers=headers)
            again = client.get(path, headers=headers)
            assert (first.headers["X-Page-Cache"], again.headers["X-Page-Cache"]) == ("miss", "hit")
            assert first.data == again.data


def test_the_language_of_a_page_is_its_address_not_the_browser(cached_app, cached_client):
    path = _published(cached_app)
    assert cached_client.get(path, headers={"Accept-Language": "mk"}).headers["X-Page-Cache"] == "miss"
    assert cached_client.get(path, headers={"Accept-Language": "en"}).headers["X-Page-Cache"] == "hit"
    # sitemaps name no language in their address: stored once for everyone too
    assert cached_client.get("/sitemap.xml").headers["X-Page-Cache"] == "miss"
    assert cached_client.get("/sitemap.xml", headers={"Accept-Language": "sq"}).headers["X-Page-Cache"] == "hit"


redis_only = pytest.mark.skipif(
    not REDIS_URL, reason="BV_TEST_REDIS_URL not set: the Redis copy of the content version skipped"
)


@pytest.fixture
def redis_app(tmp_path, migrated_template):
    with fresh_app(tmp_path, migrated_template, PAGE_CACHE=True, REDIS_URL=REDIS_URL) as application:
        yield application


@pytest.mark.redis
@redis_only
def test_with_redis_a_hit_is_one_round_trip_and_never_asks_the_database(redis_app, monkeypatch):
    from bv.cache import pages

    path = _published(redis_app)
    client = redis_app.test_client()
    assert client.get(path).headers["X-Page-Cache"] == "miss"
    asked = []
    real = pages.CachedPages._content_version
    monkeypatch.setattr(pages.CachedPages, "_content_version",
                        lambda self: asked.append(1) or real(self))
    for _ in range(3):
        answer = client.get(path)
        assert answer.headers["X-Page-Cache"] == "hit" and "Parku i qytetit" in answer.get_data(as_text=True)
    assert asked == []
    # a change committed here is announced before this request ends: the next reader asks
    # the database for the new token once, and then the copy serves again
    from bv.articles import service
    from bv.articles.models import Article

    with redis_app.app_context():
        article = db.session.scalar(sa.select(Article))
        service.save_translation(article, "sq", {"headline": "Parku i ri", "lede": "Lede.",
                                                 "body": "Body."}, user=_editor())
        db.session.commit()
    answer = client.get(path)
    assert answer.headers["X-Page-Cache"] == "miss" and "Parku i ri" in answer.get_data(as_text=True)
    assert asked == [1]
    assert client.get(path).headers["X-Page-Cache"] == "hit" and asked == [1]


@pytest.mark.redis
@redis_only
def test_a_token_read_before_a_commit_is_never_copied_after_it(redis_app):
    from bv.cache import mirror

    _published(redis_app)  # the content version's row exists from the first change on
    copy = mirror.of(redis_app)
    copy.announce()
    generation, token, page = copy.read("page:", ":sq:nothing")
    assert token is None and page is None
    with redis_app.app_context():
        before = version.current()
    # a writer commits (and announces) between the reader's two steps
    copy.announce()
    assert copy.refresh(generation, before) is False
    assert copy.read("page:", ":sq:nothing")[1] is None
    # read under the generation now current, the copy is written and trusted, for a short time
    generation, _, _ = copy.read("page:", ":sq:nothing")
    assert copy.refresh(generation, before) is True
    assert copy.read("page:", ":sq:nothing")[1] == before
    assert 0 < copy.client.ttl(mirror.KEY_PREFIX + mirror.COPY) <= redis_app.config["PAGE_CACHE_VERSION_SECONDS"]


@pytest.mark.redis
@redis_only
def test_every_commit_that_replaces_the_token_drops_the_copy(redis_app):
    from bv.cache import mirror

    _published(redis_app, headline="Ura e re")
    copy = mirror.of(redis_app)
    with redis_app.app_context():
        generation, _, _ = copy.read("page:", ":sq:x")
        assert copy.refresh(generation, version.current())
        # a draft save readers cannot see leaves the copy alone
        from bv.accounts.service import create_user
        create_user("someone@test.example", "correct horse battery", role="author",
                    display_name="Someone")
        db.session.commit()
        assert copy.read("page:", ":sq:x")[1] == version.current()
    path = _published(redis_app)
    assert path
    with redis_app.app_context():
        assert copy.read("page:", ":sq:x")[1] is None
        assert int(copy.client.get(mirror.KEY_PREFIX + mirror.GENERATION)) > int(generation)


def test_a_commit_that_cannot_reach_redis_still_commits_and_says_so(tmp_path, migrated_template,
                                                                    caplog, monkeypatch):
    monkeypatch.setattr(logging.getLogger("bv"), "disabled", False)
    closed = f"redis://127.0.0.1:{free_port()}/0"
    with fresh_app(tmp_path, migrated_template, PAGE_CACHE=False, CACHE_REDIS_URL=closed,
                   REDIS_URL=None) as app:
        with caplog.at_level(logging.WARNING, logger="bv"):
            first = _published(app, headline="Tregu i vjetër")
            second = _published(app, headline="Tregu i ri")
        client = app.test_client()
        assert client.get(first).status_code == 200 and client.get(second).status_code == 200
        # said once, with the bound on how old a cached page may then be
        warned = [r.getMessage() for r in caplog.records if "content changed" in r.getMessage()]
        assert warned == ["could not tell Redis the content changed; cached pages may be up to "
                          f"{app.config['PAGE_CACHE_VERSION_SECONDS']} s old"]
