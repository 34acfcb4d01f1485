"""The newsroom home ("My work"): what needs the current user."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from bv.accounts.permissions import can
from bv.articles.models import Article, ArticleTranslation
from bv.extensions import db
from bv.newsroom import bp
from bv.translation import queues


def _translations():
    return select(ArticleTranslation).options(joinedload(ArticleTranslation.article))


def my_drafts(user) -> list[ArticleTranslation]:
    """Drafts this user last saved, and drafts of the originals they wrote; a machine draft
    waiting for review is the translators' work (see translation.queues), not anyone's draft."""
    stmt = (
        _translations()
        .join(ArticleTranslation.article)
        .where(
            ArticleTranslation.status == "draft",
            or_(
                ArticleTranslation.updated_by_id == user.id,
                and_(
                    Article.author_id == user.id,
                    ArticleTranslation.locale == Article.source_locale,
                ),
            ),
            ~queues.machine_draft_clause(),
        )
        .order_by(ArticleTranslation.updated_at.desc())
        .limit(50)
    )
    return list(db.session.scalars(stmt))


def waiting_for_review(user) -> list[ArticleTranslation]:
    """Those who approve see everything in review, and changes to published versions waiting
    for publication; others see their own items waiting."""
    stmt = _translations().where(
        or_(
            ArticleTranslation.status == "in_review",
            ArticleTranslation.has_pending_changes.is_(True),
        )
    )
    if not can(user, "approve"):
        stmt = stmt.where(ArticleTranslation.updated_by_id == user.id)
    return list(db.session.scalars(stmt.order_by(ArticleTranslation.updated_at).limit(50)))


def scheduled() -> list[ArticleTranslation]:
    """Everything waiting for its publication time."""
    stmt = (
        _translations()
        .where(ArticleTranslation.scheduled_at.is_not(None))
        .order_by(ArticleTranslation.scheduled_at)
        .limit(50)
    )
    return list(db.session.scalars(stmt))


@bp.get("/")
@login_required
def home():
    """A translator's open work, drafts, the review queue and scheduled items."""
    return render_template(
        "newsroom/home.html",
        work=queues.open_work(current_user) if queues.takes_assignments(current_user) else None,
        drafts=my_drafts(current_user),
        review=waiting_for_review(current_user),
        scheduled=scheduled(),
    )
