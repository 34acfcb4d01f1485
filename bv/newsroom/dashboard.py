"""The translation dashboard, and giving a version to a translator."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from babel.numbers import format_currency
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from bv.accounts.models import User
from bv.accounts.permissions import PermissionDenied, can
from bv.articles.models import Article, ArticleTranslation, Category
from bv.errors import MAX_ID, bounded_int
from bv.extensions import db
from bv.i18n import LANGUAGE_NAMES, LOCALES
from bv.newsroom import bp, require
from bv.newsroom.forms import AssignmentForm
from bv.translation import assignments, costs, queues, routing
from bv.translation.models import TranslatedSegment

CELL_STATES = ("missing", "draft", "in_review", "approved", "published", "unpublished")
QUALITY_SAMPLE = 5000

ASSIGNMENT_MESSAGES = {
    "source_language": lambda: _("The original language needs no translation."),
    "not_a_translator_into": lambda: _("That person does not translate into this language."),
    "due_in_past": lambda: _("Choose a due date from today on."),
    "due_too_far": lambda: _("Choose a due date within the next two years."),
    "nothing_to_do": lambda: _(
        "This version is approved or published and up to date: there is nothing to assign."
    ),
    "not_assigned": lambda: _("This version is not assigned to anyone."),
    "impossible": lambda: _("That assignment is not possible."),
}


def machine_quality() -> list[dict]:
    """Per provider and pair: how much reviewers changed machine drafts (edit similarity)."""
    from rapidfuzz.distance import Levenshtein  # not loaded by reading workers

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


def month_name(key: str) -> str:
    """"2026-12" as the reader's month and year."""
    year, month = (int(x) for x in key.split("-"))
    return format_date(date(year, month, 1), "LLLL y")


def route_name(label: str | None) -> str:
    """"google:sq>en>mk" as "google: sq → en → mk"."""
    if not label:
        return ""
    provider, _sep, path = label.partition(":")
    return f"{provider}: {' → '.join(path.split('>'))}"


def machine_costs() -> dict:
    """What the dashboard shows of machine-translation spending."""
    config = current_app.config
    currency = str(config.get("MT_CURRENCY") or "EUR")
    return {
        "months": costs.by_month(config),
        "articles": costs.by_article(config),
        # a draft by a language model costs fractions of a cent: show them, not 0.00
        "money": lambda amount: format_currency(amount.normalize(), currency, locale=get_locale(),
                                                decimal_quantization=False),
    }


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
        stale=queues.stale_counts(shown),
        coverage=queues.coverage(articles),
        queues=queues.translator_queues()
        if can(current_user, "view_translator_queues")
        else [],
        quality=machine_quality(),
        spending=machine_costs(),
        routes=routing.all_choices(current_app.config),
        month_name=month_name,
        route_name=route_name,
        categories=db.session.scalars(select(Category).order_by(Category.position)).all(),
        filters={"lang": lang, "state": state, "category": category, "outdated": outdated_only},
        CELL_STATES=CELL_STATES,
    )


@bp.app_template_global()
def assignment_rows(article: Article) -> list[dict]:
    """For the article page: each target language's open assignment and who may take it."""
    current = queues.assignments_by_locale(article)
    people = queues.translators()
    return [
        {
            "locale": code,
            "assignment": current.get(code),
            "translators": [u for u in people if can(u, "take_assignment", None, locale=code)],
        }
        for code in LOCALES
        if code != article.source_locale
    ]


@bp.post("/articles/<int:article_id>/<locale>/assignment")
@require("assign_translation")
def assign_translation(article_id: int, locale: str):
    """Give a version to a translator with an optional due date, or end its assignment."""
    article = db.session.scalar(
        select(Article).where(Article.id == article_id).options(selectinload(Article.translations))
    )
    if article is None or locale not in LOCALES:
        abort(404)
    if not can(current_user, "assign_translation", article):
        abort(403)
    back = redirect(url_for("newsroom.article", article_id=article.id, _anchor="assignments"))
    form = AssignmentForm()
    if not form.validate_on_submit():
        if form.translator.errors:
            abort(404)
        flash(_("Enter the due date as a date, for example 2027-03-14."), "error")
        return back
    try:
        if form.clear.data:
            assignments.clear(article, locale, user=current_user)
            message = _("The assignment was ended.")
        else:
            if form.translator.data is None:
                flash(_("Choose a translator."), "error")
                return back
            assignee = (
                db.session.get(User, form.translator.data)
                if 1 <= form.translator.data <= MAX_ID
                else None
            )
            if assignee is None:
                abort(404)
            assignments.assign(
                article, locale, assignee, user=current_user, due_on=form.due_on.data
            )
            message = _(
                "The %(language)s translation is assigned to %(name)s.",
                language=LANGUAGE_NAMES[locale],
                name=assignee.display_name,
            )
        db.session.commit()
    except assignments.AssignmentError as error:
        db.session.rollback()
        flash(ASSIGNMENT_MESSAGES.get(error.code, ASSIGNMENT_MESSAGES["impossible"])(), "error")
    except IntegrityError:
        # another editor assigned the same version at the same moment
        db.session.rollback()
        flash(_("Someone else changed this assignment at the same moment. Please try again."), "error")
    except PermissionDenied:
        db.session.rollback()
        abort(403)
    else:
        flash(message, "success")
    return back
