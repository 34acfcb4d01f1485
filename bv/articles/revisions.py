"""Reading a version's revision history without loading it."""

from __future__ import annotations

from sqlalchemy import func, select

from bv.articles.models import ArticleTranslation, Revision
from bv.extensions import db


def latest_revision_number(translation: ArticleTranslation | None) -> int:
    """The newest revision number of a translation, 0 before its first save."""
    if translation is None or translation.id is None:
        return 0
    return db.session.scalar(
        select(func.max(Revision.number)).where(Revision.translation_id == translation.id)
    ) or 0


def latest_revision_id(translation: ArticleTranslation) -> int | None:
    """The id of a translation's newest revision, without loading its history."""
    return db.session.scalar(
        select(func.max(Revision.id)).where(Revision.translation_id == translation.id)
    )
