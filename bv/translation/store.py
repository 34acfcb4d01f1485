"""The one writer of translated segments and of translation memory.

Review, whole-text adoption, minor-edit carry-over, machine drafts and file imports all write
through here, so every segment is validated the same way, credited to who really made it (a
person, or the provider for machine text), and every human segment teaches the memory, always
paired with the exact source text it was translated from. Nothing here commits: the view, the
command or the job that calls it owns the transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import insert, select

from bv.accounts.permissions import SYSTEM
from bv.articles.fields import segment_max_length
from bv.articles.models import ArticleTranslation
from bv.database import utcnow
from bv.extensions import db
from bv.translation import segments as seg
from bv.translation.memory import normalize
from bv.translation.models import ORIGINS, MemoryEntry, Segment, TranslatedSegment

STORED_ORIGINS = ("machine", "human")


class SegmentRejected(ValueError):
    """A write that must not happen; nothing was written."""

    def __init__(self, code: str, key: str, **params):
        super().__init__(f"{code}: {key}")
        self.code = code
        self.key = key
        self.params = params


def write_segment(
    translation,
    source: Segment,
    text: str,
    *,
    origin: str,
    user,
    reviewed: bool,
    provider: str | None = None,
    route: str | None = None,
    made_from: str | None = None,
    existing: TranslatedSegment | None = None,
    flags: list[dict] | None = None,
    signals: dict | None = None,
) -> TranslatedSegment:
    """Write one segment of a translation and teach the memory what a person wrote.

    `made_from` is the source text the target was translated from (an imported file made from
    an older source); it defaults to the current source text, and the segment counts as
    current only when the two agree. Machine and memory text is credited to its provider,
    never to the person who asked for the draft. `existing` spares a query when the caller
    already loaded the row. `flags` (quality.Assessment of a draft, as JSON) are shown until
    a person saves the segment, which clears them; `signals` are what was measured on a
    machine draft, kept beside machine_text.
    """
    if origin not in ORIGINS:
        raise ValueError(f"origin must be one of {ORIGINS}, not {origin!r}")
    if source.article_id != translation.article_id:
        raise ValueError("the source segment belongs to another article")
    text = text or ""
    limit = segment_max_length(source.kind)
    if len(text) > limit:
        raise SegmentRejected("too_long", source.key, length=len(text), max=limit)
    origin_text = source.source_text if made_from is None else made_from
    row = existing if existing is not None else _row(translation, source.key)
    if row is None:
        row = TranslatedSegment(translation_id=translation.id, key=source.key, target_text="")
        db.session.add(row)
    changed = row.id is None or seg.normalize_text(row.target_text) != seg.normalize_text(text)
    if changed:
        row.target_text = text
        row.origin = origin
        row.provider = provider if origin != "human" else None
        row.route = route if origin != "human" else None
        if origin == "machine":
            # kept to measure how much reviewers change machine output
            row.machine_text = text
        row.updated_at = utcnow()
        person = origin == "human" and user is not None and user is not SYSTEM
        row.updated_by_id = getattr(user, "id", None) if person else None
    if origin == "human":
        row.flags = None  # the person has looked at it
    else:
        row.flags = list(flags) if flags else None
    if origin == "machine" and signals is not None:
        row.machine_signals = dict(signals)
    row.source_hash = seg.text_hash(origin_text)
    row.source_text = origin_text
    row.reviewed = bool(reviewed and text.strip())
    if origin == "human" and text.strip():
        article = translation.article
        remember_many(article.source_locale, translation.locale, [(origin_text, text, None)],
                      origin="human")
    return row


def withdraw_review(row: TranslatedSegment) -> None:
    """The reviewer unticked a segment: it needs review again, its text stays."""
    row.reviewed = False


def carry_over(article_id: int, moved: dict[str, tuple[str, str, str]]) -> int:
    """A minor (typo) edit of the source: segments made from the old text stay current.

    `moved` maps a segment key to (old hash, new hash, new text). Returns how many segments
    were carried over.
    """
    rows = db.session.scalars(
        select(TranslatedSegment)
        .join(ArticleTranslation, ArticleTranslation.id == TranslatedSegment.translation_id)
        .where(ArticleTranslation.article_id == article_id,
               TranslatedSegment.key.in_(list(moved)))
    ).all()
    carried = 0
    for row in rows:
        old_hash, new_hash, new_text = moved[row.key]
        if row.source_hash == old_hash:
            row.source_hash = new_hash
            row.source_text = new_text
            carried += 1
    return carried


def _row(translation, key: str) -> TranslatedSegment | None:
    if translation.id is None:
        return None
    return db.session.scalar(
        select(TranslatedSegment).where(
            TranslatedSegment.translation_id == translation.id, TranslatedSegment.key == key
        )
    )


# memory


def remember(source_locale: str, target_locale: str, source_text: str, target_text: str,
             origin: str = "human", provider: str | None = None) -> MemoryEntry | None:
    """Store one translation (upsert); returns the entry as it now stands."""
    remember_many(source_locale, target_locale, [(source_text, target_text, provider)],
                  origin=origin)
    digest = hashlib.sha256(normalize(source_text).encode("utf-8")).hexdigest()
    return db.session.scalar(select(MemoryEntry).where(
        MemoryEntry.source_locale == source_locale, MemoryEntry.target_locale == target_locale,
        MemoryEntry.source_hash == digest,
    ))


def remember_many(source_locale: str, target_locale: str,
                  items: Iterable[tuple[str, str, str | None]], *, origin: str) -> int:
    """Store (source text, target text, provider) translations of one origin; returns how many
    entries were written. A person's translation always wins: a human entry overwrites a
    machine one, a machine entry never overwrites a human one. Two queries whatever the number
    of items."""
    if origin not in STORED_ORIGINS:
        raise ValueError(f"memory origin must be one of {STORED_ORIGINS}, not {origin!r}")
    wanted: dict[str, tuple[str, str, str | None]] = {}
    for source_text, target_text, provider in items:
        key = normalize(source_text)
        if key and target_text and target_text.strip():
            wanted[hashlib.sha256(key.encode("utf-8")).hexdigest()] = (key, target_text, provider)
    if not wanted:
        return 0
    existing = {
        row.source_hash: row
        for row in db.session.scalars(
            select(MemoryEntry).where(
                MemoryEntry.source_locale == source_locale,
                MemoryEntry.target_locale == target_locale,
                MemoryEntry.source_hash.in_(list(wanted)),
            )
        )
    }
    now = utcnow()
    written = 0
    new_rows = []
    for digest, (key, target_text, provider) in wanted.items():
        entry = existing.get(digest)
        if entry is None:
            new_rows.append({
                "source_locale": source_locale, "target_locale": target_locale,
                "source_hash": digest, "source_text": key, "target_text": target_text,
                "origin": origin, "provider": provider, "created_at": now, "updated_at": now,
            })
        elif entry.origin == "human" and origin != "human":
            continue
        elif (entry.target_text, entry.origin, entry.provider) != (target_text, origin, provider):
            entry.target_text, entry.origin, entry.provider = target_text, origin, provider
            entry.updated_at = now
            written += 1
    if new_rows:
        db.session.execute(_insert_ignoring_races(origin), new_rows)
        written += len(new_rows)
    db.session.flush()
    return written


def _insert_ignoring_races(origin: str):
    """INSERT that tolerates a concurrent writer: machine rows yield, human rows overwrite."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:
        return insert(MemoryEntry)
    stmt = dialect_insert(MemoryEntry)
    keys = ["source_locale", "target_locale", "source_hash"]
    if origin == "human":
        return stmt.on_conflict_do_update(index_elements=keys, set_={
            "target_text": stmt.excluded.target_text, "origin": stmt.excluded.origin,
            "provider": stmt.excluded.provider, "updated_at": stmt.excluded.updated_at,
        })
    return stmt.on_conflict_do_nothing(index_elements=keys)


def insert_generated(rows: list[dict]) -> None:
    """Bulk-insert reviewed translated segments made by the benchmark data generator
    (`flask --app bv bench-data`), whose versions are new: nothing to align or remember."""
    if rows:
        # Core, not the ORM: nothing here needs the unit of work, and it is several times faster
        db.session.execute(TranslatedSegment.__table__.insert(), rows)
