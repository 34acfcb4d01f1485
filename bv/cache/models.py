"""The content version: one row that changes in the same transaction as anything readers see."""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from bv.extensions import db


class ContentVersion(db.Model):
    """A random token that every reader-visible change replaces; cached pages are keyed by it.

    A token rather than a counter: a database restored from a backup or emptied by a test
    never hands out a value that a shared Redis still holds pages for.
    """

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[int] = mapped_column(BigInteger)
