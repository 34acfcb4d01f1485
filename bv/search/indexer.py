"""Keeping the index in step with what readers see: one entry per published version."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bv.articles.models import ArticleTranslation
from bv.extensions import db
from bv.search.backends import Entry, backend_for
from bv.search.folding import fold_text
from bv.text import plain_text

_TAG = re.compile(r"(<[^>]*>)")

LIVE_COLUMNS = (
    ArticleTranslation.id,
    ArticleTranslation.locale,
    ArticleTranslation.status,
    ArticleTranslation.live_headline,
    ArticleTranslation.live_lede,
    ArticleTranslation.live_body_html,
    ArticleTranslation.live_image_caption,
)


def body_text(body_html: str) -> str:
    """A body's plain words: a space before every tag keeps paragraphs from running together."""
    return plain_text(_TAG.sub(r" \1", body_html or ""))


def make_entry(translation_id: int, locale: str, headline: str, lede: str, body: str) -> Entry:
    """An entry from a version's live headline, lede and plain body text (`body_text` of the
    live HTML, then the caption); the one place the folded copies are made."""
    return Entry(
        translation_id=translation_id,
        locale=locale,
        headline=headline,
        lede=lede,
        body=body,
        headline_folded=fold_text(headline),
        lede_folded=fold_text(lede),
        body_folded=fold_text(body),
    )


def live_body(body_html: str | None, caption: str | None) -> str:
    """What an entry indexes as the body: the live HTML's words, then the image caption."""
    return " ".join(part for part in (body_text(body_html), caption or "") if part)


def entry_for(translation) -> Entry:
    """The live (reader-visible) text of a version, as written and folded (an
    ArticleTranslation, or a row of `LIVE_COLUMNS`)."""
    return make_entry(
        translation.id, translation.locale, translation.live_headline or "",
        translation.live_lede or "",
        live_body(translation.live_body_html, translation.live_image_caption),
    )


def index_translation(translation: ArticleTranslation, session: Session | None = None) -> None:
    """Write or drop a version's entry, in the caller's transaction."""
    session = session or db.session
    backend = backend_for(session)
    session.flush()
    if translation.status == "published":
        backend.upsert(session, entry_for(translation))
    else:
        backend.remove(session, translation.id)


def index_bulk(entries: Iterable[Entry], session: Session | None = None) -> int:
    """Write many entries of published versions at once (`flask bench-data`, a rebuild), in
    the caller's transaction; the same rows `index_translation` writes one at a time.
    Returns how many were written."""
    session = session or db.session
    entries = list(entries)
    backend_for(session).upsert_many(session, entries)
    return len(entries)


def reindex_all(batch: int = 2000) -> int:
    """Rebuild the whole index from the live text of every published version; the caller
    commits. Returns how many versions were indexed."""
    session = db.session
    session.flush()
    backend_for(session).clear(session)
    count, last_id = 0, 0
    while True:
        # plain rows, not ORM objects: a rebuild only reads
        rows = session.execute(
            select(*LIVE_COLUMNS)
            .where(ArticleTranslation.status == "published", ArticleTranslation.id > last_id)
            .order_by(ArticleTranslation.id)
            .limit(batch)
        ).all()
        if not rows:
            return count
        count += index_bulk((entry_for(row) for row in rows), session)
        last_id = rows[-1].id
