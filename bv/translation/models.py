"""Segments, translated segments, translation memory and the glossary."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
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
    # quality flags of a draft ([{"code": ..., "details": ...}], worst first, see quality.py);
    # the editor shows them until a person saves the segment
    flags: Mapped[list | None] = mapped_column(JSON)
    # what was measured on machine_text at draft time (length ratio, agreement), kept with it
    # so thresholds can be calibrated against how much reviewers changed the draft
    machine_signals: Mapped[dict | None] = mapped_column(JSON)

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
    # inflected forms, one "source form → target form" (or a lone target form) per line;
    # see glossary.parse_forms
    forms: Mapped[str] = mapped_column(Text, default="", server_default="")


# why an assignment left the translator's queue
ASSIGNMENT_OUTCOMES = ("done", "reassigned", "cleared")


class TranslationAssignment(db.Model):
    """A translator asked to do one language version of an article, optionally by a due date.

    At most one is open per article and language; a finished, reassigned or cleared one stays
    as history with `completed_at` and `outcome`. The version need not exist yet.
    """

    __tablename__ = "translation_assignment"
    __table_args__ = (
        Index(
            "uq_translation_assignment_open",
            "article_id",
            "locale",
            unique=True,
            sqlite_where=text("completed_at IS NULL"),
            postgresql_where=text("completed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), index=True
    )
    locale: Mapped[str] = mapped_column(String(5))
    assignee_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # a calendar day in the newsroom's time zone, not an instant
    due_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(20))

    article = relationship("Article")
    assignee = relationship("User", foreign_keys=[assignee_id])
    assigned_by = relationship("User", foreign_keys=[assigned_by_id])
