"""Creating users and checking passwords."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from bv.accounts.models import ROLES, User
from bv.extensions import db
from bv.i18n import LOCALES

# checked against when the e-mail is unknown, so both paths cost the same
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(ValueError):
    """Bad input for an account (unknown role, language, duplicate e-mail)."""


def normalize_email(email: str) -> str:
    """E-mail addresses compare case-insensitively."""
    return (email or "").strip().lower()


def set_password(user: User, password: str) -> None:
    """Hash with scrypt (Werkzeug's default); tests may pick a cheaper method."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if current_app else "scrypt"
    user.password_hash = generate_password_hash(password, method=method)


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None; same work either way."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def create_user(
    email: str,
    password: str,
    *,
    role: str,
    display_name: str = "",
    languages: list[str] | tuple = (),
    ui_locale: str = "sq",
) -> User:
    """Add a user (caller commits)."""
    email = normalize_email(email)
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    bad = [code for code in languages if code not in LOCALES]
    if bad:
        raise AccountError(f"unknown languages {bad}; use {', '.join(LOCALES)}")
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise AccountError(f"{email} already has an account")
    user = User(
        email=email,
        display_name=display_name or email.split("@")[0],
        role=role,
        languages=",".join(languages),
        ui_locale=ui_locale,
    )
    set_password(user, password)
    db.session.add(user)
    return user
