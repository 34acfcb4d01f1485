"""Security headers on every kind of response: pages, feeds, JSON, files, redirects, errors."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from bv import create_app
from bv.articles.models import Article, Category, Image
from bv.extensions import db
from bv.jobs.models import Job
from tests.conftest import PASSWORD

EDITOR = "headers-editor@test.example"


@pytest.fixture(scope="module")
def pages(demo_app):
    """One address of each kind, on the demo newsroom, and a signed-in editor's client."""
    from bv.accounts.service import create_user

    with demo_app.app_context():
        editor = create_user(EDITOR, PASSWORD, role="editor", ui_locale="en")
        article = next(
            a for a in db.session.scalars(select(Article))
            if a.source and a.source.is_published and a.lead_image_id
        )
        source = article.source
        category = db.session.scalars(select(Category)).first().name_in(source.locale)
        image = db.session.get(Image, article.lead_image_id)
        db.session.flush()
        job = Job(kind="machine_draft", article_id=article.id, user_id=editor.id,
                  status="done", payload={"target": "en"})
        db.session.add(job)
        db.session.commit()
        lang = source.locale
        public = {
            "root redirect": "/",
            "home": f"/{lang}/",
            "article": f"/{lang}/a/{source.slug}",
            "category": f"/{lang}/c/{category.slug}/",
            "search": f"/{lang}/search?q=Tetov",
            "about": f"/{lang}/about",
            "switch redirect": f"/{lang}/switch?article={article.id}",
            "feed": f"/{lang}/feed.xml",
            "sitemap": "/sitemap.xml",
            "news sitemap": "/news-sitemap.xml",
            "robots": "/robots.txt",
            "health JSON": "/healthz",
            "404": f"/{lang}/a/no-such-article",
            "unknown language": "/de/",
            "static CSS": "/static/site.css",
            "static JS": "/static/editor.js",
            "upload": f"/media/{image.stem}-{image.widths[0]}.{image.extension}",
            "missing upload": "/media/nothing.jpg",
        }
        staff = {
            "newsroom home": "/newsroom/",
            "articles": "/newsroom/articles",
            "article matrix": f"/newsroom/articles/{article.id}",
            "editor": f"/newsroom/articles/{article.id}/{lang}/edit",
            "history": f"/newsroom/articles/{article.id}/{lang}/history",
            "dashboard": "/newsroom/dashboard",
            "job page": f"/newsroom/jobs/{job.id}",
            "job status JSON": f"/newsroom/jobs/{job.id}/status",
            "newsroom 404": "/newsroom/articles/999999",
            "newsroom 403": "/newsroom/users",
        }
    client = demo_app.test_client()
    client.post("/newsroom/login", data={"email": EDITOR, "password": PASSWORD})
    return {"public": public, "staff": staff, "client": client}


def _assert_common(response):
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if " " in part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]
    # the suite's SITE_URL is https: browsers must stay on https
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    return directives


def test_every_public_kind_of_response_has_the_headers(pages):
    client = pages["client"]
    statuses = {}
    for kind, url in pages["public"].items():
        response = client.get(url)
        response.close()  # files are streamed
        statuses[kind] = response.status_code
        directives = _assert_common(response)
        assert directives["frame-ancestors"] == "'self'", kind
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN", kind
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", kind
    # the list really covers pages, files, redirects and errors
    assert {200, 302, 404} <= set(statuses.values()), statuses
    assert statuses["upload"] == 200 and statuses["static JS"] == 200


def test_every_newsroom_kind_of_response_forbids_framing(pages):
    client = pages["client"]
    statuses = {}
    for kind, url in pages["staff"].items():
        response = client.get(url)
        statuses[kind] = response.status_code
        directives = _assert_common(response)
        assert directives["frame-ancestors"] == "'none'", kind
        assert response.headers["X-Frame-Options"] == "DENY", kind
        assert response.headers["Referrer-Policy"] == "same-origin", kind
    assert statuses["job status JSON"] == 200 and statuses["editor"] == 200
    assert statuses["newsroom 404"] == 404 and statuses["newsroom 403"] == 403


def test_posts_redirects_and_the_login_page_have_them_too(demo_app):
    client = demo_app.test_client()
    for response in (
        client.get("/newsroom/login"),
        client.get("/newsroom/articles"),  # a redirect to the sign-in page
        client.post("/newsroom/login", data={"email": "nobody@test.example", "password": "x"}),
        client.post("/sq/"),  # 405
    ):
        directives = _assert_common(response)
        assert directives["frame-ancestors"] in ("'none'", "'self'")
    assert client.get("/newsroom/login").headers["X-Frame-Options"] == "DENY"


def test_a_304_keeps_the_headers(pages):
    client = pages["client"]
    url = pages["public"]["home"]
    etag = client.get(url).headers["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    _assert_common(response)


def test_the_500_page_has_the_headers(app):
    @app.get("/<lang:lang_code>/boom")
    def boom(lang_code):
        raise RuntimeError("simulated failure")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/en/boom")
    assert response.status_code == 500
    _assert_common(response)


def test_no_hsts_on_a_plain_http_site(tmp_path, migrated_template):
    from tests.conftest import fresh_app

    with fresh_app(tmp_path, migrated_template, SITE_URL="http://127.0.0.1:5000") as app:
        response = app.test_client().get("/robots.txt")
    assert "Strict-Transport-Security" not in response.headers
    assert "upgrade-insecure-requests" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_follows_bv_site_url_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("BV_SITE_URL", "https://news.example")
    app = create_app({
        "TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp_path) / 'x.sqlite3'}",
    })
    response = app.test_client().get("/robots.txt")
    assert response.headers["Strict-Transport-Security"] == f"max-age={365 * 24 * 3600}"
    assert "upgrade-insecure-requests" in response.headers["Content-Security-Policy"]


def test_security_txt_names_the_contact_from_config_or_settings(app):
    from bv.settings import set_setting

    client = app.test_client()
    assert client.get("/.well-known/security.txt").status_code == 404, "no address known yet"
    with app.app_context():
        set_setting("email", "redaksia@news.example")
        db.session.commit()
    text = client.get("/.well-known/security.txt").get_data(as_text=True)
    assert "Contact: mailto:redaksia@news.example\n" in text
    assert "Canonical: https://news.example/.well-known/security.txt\n" in text
    assert re.search(r"^Expires: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", text, re.M)
    app.config["SECURITY_EMAIL"] = "security@news.example"
    assert "Contact: mailto:security@news.example\n" in client.get(
        "/.well-known/security.txt").get_data(as_text=True)
