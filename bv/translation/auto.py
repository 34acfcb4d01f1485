"""Optional machine drafts into every missing language when a source version is published."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from bv.extensions import db
from bv.settings import settings_for

PENDING = "bv_auto_drafts"
SETTING = "auto_machine_drafts"


def enabled() -> bool:
    """The site setting, off unless an admin turns it on."""
    return settings_for("").get(SETTING) == "1"


def on_status_changed(translation, *, action: str, user, **_) -> None:
    """Remember the article; drafts are queued once the publication is committed."""
    article = translation.article
    if action == "publish" and translation.locale == article.source_locale and enabled():
        db.session.info.setdefault(PENDING, []).append((article.id, getattr(user, "id", None)))


@event.listens_for(Session, "after_commit")
def _queue(session):
    pending = session.info.pop(PENDING, None)
    if pending:
        from bv.translation.tasks import draft_missing

        for article_id, user_id in pending:
            draft_missing(article_id, user_id)


@event.listens_for(Session, "after_rollback")
def _drop(session):
    session.info.pop(PENDING, None)
