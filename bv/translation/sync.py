"""Keeping segments in step with the text: source segments, staleness, adopted translations."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bv import events
from bv.articles.fields import values_of
from bv.articles.models import Article, ArticleTranslation
from bv.audit.service import record
from bv.database import utcnow
from bv.extensions import db
from bv.translation import segments as seg
from bv.translation import store
from bv.translation.models import Segment, TranslatedSegment

# session.info key: per article, the keys a (non-minor) source save changed or added, until
# refresh_outdated() has said which translations to tell
SOURCE_MOVED = "bv_source_moved"


@dataclass
class SourceChange:
    """What a save of the source did to its segments."""

    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.changed or self.added or self.removed)


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
        store.carry_over(article.id, old_hashes)
    # a minor edit tells only translations it makes stale (see refresh_outdated)
    moved = set() if minor else set(change.changed) | set(change.added)
    if moved:
        db.session.info.setdefault(SOURCE_MOVED, {})[article.id] = moved
    db.session.flush()
    return change


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_moves(session):
    session.info.pop(SOURCE_MOVED, None)


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
    """Set or clear outdated_since on every translation; returns those whose translators should
    hear about the source save just synced.

    That is every translation that just went stale, and every one already outdated that the
    save changed again (a segment of it changed or was added), unless the save was a minor
    edit. Each source save is reported once: a later call in the same
    transaction (after a target save, say) returns only translations that just went stale.
    """
    sources = source_segments(article)
    moved = db.session.info.get(SOURCE_MOVED, {}).pop(article.id, set())
    told = []
    for translation in article.translations:
        if translation.locale == article.source_locale:
            continue
        stale = stale_keys(translation, sources)
        if stale and translation.outdated_since is None:
            translation.outdated_since = utcnow()
            told.append(translation)
        elif stale and moved.intersection(stale):
            told.append(translation)
        elif not stale and translation.outdated_since is not None:
            translation.outdated_since = None
    return told


def _body_blocks(body: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in seg.split({"body": body or ""})]


def body_mismatch(translation: ArticleTranslation) -> bool:
    """True when the version's body is not what its segments put together.

    It happens when the body was edited as a whole text with other blocks than the source (the
    segments could not take it over) or when the source lost blocks since; either way the
    segment editor does not show the text readers would get, so approval must wait.
    """
    article = translation.article
    if translation.locale == article.source_locale or article.source is None:
        return False
    skeleton = source_skeleton(article)
    done = translated_segments(translation)
    texts = {key: done[key].target_text if key in done else "" for key in skeleton.sources}
    assembled = seg.assemble(skeleton, texts)
    return _body_blocks(assembled["body"]) != _body_blocks(translation.body)


def adopt_text(translation: ArticleTranslation, *, reviewed: bool, user) -> int:
    """Align a whole-text translation with the source's segments.

    Used when a translation is written outside the segment editor (the plain form, demo
    content). Headline, lede, caption and alt text are always taken over; the body block by
    block when its blocks have the same kinds as the source's, otherwise not at all (see
    body_mismatch()). Segments whose text did not change keep their source hash and reviewed
    mark; changed ones count as made from the current source and are reviewed only when
    `reviewed` says so. Returns how many segments were aligned.
    """
    article = translation.article
    sources = source_segments(article)
    target = seg.split(values_of(translation))
    fields = {t.key: t.text for t in target if t.kind not in seg.BODY_KINDS}
    pairs = [(s, fields.get(s.key, "")) for s in sources if s.kind not in seg.BODY_KINDS]
    source_body = [s for s in sources if s.kind in seg.BODY_KINDS]
    target_body = [t for t in target if t.kind in seg.BODY_KINDS]
    if [s.kind for s in source_body] == [t.kind for t in target_body]:
        pairs.extend((s, t.text) for s, t in zip(source_body, target_body, strict=True))
    existing = translated_segments(translation)
    for source, text in pairs:
        row = existing.get(source.key)
        if row is None and not text:
            continue
        if row is not None and seg.normalize_text(row.target_text) == seg.normalize_text(text):
            continue
        # a changed text is reviewed only when this save says so
        store.write_segment(translation, source, text, origin="human", user=user,
                            reviewed=reviewed, existing=row)
    db.session.flush()
    return len(pairs)


def on_translation_saved(translation: ArticleTranslation, *, user, minor: bool, adopt: bool,
                         reviewed: bool, **_) -> None:
    """Keep segments in step with a saved version: re-split a source, align a translation.

    Translations a source save makes stale are recorded and announced
    (`events.translation_outdated`), once per save.
    """
    article = translation.article
    if translation.locale == article.source_locale:
        change = sync_source(article, minor=minor)
        events.source_changed.send(article, user=user, minor=minor, change=change)
        for stale in refresh_outdated(article):
            record("translation.outdated", user=user, article=article, locale=stale.locale,
                   detail={"minor": minor})
            events.translation_outdated.send(stale, user=user)
        return
    if translation.source_revision_id is None and article.source and article.source.revisions:
        translation.source_revision_id = article.source.revisions[-1].id
    if adopt:
        adopt_text(translation, reviewed=reviewed, user=user)
    refresh_outdated(article)
