"""Site settings, translated per locale (footer, outlet details) or global (locale '')."""

from __future__ import annotations

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bv.extensions import db


class SiteSetting(db.Model):
    """One setting value; locale '' marks a value shared by every language."""

    __tablename__ = "site_setting"
    __table_args__ = (UniqueConstraint("key", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60))
    locale: Mapped[str] = mapped_column(String(5), default="")
    value: Mapped[str] = mapped_column(Text, default="")
