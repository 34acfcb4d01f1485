"""Machine drafts: which segments need one, the job that makes them, and applying the result."""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bv.accounts.models import User
from bv.accounts.permissions import SYSTEM
from bv.articles import service
from bv.articles.models import Article, ArticleTranslation
from bv.audit.service import record
from bv.database import utcnow
from bv.extensions import db
from bv.i18n import FORMAT_LOCALES, LOCALES
from bv.jobs.models import Job
from bv.jobs.outbox import queue_job
from bv.translation import costs, quality, routing, store, sync
from bv.translation import segments as seg
from bv.translation.glossary import terms_for
from bv.translation.memory import lookup_exact, normalize
from bv.translation.mt import (
    AllProvidersFailed,
    MTError,
    MTResult,
    Settings,
    TranslationCancelled,
    Usage,
    run_chain,
)
from bv.translation.mt.placeholders import GlossaryLike
from bv.translation.review import max_length

log = logging.getLogger(__name__)

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
    # outdated segments a person translated: their machine translation went to the memory,
    # where the segment editor offers it, and not into the translation
    suggested_keys: list[str] = field(default_factory=list)
    # why each failed segment has no draft, in the language of whoever asked for it
    failed_reasons: dict[str, str] = field(default_factory=dict)
    # quality flags by kind on the drafted segments (quality.FLAG_ORDER)
    flags: dict[str, int] = field(default_factory=dict)
    # what the second service's drafts cost, included in requests and characters above
    second_opinion_requests: int = 0
    second_opinion_characters: int = 0
    tokens: int = 0
    # provider -> requests, characters, prompt_tokens, completion_tokens
    by_provider: dict[str, dict[str, int]] = field(default_factory=dict)


def segments_by_need(article: Article, target: str, keys: Iterable[str] | None = None):
    """(segments a draft writes, segments it only suggests for), as (key, source text);
    `keys` limits them to those segments (one drafted again)."""
    only = set(keys) if keys is not None else None
    translation = article.translation(target)
    done = sync.translated_segments(translation) if translation else {}
    to_write, to_suggest = [], []
    for source in sync.source_segments(article):
        if only is not None and source.key not in only:
            continue
        current = done.get(source.key)
        item = (source.key, source.source_text)
        if current is None or not current.target_text.strip():
            to_write.append(item)
        elif current.source_hash != source.source_hash:
            (to_suggest if current.origin == "human" else to_write).append(item)
    return to_write, to_suggest


def missing_locales(article: Article) -> list[str]:
    """Languages the article has no version in yet."""
    have = {t.locale for t in article.translations}
    return [code for code in LOCALES if code not in have]


def queue_draft(article: Article, target: str, *, user=None, provider: str | None = None,
                keys: list[str] | None = None) -> Job:
    """Add a machine-draft job to the caller's transaction; it runs once the caller commits.

    The Job row is the outbox entry: if the queue is away at commit time, the sweep hands
    it over later. A live job for the same language (and the same segments) is reused;
    `keys` drafts only those segments again.
    """
    active = db.session.scalars(
        select(Job)
        .where(
            Job.kind == "machine_draft",
            Job.article_id == article.id,
            Job.status.in_(ACTIVE),
        )
        .order_by(Job.id.desc())
    ).all()
    for existing in active:
        same = existing.payload.get("target") == target and existing.payload.get("keys") == keys
        if same and not expire_if_stale(existing):
            return existing
    payload = {"target": target, "provider": provider}
    if keys is not None:
        payload["keys"] = list(keys)
    job = queue_job("machine_draft", payload, user=user, article=article)
    record(
        "machine_draft.queued",
        user=user,
        article=article,
        locale=target,
        detail={"provider": provider, **({"keys": list(keys)} if keys is not None else {})},
    )
    return job


def request_cancel(job: Job, *, user) -> bool:
    """Ask a queued or running job to stop before its next request; False when it has ended."""
    if job.status not in ACTIVE:
        return False
    job.cancel_requested = True
    record("job.cancel", user=user, detail={"job": job.id})
    return True


def _last_sign_of_life(job: Job) -> datetime | None:
    beat = (job.result or {}).get("progress_at") if job.status == "running" else None
    if beat:
        try:
            return datetime.fromisoformat(beat)
        except ValueError:
            pass
    return job.started_at if job.status == "running" else job.created_at


