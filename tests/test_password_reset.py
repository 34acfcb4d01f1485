"""Password reset by e-mail: one answer for every address, a signed single-use expiring link."""

import re
import time
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from bv.accounts import reset
from bv.accounts.models import User
from bv.extensions import db
from tests.conftest import PASSWORD, fresh_app

FORGOT = "/newsroom/password/forgot"
NEW_PASSWORD = "another long secret"
LINK = re.compile(r"https://news\.example/newsroom/password/reset/\S+")


def _outbox(app) -> list:
    folder = Path(app.instance_path) / "outbox"
    files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime) if folder.exists() else []
    return [message_from_bytes(f.read_bytes(), policy=default_policy) for f in files]


def _link(message) -> str:
    return LINK.search(message.get_content()).group(0)


def _path(link: str) -> str:
    return link.removeprefix("https://news.example")


def _ask(client, email):
    return client.post(FORGOT, data={"email": email})


def _set_locale(app, email, code):
    with app.app_context():
        db.session.scalar(select(User).where(User.email == email)).ui_locale = code
        db.session.commit()


def _signs_in(app, email, password) -> bool:
    response = app.test_client().post("/newsroom/login", data={"email": email, "password": password})
    return response.status_code == 302


def test_the_sign_in_page_links_to_the_reset(client):
    page = client.get("/newsroom/login").get_data(as_text=True)
    assert f'href="{FORGOT}"' in page
    assert client.get(FORGOT).status_code == 200


def _flashes(client, response) -> list[str]:
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return re.findall(r'<p class="flash[^"]*"[^>]*>([^<]*)</p>', page)


def test_known_and_unknown_addresses_get_the_same_answer(app, client, staff):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    known = _ask(client, staff["author"])
    known_flashes = _flashes(client, known)
    unknown = _ask(client, "nobody@test.example")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert known_flashes == _flashes(client, unknown)
    assert "If an account uses this address" in known_flashes[0]
    messages = _outbox(app)
    assert [m["To"] for m in messages] == [staff["author"]]


def test_an_inactive_account_gets_no_mail(app, client, staff):
    with app.app_context():
        db.session.scalar(select(User).where(User.email == staff["editor"])).active = False
        db.session.commit()
    assert _ask(client, staff["editor"]).status_code == 302
    assert _outbox(app) == []


def test_the_mail_is_in_the_users_newsroom_language(app, client, staff):
    _set_locale(app, staff["author"], "mk")
    _set_locale(app, staff["translator"], "sq")
    _ask(client, staff["author"].upper())
    _ask(client, staff["translator"])
    by_address = {m["To"]: m for m in _outbox(app)}
    mk, sq = by_address[staff["author"]], by_address[staff["translator"]]
    assert mk["Subject"] == "Изберете нова лозинка за редакцијата"
    assert "Здраво, Author," in mk.get_content() and "60 минути" in mk.get_content()
    assert sq["Subject"] == "Zgjidhni një fjalëkalim të ri për redaksinë"
    assert "Përshëndetje, Translator," in sq.get_content()
    # the address comes from BV_SITE_URL, never from the request's Host header
    assert _link(mk).startswith("https://news.example/newsroom/password/reset/")


def test_the_link_is_built_from_the_site_url_not_the_host_header(app, staff):
    client = app.test_client()
    client.post(FORGOT, data={"email": staff["author"]}, headers={"Host": "evil.example"})
    assert "evil.example" not in _outbox(app)[0].get_content()


