"""What a WordPress import brought over, keyed by the old site's ids, for idempotent re-runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bv.database import UTCDateTime, utcnow
from bv.extensions import db

# kind -> what target_id names: post/page -> ArticleTranslation, group -> Article,
# attachment/file -> Image, category -> Category, tag -> Tag, author -> User
ITEM_KINDS = ("post", "page", "group", "attachment", "file", "category", "tag", "author")


class ImportedItem(db.Model):
    """One WordPress thing (post, term, attachment, group) and the bv row it became."""

    __tablename__ = "wordpress_item"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # the WordPress id (post id, term id), a group key, or an uploads path
    key: Mapped[str] = mapped_column(String(300))
    old_url: Mapped[str] = mapped_column(String(700), default="", index=True)
    target_id: Mapped[int | None] = mapped_column(Integer)
    locale: Mapped[str] = mapped_column(String(5), default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
