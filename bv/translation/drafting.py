"""Machine drafts: which segments need one, the job that makes them, and applying the result."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from bv.accounts.models import User
from bv.articles import service
from bv.articles.models import Article, ArticleTranslation
from bv.audit.service import record
from bv.database import utcnow
from bv.extensions import db
from bv.i18n import FORMAT_LOCALES, LOCALES
from bv.jobs.models import Job
from bv.translation import segments as seg
from bv.translation import sync
from bv.translation.memory import draft_segments
from bv.translation.models import TranslatedSegment
from bv.translation.mt import AllProvidersFailed, MTError, Usage
from bv.translation.mt.errors import TranslationCancelled

ACTIVE = ("queued", "running")


@dataclass
class DraftOutcome:
    """What one machine draft did."""

    sent_segments: int
    memory_hits: int
    requests: int
    characters: int
    failed_keys: list[str]
    routes: dict[str, int]


def segments_to_draft(article: Article, target: str) -> list[tuple[str, str]]:
    """Missing segments, and stale ones a person never touched; human work is never replaced."""
    translation = article.translation(target)
    done = sync.translated_segments(translation) if translation else {}
    wanted = []
    for source in sync.source_segments(article):
        current = done.get(source.key)
        if current is None or not current.target_text.strip():
            wanted.append((source.key, source.source_text))
        elif current.source_hash != source.source_hash and current.origin != "human":
            wanted.append((source.key, source.source_text))
    return wanted


def missing_locales(article: Article) -> list[str]:
    """Languages the article has no version in yet."""
    have = {t.locale for t in article.translations}
    return [code for code in LOCALES if code not in have]


def queue_draft(article: Article, target: str, *, user=None, provider: str | None = None) -> Job:
    """A job row plus its queued task; an identical job already waiting is reused."""
    existing = db.session.scalar(
        select(Job).where(
            Job.kind == "machine_draft",
            Job.article_id == article.id,
            Job.status.in_(ACTIVE),
        )
    )
    if existing is not None and existing.payload.get("target") == target:
        return existing
    job = Job(
        kind="machine_draft",
        article_id=article.id,
        user_id=getattr(user, "id", None),
        payload={"target": target, "provider": provider},
    )
    db.session.add(job)
    record(
        "machine_draft.queued",
        user=user,
        article=article,
        locale=target,
        detail={"provider": provider},
    )
    db.session.commit()
    from bv.translation.tasks import run_machine_draft

    run_machine_draft(job.id)
    return job


def run_job(job_id: int) -> Job | None:
    """Run a machine-draft job; on failure or cancellation nothing of the article changes."""
    job = db.session.get(Job, job_id)
    if job is None or job.status not in ACTIVE:
        return job
    if job.cancel_requested:
        _finish(job, "cancelled")
        return job
    job.status, job.started_at = "running", utcnow()
    db.session.commit()
    article = db.session.get(Article, job.article_id)
    user = db.session.get(User, job.user_id) if job.user_id else None
    target = job.payload["target"]
    try:
        outcome = draft(article, target, user=user, provider=job.payload.get("provider"), job=job)
    except TranslationCancelled:
        db.session.rollback()
        _finish(db.session.get(Job, job_id), "cancelled")
    except (AllProvidersFailed, MTError) as error:
        db.session.rollback()
        job = db.session.get(Job, job_id)
        job.error = _message(error, user)
        _finish(job, "failed")
    else:
        job = db.session.get(Job, job_id)
        job.result = outcome.__dict__
        job.progress = job.total
        _finish(job, "done")
    return db.session.get(Job, job_id)


def _message(error: MTError, user) -> str:
    locale = FORMAT_LOCALES.get(getattr(user, "ui_locale", None) or "sq")
    with force_locale(locale):
        return str(error.message) if getattr(error, "message", None) else str(error)


def _finish(job: Job, status: str) -> None:
    job.status = status
    job.finished_at = utcnow()
    db.session.commit()


def draft(article: Article, target: str, *, user=None, provider=None, job: Job | None = None):
    """Draft the segments that need it and save them into the target version in one commit."""
    if target == article.source_locale or target not in LOCALES:
        raise ValueError(target)
    wanted = segments_to_draft(article, target)
    usage = Usage()
    config = dict(current_app.config)
    if provider:
        config["MT_PROVIDERS"] = provider
        config[f"MT_PROVIDERS_{article.source_locale.upper()}_{target.upper()}"] = provider
    if job is not None:
        job.total = len(wanted)
        db.session.commit()

    def progress(done: int, total: int) -> None:
        if job is not None:
            job.progress = done
            db.session.commit()

    def should_cancel() -> bool:
        if job is None:
            return False
        db.session.refresh(job, ["cancel_requested"])
        return job.cancel_requested

    results = (
        draft_segments(
            wanted,
            article.source_locale,
            target,
            app_config=config,
            usage=usage,
            should_cancel=should_cancel,
            progress=progress,
        )
        if wanted
        else []
    )
    drafted = {r.key: r for r in results if r.text is not None and r.error is None}
    failed = [r.key for r in results if r.key not in drafted]
    routes: dict[str, int] = {}
    for r in drafted.values():
        label = r.route or r.origin
        routes[label] = routes.get(label, 0) + 1
    if drafted:
        _apply(article, target, drafted, user=user)
    record(
        "machine_draft.done",
        user=user,
        article=article,
        locale=target,
        detail={
            "segments": len(drafted),
            "failed": failed,
            "requests": usage.requests,
            "memory_hits": usage.memory_hits,
            "routes": routes,
        },
    )
    db.session.commit()
    return DraftOutcome(
        sent_segments=len(wanted) - usage.memory_hits,
        memory_hits=usage.memory_hits,
        requests=usage.requests,
        characters=usage.characters,
        failed_keys=failed,
        routes=routes,
    )


def _apply(article: Article, target: str, drafted: dict, *, user) -> ArticleTranslation:
    """Write drafted segments and the assembled text; other segments keep their text."""
    sources = {s.key: s for s in sync.source_segments(article)}
    translation = article.translation(target)
    existing = sync.translated_segments(translation) if translation else {}
    texts = {key: row.target_text for key, row in existing.items() if key in sources}
    for key, result in drafted.items():
        texts[key] = result.text
    # a segment with no text yet stays empty; the editor shows it as untranslated
    values = seg.assemble(sync.source_skeleton(article), {k: texts.get(k, "") for k in sources})
    providers = sorted({r.provider for r in drafted.values() if r.provider})
    translation = service.save_translation(
        article,
        target,
        values,
        user=None,
        note="machine draft" + (f" ({', '.join(providers)})" if providers else ""),
        adopt_segments=False,
        commit=False,
    )
    if user is not None:
        translation.updated_by_id = user.id
    now = utcnow()
    for key, result in drafted.items():
        source = sources[key]
        row = existing.get(key)
        if row is None:
            row = TranslatedSegment(translation_id=translation.id, key=key)
            db.session.add(row)
        row.target_text = result.text
        row.machine_text = result.text if result.origin == "machine" else row.machine_text
        row.origin = result.origin
        row.provider = result.provider
        row.route = result.route
        row.source_hash = source.source_hash
        row.source_text = source.source_text
        row.reviewed = False
        row.updated_at = now
        row.updated_by_id = None
    db.session.flush()
    sync.refresh_outdated(article)
    return translation
