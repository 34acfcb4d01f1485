"""`flask users create` checks what it is given and fails loudly."""

import pytest
from sqlalchemy import func, select

from bv.accounts import service
from bv.accounts.models import User
from bv.extensions import db

PW = ["--password", "long enough pw"]


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["not an email", "--role", "author"], "not a valid e-mail address"),
        (["ana@", "--role", "author"], "not a valid e-mail address"),
        (["ana@localhost", "--role", "author"], "not a valid e-mail address"),
        (["t@test.example", "--role", "translator", "--languages", "sq,de"], "unknown languages: de"),
        (["e@test.example", "--role", "editor", "--languages", "sq"], "only translators"),
        (["a@test.example", "--role", "admin", "--languages", "mk,en"], "only translators"),
    ],
)
def test_create_refuses_bad_input(app, runner, args, message):
    result = runner.invoke(args=["users", "create", *args, *PW])
    assert result.exit_code != 0
    assert message in result.output
    assert _count(app) == 0


def test_create_deduplicates_languages_and_normalizes_the_email(app, runner):
    result = runner.invoke(
        args=["users", "create", "Ana@Test.Example", "--role", "translator", "--languages", "sq, sq,mk", *PW]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "ana@test.example"
        assert user.languages == "sq,mk"


def test_create_refuses_a_taken_email(app, runner):
    assert runner.invoke(args=["users", "create", "ana@test.example", "--role", "author", *PW]).exit_code == 0
    again = runner.invoke(args=["users", "create", "ANA@test.example", "--role", "editor", *PW])
    assert again.exit_code != 0 and "already has an account" in again.output
    assert _count(app) == 1


def test_service_rules_are_shared(app):
    with app.app_context():
        assert service.clean_languages("translator", ["en", " en", "sq", ""]) == ["en", "sq"]
        assert service.clean_languages("editor", []) == []
        with pytest.raises(service.InvalidLanguages):
            service.clean_languages("editor", ["sq"])
        with pytest.raises(service.InvalidLanguages):
            service.clean_languages("translator", ["xx"])
        with pytest.raises(service.InvalidEmail):
            service.check_email("two@@test.example")
        assert service.check_email(" Ana@Test.Example ") == "ana@test.example"
