"""Writing and publishing: articles, language versions, history, status changes."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields.choices import SelectChoice

from bv.accounts.permissions import PermissionDenied, can
from bv.articles import service, workflow
from bv.articles.diffing import word_diff
from bv.articles.fields import FIELD_NAMES
from bv.articles.fields import max_length as field_max_length
from bv.articles.models import Article, ArticleTranslation, Category, Image
from bv.articles.rendering import render_body, unshown_pictures
from bv.errors import bounded_int
from bv.extensions import db
from bv.i18n import LOCALES
from bv.media import ImageRejected, max_image_bytes, picture_snippet, store_image
from bv.newsroom import bp, loaders, require
from bv.newsroom.forms import (
    ArticleForm,
    OverrideForm,
    PictureForm,
    ScheduleForm,
    TranslationForm,
)
from bv.translation import editing, review

ARTICLES_PER_PAGE = 50

TRANSITION_MESSAGES = {
    "not_from_status": lambda: _("That change is not possible from the current status."),
    "schedule_in_past": lambda: _("Choose a publication time in the future."),
    "schedule_too_far": lambda: _("Choose a publication time within the next two years."),
    "approval_blocked": lambda: _("This translation cannot be approved yet."),
    "unknown_action": lambda: _("Unknown action."),
}


def _category_choices():
    rows = db.session.scalars(select(Category).order_by(Category.position)).all()
    lang = current_user.ui_locale
    choices = [SelectChoice(0, "—")]
    for category in rows:
        name = category.name_in(lang) or category.name_in("en")
        choices.append(SelectChoice(category.id, name.name if name else category.key))
    return choices


def _form_values(form) -> dict:
    return {f: getattr(form, f).data or "" for f in service.TEXT_FIELDS}


@bp.get("/articles")
@login_required
def articles():
    """Every article with the status of each language."""
    pagination = db.paginate(
        select(Article)
        .options(selectinload(Article.translations))
        .order_by(Article.updated_at.desc(), Article.id.desc()),
        page=request.args.get("page", 1, type=bounded_int),
        per_page=ARTICLES_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "newsroom/articles.html", articles=pagination.items, pagination=pagination
    )


@bp.route("/articles/new", methods=["GET", "POST"])
@require("create_article")
def new_article():
    """Write a new article in any of the three languages."""
    form = ArticleForm()
    form.category.choices = _category_choices()
    if request.method == "GET":
        form.source_locale.data = current_user.ui_locale
        form.byline.data = current_user.display_name
    valid = form.validate_on_submit()
    image = _chosen_image(form)
    _add_body_picture(form)
    if valid and not _previewing() and not form.image.errors and not _picture_refused(form):
        article = service.create_article(source_locale=form.source_locale.data, author=current_user)
        service.update_shared_fields(
            article,
            user=current_user,
            category=loaders.category_or_none(form.category.data),
            byline=form.byline.data,
            tags_text=form.tags.data,
            lead_image=image,
        )
        service.save_translation(
            article,
            form.source_locale.data,
            _form_values(form),
            user=current_user,
            note=form.note.data,
            )
        db.session.commit()
        flash(_("The article was saved as a draft."), "success")
        _flash_unshown_pictures(form.body.data)
        return redirect(url_for("newsroom.article", article_id=article.id))
    return _editor_page(form, image=image)


def _previewing() -> bool:
    """The editor asked for a preview: render, keep everything, save nothing."""
    return request.method == "POST" and request.form.get("action") == "preview"


def _chosen_image(form) -> Image | None:
    """The lead image this form carries: a file chosen now, or one kept from an earlier round.

    A new file is stored (and committed) at once, and its id goes into the form's hidden
    `kept_image`, so a preview, a refused field or an edit conflict never loses it: a browser
    cannot refill a file input. A refused file leaves an error on the image field.
    """
    if not hasattr(form, "kept_image") or request.method != "POST" or "csrf_token" in form.errors:
        return None
    image = _stored_upload(form.image)
    if image is not None:
        form.kept_image.data = str(image.id)
        return image
    if not form.kept_image.data:
        return None
    image = loaders.image_or_none(form.kept_image.data)
    if image is None:
        form.kept_image.data = ""
        form.image.errors.append(_("The image chosen earlier is no longer available. Choose it again."))
    return image


def _stored_upload(field):
    """Store the file of an upload field at once; the Image, or None (with an error on the
    field when the file was refused). Stored and committed before the form is judged, so a
    preview, a refused field or a conflict keeps it: a browser cannot refill a file input."""
    upload = field.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    try:
        # one byte past the limit is enough to know it is too large
        data = upload.read(max_image_bytes() + 1)
    finally:
        upload.close()
    try:
        image = store_image(data)
    except ImageRejected as error:
        field.errors.append(str(error.message))
        return None
    # an upload on its own, attached to nothing until the article is saved
    db.session.commit()
    return image


def _store_picture(form) -> str | None:
    """Store the form's picture for the text; its Markdown, or None (an error on the field)."""
    image = _stored_upload(form.picture)
    if image is None:
        return None
    return picture_snippet(
        image, alt=form.picture_alt.data or "", caption=form.picture_caption.data or ""
    )


