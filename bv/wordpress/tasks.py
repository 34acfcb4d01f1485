"""The newsroom's WordPress import runs as a background job with a progress bar."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_babel import force_locale

from bv.accounts.models import User
from bv.extensions import db
from bv.i18n import FORMAT_LOCALES
from bv.jobs.models import Job
from bv.jobs.outbox import job_task
from bv.wordpress import message_for
from bv.wordpress.importer import Importer
from bv.wordpress.wxr import BadExport

KIND = "wordpress_import"


@job_task(KIND)
def run_import(job: Job) -> dict:
    """Import the uploaded export; the report is the job's result. The file goes afterwards."""
    payload = job.payload
    path = Path(payload["path"])

    def progress(done: int, total: int) -> None:
        job.progress, job.total = done, total

    try:
        importer = Importer(
            path,
            uploads=current_app.config.get("WORDPRESS_UPLOADS") or None,
            default_language=payload.get("default_language") or "sq",
            dry_run=bool(payload.get("dry_run")),
            progress=progress,
        )
        try:
            report = importer.run()
        except BadExport as error:
            user = db.session.get(User, job.user_id) if job.user_id else None
            with force_locale(FORMAT_LOCALES.get(getattr(user, "ui_locale", None) or "sq")):
                job.error = message_for(error)
            return {"refused": True}
        return report.as_dict()
    finally:
        path.unlink(missing_ok=True)