def test_the_link_sets_a_new_password_once_and_ends_every_session(app, client, staff):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    signed_in = app.test_client()
    signed_in.post("/newsroom/login", data={"email": staff["author"], "password": PASSWORD, "remember": "y"})
    assert signed_in.get("/newsroom/account").status_code == 200
    _ask(client, staff["author"])
    path = _path(_link(_outbox(app)[0]))

    assert client.get(path).status_code == 200
    mismatch = client.post(path, data={"new": NEW_PASSWORD, "confirm": "something else"})
    assert mismatch.status_code == 422
    short = client.post(path, data={"new": "short", "confirm": "short"})
    assert short.status_code == 422
    done = client.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/newsroom/login")

    assert _signs_in(app, staff["author"], NEW_PASSWORD)
    assert not _signs_in(app, staff["author"], PASSWORD)
    assert signed_in.get("/newsroom/account").status_code == 302, "every session ended"
    signed_in.delete_cookie("session")
    assert signed_in.get("/newsroom/account").status_code == 302, "remember-me too"

    again = client.post(path, data={"new": "a third long secret", "confirm": "a third long secret"})
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)
    assert _signs_in(app, staff["author"], NEW_PASSWORD)


def test_a_link_dies_when_the_password_changes_another_way(app, client, staff):
    _ask(client, staff["author"])
    path = _path(_link(_outbox(app)[0]))
    client.post("/newsroom/login", data={"email": staff["author"], "password": PASSWORD})
    client.post(
        "/newsroom/account/password",
        data={"password-current": PASSWORD, "password-new": NEW_PASSWORD, "password-confirm": NEW_PASSWORD},
    )
    assert app.test_client().get(path).status_code == 400


def test_only_the_newest_password_counts_for_two_links(app, client, staff):
    _ask(client, staff["author"])
    _ask(client, staff["author"])
    first, second = (_path(_link(m)) for m in _outbox(app))
    assert client.post(second, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert client.get(first).status_code == 400


def _old_token(app, email, minutes_old, monkeypatch):
    """A token signed `minutes_old` minutes ago."""
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == email))
        with monkeypatch.context() as patch:
            now = int(time.time())
            patch.setattr(TimestampSigner, "get_timestamp", lambda self: now - minutes_old * 60)
            return reset.make_token(user)


def test_a_link_expires_after_an_hour(app, client, staff, monkeypatch):
    assert client.get(f"/newsroom/password/reset/{_old_token(app, staff['author'], 59, monkeypatch)}").status_code == 200
    assert client.get(f"/newsroom/password/reset/{_old_token(app, staff['author'], 61, monkeypatch)}").status_code == 400


def test_the_link_lifetime_is_configurable(tmp_path, migrated_template, monkeypatch):
    with fresh_app(tmp_path, migrated_template, PASSWORD_RESET_MINUTES=10) as application:
        from bv.accounts.service import create_user

        with application.app_context():
            create_user("quick@test.example", PASSWORD, role="author")
            db.session.commit()
        client = application.test_client()
        token = _old_token(application, "quick@test.example", 11, monkeypatch)
        assert client.get(f"/newsroom/password/reset/{token}").status_code == 400
        token = _old_token(application, "quick@test.example", 9, monkeypatch)
        assert client.get(f"/newsroom/password/reset/{token}").status_code == 200


@pytest.mark.parametrize("forge", ["garbage", "other-salt", "other-key", "tampered"])
def test_forged_links_do_not_work(app, client, staff, forge):
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == staff["author"]))
        good = reset.make_token(user)
        payload = {"user": user.id, "password": reset._fingerprint(user)}
    token = {
        "garbage": "not-a-token",
        "other-salt": URLSafeTimedSerializer("test-secret", salt="itsdangerous").dumps(payload),
        "other-key": URLSafeTimedSerializer("another-secret", salt=reset.SALT).dumps(payload),
        "tampered": good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
    }[forge]
    response = client.post(
        f"/newsroom/password/reset/{token}", data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert _signs_in(app, staff["author"], PASSWORD)


def test_requests_are_rate_limited_the_same_for_every_address(app, staff):
    for address in (staff["author"], "nobody@test.example"):
        client = app.test_client()
        statuses = [_ask(client, address).status_code for _ in range(4)]
        assert statuses == [302, 302, 302, 429], address
    assert len(_outbox(app)) == 3


def test_nothing_is_sent_when_the_request_fails(app, staff, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database is gone")

    monkeypatch.setattr("bv.newsroom.auth.record", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().post(FORGOT, data={"email": staff["author"]})
    assert response.status_code == 500
    assert _outbox(app) == []
