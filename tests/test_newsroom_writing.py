"""Writing, limits, conflicts, revisions, scheduling, images, sanitization, CSRF, login."""

import io
import json
import re
from datetime import date, timedelta

import pytest
from PIL import Image as PILImage
from sqlalchemy import func, select

from bv.accounts.models import User
from bv.accounts.permissions import SYSTEM
from bv.articles import service, workflow
from bv.articles.models import Article, ArticleTranslation, Revision
from bv.audit.models import AuditEvent
from bv.database import utcnow
from bv.extensions import db
from tests.conftest import PASSWORD, fresh_app


def _login(client, email, password=PASSWORD):
    return client.post("/newsroom/login", data={"email": email, "password": password})


def _png(width=800, height=450, color=(40, 90, 140)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


ARTICLE = {
    "source_locale": "mk",
    "headline": "Тетово добива нов парк",
    "lede": "Општината почнува со градба на парк кај реката Пена.",
    "body": "## Детали\n\nПаркот ќе има **500** дрвја и [план](https://example.org/plan).",
    "category": "0",
    "tags": "Паркови, Тетово",
    "byline": "Ана Петровска",
    "image_alt": "",
    "image_caption": "",
    "note": "",
}


def _create(client, **overrides):
    data = {**ARTICLE, **overrides}
    return client.post("/newsroom/articles/new", data=data, content_type="multipart/form-data")


# --- signing in -------------------------------------------------------------------------


def test_login_logout_and_cookie_flags(app, staff, client):
    response = _login(client, staff["editor"])
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" in cookie, "SITE_URL is https in tests"
    assert client.get("/newsroom/").status_code == 200
    assert client.post("/newsroom/logout").status_code == 302
    assert client.get("/newsroom/").status_code == 302


def test_password_is_hashed_with_a_modern_algorithm(app, tmp_path, migrated_template):
    (tmp_path / "real").mkdir()
    with fresh_app(tmp_path / "real", migrated_template, PASSWORD_HASH_METHOD="scrypt") as real:
        from bv.accounts.service import create_user

        with real.app_context():
            user = create_user("x@test.example", "a long passphrase", role="author")
            assert user.password_hash.startswith("scrypt:")
            assert "a long passphrase" not in user.password_hash


def test_wrong_password_and_unknown_account_look_the_same(app, staff, client):
    known = _login(client, staff["editor"], "wrong password!")
    unknown = _login(client, "nobody@test.example", "wrong password!")
    assert known.status_code == unknown.status_code == 401
    strip = lambda r: r.get_data(as_text=True).replace("nobody@test.example", "").replace(  # noqa: E731
        staff["editor"], ""
    )
    assert strip(known) == strip(unknown)


@pytest.mark.parametrize("email", ["editor@test.example", "ghost@test.example"])
def test_repeated_failures_slow_the_account_down(app, staff, client, email):
    for _ in range(5):
        assert _login(client, email, "not the password").status_code == 401
    blocked = _login(client, email, "not the password")
    assert blocked.status_code == 429
    assert "Shumë përpjekje" in blocked.get_data(as_text=True)
    if email == staff["editor"]:
        # even the right password waits now; another account is unaffected
        assert _login(client, email).status_code == 429
        assert _login(client, staff["author"]).status_code == 302


def test_password_change(app, staff, client):
    _login(client, staff["author"])
    bad = client.post(
        "/newsroom/account/password",
        data={"password-current": "wrong", "password-new": "a brand new secret", "password-confirm": "a brand new secret"},
    )
    assert bad.status_code == 422
    ok = client.post(
        "/newsroom/account/password",
        data={"password-current": PASSWORD, "password-new": "a brand new secret", "password-confirm": "a brand new secret"},
    )
    assert ok.status_code == 302
    client.post("/newsroom/logout")
    assert _login(client, staff["author"]).status_code == 401
    assert _login(client, staff["author"], "a brand new secret").status_code == 302


def test_newsroom_speaks_the_users_language(app, staff, client):
    _login(client, staff["translator"])
    client.post("/newsroom/account", data={"account-ui_locale": "mk"})
    html = client.get("/newsroom/").get_data(as_text=True)
    assert '<html lang="mk">' in html and "Мојата работа" in html
    client.post("/newsroom/account", data={"account-ui_locale": "sq"})
    assert '<html lang="sq">' in client.get("/newsroom/").get_data(as_text=True)


# --- CSRF -------------------------------------------------------------------------------


def test_csrf_protects_every_state_change(tmp_path, migrated_template, staff):
    (tmp_path / "csrf").mkdir()
    with fresh_app(tmp_path / "csrf", migrated_template, WTF_CSRF_ENABLED=True) as csrf_app:
        from bv.accounts.service import create_user

        with csrf_app.app_context():
            create_user("e@test.example", PASSWORD, role="editor")
            db.session.commit()
        client = csrf_app.test_client()
        refused = _login(client, "e@test.example")
        assert refused.status_code == 400
        assert "Traceback" not in refused.get_data(as_text=True)
        page = client.get("/newsroom/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        ok = client.post(
            "/newsroom/login",
            data={"email": "e@test.example", "password": PASSWORD, "csrf_token": token},
        )
        assert ok.status_code == 302
        for url in ["/newsroom/logout", "/newsroom/articles/new", "/newsroom/preview",
                    "/newsroom/account"]:
            assert client.post(url, data={"headline": "x"}).status_code == 400, url


# --- writing ----------------------------------------------------------------------------


def test_editor_writes_an_article_in_macedonian(app, staff, client):
    _login(client, staff["editor"])
    response = _create(client)
    assert response.status_code == 302
    with app.app_context():
        article = db.session.scalar(select(Article))
        assert article.source_locale == "mk"
        source = article.source
        assert source.status == "draft"
        assert source.slug == "tetovo-dobiva-nov-park"
        assert "<strong>500</strong>" in source.body_html
        assert 'href="https://example.org/plan"' in source.body_html
        assert [t.name_in("mk") for t in article.tags] == ["Паркови", "Тетово"]
        assert len(source.revisions) == 1
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "translation.saved")) == 1


