"""Admins upload a WordPress export; a job imports it and the report is a page."""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import abort, current_app, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import BooleanField, SelectField

from bv.audit.service import record
from bv.extensions import db
from bv.jobs.models import Job
from bv.jobs.outbox import queue_job
from bv.newsroom import bp, require
from bv.newsroom.forms import locale_choices
from bv.wordpress.tasks import KIND


class WordPressImportForm(FlaskForm):
    export = FileField(_l("WordPress export file (WXR)"),
                       validators=[FileRequired(_l("Choose the export file."))])
    default_language = SelectField(_l("Language of items the export does not label"),
                                   choices=locale_choices)
    dry_run = BooleanField(_l("Dry run: report what would happen and change nothing"))


@bp.route("/wordpress", methods=["GET", "POST"])
@require("import_wordpress")
def wordpress_import():
    """The upload form and the imports started before."""
    form = WordPressImportForm()
    if form.validate_on_submit():
        folder = Path(current_app.instance_path) / "wordpress"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{uuid.uuid4().hex}.xml"
        form.export.data.save(path)
        filename = (form.export.data.filename or "")[:200]
        job = queue_job(KIND, {
            "path": str(path),
            "filename": filename,
            "default_language": form.default_language.data,
            "dry_run": bool(form.dry_run.data),
        }, user=current_user)
        record("wordpress.import", user=current_user,
               detail={"file": filename, "dry_run": bool(form.dry_run.data)})
        db.session.commit()
        return redirect(url_for("newsroom.wordpress_job", job_id=job.id))
    status = 422 if form.is_submitted() else 200
    jobs = db.session.scalars(
        select(Job).where(Job.kind == KIND).order_by(Job.created_at.desc()).limit(20))
    return render_template("newsroom/wordpress.html", form=form, jobs=list(jobs)), status


@bp.get("/wordpress/<int:job_id>")
@require("import_wordpress")
def wordpress_job(job_id: int):
    """One import's progress, then its report."""
    job = db.session.get(Job, job_id)
    if job is None or job.kind != KIND:
        abort(404)
    return render_template("newsroom/wordpress_job.html", job=job, report=job.result or {})
