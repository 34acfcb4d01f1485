"""Sessions end when they should: sign-out, idle and age limits, password changes, deactivation."""

import re
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import select

from bv import accounts
from bv.accounts import sessions
from bv.accounts.models import StaffSession, User
from bv.accounts.service import create_user
from bv.database import utcnow
from bv.extensions import db
from tests.conftest import PASSWORD, fresh_app
from tests.helpers import save_account as _save_account

NEW_PASSWORD = "a brand new secret"


def _login(client, email, password=PASSWORD, remember=False):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/newsroom/login", data=data)


def _signed_in(client) -> bool:
    return client.get("/newsroom/account").status_code == 200


def _forget_session(client):
    """Drop the session cookie, as a browser does on closing: only the remember cookie is left."""
    client.delete_cookie("session")


def _user(app, email) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(user)
        return user


def test_session_cookie_names_a_server_session_not_the_user(app, staff):
    client = app.test_client()
    _login(client, staff["author"])
    with client.session_transaction() as flask_session:
        session_id = flask_session["_user_id"]
    user = _user(app, staff["author"])
    user_token, _, token = session_id.partition(".")
    assert user_token == user.session_token and len(token) >= 32
    with app.app_context():
        assert accounts.load_user(session_id).id == user.id
        # neither the user id nor the per-user token alone opens a session
        assert accounts.load_user(str(user.id)) is None
        assert accounts.load_user(user.session_token) is None
        assert accounts.load_user("") is None
        assert accounts.load_user(f"{user.session_token}.{'x' * 43}") is None
        # the table keeps a hash: a copy of it opens nothing
        stored = db.session.scalar(select(StaffSession.token_hash))
        assert stored != token and token not in stored


def test_every_account_gets_its_own_token(app, staff):
    with app.app_context():
        tokens = db.session.scalars(select(User.session_token)).all()
    assert len(tokens) == 4 and len(set(tokens)) == 4 and all(tokens)


