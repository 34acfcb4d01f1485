"""Segments, translated segments, translation memory and the glossary."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bv.database import UTCDateTime, utcnow
from bv.extensions import db

ORIGINS = ("machine", "memory", "human")


class Segment(db.Model):
    """A translatable unit of an article's source, with a key that survives edits elsewhere."""

    __tablename__ = "segment"
    __table_args__ = (UniqueConstraint("article_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    position: Mapped[int]
    source_text: Mapped[str] = mapped_column(Text, default="")
    source_hash: Mapped[str] = mapped_column(String(64))
    # the text before its last change, so translators see exactly what changed
    previous_text: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TranslatedSegment(db.Model):
    """The target text of one segment in one translation, and where it came from."""

    __tablename__ = "translated_segment"
    __table_args__ = (UniqueConstraint("translation_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    translation_id: Mapped[int] = mapped_column(
        ForeignKey("article_translation.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(40))
    source_hash: Mapped[str] = mapped_column(String(64))
    source_text: Mapped[str] = mapped_column(Text, default="")
    target_text: Mapped[str] = mapped_column(Text, default="")
    # the untouched machine output, to measure how much reviewers changed it
    machine_text: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(10), default="human")
    provider: Mapped[str | None] = mapped_column(String(40))
    route: Mapped[str | None] = mapped_column(String(40))
    reviewed: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    translation = relationship("ArticleTranslation")


class MemoryEntry(db.Model):
    """Translation memory: a source text seen before and its translation for one language pair."""

    __tablename__ = "memory_entry"
    __table_args__ = (UniqueConstraint("source_locale", "target_locale", "source_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_locale: Mapped[str] = mapped_column(String(5))
    target_locale: Mapped[str] = mapped_column(String(5), index=True)
    source_hash: Mapped[str] = mapped_column(String(64))
    source_text: Mapped[str] = mapped_column(Text)
    target_text: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(10), default="human")
    provider: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GlossaryTerm(db.Model):
    """A term with its required translation for one language pair, or one never translated."""

    __tablename__ = "glossary_term"
    __table_args__ = (UniqueConstraint("source_locale", "target_locale", "term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_locale: Mapped[str] = mapped_column(String(5))
    target_locale: Mapped[str] = mapped_column(String(5))
    term: Mapped[str] = mapped_column(String(120))
    translation: Mapped[str | None] = mapped_column(String(120))
    do_not_translate: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(String(300), default="")
