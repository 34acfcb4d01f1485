"""Translators' open work and language coverage: the one definition behind "My work", the
dashboard's queues and its coverage chart.

A translator's open work is what is assigned to them, plus unassigned work into their languages
(never an article's source language): missing versions of articles whose source is approved or
published, machine drafts nobody has reviewed yet, and outdated versions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, selectinload

from bv.accounts.models import User
from bv.accounts.permissions import can
from bv.articles.models import Article, ArticleTranslation
from bv.extensions import db
from bv.i18n import LOCALES
from bv.translation.assignments import newsroom_today, unfinished_clause
from bv.translation.models import Segment, TranslatedSegment, TranslationAssignment

# why an item is listed; an assigned item also says what its version needs
REASONS = ("assigned", "missing", "machine_draft", "outdated")
# a source in one of these statuses is worth translating
READY_SOURCE = ("approved", "published")
IN_PROGRESS = ("draft", "in_review")
# text no person wrote: the machine's, or memory filled in by a draft job
AUTOMATIC_ORIGINS = ("machine", "memory")
# the bound of every query here: candidates of each kind, and open assignments
WINDOW = 500
# items shown per translator (the count says how many there are)
SHOWN = 50


@dataclass
class WorkItem:
    """One version a translator should work on, and why it is listed."""

    article: Article
    locale: str
    translation: ArticleTranslation | None
    # what the version needs: "missing", "machine_draft", "outdated", or None (in progress)
    need: str | None
    # when the work appeared: assigned, outdated, drafted, or the source published
    since: datetime
    assignment: TranslationAssignment | None = None
    overdue: bool = False

    @property
    def reason(self) -> str:
        """The first of REASONS that applies."""
        return "assigned" if self.assignment is not None else self.need

    @property
    def due_on(self) -> date | None:
        """The assignment's due date, if any."""
        return self.assignment.due_on if self.assignment is not None else None

    @property
    def headline(self) -> str:
        """The source headline (the version itself may not exist yet)."""
        source = self.article.source
        return source.headline if source is not None else ""

    def sort_key(self) -> tuple:
        """Overdue first, then by due date, then what was given to this person, then the oldest."""
        return (
            not self.overdue,
            self.due_on or date.max,
            self.assignment is None,
            self.since,
            self.article.id,
            self.locale,
        )


@dataclass
class Queue:
    """A translator's open work: the first SHOWN items and how many there are in all."""

    user: User
    items: list[WorkItem]
    count: int


def takes_assignments(user) -> bool:
    """True for someone who gets translations to do (a translator with a language)."""
    return any(
        can(user, "take_assignment", None, locale=code)
        for code in getattr(user, "language_list", [])
    )


def translators(locale: str | None = None) -> list[User]:
    """Active people who take assignments (into `locale` when given), by name."""
    users = db.session.scalars(
        select(User)
        .where(User.active.is_(True), User.languages != "")
        .order_by(User.display_name, User.id)
    )
    if locale is None:
        return [u for u in users if takes_assignments(u)]
    return [u for u in users if can(u, "take_assignment", None, locale=locale)]


def machine_draft_clause(translation=ArticleTranslation):
    """SQL: a machine draft waiting for review: draft or in review, with machine text (or a
    draft's memory matches) nobody has reviewed."""
    return and_(
        translation.status.in_(IN_PROGRESS),
        exists().where(
            TranslatedSegment.translation_id == translation.id,
            TranslatedSegment.origin.in_(AUTOMATIC_ORIGINS),
            TranslatedSegment.reviewed.is_(False),
        ),
    )


def _assigned(article_id, locale):
    """SQL: the version has an open assignment to an active translator."""
    return exists().where(
        TranslationAssignment.article_id == article_id,
        TranslationAssignment.locale == locale,
        TranslationAssignment.completed_at.is_(None),
        TranslationAssignment.assignee_id == User.id,
        User.active.is_(True),
    )


def open_assignments(*, assignees=None, article: Article | None = None) -> list[TranslationAssignment]:
    """Assignments still to do: not completed, to an active translator, version not finished."""
    stmt = (
        select(TranslationAssignment)
        .join(User, User.id == TranslationAssignment.assignee_id)
        .outerjoin(
            ArticleTranslation,
            and_(
                ArticleTranslation.article_id == TranslationAssignment.article_id,
                ArticleTranslation.locale == TranslationAssignment.locale,
            ),
        )
        .where(
            TranslationAssignment.completed_at.is_(None),
            User.active.is_(True),
            unfinished_clause(ArticleTranslation),
        )
        .options(
            contains_eager(TranslationAssignment.assignee),
            selectinload(TranslationAssignment.assigned_by),
            selectinload(TranslationAssignment.article).selectinload(Article.translations),
        )
        .order_by(TranslationAssignment.id)
        .limit(WINDOW)
    )
    if assignees is not None:
        stmt = stmt.where(TranslationAssignment.assignee_id.in_([u.id for u in assignees]))
    if article is not None:
        stmt = stmt.where(TranslationAssignment.article_id == article.id)
    return list(db.session.scalars(stmt))


