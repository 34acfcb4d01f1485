"""Staff sessions kept on the server: started at sign-in, checked on every request, ended for real.

The Flask session and the remember-me cookie carry a session id, `<user token>.<session token>`.
Both halves must still be current: the session row not revoked, idle or too old, and the
user's own token (rotated on a password change or deactivation) unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import joinedload

from bv.accounts.models import StaffSession, User
from bv.database import utcnow
from bv.extensions import db

IDLE_MINUTES = 120
MAX_HOURS = 72
REAUTH_MINUTES = 15
# last_seen_at is written at most this often, not on every request
SEEN_EVERY = timedelta(minutes=1)
# longest cookie id we read: two token_urlsafe(32) tokens and the dot
MAX_ID_LENGTH = 100


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle_limit() -> timedelta:
    """How long a session may go unused (BV_SESSION_IDLE_MINUTES)."""
    return timedelta(minutes=float(current_app.config.get("SESSION_IDLE_MINUTES", IDLE_MINUTES)))


def lifetime() -> timedelta:
    """How long a session may last at most, remember-me included (BV_SESSION_MAX_HOURS)."""
    return timedelta(hours=float(current_app.config.get("SESSION_MAX_HOURS", MAX_HOURS)))


def reauth_limit() -> timedelta:
    """How long a typed password counts as recent for admin actions (BV_REAUTH_MINUTES)."""
    return timedelta(minutes=float(current_app.config.get("REAUTH_MINUTES", REAUTH_MINUTES)))


def start(user: User, *, ip: str | None, user_agent: str | None, remember: bool) -> StaffSession:
    """Open a session for a user who just typed their password (caller commits).

    Sets `user.session_id`, which Flask-Login stores in the cookie.
    """
    token = secrets.token_urlsafe(32)
    now = utcnow()
    record = StaffSession(
        token_hash=_digest(token),
        user=user,
        created_at=now,
        authenticated_at=now,
        last_seen_at=now,
        ip=(ip or "")[:45],
        user_agent=describe_user_agent(user_agent),
        remember=remember,
    )
    db.session.add(record)
    _forget_ended(user, now)
    user.staff_session = record
    user.session_id = f"{user.session_token}.{token}"
    return record


def _forget_ended(user: User, now: datetime) -> None:
    """Drop this user's sessions that can never be used again, so the table stays small."""
    if user.id is None:
        return
    db.session.execute(
        delete(StaffSession)
        .where(
            StaffSession.user_id == user.id,
            or_(
                StaffSession.revoked_at.is_not(None),
                StaffSession.created_at < now - lifetime(),
                StaffSession.last_seen_at < now - idle_limit(),
            ),
        )
        .execution_options(synchronize_session=False)
    )


def is_live(record: StaffSession, now: datetime | None = None) -> bool:
    """Not revoked, not idle too long, not older than the absolute lifetime."""
    now = now or utcnow()
    return (
        record.revoked_at is None
        and now - record.last_seen_at < idle_limit()
        and now - record.created_at < lifetime()
    )


def resume(session_id: str | None) -> User | None:
    """The user of a live session with this id, or None; touches last_seen_at once a minute."""
    if not session_id or len(session_id) > MAX_ID_LENGTH:
        return None
    user_token, _, token = session_id.partition(".")
    if not user_token or not token:
        return None
    record = db.session.scalar(
        select(StaffSession)
        .options(joinedload(StaffSession.user))
        .where(StaffSession.token_hash == _digest(token))
    )
    if record is None:
        return None
    user = record.user
    if not user.active or not hmac.compare_digest(user.session_token, user_token):
        return None
    now = utcnow()
    if not is_live(record, now):
        return None
    if now - record.last_seen_at >= SEEN_EVERY:
        record.last_seen_at = now
    user.staff_session = record
    user.session_id = session_id
    return user


def end(record: StaffSession | None) -> None:
    """Revoke one session (caller commits)."""
    if record is not None and record.revoked_at is None:
        record.revoked_at = utcnow()


def end_all(user: User, *, keep: StaffSession | None = None) -> int:
    """Revoke every session of the user except `keep`; how many were open (caller commits)."""
    if user.id is None:
        return 0
    query = update(StaffSession).where(
        StaffSession.user_id == user.id, StaffSession.revoked_at.is_(None)
    )
    if keep is not None and keep.id is not None:
        query = query.where(StaffSession.id != keep.id)
    result = db.session.execute(
        query.values(revoked_at=utcnow()).execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0


def live_sessions(user: User) -> list[StaffSession]:
    """The user's sessions that still open the newsroom, most recently used first."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(StaffSession)
            .where(
                StaffSession.user_id == user.id,
                StaffSession.revoked_at.is_(None),
                StaffSession.last_seen_at > now - idle_limit(),
                StaffSession.created_at > now - lifetime(),
            )
            .order_by(StaffSession.last_seen_at.desc(), StaffSession.id.desc())
        )
    )


def needs_reauth(record: StaffSession | None) -> bool:
    """True when the password was last typed in this session too long ago for admin actions."""
    return record is None or utcnow() - record.authenticated_at >= reauth_limit()


def confirm(record: StaffSession) -> None:
    """The user typed their password again in this session (caller commits)."""
    record.authenticated_at = utcnow()


_BROWSERS = (
    ("Edge", re.compile(r"\bEdg(e|A|iOS)?/")),
    ("Opera", re.compile(r"\b(OPR|Opera)/")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Firefox", re.compile(r"\b(Firefox|FxiOS)/")),
    ("Chrome", re.compile(r"\b(Chrome|Chromium|CriOS)/")),
    ("Safari", re.compile(r"\bSafari/")),
)
_SYSTEMS = (
    ("Android", re.compile(r"\bAndroid\b")),
    ("iOS", re.compile(r"\b(iPhone|iPad|iPod)\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("macOS", re.compile(r"\bMac OS X\b|\bMacintosh\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("Linux", re.compile(r"\bLinux\b")),
)


def describe_user_agent(header: str | None) -> str:
    """'Firefox, Windows' from a User-Agent header; '' when nothing is recognised."""
    header = (header or "")[:512]
    browser = next((name for name, pattern in _BROWSERS if pattern.search(header)), "")
    system = next((name for name, pattern in _SYSTEMS if pattern.search(header)), "")
    return ", ".join(part for part in (browser, system) if part)