def test_password_change_signs_out_other_sessions_and_keeps_this_one(app, staff):
    here, elsewhere, remembered = app.test_client(), app.test_client(), app.test_client()
    _login(here, staff["author"], remember=True)
    _login(elsewhere, staff["author"])
    _login(remembered, staff["author"], remember=True)
    _forget_session(remembered)
    assert _signed_in(here) and _signed_in(elsewhere) and _signed_in(remembered)

    changed = here.post(
        "/newsroom/account/password",
        data={"password-current": PASSWORD, "password-new": NEW_PASSWORD, "password-confirm": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert _signed_in(here), "the browser that changed the password stays signed in"
    assert not _signed_in(elsewhere), "another session is signed out"
    assert not _signed_in(remembered), "an old remember-me cookie no longer signs in"
    # the remember-me cookie of this browser was renewed with the new token
    _forget_session(here)
    assert _signed_in(here)


def test_failed_password_change_keeps_every_session(app, staff):
    here, elsewhere = app.test_client(), app.test_client()
    _login(here, staff["author"])
    _login(elsewhere, staff["author"])
    here.post(
        "/newsroom/account/password",
        data={"password-current": "wrong", "password-new": NEW_PASSWORD, "password-confirm": NEW_PASSWORD},
    )
    assert _signed_in(here) and _signed_in(elsewhere)


def test_deactivation_ends_sessions_for_good(app, staff):
    admin, author = app.test_client(), app.test_client()
    _login(admin, staff["admin"])
    _login(author, staff["author"], remember=True)
    account = _user(app, staff["author"])
    assert _save_account(admin, account, active="").status_code == 302
    assert not _signed_in(author)
    # switching the account back on does not revive the old cookies
    assert _save_account(admin, account, active="y").status_code == 302
    assert not _signed_in(author)
    _forget_session(author)
    assert not _signed_in(author)
    assert _login(author, staff["author"]).status_code == 302 and _signed_in(author)


def test_admin_reset_password_signs_the_user_out(app, staff):
    admin, author = app.test_client(), app.test_client()
    _login(admin, staff["admin"])
    _login(author, staff["author"])
    account = _user(app, staff["author"])
    assert _save_account(admin, account, display_name="Renamed").status_code == 302
    assert _signed_in(author), "saving other details keeps the user signed in"
    assert _save_account(admin, account, password=NEW_PASSWORD).status_code == 302
    assert not _signed_in(author)
    assert _login(author, staff["author"], NEW_PASSWORD).status_code == 302


def test_admin_changing_their_own_password_stays_signed_in(app, staff):
    here, elsewhere = app.test_client(), app.test_client()
    _login(here, staff["admin"])
    _login(elsewhere, staff["admin"])
    account = _user(app, staff["admin"])
    assert _save_account(here, account, password=NEW_PASSWORD).status_code == 302
    assert _signed_in(here)
    assert not _signed_in(elsewhere)


# -- server-side sessions: sign-out, expiry, the list of open sessions --------------------------

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)


def _client(app, agent=FIREFOX_WINDOWS, ip="203.0.113.7"):
    client = app.test_client()
    client.environ_base.update(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    return client


def _copy_cookie(source, target, name):
    cookie = source.get_cookie(name)
    assert cookie is not None, f"no {name} cookie to copy"
    target.set_cookie(name, cookie.value)


def _opens_articles(client) -> bool:
    response = client.get("/newsroom/articles")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and "/newsroom/login" in response.headers["Location"]
    return False


def _change_sessions(app, email, **ago):
    """Move timestamps of the user's sessions into the past: `last_seen_at=timedelta(...)`."""
    with app.app_context():
        rows = db.session.scalars(
            select(StaffSession).join(StaffSession.user).where(User.email == email)
        ).all()
        now = utcnow()
        for row in rows:
            for column, delta in ago.items():
                setattr(row, column, now - delta)
        db.session.commit()


def _live_rows(app, email):
    with app.app_context():
        rows = db.session.scalars(
            select(StaffSession)
            .join(StaffSession.user)
            .where(User.email == email, StaffSession.revoked_at.is_(None))
        ).all()
        db.session.expunge_all()
        return rows


def test_copied_session_cookie_stops_working_after_sign_out(app, staff):
    owner, thief = _client(app), _client(app)
    _login(owner, staff["editor"])
    _copy_cookie(owner, thief, "session")
    assert _opens_articles(thief), "a copied cookie works while the session is open"
    assert owner.post("/newsroom/logout").status_code == 302
    assert not _opens_articles(owner)
    assert not _opens_articles(thief), "sign-out ends the session on the server"


def test_copied_remember_cookie_stops_working_after_sign_out(app, staff):
    owner, thief = _client(app), _client(app)
    _login(owner, staff["editor"], remember=True)
    _copy_cookie(owner, thief, "remember_token")
    assert _opens_articles(thief)
    owner.post("/newsroom/logout")
    thief.delete_cookie("session")
    assert not _opens_articles(thief)


def test_sign_out_ends_only_that_browser(app, staff):
    one, two = _client(app), _client(app)
    _login(one, staff["editor"])
    _login(two, staff["editor"])
    one.post("/newsroom/logout")
    assert not _opens_articles(one) and _opens_articles(two)


@pytest.mark.parametrize("remember", [False, True])
def test_an_idle_session_expires(app, staff, remember):
    client = _client(app)
    _login(client, staff["author"], remember=remember)
    if remember:
        _forget_session(client)
    _change_sessions(app, staff["author"], last_seen_at=timedelta(minutes=119))
    assert _opens_articles(client), "119 idle minutes are still within the default 120"
    _change_sessions(app, staff["author"], last_seen_at=timedelta(minutes=121))
    assert not _opens_articles(client)


@pytest.mark.parametrize("remember", [False, True])
def test_a_busy_session_still_ends_after_its_lifetime(app, staff, remember):
    client = _client(app)
    _login(client, staff["author"], remember=remember)
    if remember:
        _forget_session(client)
    _change_sessions(app, staff["author"], created_at=timedelta(hours=71))
    assert _opens_articles(client)
    _change_sessions(app, staff["author"], created_at=timedelta(hours=73))
    assert not _opens_articles(client), "in use a minute ago, but 73 hours old"


def test_the_remember_cookie_lasts_no_longer_than_a_session(app, staff):
    client = _client(app)
    response = _login(client, staff["author"], remember=True)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert timedelta(hours=71) < expires - utcnow() <= timedelta(hours=72, minutes=1)


def test_session_lifetimes_come_from_bv_settings(tmp_path, migrated_template, monkeypatch):
    monkeypatch.setenv("BV_SESSION_IDLE_MINUTES", "5")
    monkeypatch.setenv("BV_SESSION_MAX_HOURS", "2")
    with fresh_app(tmp_path, migrated_template) as application:
        assert application.config["SESSION_IDLE_MINUTES"] == 5
        assert application.config["SESSION_MAX_HOURS"] == 2
        assert application.config["REMEMBER_COOKIE_DURATION"] == timedelta(hours=2)
        with application.app_context():
            create_user("short@test.example", PASSWORD, role="author")
            db.session.commit()
        client = _client(application)
        _login(client, "short@test.example")
        _change_sessions(application, "short@test.example", last_seen_at=timedelta(minutes=4))
        assert _opens_articles(client)
        _change_sessions(application, "short@test.example", last_seen_at=timedelta(minutes=6))
        assert not _opens_articles(client)
        _login(client, "short@test.example")
        _change_sessions(application, "short@test.example", created_at=timedelta(minutes=121))
        assert not _opens_articles(client)


def test_last_seen_is_written_at_most_once_a_minute(app, staff, count_queries):
    client = _client(app)
    _login(client, staff["author"])
    _change_sessions(app, staff["author"], last_seen_at=timedelta(seconds=30))
    before = _live_rows(app, staff["author"])[0].last_seen_at
    with count_queries(app) as counter:
        assert _opens_articles(client)
    assert _live_rows(app, staff["author"])[0].last_seen_at == before
    assert not any(s.lstrip().upper().startswith("UPDATE") for s in counter.statements)

    _change_sessions(app, staff["author"], last_seen_at=timedelta(seconds=90))
    assert _opens_articles(client)
    seen = _live_rows(app, staff["author"])[0].last_seen_at
    assert utcnow() - seen < timedelta(seconds=10)


def test_the_account_page_lists_open_sessions(app, staff):
    laptop, phone = _client(app), _client(app, CHROME_ANDROID, "198.51.100.23")
    _login(laptop, staff["translator"])
    _login(phone, staff["translator"])
    laptop.post("/newsroom/account", data={"account-ui_locale": "en"})
    page = laptop.get("/newsroom/account").get_data(as_text=True)
    assert "Firefox, Windows" in page and "203.0.113.7" in page
    assert "Chrome, Android" in page and "198.51.100.23" in page
    assert "This browser" in page and "Sign out all other sessions" in page
    # a signed-out session is not listed
    phone.post("/newsroom/logout")
    page = laptop.get("/newsroom/account").get_data(as_text=True)
    assert "Chrome, Android" not in page and "Sign out all other sessions" not in page


def test_ending_one_other_session(app, staff):
    here, there, elsewhere = _client(app), _client(app), _client(app)
    for client in (here, there, elsewhere):
        _login(client, staff["author"])
    newest = max(_live_rows(app, staff["author"]), key=lambda row: row.id)
    response = here.post(f"/newsroom/account/sessions/{newest.id}/end")
    assert response.status_code == 302 and response.headers["Location"].endswith("/newsroom/account")
    assert not _opens_articles(elsewhere)
    assert _opens_articles(here) and _opens_articles(there)


def test_nobody_ends_another_users_session_or_their_own_this_way(app, staff):
    editor, author = _client(app), _client(app)
    _login(editor, staff["editor"])
    _login(author, staff["author"])
    theirs = _live_rows(app, staff["author"])[0]
    assert editor.post(f"/newsroom/account/sessions/{theirs.id}/end").status_code == 404
    assert _opens_articles(author)
    # this browser's own session ends with "Sign out", not from the list
    assert author.post(f"/newsroom/account/sessions/{theirs.id}/end").status_code == 404
    assert _opens_articles(author)


def test_ending_all_other_sessions(app, staff):
    here, there, remembered = _client(app), _client(app), _client(app)
    _login(here, staff["author"])
    _login(there, staff["author"])
    _login(remembered, staff["author"], remember=True)
    _forget_session(remembered)
    editor = _client(app)
    _login(editor, staff["editor"])
    assert here.post("/newsroom/account/sessions/end-others").status_code == 302
    assert _opens_articles(here)
    assert not _opens_articles(there) and not _opens_articles(remembered)
    assert _opens_articles(editor), "other users keep their sessions"
    assert len(_live_rows(app, staff["author"])) == 1


def _csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def test_ending_sessions_needs_the_csrf_token(tmp_path, migrated_template):
    with fresh_app(tmp_path, migrated_template, WTF_CSRF_ENABLED=True) as application:
        with application.app_context():
            create_user("csrf@test.example", PASSWORD, role="author")
            db.session.commit()
        here, there = _client(application), _client(application)
        for client in (here, there):
            token = _csrf_token(client.get("/newsroom/login").get_data(as_text=True))
            client.post(
                "/newsroom/login",
                data={"email": "csrf@test.example", "password": PASSWORD, "csrf_token": token},
            )
        other = max(_live_rows(application, "csrf@test.example"), key=lambda row: row.id)
        assert here.post("/newsroom/account/sessions/end-others").status_code == 400
        assert here.post(f"/newsroom/account/sessions/{other.id}/end").status_code == 400
        assert there.post("/newsroom/logout").status_code == 400
        assert _opens_articles(there)
        token = _csrf_token(here.get("/newsroom/account").get_data(as_text=True))
        response = here.post("/newsroom/account/sessions/end-others", data={"csrf_token": token})
        assert response.status_code == 302
        assert not _opens_articles(there)


@pytest.mark.parametrize(
    "header, summary",
    [
        (FIREFOX_WINDOWS, "Firefox, Windows"),
        (CHROME_ANDROID, "Chrome, Android"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.5 Safari/605.1.15",
            "Safari, macOS",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87",
            "Edge, Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) FxiOS/127.0 Mobile/15E148 Safari/605.1.15",
            "Firefox, iOS",
        ),
        ("curl/8.5.0", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_user_agent_summary(header, summary):
    assert sessions.describe_user_agent(header) == summary
