"""Creating and changing users, checking passwords; the rules the CLI and the admin screen share."""

from __future__ import annotations

from collections.abc import Iterable

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from bv.accounts import sessions
from bv.accounts.models import ROLES, User, new_session_token
from bv.accounts.permissions import can
from bv.extensions import db
from bv.i18n import LOCALES

# checked against when the e-mail is unknown, so both paths cost the same
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(ValueError):
    """Bad input for an account (unknown role, language, duplicate e-mail)."""


class InvalidEmail(AccountError):
    """The address is not an e-mail address we can use."""


class EmailTaken(AccountError):
    """Another account already uses the address."""


class InvalidLanguages(AccountError):
    """Unknown target languages, or target languages for a role that does not translate."""


class LastAdmin(AccountError):
    """The change would leave the newsroom without an active administrator."""


def normalize_email(email: str) -> str:
    """E-mail addresses compare case-insensitively."""
    return (email or "").strip().lower()


def check_email(email: str) -> str:
    """The normalized address, or InvalidEmail; no DNS lookup, so it works offline."""
    address = normalize_email(email)
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidEmail(f"{address!r} is not a valid e-mail address: {error}") from None
    return address


def clean_languages(role: str, languages: Iterable[str]) -> list[str]:
    """Target languages without blanks or repeats, in the order given; only translators have any."""
    codes = list(dict.fromkeys(code.strip() for code in languages if code and code.strip()))
    unknown = [code for code in codes if code not in LOCALES]
    if unknown:
        raise InvalidLanguages(
            f"unknown languages: {', '.join(unknown)}; use {', '.join(LOCALES)}"
        )
    if codes and role != "translator":
        raise InvalidLanguages(f"only translators have target languages, not the {role} role")
    return codes


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")


def _check_email_free(email: str, account: User | None = None) -> None:
    query = select(User.id).where(func.lower(User.email) == email)
    if account is not None and account.id is not None:
        query = query.where(User.id != account.id)
    if db.session.scalar(query):
        raise EmailTaken(f"{email} already has an account")


def end_every_session(user: User) -> None:
    """Sign the user out everywhere: revoke each session and rotate the token all of them embed."""
    sessions.end_all(user)
    user.session_token = new_session_token()


def set_password(user: User, password: str) -> None:
    """Hash with scrypt (Werkzeug's default) and sign out every session of the user."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if current_app else "scrypt"
    user.password_hash = generate_password_hash(password, method=method)
    end_every_session(user)


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
    languages: Iterable[str] = (),
    ui_locale: str = "sq",
) -> User:
    """Add a user (caller commits)."""
    _check_role(role)
    email = check_email(email)
    codes = clean_languages(role, languages)
    _check_email_free(email)
    user = User(
        email=email,
        display_name=display_name or email.split("@")[0],
        role=role,
        languages=",".join(codes),
        ui_locale=ui_locale,
    )
    set_password(user, password)
    db.session.add(user)
    return user


def _manages_users(role: str, active: bool) -> bool:
    """Whether an account with this role and state could manage users (the permission table)."""
    return can(User(role=role, active=active), "manage_users")


def _another_user_manager(account: User) -> bool:
    others = db.session.scalars(
        select(User).where(User.active.is_(True), User.id != account.id)
    )
    return any(can(other, "manage_users") for other in others)


def update_user(
    account: User,
    *,
    email: str,
    display_name: str,
    role: str,
    languages: Iterable[str],
    active: bool,
    password: str | None = None,
    by: User | None = None,
) -> None:
    """Change an account (caller commits); `by` cannot switch their own account off."""
    _check_role(role)
    email = check_email(email)
    codes = clean_languages(role, languages)
    _check_email_free(email, account)
    if by is not None and by.id == account.id:
        active = account.active
    if can(account, "manage_users") and not _manages_users(role, active):
        if not _another_user_manager(account):
            raise LastAdmin("at least one active administrator must remain")
    if account.active and not active:
        # switching an account off also ends the sessions it has open
        end_every_session(account)
    account.email = email
    account.display_name = display_name
    account.role = role
    account.languages = ",".join(codes)
    account.active = active
    if password:
        set_password(account, password)
