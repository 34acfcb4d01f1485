"""Sessions end when they should: password changes and deactivation revoke other sign-ins."""

from sqlalchemy import select

from bv import accounts
from bv.accounts.models import User
from bv.extensions import db
from tests.conftest import PASSWORD
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


def test_session_cookie_carries_a_token_not_the_user_id(app, staff):
    user = _user(app, staff["author"])
    assert user.get_id() == user.session_token
    assert len(user.session_token) >= 32 and user.get_id() != str(user.id)
    with app.app_context():
        assert accounts.load_user(str(user.id)) is None
        assert accounts.load_user(user.session_token).id == user.id
        assert accounts.load_user("") is None


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
