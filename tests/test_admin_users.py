"""The users screen: at least one active admin remains; languages only for translators."""

import pytest
from sqlalchemy import select

from bv.accounts import service
from bv.accounts.models import User
from bv.extensions import db
from tests.conftest import PASSWORD
from tests.helpers import save_account as _save

LAST_ADMIN = "At least one active administrator must remain."
ONLY_TRANSLATORS = "Only translators have languages to translate into."


def _admin_client(app, email):
    client = app.test_client()
    client.post("/newsroom/login", data={"email": email, "password": PASSWORD})
    client.post("/newsroom/account", data={"account-ui_locale": "en"})
    return client


def _user(app, email) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(user)
        return user


@pytest.fixture
def second_admin(app, staff):
    with app.app_context():
        service.create_user("admin2@test.example", PASSWORD, role="admin", display_name="Second")
        db.session.commit()
    return "admin2@test.example"


@pytest.mark.parametrize("role", ["editor", "translator", "author"])
def test_the_only_admin_cannot_demote_themselves(app, staff, role):
    client = _admin_client(app, staff["admin"])
    me = _user(app, staff["admin"])
    extra = {"languages": ["sq"]} if role == "translator" else {}
    response = _save(client, me, role=role, **extra)
    assert response.status_code == 422
    assert LAST_ADMIN in response.get_data(as_text=True)
    assert _user(app, staff["admin"]).role == "admin"


def test_an_inactive_admin_does_not_count(app, staff, second_admin):
    client = _admin_client(app, staff["admin"])
    assert _save(client, _user(app, second_admin), active="").status_code == 302
    assert _user(app, second_admin).active is False
    response = _save(client, _user(app, staff["admin"]), role="editor")
    assert response.status_code == 422 and LAST_ADMIN in response.get_data(as_text=True)
    assert _user(app, staff["admin"]).role == "admin"


def test_with_another_active_admin_demoting_yourself_is_allowed(app, staff, second_admin):
    client = _admin_client(app, staff["admin"])
    response = _save(client, _user(app, staff["admin"]), role="editor")
    assert response.status_code == 302
    # no longer allowed to see the users screen, so not sent there
    assert response.headers["Location"].endswith("/newsroom/")
    assert _user(app, staff["admin"]).role == "editor"
    # the other admin is now the last one and cannot be switched off or demoted
    other = _admin_client(app, second_admin)
    assert _save(other, _user(app, second_admin), role="author").status_code == 422


def test_service_refuses_to_leave_no_active_admin(app, staff):
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        for change in ({"active": False}, {"role": "editor"}):
            fields = {"email": admin.email, "display_name": admin.display_name, "role": admin.role,
                      "languages": [], "active": True, **change}
            with pytest.raises(service.LastAdmin):
                service.update_user(admin, **fields)
            db.session.rollback()
        assert admin.role == "admin" and admin.active


def test_languages_only_for_translators(app, staff):
    client = _admin_client(app, staff["admin"])
    editor = _user(app, staff["editor"])
    response = _save(client, editor, languages=["sq"])
    assert response.status_code == 422
    assert ONLY_TRANSLATORS in response.get_data(as_text=True)
    assert _user(app, staff["editor"]).languages == ""
    created = client.post(
        "/newsroom/users/new",
        data={"email": "new@test.example", "display_name": "New", "role": "author",
              "languages": ["mk"], "active": "y", "password": "long enough pw"},
    )
    assert created.status_code == 422 and ONLY_TRANSLATORS in created.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "new@test.example")) is None


def test_translator_languages_are_deduplicated(app, staff):
    client = _admin_client(app, staff["admin"])
    translator = _user(app, staff["translator"])
    assert _save(client, translator, languages=["mk", "mk", "en"]).status_code == 302
    assert _user(app, staff["translator"]).languages == "mk,en"


def test_admin_form_refuses_a_bad_email(app, staff):
    client = _admin_client(app, staff["admin"])
    response = _save(client, _user(app, staff["author"]), email="not an email")
    assert response.status_code == 422
    assert "Enter a valid e-mail address." in response.get_data(as_text=True)
