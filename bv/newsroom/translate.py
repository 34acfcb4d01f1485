"""Translating: the segment editor, machine drafts and their jobs, XLIFF/PO files, glossary."""

from __future__ import annotations

import re

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from bv.accounts.permissions import can
from bv.articles import service
from bv.articles.models import Article
from bv.errors import MAX_ID, bounded_int
from bv.extensions import db
from bv.jobs.models import Job
from bv.navigation import go_back
from bv.newsroom import JOB_STATUS_LABELS, bp, loaders, require
from bv.newsroom.articles import flash_held_back
from bv.newsroom.forms import GlossaryTermForm
from bv.translation import drafting, editing, files, inline, review, sync
from bv.translation import glossary as glossary_service
from bv.translation.exchange import ExchangeError
from bv.translation.models import GlossaryTerm
from bv.translation.mt import provider_choices

MAX_IMPORT_BYTES = 5 * 1024 * 1024


@bp.route("/articles/<int:article_id>/<locale>/translate", methods=["GET", "POST"])
@login_required
def translate(article_id: int, locale: str):
    """Side-by-side review, one row per segment; markup shows as chips (`[1]…[/1]`)."""
    article, locale = loaders.translatable_or_403(article_id, locale)
    if article.source is None:
        abort(404)
    show = request.args.get("show", "all")
    if show not in editing.FILTERS:
        show = "all"
    translation = article.translation(locale)
    sources = sync.source_segments(article)
    chips = editing.chips_for(sources)
    status = 200
    submitted = None
    typed = None
    ticked = None
    conflict = None
    error_keys: list[str] = []
    chip_errors: dict[str, str] = {}
    if request.method == "POST":
        keys = [s.key for s in sources]
        # a segment missing from the form stays as it is; only what was sent changes
        typed = {k: request.form[f"t-{k}"] for k in keys if f"t-{k}" in request.form}
        ticked = {k for k in keys if request.form.get(f"r-{k}")}
        stored = sync.translated_segments(translation) if translation else {}
        submitted, chip_errors = editing.read_chips(typed, chips, stored)
        try:
            expected = int(request.form.get("version", "-1"))
        except ValueError:
            expected = -1
        try:
            if chip_errors:
                raise review.ReviewError(
                    ngettext(
                        "%(num)s segment has broken tags; it is marked below. Nothing was saved.",
                        "%(num)s segments have broken tags; they are marked below. Nothing was "
                        "saved.",
                        len(chip_errors),
                    ),
                    list(chip_errors),
                )
            review.save_review(
                article,
                locale,
                submitted,
                ticked,
                user=current_user,
                expected_revision=expected if translation else None,
            )
            db.session.commit()
        except review.ReviewError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            error_keys = error.keys
            status = 422
        except (service.EditConflict, StaleDataError):
            db.session.rollback()
            article = loaders.article_or_404(article_id)
            conflict = {
                key: inline.chip_target(row.target_text, chips[key])
                for key, row in sync.translated_segments(article.translation(locale)).items()
                if key in chips
            }
            flash(
                _("Someone else saved this translation while you were working. Your text is kept below; segments that differ show the saved version."),
                "error",
            )
            status = 409
        else:
            flash(_("Translation saved."), "success")
            flash_held_back(article.translation(locale))
            return redirect(url_for("newsroom.translate", article_id=article.id, locale=locale,
                                    show=None if show == "all" else show))
    # a refused form shows what was typed (chips included), never the stored text
    rows = review.rows_for(
        article, locale, submitted={**(submitted or {}), **{k: typed[k] for k in chip_errors}},
        ticked=ticked,
    )
    done, total = review.progress_of(rows)
    translation = article.translation(locale)
    failures = editing.draft_failures(article, locale)
    visible = editing.shown(rows, show, failures)
    return (
        render_template(
            "newsroom/translate.html",
            article=article,
            locale=locale,
            translation=translation,
            rows=visible,
            all_rows=rows,
            done=done,
            total=total,
            show=show,
            FILTERS=editing.FILTERS,
            chips=chips,
            split_chips=inline.split,
            chip_target=inline.chip_target,
            display=editing.display_texts(visible, chips, typed if status != 200 else None),
            tokens={r.source.key: editing.segment_token(r.target) for r in visible},
            needs_work={r.source.key for r in visible if editing.needs_work(r, failures)},
            failures=failures,
            chip_errors=chip_errors,
            error_keys=error_keys,
            gate=editing.gate_keys(rows) if translation else None,
            may_draft=can(current_user, "machine_translate", article, locale=locale),
            version=service.latest_revision_number(translation) if translation else 0,
            conflict=conflict,
            body_mismatch=(
                review.BODY_MISMATCH if translation and sync.body_mismatch(translation) else None
            ),
            providers=provider_choices(current_app.config, article.source_locale, locale),
            KIND_LABELS=review.KIND_LABELS,
        ),
        status,
    )


