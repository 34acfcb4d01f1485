"""Password reset links: signed, expiring, and void once the password they reset has changed."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select

from bv.accounts.models import User
from bv.accounts.service import normalize_email
from bv.extensions import db

MAX_AGE_MINUTES = 60
SALT = "bv.accounts.password-reset"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    # the stored hash has a fresh salt after every change, so a used link no longer matches
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def max_age_minutes() -> float:
    """How long a reset link works (BV_PASSWORD_RESET_MINUTES)."""
    return float(current_app.config.get("PASSWORD_RESET_MINUTES", MAX_AGE_MINUTES))


def account_for(email: str) -> User | None:
    """The active account that may reset its password with this address, or None."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))
    return user if user is not None and user.active else None


def make_token(user: User) -> str:
    """A signed token naming the user and the password it may replace."""
    return _serializer().dumps({"user": user.id, "password": _fingerprint(user)})


def user_for_token(token: str) -> User | None:
    """The active user a valid, unexpired, unused token belongs to, or None."""
    try:
        data = _serializer().loads(token or "", max_age=int(max_age_minutes() * 60))
    except BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        return None
    user = db.session.get(User, data["user"])
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(_fingerprint(user), str(data.get("password", ""))):
        return None
    return user
