"""Keeping the index in step with what readers see: one entry per published version."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

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


def entry_for(translation: ArticleTranslation) -> Entry:
    """The live (reader-visible) text of a version, as written and folded."""
    body = " ".join(
        part for part in (body_text(translation.live_body_html),
                          translation.live_image_caption or "") if part
    )
    headline, lede = translation.live_headline or "", translation.live_lede or ""
    return Entry(
        translation_id=translation.id,
        locale=translation.locale,
        headline=headline,
        lede=lede,
        body=body,
        headline_folded=fold_text(headline),
        lede_folded=fold_text(lede),
        body_folded=fold_text(body),
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


def reindex_all(batch: int = 500) -> int:
    """Rebuild the whole index from the live text of every published version; the caller
    commits. Returns how many versions were indexed."""
    backend = backend_for(db.session)
    backend.clear(db.session)
    count, last_id = 0, 0
    while True:
        rows = db.session.scalars(
            select(ArticleTranslation)
            .where(ArticleTranslation.status == "published", ArticleTranslation.id > last_id)
            .options(load_only(*LIVE_COLUMNS))
            .order_by(ArticleTranslation.id)
            .limit(batch)
        ).all()
        if not rows:
            return count
        for translation in rows:
            backend.upsert(db.session, entry_for(translation))
        count += len(rows)
        last_id = rows[-1].id
        db.session.expunge_all()