@bp.post("/articles/<int:article_id>/<locale>/machine-draft")
@login_required
def machine_draft(article_id: int, locale: str):
    """Queue a machine draft of the segments that need one."""
    article, locale = loaders.translatable_or_403(article_id, locale)
    if not can(current_user, "machine_translate", article, locale=locale):
        abort(403)
    provider = request.form.get("provider") or None
    if provider is not None:
        choice = next(
            (c for c in provider_choices(current_app.config, article.source_locale, locale)
             if c.name == provider),
            None,
        )
        if choice is None:
            abort(400)
        if not choice.usable:
            flash(str(choice.problem), "error")
            return redirect(url_for("newsroom.translate", article_id=article.id, locale=locale))
    job = drafting.queue_draft(article, locale, user=current_user, provider=provider)
    db.session.commit()
    return redirect(url_for("newsroom.job", job_id=job.id))


@bp.post("/machine-draft-missing")
@require("machine_draft_missing")
def machine_draft_missing():
    """Machine-translate into every missing language, for one article or many."""
    # str.isdigit() accepts "²", which int() refuses: ASCII digits only, and few enough of
    # them that int() does not refuse a 5,000-digit number with a ValueError
    ids = [
        int(v)
        for v in request.form.getlist("article")
        if re.fullmatch(r"\d{1,10}", v, re.ASCII) and int(v) <= MAX_ID
    ][:200]
    if not ids:
        flash(_("Choose at least one article."), "error")
        return go_back(url_for("newsroom.dashboard"))
    queued = []
    for article in db.session.scalars(select(Article).where(Article.id.in_(ids))):
        for locale in drafting.missing_locales(article):
            queued.append(drafting.queue_draft(article, locale, user=current_user))
    db.session.commit()
    flash(ngettext("%(num)s machine draft queued.", "%(num)s machine drafts queued.", len(queued)), "success")
    if not queued and len(ids) == 1:
        return redirect(url_for("newsroom.article", article_id=ids[0]))
    # the jobs page follows these drafts with one progress bar
    return redirect(url_for("newsroom.jobs", batch=",".join(str(j.id) for j in queued) or None))


@bp.get("/jobs")
@login_required
def jobs():
    """Recent background jobs; `?batch=1,2,3` follows the drafts one action queued."""
    stmt = select(Job).order_by(Job.created_at.desc()).limit(100)
    if not can(current_user, "view_all_jobs"):
        stmt = stmt.where(Job.user_id == current_user.id)
    batch = [
        int(v) for v in request.args.get("batch", "").split(",")[:200]
        if re.fullmatch(r"\d{1,10}", v, re.ASCII) and int(v) <= MAX_ID
    ]
    if batch:
        stmt = stmt.where(Job.id.in_(batch))
    shown = list(db.session.scalars(stmt))
    for job in shown:
        drafting.expire_if_stale(job)
    articles = {
        a.id: a for a in db.session.scalars(
            select(Article).where(Article.id.in_({j.article_id for j in shown if j.article_id}))
        )
    }
    return render_template(
        "newsroom/jobs.html",
        jobs=shown,
        articles=articles,
        batch=bool(batch),
        batch_progress=sum(j.progress for j in shown),
        batch_total=sum(j.total or 0 for j in shown),
        batch_active=any(j.status in drafting.ACTIVE for j in shown),
    )


@bp.get("/jobs/<int:job_id>")
@login_required
def job(job_id: int):
    """A job's progress; the page refreshes itself without JavaScript while it runs."""
    job = loaders.job_or_404(job_id)
    drafting.expire_if_stale(job)
    article = db.session.get(Article, job.article_id) if job.article_id else None
    return render_template("newsroom/job.html", job=job, article=article)


@bp.get("/jobs/<int:job_id>/status")
@login_required
def job_status(job_id: int):
    """Progress as JSON for the progress bar."""
    job = loaders.job_or_404(job_id)
    drafting.expire_if_stale(job)
    return {
        "status": job.status,
        "label": str(JOB_STATUS_LABELS.get(job.status, job.status)),
        "progress": job.progress,
        "total": job.total,
        "error": job.error,
        "result": job.result,
    }


