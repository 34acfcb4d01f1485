"""Giving a language version of an article to a translator, with an optional due date.

These functions flush and never commit: the view owns the transaction. The translator hears
about it through the `translation_assigned` event, which notifications subscribe to.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import or_, select

from bv.accounts.permissions import PermissionDenied, can
from bv.articles.models import Article, ArticleTranslation
from bv.audit.service import record
from bv.database import utcnow
from bv.events import translation_assigned
from bv.extensions import db
from bv.i18n import LOCALES
from bv.translation.models import TranslationAssignment

# further ahead is a typo (2072 for 2027), not a plan; the same bound as scheduling
MAX_DUE_AHEAD = timedelta(days=731)
# a version in one of these statuses, and up to date, needs nothing more from a translator
DONE_STATUSES = ("approved", "published")


class AssignmentError(Exception):
    """The assignment is not possible; `code` says why (the view turns it into a message)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def newsroom_today() -> date:
    """Today's date where the newsroom is (due dates are days there, not UTC instants)."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return utcnow().astimezone(zone).date()


def is_finished(translation: ArticleTranslation | None) -> bool:
    """True when the version is approved or published and not outdated: nothing left to do."""
    return (
        translation is not None
        and translation.status in DONE_STATUSES
        and translation.outdated_since is None
    )


def unfinished_clause(translation=ArticleTranslation):
    """The same rule as is_finished(), negated, in SQL, for an outer-joined version."""
    return or_(
        translation.id.is_(None),
        translation.status.not_in(DONE_STATUSES),
        translation.outdated_since.is_not(None),
    )


def current_assignment(article: Article, locale: str) -> TranslationAssignment | None:
    """The open assignment of one version, if any (finished or not: the caller decides)."""
    return db.session.scalar(
        select(TranslationAssignment).where(
            TranslationAssignment.article_id == article.id,
            TranslationAssignment.locale == locale,
            TranslationAssignment.completed_at.is_(None),
        )
    )


def check_due_date(due_on: date | None, *, today: date | None = None) -> None:
    """A due date may be today or later, and at most about two years ahead."""
    if due_on is None:
        return
    today = today or newsroom_today()
    if due_on < today:
        raise AssignmentError("due_in_past")
    if due_on > today + MAX_DUE_AHEAD:
        raise AssignmentError("due_too_far")


def assign(
    article: Article,
    locale: str,
    assignee,
    *,
    user,
    due_on: date | None = None,
    today: date | None = None,
) -> TranslationAssignment:
    """Give the version to `assignee` (replacing any open assignment); flushes, never commits."""
    if not can(user, "assign_translation", article):
        raise PermissionDenied("assign_translation")
    if locale not in LOCALES:
        raise AssignmentError("unknown_language")
    if locale == article.source_locale:
        raise AssignmentError("source_language")
    if assignee is None or not can(assignee, "take_assignment", None, locale=locale):
        raise AssignmentError("not_a_translator_into")
    check_due_date(due_on, today=today)
    if is_finished(article.translation(locale)):
        raise AssignmentError("nothing_to_do")
    now = utcnow()
    current = current_assignment(article, locale)
    detail = {
        "assignee_id": assignee.id,
        "assignee": assignee.display_name,
        "due_on": due_on.isoformat() if due_on else None,
    }
    if current is not None and current.assignee_id == assignee.id:
        # the same translator with a new due date: the same piece of work
        if current.due_on == due_on:
            return current
        detail["previous_due_on"] = current.due_on.isoformat() if current.due_on else None
        current.due_on = due_on
        assignment = current
    else:
        if current is not None:
            current.completed_at, current.outcome = now, "reassigned"
            detail["previous_assignee_id"] = current.assignee_id
            # the partial unique index allows one open row: close the old one first
            db.session.flush()
        assignment = TranslationAssignment(
            article_id=article.id,
            locale=locale,
            assignee_id=assignee.id,
            assigned_by_id=getattr(user, "id", None),
            due_on=due_on,
            created_at=now,
        )
        db.session.add(assignment)
    db.session.flush()
    record("translation.assign", user=user, article=article, locale=locale, detail=detail)
    translation_assigned.send(assignment, user=user, assignee=assignee)
    return assignment


def clear(article: Article, locale: str, *, user) -> TranslationAssignment | None:
    """End the open assignment of a version, keeping it as history; flushes, never commits."""
    if not can(user, "assign_translation", article):
        raise PermissionDenied("assign_translation")
    current = current_assignment(article, locale)
    if current is None:
        raise AssignmentError("not_assigned")
    current.completed_at, current.outcome = utcnow(), "cleared"
    db.session.flush()
    record(
        "translation.unassign",
        user=user,
        article=article,
        locale=locale,
        detail={"assignee_id": current.assignee_id},
    )
    return current


def on_status_changed(translation: ArticleTranslation, *, action=None, **_kwargs) -> None:
    """Approval or publication of an up-to-date version completes its assignment."""
    if action not in ("approve", "publish") or not is_finished(translation):
        return
    current = current_assignment(translation.article, translation.locale)
    if current is not None:
        current.completed_at, current.outcome = utcnow(), "done"