def _unassigned_work(locales: list[str]) -> list[WorkItem]:
    """Versions into these languages that need a translator and nobody was given (5 queries)."""
    if not locales:
        return []
    items = []
    # versions that exist: outdated, or a machine draft waiting for review
    rows = db.session.scalars(
        select(ArticleTranslation)
        .join(Article, Article.id == ArticleTranslation.article_id)
        .where(
            ArticleTranslation.locale.in_(locales),
            ArticleTranslation.locale != Article.source_locale,
            or_(ArticleTranslation.outdated_since.is_not(None), machine_draft_clause()),
            ~_assigned(ArticleTranslation.article_id, ArticleTranslation.locale),
        )
        .options(contains_eager(ArticleTranslation.article).selectinload(Article.translations))
        .order_by(
            func.coalesce(ArticleTranslation.outdated_since, ArticleTranslation.updated_at),
            ArticleTranslation.id,
        )
        .limit(WINDOW)
    )
    for t in rows:
        need = "outdated" if t.outdated_since is not None else "machine_draft"
        items.append(WorkItem(t.article, t.locale, t, need, t.outdated_since or t.updated_at))
    # versions that do not exist yet, of the newest articles whose source is ready
    source = aliased(ArticleTranslation)
    missing: list[tuple[int, str]] = []
    for code in locales:
        present = exists().where(
            ArticleTranslation.article_id == Article.id, ArticleTranslation.locale == code
        )
        ids = db.session.scalars(
            select(Article.id)
            .join(source, and_(source.article_id == Article.id, source.locale == Article.source_locale))
            .where(
                Article.source_locale != code,
                source.status.in_(READY_SOURCE),
                ~present,
                ~_assigned(Article.id, code),
            )
            .order_by(Article.id.desc())
            .limit(WINDOW)
        )
        missing.extend((article_id, code) for article_id in ids)
    if missing:
        articles = {
            a.id: a
            for a in db.session.scalars(
                select(Article)
                .where(Article.id.in_({article_id for article_id, _ in missing}))
                .options(selectinload(Article.translations))
            )
        }
        for article_id, code in missing:
            article = articles[article_id]
            source_version = article.source
            since = (source_version.published_at if source_version else None) or article.created_at
            items.append(WorkItem(article, code, None, "missing", since))
    return items


def _machine_drafts(translation_ids: list[int]) -> set[int]:
    """Which of these versions are machine drafts waiting for review (one query)."""
    if not translation_ids:
        return set()
    return set(
        db.session.scalars(
            select(ArticleTranslation.id).where(
                ArticleTranslation.id.in_(translation_ids), machine_draft_clause()
            )
        )
    )


def _need(translation: ArticleTranslation | None, machine_drafts: set[int]) -> str | None:
    """What a version needs, by the same rules as _unassigned_work()."""
    if translation is None:
        return "missing"
    if translation.outdated_since is not None:
        return "outdated"
    if translation.id in machine_drafts:
        return "machine_draft"
    return None


def _queues(users: list[User]) -> list[Queue]:
    """Each user's assigned work plus the unassigned work into their languages, sorted."""
    if not users:
        return []
    today = newsroom_today()
    locales = sorted({code for user in users for code in user.language_list if code in LOCALES})
    candidates = _unassigned_work(locales)
    assigned = open_assignments(assignees=users)
    versions = {a.id: a.article.translation(a.locale) for a in assigned}
    machine_drafts = _machine_drafts([t.id for t in versions.values() if t is not None])
    queues = []
    for user in users:
        items = [
            WorkItem(
                a.article,
                a.locale,
                versions[a.id],
                _need(versions[a.id], machine_drafts),
                a.created_at,
                assignment=a,
                overdue=a.due_on is not None and a.due_on < today,
            )
            for a in assigned
            if a.assignee_id == user.id
        ]
        items += [i for i in candidates if i.locale in user.language_list]
        items.sort(key=WorkItem.sort_key)
        queues.append(Queue(user, items[:SHOWN], len(items)))
    return queues


def open_work(user) -> Queue:
    """One translator's open work, for their "My work" page; empty for anyone else."""
    if not takes_assignments(user):
        return Queue(user, [], 0)
    return _queues([user])[0]


def translator_queues() -> list[Queue]:
    """Every active translator's open work, for the dashboard."""
    return _queues(translators())


def assignments_by_locale(article: Article) -> dict[str, TranslationAssignment]:
    """The open assignments of one article's versions, by language."""
    return {a.locale: a for a in open_assignments(article=article)}


def stale_counts(articles: list[Article]) -> dict[int, int]:
    """Per translation id: how many of its segments are outdated or untranslated (two queries)."""
    ids = [a.id for a in articles]
    if not ids:
        return {}
    sources: dict[int, dict[str, str]] = defaultdict(dict)
    for article_id, key, digest in db.session.execute(
        select(Segment.article_id, Segment.key, Segment.source_hash).where(Segment.article_id.in_(ids))
    ):
        sources[article_id][key] = digest
    done: dict[int, dict[str, str]] = defaultdict(dict)
    for translation_id, key, digest in db.session.execute(
        select(TranslatedSegment.translation_id, TranslatedSegment.key, TranslatedSegment.source_hash)
        .join(ArticleTranslation, ArticleTranslation.id == TranslatedSegment.translation_id)
        .where(ArticleTranslation.article_id.in_(ids))
    ):
        done[translation_id][key] = digest
    counts = {}
    for article in articles:
        for t in article.translations:
            if t.locale == article.source_locale:
                continue
            mine = done.get(t.id, {})
            counts[t.id] = sum(1 for k, h in sources[article.id].items() if mine.get(k) != h)
    return counts


def coverage(articles: list[Article]) -> list[dict]:
    """Per language: how many articles are published, in progress or missing there."""
    rows = []
    total = len(articles)
    for code in LOCALES:
        published = progress = outdated = 0
        for article in articles:
            t = article.translation(code)
            if t is None:
                continue
            if t.status == "published":
                published += 1
            else:
                progress += 1
            if t.outdated_since:
                outdated += 1
        rows.append(
            {
                "locale": code,
                "total": total,
                "published": published,
                "progress": progress,
                "missing": total - published - progress,
                "outdated": outdated,
            }
        )
    return rows