@pytest.mark.parametrize(
    ("field", "size"), [("headline", 201), ("lede", 501), ("body", 50_001), ("image_caption", 501)]
)
def test_limits_give_a_localized_error_and_keep_the_text(app, staff, client, field, size):
    _login(client, staff["editor"])
    client.post("/newsroom/account", data={"account-ui_locale": "sq"})
    text = "ш" * size
    response = _create(client, **{field: text})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Kjo fushë mund të mbajë së shumti" in html
    assert text in html, "nothing typed is lost"
    assert ARTICLE["lede"] in html or field == "lede"
    with app.app_context():
        assert db.session.scalar(select(func.count(Article.id))) == 0


def test_preview_does_not_save(app, staff, client):
    _login(client, staff["editor"])
    response = client.post("/newsroom/articles/new", data={**ARTICLE, "action": "preview"})
    assert response.status_code == 200
    assert "<strong>500</strong>" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Article.id))) == 0
    live = client.post("/newsroom/preview", data={"body": "**hi** <script>x()</script>"})
    assert live.get_json()["html"] == "<p><strong>hi</strong> &lt;script&gt;x()&lt;/script&gt;</p>\n"


def test_sanitization_keeps_scripts_handlers_and_js_urls_off_the_page(app, staff, client):
    _login(client, staff["editor"])
    hostile = (
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
        "[click](javascript:alert(3)) [ok](https://example.org)\n\n"
        '<a href="javascript:alert(4)" onclick="alert(5)">x</a>\n\n'
        "[data](data:text/html;base64,PHNjcmlwdD4=)"
    )
    _create(client, body=hostile, headline="Hostile", lede="<b onmouseover=alert(6)>l</b>")
    with app.app_context():
        t = db.session.scalar(select(ArticleTranslation))
        workflow.transition(t, "publish", user=SYSTEM)
        url = f"/mk/a/{t.slug}"
        db.session.commit()
    html = client.get(url).get_data(as_text=True)
    parsed = _Tags()
    parsed.feed(html)
    assert "script" not in {tag for tag, _ in parsed.tags}
    for tag, attrs in parsed.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src"):
                assert not (value or "").lower().startswith(("javascript:", "data:")), value
    assert ("a", [("href", "https://example.org"), ("rel", "noopener noreferrer")]) in parsed.tags


