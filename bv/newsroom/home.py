"""The newsroom home: what needs the current user."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from bv.articles.models import Article, ArticleTranslation
from bv.extensions import db
from bv.newsroom import bp


def _translations():
    return select(ArticleTranslation).options(joinedload(ArticleTranslation.article))


def my_drafts(user) -> list[ArticleTranslation]:
    """Drafts this user last touched, or drafts of articles they wrote."""
    stmt = (
        _translations()
        .join(ArticleTranslation.article)
        .where(
            ArticleTranslation.status == "draft",
            or_(ArticleTranslation.updated_by_id == user.id, Article.author_id == user.id),
        )
        .order_by(ArticleTranslation.updated_at.desc())
        .limit(50)
    )
    return list(db.session.scalars(stmt))


def waiting_for_review(user) -> list[ArticleTranslation]:
    """Editors review everything in review, and changes to published versions waiting for
    publication; others see their own items waiting."""
    stmt = _translations().where(
        or_(
            ArticleTranslation.status == "in_review",
            ArticleTranslation.has_pending_changes.is_(True),
        )
    )
    if user.role not in ("admin", "editor"):
        stmt = stmt.where(ArticleTranslation.updated_by_id == user.id)
    return list(db.session.scalars(stmt.order_by(ArticleTranslation.updated_at).limit(50)))


def to_translate(user) -> list[ArticleTranslation]:
    """For translators: outdated translations into their languages."""
    if user.role != "translator" or not user.language_list:
        return []
    stmt = (
        _translations()
        .where(
            ArticleTranslation.locale.in_(user.language_list),
            ArticleTranslation.outdated_since.is_not(None),
        )
        .order_by(ArticleTranslation.outdated_since)
        .limit(50)
    )
    return list(db.session.scalars(stmt))


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
    """Drafts, review queue, outdated translations and scheduled items."""
    return render_template(
        "newsroom/home.html",
        drafts=my_drafts(current_user),
        review=waiting_for_review(current_user),
        outdated=to_translate(current_user),
        scheduled=scheduled(),
    )
