"""The segment editor's working parts: chips per segment, per-segment locking, filters, and
what a machine draft could not translate. Saving itself goes through review.save_review."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from bv.articles.models import Article
from bv.extensions import db
from bv.jobs.models import Job
from bv.translation import inline, review, sync
from bv.translation.models import Segment, TranslatedSegment

# ?show=… on the editor; the first is the default
FILTERS = {
    "all": _l("All segments"),
    "unreviewed": _l("Not reviewed"),
    "outdated": _l("Outdated"),
    "problems": _l("With problems"),
}


class SegmentConflict(Exception):
    """The segment changed since the editor loaded it; `current` is what is stored now."""

    def __init__(self, current: TranslatedSegment | None):
        super().__init__("segment conflict")
        self.current = current


def segment_token(target: TranslatedSegment | None) -> str:
    """A short fingerprint of a stored segment: its text, reviewed mark and the source it was
    made from. The editor sends it back; a different one now means someone else saved."""
    if target is None:
        return "new"
    raw = "\x1f".join([target.target_text or "", "1" if target.reviewed else "0",
                       target.source_hash or ""])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def chips_for(sources: list[Segment]) -> dict[str, inline.Chips]:
    """Each source segment's markup as chips, by key."""
    return {s.key: inline.to_chips(s.source_text) for s in sources}


def read_chips(
    submitted: dict[str, str],
    chips: dict[str, inline.Chips],
    stored: dict[str, TranslatedSegment],
) -> tuple[dict[str, str], dict[str, str]]:
    """Texts typed with chips → (Markdown by key, localized problem by key).

    Every chip of the source is required, except ones an older stored translation already
    lacks (it was written before chips existed); those may be added back but need not be.
    """
    texts, errors = {}, {}
    for key, typed in submitted.items():
        row = stored.get(key)
        required = None
        if row is not None and row.target_text.strip():
            required = inline.present(row.target_text, chips[key])
        try:
            texts[key] = inline.from_chips(typed, chips[key], required=required)
        except inline.ChipError as error:
            errors[key] = error.message
    return texts, errors


def display_texts(rows: list[review.Row], chips: dict[str, inline.Chips],
                  typed: dict[str, str] | None = None) -> dict[str, str]:
    """What each textarea shows: the translation with chips, or exactly what was typed."""
    typed = typed or {}
    return {
        r.source.key: typed[r.source.key] if r.source.key in typed
        else inline.chip_target(r.text, chips[r.source.key])
        for r in rows
    }


@dataclass
class Failure:
    """A segment the last machine draft could not translate, and why."""

    key: str
    reason: str
    job_id: int


def draft_failures(article: Article, locale: str) -> dict[str, Failure]:
    """Segments the latest finished machine draft into `locale` left without a translation,
    when they still have none or an outdated one."""
    jobs = db.session.scalars(
        select(Job)
        .where(Job.kind == "machine_draft", Job.article_id == article.id, Job.status == "done")
        .order_by(Job.id.desc())
        .limit(20)
    )
    # the newest full draft, and any single segments drafted again after it
    recent = []
    for job in jobs:
        if (job.payload or {}).get("target") != locale:
            continue
        recent.append(job)
        if not (job.payload or {}).get("keys"):
            break
    translation = article.translation(locale)
    done = sync.translated_segments(translation) if translation else {}
    sources = {s.key: s for s in sync.source_segments(article)}
    out: dict[str, Failure] = {}
    for job in recent:
        result = job.result or {}
        reasons = result.get("failed_reasons") or {}
        for key in result.get("failed_keys") or []:
            if key not in sources or key in out:
                continue
            row = done.get(key)
            if row is not None and row.target_text.strip() and (
                row.source_hash == sources[key].source_hash
            ):
                continue  # translated since
            out[key] = Failure(key, reasons.get(key) or str(FALLBACK_REASON), job.id)
    return out


FALLBACK_REASON = _l("The machine translation of this segment failed.")


def needs_work(row: review.Row, failures: dict[str, Failure]) -> bool:
    """Not reviewed, outdated, failing a check, or left out by the machine draft."""
    return (not row.reviewed) or bool(row.problems) or row.source.key in failures


def shown(rows: list[review.Row], show: str, failures: dict[str, Failure]) -> list[review.Row]:
    """The rows a filter keeps."""
    if show == "unreviewed":
        return [r for r in rows if not r.reviewed]
    if show == "outdated":
        return [r for r in rows if r.stale and r.target is not None]
    if show == "problems":
        return [r for r in rows if r.problems or r.source.key in failures]
    return rows


def gate_keys(rows: list[review.Row]) -> dict[str, list[str]]:
    """The segments behind each approval-gate problem, so the page can link to them."""
    return {
        "unreviewed": [r.source.key for r in rows if not r.reviewed],
        "blocking": [r.source.key for r in rows if any(p.blocking for p in r.problems)],
    }