def expire_if_stale(job: Job, *, now: datetime | None = None) -> bool:
    """Mark a job failed when it has shown no progress for MT_JOB_STALE_MINUTES; True if so.

    A running job counts from its last progress, a queued one from its creation (its task
    was lost, or no worker runs). A worker that later picks the job up leaves it alone.
    """
    if job.kind != "machine_draft" or job.status not in ACTIVE:
        return False
    minutes = Settings.from_config(current_app.config).job_stale_minutes
    last = _last_sign_of_life(job)
    if last is None or (now or utcnow()) - last <= timedelta(minutes=minutes):
        return False
    user = db.session.get(User, job.user_id) if job.user_id else None
    with _language_of(user):
        job.error = _(
            "The machine draft made no progress for %(minutes)s minutes and was abandoned; "
            "you can start a new one.",
            minutes=format(minutes, "g"),
        )
    log.warning("machine draft job %s abandoned after %s minutes without progress", job.id, minutes)
    _finish(job, "failed")
    return True


def run_job(job_id: int) -> Job | None:
    """Run a machine-draft job; on failure or cancellation nothing of the article changes.

    Whatever goes wrong ends the job as failed (or cancelled), never leaves it running. What
    the providers did translate stays in the translation memory, so a retry does not pay again.
    """
    job = db.session.get(Job, job_id)
    if job is None or job.status not in ACTIVE:
        return job
    if job.cancel_requested:
        _finish(job, "cancelled")
        return job
    job.status, job.started_at = "running", utcnow()
    db.session.commit()
    user = db.session.get(User, job.user_id) if job.user_id else None
    target = job.payload["target"]
    try:
        article = db.session.get(Article, job.article_id) if job.article_id else None
        if article is None:
            raise LookupError(f"article {job.article_id} is gone")
        outcome = draft(article, target, user=user, provider=job.payload.get("provider"), job=job,
                        keys=job.payload.get("keys"))
    except TranslationCancelled:
        db.session.rollback()
        _finish(db.session.get(Job, job_id), "cancelled")
    except MTError as error:  # AllProvidersFailed too
        db.session.rollback()
        job = db.session.get(Job, job_id)
        job.error = _message(error, user)
        _finish(job, "failed")
    except Exception:
        # an unknown provider in the config, a save that raced this one, a value the database
        # refuses: the job must still end, or the language could never be drafted again
        db.session.rollback()
        log.exception("machine draft job %s failed", job_id)
        job = db.session.get(Job, job_id)
        with _language_of(user):
            job.error = _(
                "The machine draft stopped because of an unexpected error. Try again; if it "
                "happens again, tell an administrator."
            )
        _finish(job, "failed")
    else:
        job = db.session.get(Job, job_id)
        job.result = outcome.__dict__
        job.progress = job.total
        _finish(job, "done")
    return db.session.get(Job, job_id)


def _language_of(user):
    """The job's messages are stored in the language of the person who started it."""
    return force_locale(FORMAT_LOCALES.get(getattr(user, "ui_locale", None) or "sq"))


def _message(error: MTError, user) -> str:
    with _language_of(user):
        return str(error.message) if getattr(error, "message", None) else str(error)


def _finish(job: Job, status: str) -> None:
    # a job abandoned as stale meanwhile stays failed
    if job.status in ACTIVE:
        job.status = status
        job.finished_at = utcnow()
    db.session.commit()


def _keep_memory() -> None:
    """Commit what draft_segments remembered, before anything else can roll it back."""
    try:
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("could not keep machine translations in the memory")


