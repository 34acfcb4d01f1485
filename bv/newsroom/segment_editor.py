"""The segment editor's enhancements: one segment saved as JSON, a segment drafted again, and
the translation previewed as readers would see it."""

from __future__ import annotations

from types import SimpleNamespace

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from bv.accounts.permissions import PermissionDenied, can
from bv.articles import service
from bv.articles.models import Tag
from bv.articles.slugs import byline_slug, tag_slugs
from bv.database import utcnow
from bv.extensions import db
from bv.newsroom import bp, loaders
from bv.translation import drafting, editing, inline, review, sync


def _refusal(status: int, message: str, **extra):
    return jsonify({"ok": False, "message": message, **extra}), status


def _segment_state(article, locale: str, key: str) -> dict:
    """What the page needs after a save: the segment as stored, its checks, the counters."""
    rows = review.rows_for(article, locale, with_matches=False)
    row = next(r for r in rows if r.source.key == key)
    done, total = review.progress_of(rows)
    translation = article.translation(locale)
    return {
        "key": key,
        "text": inline.chip_target(row.text, inline.to_chips(row.source.source_text)),
        "reviewed": row.reviewed,
        "token": editing.segment_token(row.target),
        "version": service.latest_revision_number(translation) if translation else 0,
        "problems": [{"message": str(p.message), "blocking": p.blocking} for p in row.problems],
        "done": done,
        "total": total,
    }


@bp.post("/articles/<int:article_id>/<locale>/segment")
@login_required
def save_segment(article_id: int, locale: str):
    """Save one segment (JSON in, JSON out); a segment changed meanwhile is never overwritten."""
    article, locale = loaders.translatable_or_403(article_id, locale)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _refusal(400, _("The request could not be read."))
    key, text, token = data.get("key"), data.get("text"), data.get("token")
    reviewed = data.get("reviewed", False)
    if not (isinstance(key, str) and isinstance(text, str) and isinstance(token, str)
            and isinstance(reviewed, bool)):
        return _refusal(400, _("The request could not be read."))
    source = next((s for s in sync.source_segments(article) if s.key == key), None)
    if source is None:
        return _refusal(404, _("This segment is no longer in the original. Reload the page."))
    translation = article.translation(locale)
    stored = sync.translated_segments(translation) if translation else {}
    chips = inline.to_chips(source.source_text)
    if editing.segment_token(stored.get(key)) != token:
        return _conflict(article, locale, key)
    texts, errors = editing.read_chips({key: text}, {key: chips}, stored)
    if errors:
        return _refusal(422, errors[key])
    try:
        review.save_review(
            article, locale, texts, {key} if reviewed else set(),
            user=current_user, expected_revision=None,
        )
        db.session.commit()
    except review.ReviewError as error:
        db.session.rollback()
        return _refusal(422, str(error.message))
    except PermissionDenied:
        db.session.rollback()
        return _refusal(403, _("You may not change this translation."))
    except (service.EditConflict, StaleDataError):
        db.session.rollback()
        return _conflict(loaders.article_or_404(article_id), locale, key)
    return jsonify({"ok": True, "message": _("Saved."), **_segment_state(article, locale, key)})


def _conflict(article, locale: str, key: str):
    return _refusal(
        409,
        _("Someone else changed this segment since you opened it. Your text is still in the "
          "box; the saved version is shown below it. Copy what you need, then save again."),
        **_segment_state(article, locale, key),
    )


@bp.post("/articles/<int:article_id>/<locale>/redraft")
@login_required
def redraft_segment(article_id: int, locale: str):
    """Machine-draft one segment again (one that a draft could not translate)."""
    article, locale = loaders.translatable_or_403(article_id, locale)
    if not can(current_user, "machine_translate", article, locale=locale):
        abort(403)
    key = request.form.get("key", "")
    if key not in {s.key for s in sync.source_segments(article)}:
        flash(_("This segment is no longer in the original. Reload the page."), "error")
        return redirect(url_for("newsroom.translate", article_id=article.id, locale=locale))
    job = drafting.queue_draft(article, locale, user=current_user, keys=[key])
    db.session.commit()
    return redirect(url_for("newsroom.job", job_id=job.id))


def _working_copy(translation):
    """The version's saved text in the shape the reader's template expects (its live copy)."""
    return SimpleNamespace(
        article=translation.article,
        article_id=translation.article_id,
        locale=translation.locale,
        slug=translation.slug,
        live_headline=translation.headline,
        live_lede=translation.lede,
        live_body_html=translation.body_html,
        live_image_alt=translation.image_alt,
        live_image_caption=translation.image_caption,
        live_is_outdated=False,
        published_at=translation.published_at or utcnow(),
        reading_minutes=max(1, round((translation.word_count or 0) / 200)),
    )


@bp.get("/articles/<int:article_id>/<locale>/preview")
@login_required
def preview_translation(article_id: int, locale: str):
    """The translation as a reader would see it, from its saved (not yet live) text."""
    article, locale = loaders.translatable_or_403(article_id, locale)
    translation = article.translation(locale)
    if translation is None:
        abort(404)
    # the reader's page speaks the article's language
    g.lang_code = locale
    g.categories = []
    g.settings = {}
    versions = {t.locale: t for t in article.translations if t.is_published and t.locale != locale}
    response = render_template(
        "newsroom/preview.html",
        translation=_working_copy(translation),
        article=article,
        versions=versions,
        related=[],
        tags=article.tags,
        tag_slugs=tag_slugs(db.session.scalars(select(Tag).order_by(Tag.id)), locale),
        author_slug=byline_slug(article.byline) if article.byline else None,
        canonical=None,
        switch_target={},
        show_outdated_notice=False,
        editor_url=url_for("newsroom.translate", article_id=article.id, locale=locale),
    )
    return response, 200, {
        "X-Robots-Tag": "noindex, nofollow",
        "Cache-Control": "private, no-store",
    }
