"""Admin actions (roles, deactivation, site settings) need a password typed in the last minutes."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from bv.accounts.models import StaffSession, User
from bv.accounts.service import create_user
from bv.database import utcnow
from bv.extensions import db
from bv.settings import settings_for
from tests.conftest import PASSWORD, fresh_app
from tests.helpers import save_account

CONFIRM = "/newsroom/confirm-password"


def _login(client, email):
    response = client.post("/newsroom/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _password_typed(app, email, minutes_ago: float) -> None:
    """Backdate when the password was last typed in each of the user's sessions."""
    with app.app_context():
        for row in db.session.scalars(
            select(StaffSession).join(StaffSession.user).where(User.email == email)
        ):
            row.authenticated_at = utcnow() - timedelta(minutes=minutes_ago)
        db.session.commit()


def _user(app, email) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(user)
        return user


def _asks_for_password(response, back_to: str) -> bool:
    if response.status_code != 302:
        return False
    location = urlsplit(response.headers["Location"])
    return location.path == CONFIRM and parse_qs(location.query).get("next") == [back_to]


@pytest.fixture
def admin(app, staff):
    client = _login(app.test_client(), staff["admin"])
    client.post("/newsroom/account", data={"account-ui_locale": "en"})
    return client


def _settings_form(**changes):
    data = {"phone": "+389 70 250 516", "email": "info@example.org"}
    for code in ("sq", "mk", "en"):
        for key in ("address", "outlet_note", "tagline", "newsletter_text", "about"):
            data[f"{code}-{key}"] = ""
    data.update(changes)
    return data


def test_a_fresh_sign_in_changes_roles_without_asking(app, staff, admin):
    author = _user(app, staff["author"])
    _password_typed(app, staff["admin"], 14)
    assert save_account(admin, author, role="editor").status_code == 302
    assert _user(app, staff["author"]).role == "editor"


def test_changing_a_role_after_15_minutes_asks_for_the_password(app, staff, admin):
    author = _user(app, staff["author"])
    _password_typed(app, staff["admin"], 16)
    path = f"/newsroom/users/{author.id}"
    response = save_account(admin, author, role="editor")
    assert _asks_for_password(response, path)
    assert _user(app, staff["author"]).role == "author", "nothing was saved"
    # opening the form asks first, so nothing typed into it is lost
    assert _asks_for_password(admin.get(path), path)

    page = admin.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Confirm your password, then make the change again." in page.get_data(as_text=True)
    wrong = admin.post(response.headers["Location"], data={"password": "not it"})
    assert wrong.status_code == 401
    assert _asks_for_password(save_account(admin, author, role="editor"), path)

    right = admin.post(response.headers["Location"], data={"password": PASSWORD})
    assert right.status_code == 302 and right.headers["Location"] == path
    assert save_account(admin, author, role="editor").status_code == 302
    assert _user(app, staff["author"]).role == "editor"


def test_deactivating_asks_for_the_password(app, staff, admin):
    author_client = _login(app.test_client(), staff["author"])
    author = _user(app, staff["author"])
    _password_typed(app, staff["admin"], 60)
    assert _asks_for_password(save_account(admin, author, active=""), f"/newsroom/users/{author.id}")
    assert _user(app, staff["author"]).active
    assert author_client.get("/newsroom/account").status_code == 200


def test_creating_an_account_asks_for_the_password(app, staff, admin):
    _password_typed(app, staff["admin"], 20)
    response = admin.post(
        "/newsroom/users/new",
        data={"email": "new@test.example", "display_name": "New", "role": "admin",
              "password": "a long enough password", "active": "y"},
    )
    assert _asks_for_password(response, "/newsroom/users/new")
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "new@test.example")) is None


def test_site_settings_ask_for_the_password(app, staff, admin):
    _password_typed(app, staff["admin"], 16)
    response = admin.post("/newsroom/settings", data=_settings_form(phone="+1 555 0100"))
    assert _asks_for_password(response, "/newsroom/settings")
    with app.app_context():
        assert settings_for("").get("phone") != "+1 555 0100"
    assert admin.post(response.headers["Location"], data={"password": PASSWORD}).status_code == 302
    assert admin.post("/newsroom/settings", data=_settings_form(phone="+1 555 0100")).status_code == 302
    with app.app_context():
        assert settings_for("")["phone"] == "+1 555 0100"


def test_a_remembered_browser_must_confirm_too(app, staff):
    client = app.test_client()
    client.post(
        "/newsroom/login", data={"email": staff["admin"], "password": PASSWORD, "remember": "y"}
    )
    client.delete_cookie("session")
    _password_typed(app, staff["admin"], 16)
    assert _asks_for_password(client.get("/newsroom/settings"), "/newsroom/settings")


def test_other_pages_never_ask(app, staff, admin):
    _password_typed(app, staff["admin"], 600)
    for path in ("/newsroom/users", "/newsroom/articles", "/newsroom/account", "/newsroom/categories"):
        assert admin.get(path).status_code == 200, path


def test_people_without_the_permission_get_a_403_not_a_prompt(app, staff):
    editor = _login(app.test_client(), staff["editor"])
    _password_typed(app, staff["editor"], 60)
    assert editor.get("/newsroom/settings").status_code == 403
    assert editor.get("/newsroom/users/1").status_code == 403


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/newsroom/", "//evil.example/newsroom/", "/\\evil.example", "/newsroom\\..\\x",
     "javascript:alert(1)", "/sq/"],
)
def test_the_confirmation_only_returns_to_a_newsroom_path(app, staff, admin, target):
    _password_typed(app, staff["admin"], 16)
    response = admin.post(CONFIRM, query_string={"next": target}, data={"password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/newsroom/"


def test_the_confirmation_is_rate_limited(app, staff, admin):
    for _ in range(5):
        assert admin.post(CONFIRM, data={"password": "wrong"}).status_code == 401
    assert admin.post(CONFIRM, data={"password": PASSWORD}).status_code == 429


def test_the_window_is_configurable(tmp_path, migrated_template):
    with fresh_app(tmp_path, migrated_template, REAUTH_MINUTES=2) as application:
        with application.app_context():
            create_user("boss@test.example", PASSWORD, role="admin")
            db.session.commit()
        client = _login(application.test_client(), "boss@test.example")
        _password_typed(application, "boss@test.example", 1)
        assert client.get("/newsroom/settings").status_code == 200
        _password_typed(application, "boss@test.example", 3)
        assert _asks_for_password(client.get("/newsroom/settings"), "/newsroom/settings")


def test_the_confirmation_needs_the_csrf_token(tmp_path, migrated_template):
    import re

    with fresh_app(tmp_path, migrated_template, WTF_CSRF_ENABLED=True) as application:
        with application.app_context():
            create_user("boss@test.example", PASSWORD, role="admin")
            db.session.commit()
        client = application.test_client()
        page = client.get("/newsroom/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post(
            "/newsroom/login",
            data={"email": "boss@test.example", "password": PASSWORD, "csrf_token": token},
        )
        _password_typed(application, "boss@test.example", 16)
        assert client.post(CONFIRM, data={"password": PASSWORD}).status_code == 400
        assert _asks_for_password(client.get("/newsroom/settings"), "/newsroom/settings")
        page = client.get(CONFIRM).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(CONFIRM, data={"password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302
        assert client.get("/newsroom/settings").status_code == 200