def draft(article: Article, target: str, *, user=None, provider=None, job: Job | None = None,
          keys: Iterable[str] | None = None):
    """Draft the segments that need it and save them into the target version in one commit.

    Outdated segments a person translated are sent as well, but only for a suggestion: their
    translation goes to the memory (the editor offers it) and never replaces the person's.
    """
    if target == article.source_locale or target not in LOCALES:
        raise ValueError(target)
    wanted, suggest = segments_by_need(article, target, keys)
    kinds = {s.key: s.kind for s in sync.source_segments(article)}
    usage = Usage()
    config = dict(current_app.config)
    if provider:
        config["MT_PROVIDERS"] = provider
        config[f"MT_PROVIDERS_{article.source_locale.upper()}_{target.upper()}"] = provider
    if job is not None:
        job.total = len(wanted) + len(suggest)
        _beat(job)
        db.session.commit()

    def progress(done: int, total: int) -> None:
        if job is not None:
            job.progress = done
            _beat(job)
            db.session.commit()

    def should_cancel() -> bool:
        if job is None:
            return False
        db.session.refresh(job, ["cancel_requested", "status"])
        # abandoned as stale by someone else: stop as well
        return job.cancel_requested or job.status != "running"

    rules = terms_for(article.source_locale, target)
    try:
        results = (
            draft_segments(
                wanted + suggest,
                article.source_locale,
                target,
                glossary=rules,
                app_config=config,
                usage=usage,
                should_cancel=should_cancel,
                progress=progress,
                headline=article.source.headline if article.source else None,
            )
            if wanted or suggest
            else []
        )
    except (AllProvidersFailed, TranslationCancelled):
        # what was sent is paid for, whether or not the draft is kept
        costs.record_usage(article.id, target, usage)
        _keep_memory()
        raise
    costs.record_usage(article.id, target, usage)
    _keep_memory()
    suggested_keys = {key for key, _text in suggest}
    usable = {
        r.key: r
        for r in results
        if r.text is not None and r.error is None and len(r.text) <= max_length(kinds[r.key])
    }
    drafted = {key: r for key, r in usable.items() if key not in suggested_keys}
    failed = [r.key for r in results if r.key not in usable]
    failed_reasons = {
        r.key: _failure_reason(r, kinds[r.key], user) for r in results if r.key not in usable
    }
    source_texts = dict(wanted)
    # a second service's draft of the same segments, when two are configured: its
    # disagreement flags the segment (quality.py); counted in `usage` like the draft
    second = quality.second_opinions(
        [(key, source_texts[key], r.provider) for key, r in drafted.items()
         if r.origin == "machine"],
        article.source_locale, target, glossary=rules, config=config, usage=usage,
        should_cancel=should_cancel,
    ) if drafted else quality.SecondOpinion()
    assessments = {
        key: quality.assess(source_texts[key], r.text, source_locale=article.source_locale,
                            target_locale=target, glossary=rules, second=second.texts.get(key))
        for key, r in drafted.items()
    }
    routes: dict[str, int] = {}
    for r in drafted.values():
        label = r.route or r.origin
        routes[label] = routes.get(label, 0) + 1
    if should_cancel():
        raise TranslationCancelled()
    if drafted:
        _apply(article, target, drafted, assessments)
    flag_counts: dict[str, int] = {}
    for assessment in assessments.values():
        for code in assessment.codes:
            flag_counts[code] = flag_counts.get(code, 0) + 1
    record(
        "machine_draft.done",
        user=user,
        article=article,
        locale=target,
        detail={
            "segments": len(drafted),
            "suggestions": sorted(k for k in usable if k in suggested_keys),
            "failed": failed,
            "requests": usage.requests,
            "memory_hits": usage.memory_hits,
            "routes": routes,
            "flags": flag_counts,
            "second_opinion": {"providers": second.providers, "segments": len(second.texts),
                               "requests": second.requests, "characters": second.characters},
        },
    )
    db.session.commit()
    return DraftOutcome(
        sent_segments=len(wanted) + len(suggest) - usage.memory_hits,
        memory_hits=usage.memory_hits,
        requests=usage.requests,
        characters=usage.characters,
        failed_keys=failed,
        routes=routes,
        suggested_keys=sorted((k for k in usable if k in suggested_keys), key=seg.key_order),
        failed_reasons=failed_reasons,
        flags=flag_counts,
        second_opinion_requests=second.requests,
        second_opinion_characters=second.characters,
        tokens=usage.tokens,
        by_provider=usage.by_provider,
    )


def _failure_reason(result, kind: str, user) -> str:
    """Why a drafted segment could not be used, for the segment editor."""
    if result.error is not None:
        return _message(result.error, user)
    with _language_of(user):
        if result.text is not None and len(result.text) > max_length(kind):
            return _("The machine translation was longer than this field allows (%(max)s "
                     "characters).", max=max_length(kind))
        return _("The translation service returned nothing for this segment.")


def _beat(job: Job) -> None:
    """Note that the job is alive (see expire_if_stale)."""
    job.result = {**(job.result or {}), "progress_at": utcnow().isoformat()}


