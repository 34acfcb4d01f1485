"""Staff accounts and their roles."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from bv.database import UTCDateTime, utcnow
from bv.extensions import db
from bv.text import single_line

ROLES = ("admin", "editor", "translator", "author")


def new_session_token() -> str:
    """A fresh random token; sessions and remember-me cookies carry it instead of the id."""
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    """A member of staff: admin, editor, translator (with target languages) or author."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="author")
    # comma-separated target languages, for translators
    languages: Mapped[str] = mapped_column(String(20), default="")
    ui_locale: Mapped[str] = mapped_column(String(5), default="sq")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # replaced on a password change or deactivation; every session id embeds it, so rotating
    # it ends all sessions even if a session row were missed
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)

    @validates("display_name")
    def _one_line(self, key, value):
        """The name appears in mail headers and bylines: line breaks fold to a space."""
        return single_line(value)

    # not columns: this request's StaffSession and its cookie id, set on sign-in and by the loader
    staff_session = None
    session_id = None

    def get_id(self) -> str | None:
        """Flask-Login's id: this browser's session (see accounts.sessions), never the user id."""
        return self.session_id

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.active

    @property
    def language_list(self) -> list[str]:
        """The languages this translator may translate into."""
        return [code for code in self.languages.split(",") if code]

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class StaffSession(db.Model):
    """One signed-in browser: revoked on sign-out, expired when idle or too old."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the random token in the cookie: a copy of the table opens no session
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # when the password was last typed in this session: sign-in or confirmation
    authenticated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str] = mapped_column(String(45), default="")
    # "Firefox, Windows": enough to recognise a device, not a fingerprint
    user_agent: Mapped[str] = mapped_column(String(60), default="")
    remember: Mapped[bool] = mapped_column(default=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<StaffSession {self.id} user={self.user_id}>"