def _add_body_picture(form) -> None:
    """A picture chosen without JavaScript: stored, and its Markdown added to the body's end.

    The body in the form then carries the picture, so a preview, a refused field or a conflict
    keeps it (a browser cannot refill a file input).
    """
    if request.method != "POST" or "csrf_token" in form.errors:
        return
    if form.picture_alt.errors or form.picture_caption.errors:
        # the description or caption was refused: keep the file unstored until they are fixed
        form.picture.errors.append(_("Correct the picture's description or caption."))
        return
    snippet = _store_picture(form)
    if snippet is None:
        return
    body = (form.body.data or "").rstrip()
    form.body.data = f"{body}\n\n{snippet}\n" if body else f"{snippet}\n"
    form.picture_alt.data = form.picture_caption.data = ""
    if len(form.body.data) > field_max_length("body"):
        form.body.errors.append(_("The picture does not fit: the text is too long."))


def _picture_refused(form) -> bool:
    # the picture was refused, or it made the body too long after validation
    return bool(form.picture.errors or form.body.errors)


def _flash_unshown_pictures(body: str) -> None:
    """Say which pictures readers will not see instead of dropping them silently."""
    count = unshown_pictures(body)
    if count:
        flash(
            ngettext(
                "%(num)d picture in the text is not shown to readers: only pictures uploaded "
                "here, each in a paragraph of its own, appear in articles.",
                "%(num)d pictures in the text are not shown to readers: only pictures uploaded "
                "here, each in a paragraph of its own, appear in articles.",
                count,
            ),
            "info",
        )


def _image_refused(form) -> bool:
    return bool(getattr(form, "image", None) and form.image.errors)


def _editor_page(form, *, image, article=None, locale=None, translation=None, source=None):
    """The editor again: after a preview (200) or a refused save (422), with what was typed."""
    previewing = _previewing()
    status = 422 if request.method == "POST" and not previewing else 200
    return (
        render_template(
            "newsroom/edit.html",
            form=form,
            article=article,
            locale=locale,
            translation=translation,
            preview=render_body(form.body.data) if previewing else None,
            kept=image,
            source=source,
        ),
        status,
    )


@bp.get("/articles/<int:article_id>")
@login_required
def article(article_id: int):
    """The language × status matrix, with who changed each and when."""
    article = loaders.article_or_404(article_id)
    rows = []
    for code in LOCALES:
        translation = article.translation(code)
        rows.append(
            {
                "locale": code,
                "translation": translation,
                "actions": workflow.available_actions(translation, current_user)
                if translation
                else [],
                "can_edit": loaders.may_write(current_user, article, code),
            }
        )
        # what keeps a translation from approval, segment by segment, for links to them
        if translation and code != article.source_locale and "approve" in rows[-1]["actions"]:
            rows[-1]["gate"] = editing.gate_keys(review.rows_for(article, code, with_matches=False))
    return render_template(
        "newsroom/article.html",
        article=article,
        rows=rows,
        schedule_form=ScheduleForm(),
        override_form=OverrideForm(),
    )