def _apply(article: Article, target: str, drafted: dict,
           assessments: dict | None = None) -> ArticleTranslation:
    """Write drafted segments, then the text they assemble; other segments keep their text.

    Machine text is credited to its provider: the version names no person as its writer.
    """
    sources = {s.key: s for s in sync.source_segments(article)}
    translation = service.get_or_create_translation(article, target, user=SYSTEM)
    existing = sync.translated_segments(translation)
    for key, result in drafted.items():
        assessment = (assessments or {}).get(key)
        existing[key] = store.write_segment(
            translation, sources[key], result.text, origin=result.origin, user=SYSTEM,
            reviewed=False, provider=result.provider, route=result.route,
            existing=existing.get(key),
            flags=[f.as_json() for f in assessment.flags] if assessment else None,
            signals=assessment.signals if assessment else None,
        )
    db.session.flush()
    texts = {key: row.target_text for key, row in existing.items() if key in sources}
    # a segment with no text yet stays empty; the editor shows it as untranslated
    values = seg.assemble(sync.source_skeleton(article), {k: texts.get(k, "") for k in sources})
    providers = sorted({r.provider for r in drafted.values() if r.provider})
    via = ", ".join(providers) or "memory"
    return service.save_translation(
        article,
        target,
        values,
        user=SYSTEM,
        via=via[:80],
        note=f"machine draft ({via})",
        adopt_segments=False,
    )


@dataclass
class DraftResult:
    """A drafted segment: text (None when unusable), and where it came from."""

    key: Hashable
    text: str | None
    origin: str  # "memory" or "machine"
    provider: str | None
    route: str | None
    error: MTError | None = None


def draft_segments(
    segments: Sequence[tuple[Hashable, str]],
    source: str,
    target: str,
    *,
    glossary: Iterable[GlossaryLike] | None = None,
    app_config: Mapping | None = None,
    usage: Usage | None = None,
    should_cancel: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
    headline: str | None = None,
) -> list[DraftResult]:
    """Draft translations of (key, text) segments: memory first, providers for the rest.

    Exact memory hits never reach a provider; identical texts are sent once. Machine results
    are remembered (origin "machine") even when the run then fails or is cancelled: those
    exceptions (AllProvidersFailed, TranslationCancelled) are re-raised after remembering.
    `glossary=None` loads the pair's glossary; `usage` collects request counts; `headline`
    (the article's) is context for providers that read it. Under MT_PROVIDERS=auto the pair's
    best measured route leads the chain (bv.translation.routing).
    """
    config = app_config if app_config is not None else current_app.config
    rules = terms_for(source, target) if glossary is None else list(glossary)
    usage = usage if usage is not None else Usage()
    total = len(segments)
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None and count:
            progress(done, total)

    # one entry per normalized text, remembering how many segments share it
    first_text: dict[str, str] = {}
    weight: dict[str, int] = {}
    for _key, text in segments:
        norm = normalize(text)
        first_text.setdefault(norm, text)
        weight[norm] = weight.get(norm, 0) + 1

    drafted: dict[str, DraftResult] = {}
    hits = lookup_exact(source, target, first_text.values())
    for norm, text in first_text.items():
        entry = hits.get(text)
        if entry is not None:
            drafted[norm] = DraftResult(None, entry.target_text, "memory", entry.provider, None)
    usage.memory_hits += sum(weight[n] for n in drafted)
    advance(sum(weight[n] for n in drafted))

    to_send = [n for n in first_text if n not in drafted]
    lead = None
    if to_send and Settings.from_config(config).is_auto(source, target):
        lead = routing.choose(config, source, target).lead
    try:
        results = run_chain(
            [first_text[n] for n in to_send], source, target, glossary=rules, config=config,
            usage=usage, should_cancel=should_cancel,
            on_done=lambda indexes: advance(sum(weight[to_send[i]] for i in indexes)),
            headline=headline, lead=lead,
        )
    except (AllProvidersFailed, TranslationCancelled) as exc:
        _remember_machine(source, target, to_send, first_text, exc.partial)
        raise
    machine = dict(enumerate(results))
    _remember_machine(source, target, to_send, first_text, machine)
    for i, norm in enumerate(to_send):
        r = machine[i]
        drafted[norm] = DraftResult(None, r.text, "machine", r.provider, r.route, r.error)

    out = []
    for key, text in segments:
        d = drafted[normalize(text)]
        out.append(DraftResult(key, d.text, d.origin, d.provider, d.route, d.error))
    return out


def _remember_machine(source: str, target: str, to_send: list[str], first_text: dict[str, str],
                      results: Mapping[int, MTResult]) -> None:
    """Keep what the providers produced (not placeholder errors, not untouched copies)."""
    store.remember_many(
        source, target,
        [(first_text[to_send[i]], r.text, r.provider) for i, r in results.items()
         if r.text is not None and r.error is None and r.provider is not None],
        origin="machine",
    )
