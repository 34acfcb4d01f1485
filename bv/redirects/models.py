"""Old addresses (from a previous site) and where they live now."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bv.database import UTCDateTime, utcnow
from bv.extensions import db

# what an old address points at; the URL is worked out when a reader asks, so a later slug
# change or publication never leaves a chain or a redirect to an unpublished version
TARGET_KINDS = ("translation", "category", "tag", "author", "about", "home", "feed", "search")


class OldUrl(db.Model):
    """One old address (normalized path plus the query that matters) and its new home."""

    __tablename__ = "old_url"

    id: Mapped[int] = mapped_column(primary_key=True)
    # decoded path without trailing slash, plus "?p=12" style queries: see redirects.normalize
    path: Mapped[str] = mapped_column(String(700), unique=True)
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int | None] = mapped_column(Integer)
    locale: Mapped[str] = mapped_column(String(5))
    # for "search": the words to look for (an old tag page)
    search_words: Mapped[str] = mapped_column(String(200), default="")
    # which import claimed it first, e.g. "wordpress"
    origin: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