class _Tags(__import__("html.parser").parser.HTMLParser):
    """Every start tag and its attributes; our scripts are the JSON-LD data and files from
    /static/ (progressive enhancement): any other script came from the article."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        if tag == "script" and ("type", "application/ld+json") in attrs:
            tag = "script-ld"
        elif tag == "script" and (dict(attrs).get("src") or "").startswith("/static/"):
            tag = "script-static"
        self.tags.append((tag, attrs))


# --- images -----------------------------------------------------------------------------


def test_valid_lead_image_gets_responsive_sizes(app, staff, client):
    _login(client, staff["editor"])
    response = client.post(
        "/newsroom/articles/new",
        data={**ARTICLE, "image": (io.BytesIO(_png(2000, 1000)), "park.png"), "image_alt": "Парк"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        image = db.session.scalar(select(Article)).lead_image
        assert image.widths == [480, 960, 1600]
        assert image.width == 1600 and image.height == 800


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"this is not an image at all", "Ky skedar nuk është imazh që mund ta lexojmë."),
        (_png(300, 200), "Imazhi duhet të jetë së paku 480 piksela i gjerë."),
        (b"GIF89a" + b"\x00" * 100, "Ky skedar nuk është imazh që mund ta lexojmë."),
        (b"\xff\xd8" + b"\x00" * 300_000, "Imazhi është më i madh se 0,2 MB."),
    ],
)
def test_bad_image_gives_a_clear_error_and_changes_nothing(app, staff, client, stories, payload, message):
    app.config["MAX_IMAGE_BYTES"] = 200 * 1024  # small, so the test upload stays in memory
    _login(client, staff["editor"])
    client.post("/newsroom/account", data={"account-ui_locale": "sq"})
    article_id = stories["other"]
    before = client.get(f"/newsroom/articles/{article_id}/sq/edit").get_data(as_text=True)
    version = before.split('id="version" name="version" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        f"/newsroom/articles/{article_id}/sq/edit",
        data={
            "version": version, "headline": "Titull i ndryshuar", "lede": "L", "body": "B",
            "category": "0", "tags": "", "byline": "X", "image_alt": "", "image_caption": "",
            "slug": "", "note": "", "image": (io.BytesIO(payload), "photo.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert "Titull i ndryshuar" in html, "the typed text is still in the form"
    with app.app_context():
        t = db.session.get(Article, article_id).translation("sq")
        assert t.headline == "Buxheti i ri"
        assert len(t.revisions) == 1
        assert db.session.get(Article, article_id).lead_image is None


# --- conflicts, revisions ---------------------------------------------------------------


def _edit_form(client, article_id, locale):
    html = client.get(f"/newsroom/articles/{article_id}/{locale}/edit").get_data(as_text=True)
    return html.split('id="version" name="version" type="hidden" value="')[1].split('"')[0]


def test_second_save_gets_a_conflict_page_and_keeps_its_text(app, staff, stories):
    first, second = app.test_client(), app.test_client()
    _login(first, staff["editor"])
    _login(second, staff["admin"])
    article_id = stories["other"]
    v1 = _edit_form(first, article_id, "sq")
    v2 = _edit_form(second, article_id, "sq")
    assert v1 == v2
    common = {"category": "0", "tags": "", "byline": "Redaksia", "image_alt": "", "image_caption": "", "slug": "", "note": ""}
    ok = first.post(
        f"/newsroom/articles/{article_id}/sq/edit",
        data={**common, "version": v1, "headline": "Buxheti i ri miratohet", "lede": "Këshilli votoi sot.", "body": "Teksti i parë."},
    )
    assert ok.status_code == 302
    conflict = second.post(
        f"/newsroom/articles/{article_id}/sq/edit",
        data={**common, "version": v2, "headline": "Buxheti i ri refuzohet", "lede": "Këshilli nuk votoi.", "body": "Teksti i dytë."},
    )
    assert conflict.status_code == 409
    html = conflict.get_data(as_text=True)
    assert "Buxheti i ri miratohet" in html, "the saved version is shown"
    assert "Buxheti i ri refuzohet" in html, "the second person's text is kept"
    with app.app_context():
        t = db.session.get(Article, article_id).translation("sq")
        assert t.headline == "Buxheti i ri miratohet"
        assert len(t.revisions) == 2
    new_version = html.split('id="version" name="version" type="hidden" value="')[1].split('"')[0]
    resolved = second.post(
        f"/newsroom/articles/{article_id}/sq/edit",
        data={**common, "version": new_version, "headline": "Buxheti i ri refuzohet", "lede": "Këshilli nuk votoi.", "body": "Teksti i dytë."},
    )
    assert resolved.status_code == 302
    with app.app_context():
        assert db.session.get(Article, article_id).translation("sq").headline == "Buxheti i ri refuzohet"


def test_conflict_page_keeps_the_address_minor_flag_and_says_the_image_must_be_chosen_again(
    app, staff, stories
):
    first, second = app.test_client(), app.test_client()
    _login(first, staff["editor"])
    _login(second, staff["admin"])
    article_id = stories["other"]
    version = _edit_form(first, article_id, "sq")
    _edit_form(second, article_id, "sq")
    common = {"category": "0", "tags": "", "byline": "Redaksia", "image_alt": "", "image_caption": "", "note": ""}
    first.post(
        f"/newsroom/articles/{article_id}/sq/edit",
        data={**common, "slug": "", "version": version, "headline": "Buxheti miratohet", "lede": "", "body": "Tekst."},
    )
    conflict = second.post(
        f"/newsroom/articles/{article_id}/sq/edit",
        data={
            **common, "slug": "buxheti-shtyhet", "minor": "y", "version": version,
            "headline": "Buxheti shtyhet", "lede": "", "body": "Tekst.",
            "image": (io.BytesIO(_png()), "foto.png"),
        },
        content_type="multipart/form-data",
    )
    assert conflict.status_code == 409
    html = conflict.get_data(as_text=True)
    assert 'value="buxheti-shtyhet"' in html, "the requested address is kept"
    minor_input = re.search(r'<input[^>]*name="minor"[^>]*>', html).group(0)
    assert "checked" in minor_input, "the minor-edit choice is kept"
    assert 'name="image"' in html, "the image can be chosen again on the conflict page"


def test_status_change_is_not_an_edit_conflict(app, staff, stories):
    client = app.test_client()
    _login(client, staff["editor"])
    article_id = stories["other"]
    version = _edit_form(client, article_id, "sq")
    client.post(f"/newsroom/articles/{article_id}/sq/unpublish")
    response = client.post(
        f"/newsroom/articles/{article_id}/sq/edit",
        data={"version": version, "headline": "Buxheti", "lede": "L", "body": "B", "category": "0", "tags": "", "byline": "", "image_alt": "", "image_caption": "", "slug": "", "note": ""},
    )
    assert response.status_code == 302


def test_revision_diff_and_restore(app, staff, client, stories):
    _login(client, staff["editor"])
    article_id = stories["other"]
    with app.app_context():
        article = db.session.get(Article, article_id)
        service.save_translation(article, "sq", {"body": "Teksti me fjalë të reja."}, user=SYSTEM)
        db.session.commit()
    diff = client.get(f"/newsroom/articles/{article_id}/sq/history?a=1&b=2").get_data(as_text=True)
    assert '<span class="diff">Teksti<ins> me fjalë të reja</ins>.</span>' in diff
    with app.app_context():
        first = db.session.scalar(
            select(Revision).join(Revision.translation).where(
                ArticleTranslation.article_id == article_id, Revision.number == 1
            )
        )
        rid = first.id
    assert client.post(f"/newsroom/revisions/{rid}/restore").status_code == 302
    with app.app_context():
        t = db.session.get(Article, article_id).translation("sq")
        assert t.body == "Teksti."
        assert [r.number for r in t.revisions] == [1, 2, 3], "restoring is a new revision"
        assert t.revisions[-1].note == "restored revision 1"
    assert client.get(f"/newsroom/articles/{article_id}/sq/history?a=1&b=99").status_code == 404


# --- lifecycle --------------------------------------------------------------------------


def test_publishing_one_language_never_changes_another(app, staff, stories):
    with app.app_context():
        article = db.session.get(Article, stories["own"])
        mk, sq = article.translation("mk"), article.translation("sq")
        before = (sq.status, sq.published_at, sq.version)
        workflow.transition(mk, "publish", user=SYSTEM)
        assert mk.status == "published"
        assert (sq.status, sq.published_at, sq.version) == before
        with pytest.raises(workflow.TransitionError):
            workflow.transition(sq, "publish", user=SYSTEM)  # a translation must be approved first
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "translation.publish")).all()
        assert events[-1].locale == "mk"
        db.session.commit()


def test_matrix_page_shows_status_and_who(app, staff, client, stories):
    _login(client, staff["editor"])
    client.post(f"/newsroom/articles/{stories['own']}/mk/publish")
    html = client.get(f"/newsroom/articles/{stories['own']}").get_data(as_text=True)
    assert "Editor" in html  # the display name of who published
    assert html.count('class="status status-published"') == 1
    assert html.count('class="status status-draft"') == 1
    assert html.count('class="status status-missing"') == 1


def test_scheduled_publication_runs_from_the_queue_and_survives_a_restart(
    app, staff, client, stories, tmp_path, migrated_template
):
    _login(client, staff["editor"])
    article_id = stories["own"]
    response = client.post(
        f"/newsroom/articles/{article_id}/mk/schedule",
        data={"when": f"{utcnow().year + 1}-05-01T09:30"},
    )
    assert response.status_code == 302
    with app.app_context():
        t = db.session.get(Article, article_id).translation("mk")
        assert t.status == "draft" and t.scheduled_at is not None
        # 09:30 in Skopje (UTC+2 in May) is 07:30 UTC
        assert t.scheduled_at.hour == 7 and t.scheduled_at.minute == 30
        assert workflow.publish_due() == 0
    html = client.get("/newsroom/").get_data(as_text=True)
    assert "Нов парк во Тетово" in html, "the newsroom home lists scheduled items"

    # a new process (a restart) finds the schedule in the database
    from bv import create_app
    from bv.jobs import tasks

    restarted = create_app({**app.config, "TESTING": True})
    with restarted.app_context():
        t = db.session.get(Article, article_id).translation("mk")
        t.scheduled_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    # enqueue through Huey (immediate mode in tests runs it now; periodic results are not stored)
    with restarted.app_context():
        tasks.publish_scheduled()
    with restarted.app_context():
        t = db.session.get(Article, article_id).translation("mk")
        assert t.status == "published" and t.scheduled_at is None
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "translation.publish")
        ).all()[-1]
        assert event.user_id is None, "published by the scheduler"
        db.session.remove()
        db.engine.dispose()
    from bv.jobs import queue

    queue.configure(app)  # hand the queue back to the test's app


def test_scheduling_too_far_ahead_or_in_the_skipped_hour_is_refused(app, staff, client, stories):
    _login(client, staff["editor"])
    url = f"/newsroom/articles/{stories['own']}/mk/schedule"
    response = client.post(url, data={"when": "9999-12-31T23:59"}, follow_redirects=True)
    assert "brenda dy vjetëve" in response.get_data(as_text=True)
    # clocks in Skopje jump from 02:00 to 03:00 on the last Sunday of March
    year = utcnow().year + 1
    last_sunday = max(
        day for day in range(25, 32) if date(year, 3, day).weekday() == 6
    )
    response = client.post(
        url, data={"when": f"{year}-03-{last_sunday:02d}T02:30"}, follow_redirects=True
    )
    assert "nuk ekziston në këtë datë" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Article, stories["own"]).translation("mk").scheduled_at is None


def test_returning_a_version_cancels_its_schedule(app, staff, stories):
    with app.app_context():
        editor = db.session.scalar(select(User).where(User.email == staff["editor"]))
        article = db.session.get(Article, stories["own"])
        t = article.translation("mk")
        workflow.transition(t, "submit", user=editor)
        workflow.transition(t, "schedule", user=editor, when=utcnow() + timedelta(hours=1))
        workflow.transition(t, "return", user=editor)
        assert t.scheduled_at is None
        assert workflow.publish_due(utcnow() + timedelta(hours=2)) == 0
        assert t.status == "draft"
        db.session.commit()


def test_scheduling_in_the_past_is_refused(app, staff, client, stories):
    _login(client, staff["editor"])
    client.post("/newsroom/account", data={"account-ui_locale": "en"})
    response = client.post(
        f"/newsroom/articles/{stories['own']}/mk/schedule", data={"when": "2001-01-01T10:00"},
        follow_redirects=True,
    )
    assert "Choose a publication time in the future." in response.get_data(as_text=True)


def test_audit_log_filters(app, staff, client, stories):
    _login(client, staff["editor"])
    client.post(f"/newsroom/articles/{stories['own']}/mk/publish")
    page = client.get(f"/newsroom/audit?article={stories['own']}&action=translation.publish")
    html = page.get_data(as_text=True)
    assert html.count("<code>translation.publish</code>") == 1
    assert "<code>translation.saved</code>" not in html
    with app.app_context():
        editor_id = db.session.scalar(select(func.min(AuditEvent.user_id)).where(AuditEvent.action == "translation.publish"))
    assert "translation.publish" in client.get(f"/newsroom/audit?user={editor_id}").get_data(as_text=True)


# --- command line -----------------------------------------------------------------------


def test_users_cli(app, runner):
    result = runner.invoke(args=["users", "create", "t@test.example", "--role", "translator", "--languages", "sq,mk", "--password", "long enough pw"])
    assert result.exit_code == 0, result.output
    bad = runner.invoke(args=["users", "create", "u@test.example", "--role", "translator", "--languages", "de", "--password", "long enough pw"])
    assert bad.exit_code != 0 and "unknown languages" in bad.output
    short = runner.invoke(args=["users", "create", "v@test.example", "--role", "author", "--password", "short"])
    assert short.exit_code != 0
    prompted = runner.invoke(args=["users", "create", "w@test.example", "--role", "author"], input="long enough pw\nlong enough pw\n")
    assert prompted.exit_code == 0, prompted.output
    listing = runner.invoke(args=["users", "list"])
    assert "t@test.example\ttranslator [sq,mk]" in listing.output
    assert "w@test.example\tauthor" in listing.output


def test_articles_list_cli(app, runner, stories):
    result = runner.invoke(args=["articles", "list", "--json"])
    rows = json.loads(result.output)
    own = next(r for r in rows if r["id"] == stories["own"])
    assert own["source_locale"] == "mk"
    assert own["languages"]["mk"]["status"] == "draft"
    assert own["languages"]["en"]["status"] == "missing"
    table = runner.invoke(args=["articles", "list"]).output
    assert "Нов парк во Тетово" in table


def test_demo_prints_credentials_once(app, runner):
    first = runner.invoke(args=["demo"])
    assert "editor@balkanview.example" in first.output
    password = next(
        line.split()[-1] for line in first.output.splitlines() if "editor@balkanview.example" in line
    )
    client = app.test_client()
    assert _login(client, "editor@balkanview.example", password).status_code == 302
    again = runner.invoke(args=["demo", "--if-empty"])
    assert "editor@balkanview.example" not in again.output