@bp.post("/jobs/<int:job_id>/cancel")
@login_required
def cancel_job(job_id: int):
    """Ask a running job to stop before its next request; it then changes nothing."""
    job = loaders.job_or_404(job_id)
    if drafting.request_cancel(job, user=current_user):
        db.session.commit()
        flash(_("The job will stop before its next request."), "info")
    return redirect(url_for("newsroom.job", job_id=job.id))


@bp.get("/articles/<int:article_id>/<locale>/export.<fmt>")
@login_required
def export_file(article_id: int, locale: str, fmt: str):
    """Download the translation as XLIFF 1.2 or PO, or the zipped translation kit."""
    if fmt not in files.FORMATS:
        abort(404)
    article, locale = loaders.translatable_or_403(article_id, locale)
    data, name, mimetype = files.export(article, locale, fmt)
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/articles/<int:article_id>/<locale>/import")
@login_required
def import_file(article_id: int, locale: str):
    """Upload an XLIFF or PO file; every mismatch is reported and a blocking one changes nothing."""
    article, locale = loaders.translatable_or_403(article_id, locale)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a file to import."), "error")
        return redirect(url_for("newsroom.translate", article_id=article.id, locale=locale))
    try:
        data = upload.read(MAX_IMPORT_BYTES + 1)
    finally:
        upload.close()
    if len(data) > MAX_IMPORT_BYTES:
        flash(_("The file is larger than 5 MB."), "error")
        return redirect(url_for("newsroom.translate", article_id=article.id, locale=locale))
    try:
        report = files.import_file(article, locale, data, upload.filename, user=current_user)
        if not report.blocked:
            db.session.commit()
    except ExchangeError as error:
        db.session.rollback()
        return render_template(
            "newsroom/import_report.html", article=article, locale=locale, error=error, report=None
        ), 422
    except (service.EditConflict, StaleDataError):
        db.session.rollback()
        flash(_("The translation changed while the file was being imported. Nothing was imported."), "error")
        return redirect(url_for("newsroom.translate", article_id=article.id, locale=locale))
    status = 422 if report.blocked else 200
    return render_template(
        "newsroom/import_report.html", article=article, locale=locale, error=None, report=report
    ), status


@bp.route("/glossary", methods=["GET", "POST"])
@login_required
def glossary():
    """Terms per language pair; editors maintain them, everyone may read them."""
    source = loaders.locale_or_404(request.args.get("source", "sq"))
    target = loaders.locale_or_404(request.args.get("target", "mk"))
    form = GlossaryTermForm()
    status = 200
    if request.method == "POST":
        if not can(current_user, "manage_glossary"):
            abort(403)
        if form.validate_on_submit():
            try:
                glossary_service.save_term(
                    source,
                    target,
                    form.term.data,
                    form.translation.data,
                    form.do_not_translate.data,
                    user=current_user,
                    forms=form.forms.data or "",
                )
            except glossary_service.GlossaryRejected as error:
                db.session.rollback()
                form[error.field].errors.append(str(error.message))
            else:
                db.session.commit()
                flash(_("The term was saved."), "success")
                return redirect(url_for("newsroom.glossary", source=source, target=target))
        # nothing was saved; the form below keeps what was typed, with the reason
        status = 422
    elif can(current_user, "manage_glossary"):
        # "Edit" on a term fills the form with it; saving the same term changes it
        editing = request.args.get("edit", type=bounded_int)
        row = db.session.get(GlossaryTerm, editing) if editing else None
        if row is not None and (row.source_locale, row.target_locale) == (source, target):
            form.term.data = row.term
            form.translation.data = row.translation or ""
            form.do_not_translate.data = row.do_not_translate
            form.forms.data = row.forms or ""
    terms = db.session.scalars(
        select(GlossaryTerm)
        .where(GlossaryTerm.source_locale == source, GlossaryTerm.target_locale == target)
        .order_by(GlossaryTerm.term)
    )
    return render_template(
        "newsroom/glossary.html",
        terms=list(terms),
        source=source,
        target=target,
        form=form,
        term_max=glossary_service.TERM_MAX,
    ), status


@bp.post("/glossary/<int:term_id>/delete")
@require("manage_glossary")
def delete_term(term_id: int):
    """Remove a glossary term."""
    row = loaders.glossary_term_or_404(term_id)
    source, target = row.source_locale, row.target_locale
    glossary_service.delete_term(row, user=current_user)
    db.session.commit()
    return redirect(url_for("newsroom.glossary", source=source, target=target))