@bp.route("/articles/<int:article_id>/<locale>/edit", methods=["GET", "POST"])
@login_required
def edit(article_id: int, locale: str):
    """Edit one language version (and, for the source, the article's shared fields)."""
    article, locale = loaders.writable_or_403(article_id, locale)
    translation = article.translation(locale)
    is_source = locale == article.source_locale
    shared = is_source and can(current_user, "edit_shared_fields", article)
    form_class = ArticleForm if shared else TranslationForm
    form = form_class(obj=translation if request.method == "GET" else None)
    if shared:
        form.category.choices = _category_choices()
        del form.source_locale
        if request.method == "GET":
            form.category.data = article.category_id or 0
            form.byline.data = article.byline
            form.tags.data = ", ".join(t.name_in(locale) for t in article.tags)
    if request.method == "GET":
        form.version.data = str(service.latest_revision_number(translation) if translation else 0)
        form.slug.data = ""
    valid = form.validate_on_submit()
    image = _chosen_image(form)
    if is_source:
        _add_body_picture(form)
    if valid and not _previewing() and not _image_refused(form) and not _picture_refused(form):
        try:
            expected = int(form.version.data or 0)
        except ValueError:
            expected = -1
        try:
            service.save_translation(
                article,
                locale,
                _form_values(form),
                user=current_user,
                expected_revision=expected if translation else None,
                minor=bool(form.minor.data) and is_source,
                note=form.note.data,
                slug=form.slug.data or None,
                )
            if shared:
                service.update_shared_fields(
                    article,
                    user=current_user,
                    category=loaders.category_or_none(form.category.data),
                    byline=form.byline.data,
                    tags_text=form.tags.data,
                    lead_image=image,
                )
            db.session.commit()
        except (service.EditConflict, StaleDataError):
            db.session.rollback()
            return _conflict(article, locale, form, image)
        except PermissionDenied:
            db.session.rollback()
            abort(403)
        else:
            flash(_("Saved."), "success")
            saved = article.translation(locale)
            if flash_held_back(saved):
                pass
            elif saved is not None and saved.has_pending_changes:
                flash(
                    _("Readers still see the published text until an editor publishes "
                      "your changes."),
                    "info",
                )
            _flash_unshown_pictures(form.body.data)
            return redirect(url_for("newsroom.article", article_id=article.id))
    return _editor_page(
        form,
        image=image,
        article=article,
        locale=locale,
        translation=translation,
        source=article.source if not is_source else None,
    )


def _conflict(article: Article, locale: str, form, image):
    """Someone saved first: show both versions and keep this person's text and image."""
    current = db.session.scalar(
        select(ArticleTranslation).where(
            ArticleTranslation.article_id == article.id, ArticleTranslation.locale == locale
        )
    )
    latest = current.revisions[-1] if current.revisions else None
    mine = _form_values(form)
    theirs = {f: getattr(current, f) for f in service.TEXT_FIELDS}
    diffs = {f: word_diff(theirs[f], mine[f]) for f in service.TEXT_FIELDS}
    form.version.data = str(service.latest_revision_number(current))
    return (
        render_template(
            "newsroom/conflict.html",
            article=article,
            locale=locale,
            form=form,
            theirs=theirs,
            mine=mine,
            diffs=diffs,
            latest=latest,
            kept=image,
        ),
        409,
    )


