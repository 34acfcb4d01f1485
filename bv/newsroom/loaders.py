"""Load what a newsroom request is about, once: a 404 for what does not exist, a 403 for what
the signed-in person may not touch. Every view module uses these; none keeps its own."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bv.accounts.permissions import can
from bv.articles.models import Article, ArticleTranslation, Category, Image, Revision
from bv.errors import bounded_int
from bv.extensions import db
from bv.i18n import LOCALES
from bv.jobs.models import Job
from bv.translation.models import GlossaryTerm


def article_or_404(article_id: int) -> Article:
    """The article with all its language versions."""
    article = db.session.scalar(
        select(Article)
        .where(Article.id == article_id)
        .options(selectinload(Article.translations))
    )
    if article is None:
        abort(404)
    return article


def locale_or_404(locale: str) -> str:
    """One of the site's languages."""
    if locale not in LOCALES:
        abort(404)
    return locale


def version_or_404(article_id: int, locale: str) -> tuple[Article, ArticleTranslation]:
    """The article and its existing version in one language."""
    article = article_or_404(article_id)
    translation = article.translation(locale_or_404(locale))
    if translation is None:
        abort(404)
    return article, translation


def may_write(user, article: Article, locale: str) -> bool:
    """May the user write this language version: edit it, or start it when it does not exist."""
    translation = article.translation(locale)
    if translation is not None:
        return can(user, "edit", translation)
    return can(user, "start_translation", article, locale=locale)


def writable_or_403(article_id: int, locale: str) -> tuple[Article, str]:
    """The article and a language version the signed-in person may write (see may_write)."""
    article = article_or_404(article_id)
    locale = locale_or_404(locale)
    if not may_write(current_user, article, locale):
        abort(403)
    return article, locale


def translatable_or_403(article_id: int, locale: str) -> tuple[Article, str]:
    """The article and a target language (never its source) the signed-in person may translate."""
    article = article_or_404(article_id)
    locale = locale_or_404(locale)
    if locale == article.source_locale or not may_write(current_user, article, locale):
        abort(403)
    return article, locale


def revision_or_404(revision_id: int) -> Revision:
    """One saved revision of a language version."""
    revision = db.session.get(Revision, revision_id)
    if revision is None:
        abort(404)
    return revision


def job_or_404(job_id: int) -> Job:
    """A background job the signed-in person may see (their own, or any for editors)."""
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    if not can(current_user, "view_job", job):
        abort(403)
    return job


def glossary_term_or_404(term_id: int) -> GlossaryTerm:
    """One glossary term."""
    term = db.session.get(GlossaryTerm, term_id)
    if term is None:
        abort(404)
    return term


def image_or_none(image_id) -> Image | None:
    """A stored lead image named by a form's hidden field; None when the value names none."""
    try:
        number = bounded_int(str(image_id))
    except ValueError:
        return None
    return db.session.get(Image, number)


def category_or_none(category_id) -> Category | None:
    """The section chosen in a form (0 or empty for none)."""
    return db.session.get(Category, category_id) if category_id else None
