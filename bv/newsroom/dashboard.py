"""The translation dashboard: articles × languages, coverage, translators' queues, MT quality."""

from __future__ import annotations

from collections import defaultdict

from flask import render_template, request
from flask_login import current_user, login_required
from rapidfuzz.distance import Levenshtein
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bv.accounts.models import User
from bv.articles.models import Article, ArticleTranslation, Category
from bv.errors import bounded_int
from bv.extensions import db
from bv.i18n import LOCALES
from bv.newsroom import bp
from bv.translation.models import Segment, TranslatedSegment

CELL_STATES = ("missing", "draft", "in_review", "approved", "published", "unpublished")
QUALITY_SAMPLE = 5000


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


def translator_queues() -> list[dict]:
    """Each translator's open work: missing, draft or outdated versions in their languages."""
    translators = db.session.scalars(
        select(User).where(User.role == "translator", User.active.is_(True)).order_by(User.display_name)
    ).all()
    articles = db.session.scalars(
        select(Article).options(selectinload(Article.translations)).order_by(Article.id.desc()).limit(500)
    ).all()
    queues = []
    for user in translators:
        items = []
        for article in articles:
            for code in user.language_list:
                if code == article.source_locale:
                    continue
                t = article.translation(code)
                if t is None or t.status in ("draft", "in_review") or t.outdated_since:
                    items.append((article, code, t))
        queues.append({"user": user, "entries": items[:50], "count": len(items)})
    return queues


def machine_quality() -> list[dict]:
    """Per provider and pair: how much reviewers changed machine drafts (edit similarity)."""
    rows = db.session.execute(
        select(
            TranslatedSegment.provider,
            TranslatedSegment.machine_text,
            TranslatedSegment.target_text,
            Article.source_locale,
            ArticleTranslation.locale,
        )
        .join(ArticleTranslation, ArticleTranslation.id == TranslatedSegment.translation_id)
        .join(Article, Article.id == ArticleTranslation.article_id)
        .where(TranslatedSegment.machine_text.is_not(None), TranslatedSegment.reviewed.is_(True))
        .order_by(TranslatedSegment.updated_at.desc())
        .limit(QUALITY_SAMPLE)
    ).all()
    groups: dict[tuple, list[float]] = defaultdict(list)
    for provider, machine, final, source, target in rows:
        groups[(provider or "?", source, target)].append(
            Levenshtein.normalized_similarity(machine or "", final or "")
        )
    result = []
    for (provider, source, target), scores in sorted(groups.items()):
        unchanged = sum(1 for s in scores if s >= 0.999)
        result.append(
            {
                "provider": provider,
                "source": source,
                "target": target,
                "segments": len(scores),
                "similarity": round(100 * sum(scores) / len(scores)),
                "unchanged": round(100 * unchanged / len(scores)),
            }
        )
    return result


@bp.get("/dashboard")
@login_required
def dashboard():
    """Which translations are missing, in progress, ready or out of date."""
    lang = request.args.get("lang", "")
    state = request.args.get("state", "")
    category = request.args.get("category", type=bounded_int)
    outdated_only = bool(request.args.get("outdated"))
    stmt = select(Article).options(selectinload(Article.translations)).order_by(Article.updated_at.desc())
    if category:
        stmt = stmt.where(Article.category_id == category)
    articles = db.session.scalars(stmt.limit(500)).all()

    def keep(article: Article) -> bool:
        codes = [lang] if lang in LOCALES else list(LOCALES)
        for code in codes:
            t = article.translation(code)
            cell = t.status if t else "missing"
            if state and cell != state:
                continue
            if outdated_only and not (t and t.outdated_since):
                continue
            return True
        return False

    shown = [a for a in articles if keep(a)] if (lang or state or outdated_only) else articles
    return render_template(
        "newsroom/dashboard.html",
        articles=shown,
        stale=stale_counts(shown),
        coverage=coverage(articles),
        queues=translator_queues() if current_user.role in ("admin", "editor", "translator") else [],
        quality=machine_quality(),
        categories=db.session.scalars(select(Category).order_by(Category.position)).all(),
        filters={"lang": lang, "state": state, "category": category, "outdated": outdated_only},
        CELL_STATES=CELL_STATES,
    )