@bp.post("/articles/<int:article_id>/<locale>/<action>")
@login_required
def change_status(article_id: int, locale: str, action: str):
    """Submit, approve, return, publish, unpublish, schedule or unschedule a version."""
    article, translation = loaders.version_or_404(article_id, locale)
    if action not in workflow.TRANSITIONS:
        abort(404)
    if not can(current_user, action, translation):
        abort(403)
    when = None
    reason = None
    if action == "schedule":
        form = ScheduleForm()
        if not form.validate_on_submit():
            flash(_("Choose a valid date and time."), "error")
            return redirect(url_for("newsroom.article", article_id=article.id))
        zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        when = form.when.data.replace(tzinfo=zone)
        try:
            moved = when.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        except OverflowError:
            # year 1 or 9999 shifted by the zone's offset leaves the calendar
            flash(TRANSITION_MESSAGES[
                "schedule_in_past" if when.year < 2 else "schedule_too_far"
            ](), "error")
            return redirect(url_for("newsroom.article", article_id=article.id))
        # the hour skipped when clocks go forward does not exist; never shift it silently
        if moved != form.when.data:
            flash(_("That time does not exist on this date because the clocks change."), "error")
            return redirect(url_for("newsroom.article", article_id=article.id))
    if action in ("approve", "publish") and request.form.get("reason"):
        form = OverrideForm()
        if form.validate_on_submit():
            reason = form.reason.data
    try:
        workflow.transition(
            translation, action, user=current_user, when=when, override_reason=reason
        )
        db.session.commit()
    except workflow.TransitionError as error:
        db.session.rollback()
        message = TRANSITION_MESSAGES.get(error.code, TRANSITION_MESSAGES["unknown_action"])()
        flash(message, "error")
        for problem in error.params.get("problems", []):
            flash(str(problem), "error")
    except PermissionDenied:
        db.session.rollback()
        abort(403)
    except StaleDataError:
        db.session.rollback()
        flash(_("Someone else changed this version at the same moment. Please try again."), "error")
    else:
        flash(_("Status updated."), "success")
    return redirect(url_for("newsroom.article", article_id=article.id))


@bp.get("/articles/<int:article_id>/<locale>/history")
@login_required
def history(article_id: int, locale: str):
    """Every revision of a version; pick two to compare."""
    article, translation = loaders.version_or_404(article_id, locale)
    revisions = list(reversed(translation.revisions))
    a = request.args.get("a", type=bounded_int)
    b = request.args.get("b", type=bounded_int)
    comparison = None
    if a and b:
        by_number = {r.number: r for r in translation.revisions}
        if a not in by_number or b not in by_number:
            abort(404)
        old, new = by_number[min(a, b)], by_number[max(a, b)]
        comparison = {
            "old": old,
            "new": new,
            "fields": {
                f: word_diff(getattr(old, f), getattr(new, f))
                for f in FIELD_NAMES
            },
        }
    return render_template(
        "newsroom/history.html",
        article=article,
        translation=translation,
        revisions=revisions,
        comparison=comparison,
        can_restore=can(current_user, "edit", translation),
    )


@bp.post("/revisions/<int:revision_id>/restore")
@login_required
def restore(revision_id: int):
    """Restore an old revision as a new one."""
    revision = loaders.revision_or_404(revision_id)
    if not can(current_user, "edit", revision.translation):
        abort(403)
    service.restore_revision(revision, user=current_user)
    db.session.commit()
    flash(_("Revision %(number)s was restored as a new revision.", number=revision.number), "success")
    return redirect(
        url_for(
            "newsroom.history",
            article_id=revision.translation.article_id,
            locale=revision.translation.locale,
        )
    )


@bp.post("/pictures")
@require("create_article")
def upload_picture():
    """"Insert picture": store an image and answer with the Markdown to put in the body."""
    form = PictureForm()
    if not form.validate_on_submit():
        errors = [e for f in form for e in f.errors] or [_("The form has expired. Try again.")]
        return {"error": " ".join(str(e) for e in errors)}, 400
    if not form.picture.data or not getattr(form.picture.data, "filename", ""):
        return {"error": _("Choose a picture first.")}, 400
    snippet = _store_picture(form)
    if snippet is None:
        return {"error": " ".join(form.picture.errors)}, 422
    return {"markdown": snippet, "html": render_body(snippet)}


@bp.post("/preview")
@login_required
def preview():
    """Live preview for the body editor: the same renderer and sanitizer as saving."""
    return {"html": render_body(request.form.get("body", "")[:60_000])}


def flash_held_back(translation) -> bool:
    """Say why a save of a published version did not reach readers; True when it did not."""
    problems = getattr(translation, "held_back", None)
    if not problems:
        return False
    flash(
        _("Your changes were saved, but readers still see the published text: the changes "
          "have problems that must not go online unreviewed. Fix them, or publish the changes "
          "from the article page with a reason."),
        "error",
    )
    for problem in problems:
        flash(str(problem), "error")
    return True
