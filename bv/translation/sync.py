"""Keeping segments in step with the text: source segments, staleness, adopted translations."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from bv.articles.models import Article, ArticleTranslation
from bv.database import utcnow
from bv.extensions import db
from bv.translation import segments as seg
from bv.translation.models import Segment, TranslatedSegment

TEXT_FIELDS = ("headline", "lede", "body", "image_caption", "image_alt")


@dataclass
class SourceChange:
    """What a save of the source did to its segments."""

    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.changed or self.added or self.removed)


def values_of(translation) -> dict[str, str]:
    """The translatable fields of a version or revision."""
    return {f: getattr(translation, f) or "" for f in TEXT_FIELDS}


def source_segments(article: Article) -> list[Segment]:
    """The article's stored source segments in reading order."""
    return list(
        db.session.scalars(
            select(Segment).where(Segment.article_id == article.id).order_by(Segment.position)
        )
    )


def keyed_segments(article: Article) -> list[seg.SourceSegment]:
    """Stored segments as SourceSegments (for skeleton() and assign_keys())."""
    return [
        seg.SourceSegment(key=s.key, kind=s.kind, text=s.source_text, hash=s.source_hash)
        for s in source_segments(article)
    ]


def source_skeleton(article: Article) -> seg.Skeleton:
    """The source's structure with the stored keys in its slots."""
    return seg.skeleton(values_of(article.source), keyed_segments(article))


def sync_source(article: Article, *, minor: bool = False) -> SourceChange:
    """Re-split the source after a save; keys survive edits elsewhere in the body.

    A minor edit (typo fix) still updates the segments, but carries every translated segment
    along to the new hash, so no translation becomes stale.
    """
    source = article.source
    rows = {s.key: s for s in source_segments(article)}
    previous = [
        seg.SourceSegment(key=s.key, kind=s.kind, text=s.source_text, hash=s.source_hash)
        for s in sorted(rows.values(), key=lambda s: s.position)
    ]
    reserved = db.session.scalars(
        select(TranslatedSegment.key)
        .join(ArticleTranslation, ArticleTranslation.id == TranslatedSegment.translation_id)
        .where(ArticleTranslation.article_id == article.id)
    ).all()
    current = seg.assign_keys(previous, seg.split(values_of(source)), reserved=reserved)
    change = SourceChange()
    now = utcnow()
    old_hashes = {}
    for position, segment in enumerate(current):
        row = rows.pop(segment.key, None)
        if row is None:
            db.session.add(
                Segment(
                    article_id=article.id,
                    key=segment.key,
                    kind=segment.kind,
                    position=position,
                    source_text=segment.text,
                    source_hash=segment.hash,
                    changed_at=now,
                )
            )
            change.added.append(segment.key)
            continue
        row.position = position
        row.kind = segment.kind
        if row.source_hash != segment.hash:
            old_hashes[segment.key] = (row.source_hash, segment.hash, segment.text)
            row.previous_text = row.source_text
            row.source_text = segment.text
            row.source_hash = segment.hash
            row.changed_at = now
            change.changed.append(segment.key)
    for row in rows.values():
        change.removed.append(row.key)
        db.session.delete(row)
    if minor and old_hashes:
        _carry_over(article, old_hashes)
    db.session.flush()
    return change


def _carry_over(article: Article, old_hashes: dict) -> None:
    """A typo fix in the source: translations made from the old text stay current."""
    for translated in _translated(article):
        moved = old_hashes.get(translated.key)
        if moved and translated.source_hash == moved[0]:
            translated.source_hash = moved[1]
            translated.source_text = moved[2]


def _translated(article: Article, translation: ArticleTranslation | None = None):
    stmt = select(TranslatedSegment).join(
        ArticleTranslation, ArticleTranslation.id == TranslatedSegment.translation_id
    )
    if translation is not None:
        stmt = stmt.where(TranslatedSegment.translation_id == translation.id)
    else:
        stmt = stmt.where(ArticleTranslation.article_id == article.id)
    return db.session.scalars(stmt).all()


def translated_segments(translation: ArticleTranslation) -> dict[str, TranslatedSegment]:
    """A translation's segments by key."""
    return {t.key: t for t in _translated(translation.article, translation)}


def stale_keys(translation: ArticleTranslation, sources: list[Segment] | None = None) -> list[str]:
    """Keys whose source changed since they were translated, or that were never translated."""
    sources = sources if sources is not None else source_segments(translation.article)
    done = translated_segments(translation)
    stale = []
    for s in sources:
        t = done.get(s.key)
        if t is None or t.source_hash != s.source_hash:
            stale.append(s.key)
    return stale


def refresh_outdated(article: Article) -> list[ArticleTranslation]:
    """Set or clear outdated_since on every translation; returns those that just went stale."""
    sources = source_segments(article)
    newly = []
    for translation in article.translations:
        if translation.locale == article.source_locale:
            continue
        stale = stale_keys(translation, sources)
        if stale and translation.outdated_since is None:
            translation.outdated_since = utcnow()
            newly.append(translation)
        elif not stale and translation.outdated_since is not None:
            translation.outdated_since = None
    return newly


def adopt(translation: ArticleTranslation, *, reviewed: bool, user=None) -> int:
    """Align a whole-text translation with the source's segments, block by block.

    Used when a translation is written outside the segment editor (the plain form, demo
    content). Segments whose text did not change keep the source hash they were made from;
    changed ones count as made from the current source. Returns how many were aligned; 0 when
    the structures differ (then the segment editor starts from the source).
    """
    article = translation.article
    sources = source_segments(article)
    target = seg.split(values_of(translation))
    if [s.kind for s in sources] != [t.kind for t in target]:
        return 0
    existing = translated_segments(translation)
    now = utcnow()
    for source, piece in zip(sources, target, strict=True):
        row = existing.get(source.key)
        if row is None:
            row = TranslatedSegment(
                translation_id=translation.id,
                key=source.key,
                origin="human",
                reviewed=reviewed,
            )
            db.session.add(row)
        elif seg.normalize_text(row.target_text) == seg.normalize_text(piece.text):
            continue
        row.target_text = piece.text
        row.source_hash = source.source_hash
        row.source_text = source.source_text
        row.origin = "human"
        row.reviewed = reviewed or row.reviewed
        row.updated_at = now
        row.updated_by_id = getattr(user, "id", None)
    db.session.flush()
    return len(sources)
