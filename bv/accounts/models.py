"""Staff accounts and their roles."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, validates

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
    # replaced on a password change or deactivation, which signs out every other session
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)

    @validates("display_name")
    def _one_line(self, key, value):
        """The name appears in mail headers and bylines: line breaks fold to a space."""
        return single_line(value)

    def get_id(self) -> str:
        """Flask-Login's alternative token: cookies name the token, not the user id."""
        return self.session_token

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.active

    @property
    def language_list(self) -> list[str]:
        """The languages this translator may translate into."""
        return [code for code in self.languages.split(",") if code]

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
