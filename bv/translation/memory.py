"""Translation memory: exact and fuzzy lookups, and machine drafts that ask providers only once.

Memory keys are normalized source texts (NFC, whitespace collapsed, stripped) hashed with SHA-256,
one entry per (source locale, target locale, hash). A person's translation always wins: a human
entry overwrites a machine one, a machine entry never overwrites a human one. Functions here
flush but do not commit; the caller owns the transaction.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from flask import current_app
from rapidfuzz import fuzz, process, utils
from sqlalchemy import func, insert, select

from bv.database import utcnow
from bv.extensions import db
from bv.translation.glossary import terms_for
from bv.translation.models import MemoryEntry
from bv.translation.mt import (
    AllProvidersFailed,
    MTError,
    MTResult,
    TranslationCancelled,
    Usage,
    run_chain,
)
from bv.translation.mt.placeholders import GlossaryLike

STORED_ORIGINS = ("machine", "human")


def normalize(text: str) -> str:
    """NFC, whitespace runs collapsed to one space, stripped."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def source_hash(text: str) -> str:
    """The memory key of a source text."""
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()


def lookup_exact(source_locale: str, target_locale: str,
                 texts: Iterable[str]) -> dict[str, MemoryEntry]:
    """Memory entries for the texts that have one, keyed by the text as given; one query."""
    hashes = {text: source_hash(text) for text in texts if normalize(text)}
    if not hashes:
        return {}
    rows = db.session.scalars(
        select(MemoryEntry).where(
            MemoryEntry.source_locale == source_locale,
            MemoryEntry.target_locale == target_locale,
            MemoryEntry.source_hash.in_(set(hashes.values())),
        )
    ).all()
    by_hash = {row.source_hash: row for row in rows}
    return {text: by_hash[h] for text, h in hashes.items() if h in by_hash}


def remember(source_locale: str, target_locale: str, source_text: str, target_text: str,
             origin: str = "human", provider: str | None = None) -> MemoryEntry | None:
    """Store one translation (upsert); returns the entry as it now stands."""
    remember_many(source_locale, target_locale, [(source_text, target_text, provider)],
                  origin=origin)
    return lookup_exact(source_locale, target_locale, [source_text]).get(source_text)


def remember_many(source_locale: str, target_locale: str,
                  items: Iterable[tuple[str, str, str | None]], *, origin: str) -> int:
    """Store (source text, target text, provider) translations of one origin; returns how many
    entries were written. Two queries whatever the number of items."""
    if origin not in STORED_ORIGINS:
        raise ValueError(f"memory origin must be one of {STORED_ORIGINS}, not {origin!r}")
    wanted: dict[str, tuple[str, str, str | None]] = {}
    for source_text, target_text, provider in items:
        key = normalize(source_text)
        if key and target_text and target_text.strip():
            wanted[hashlib.sha256(key.encode("utf-8")).hexdigest()] = (key, target_text, provider)
    if not wanted:
        return 0
    existing = {
        row.source_hash: row
        for row in db.session.scalars(
            select(MemoryEntry).where(
                MemoryEntry.source_locale == source_locale,
                MemoryEntry.target_locale == target_locale,
                MemoryEntry.source_hash.in_(list(wanted)),
            )
        )
    }
    now = utcnow()
    written = 0
    new_rows = []
    for digest, (key, target_text, provider) in wanted.items():
        entry = existing.get(digest)
        if entry is None:
            new_rows.append({
                "source_locale": source_locale, "target_locale": target_locale,
                "source_hash": digest, "source_text": key, "target_text": target_text,
                "origin": origin, "provider": provider, "created_at": now, "updated_at": now,
            })
        elif entry.origin == "human" and origin != "human":
            continue  # a person's translation is never replaced by a machine's
        elif (entry.target_text, entry.origin, entry.provider) != (target_text, origin, provider):
            entry.target_text, entry.origin, entry.provider = target_text, origin, provider
            entry.updated_at = now
            written += 1
    if new_rows:
        db.session.execute(_insert_ignoring_races(origin), new_rows)
        written += len(new_rows)
    db.session.flush()
    return written


def _insert_ignoring_races(origin: str):
    """INSERT that tolerates a concurrent writer: machine rows yield, human rows overwrite."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:
        return insert(MemoryEntry)
    stmt = dialect_insert(MemoryEntry)
    keys = ["source_locale", "target_locale", "source_hash"]
    if origin == "human":
        return stmt.on_conflict_do_update(index_elements=keys, set_={
            "target_text": stmt.excluded.target_text, "origin": stmt.excluded.origin,
            "provider": stmt.excluded.provider, "updated_at": stmt.excluded.updated_at,
        })
    return stmt.on_conflict_do_nothing(index_elements=keys)


def fuzzy_matches(source_locale: str, target_locale: str, text: str, limit: int = 3,
                  cutoff: float = 70) -> list[tuple[MemoryEntry, float]]:
    """The closest memory entries (token_sort_ratio >= cutoff), best first, with their score."""
    query = normalize(text)
    if not query or limit < 1:
        return []
    # a ratio of at least c needs lengths within c/(200-c) of each other; widen a little because
    # the scorer compares texts after dropping case and punctuation
    c = min(max(float(cutoff), 1.0), 100.0)
    low = math.floor(len(query) * c / (200 - c) * 0.8)
    high = math.ceil(len(query) * (200 - c) / c * 1.25) + 5
    candidates = db.session.execute(
        select(MemoryEntry.id, MemoryEntry.source_text).where(
            MemoryEntry.source_locale == source_locale,
            MemoryEntry.target_locale == target_locale,
            func.length(MemoryEntry.source_text).between(low, high),
        )
    ).all()
    if not candidates:
        return []
    found = process.extract(
        query, {row.id: row.source_text for row in candidates}, scorer=fuzz.token_sort_ratio,
        processor=utils.default_process, limit=limit, score_cutoff=c,
    )
    if not found:
        return []
    entries = {
        e.id: e for e in db.session.scalars(
            select(MemoryEntry).where(MemoryEntry.id.in_([key for _, _, key in found]))
        )
    }
    return [(entries[key], float(score)) for _, score, key in found if key in entries]


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
) -> list[DraftResult]:
    """Draft translations of (key, text) segments: memory first, providers for the rest.

    Exact memory hits never reach a provider; identical texts are sent once. Machine results
    are remembered (origin "machine") even when the run then fails or is cancelled: those
    exceptions (AllProvidersFailed, TranslationCancelled) are re-raised after remembering.
    `glossary=None` loads the pair's glossary; `usage` collects request counts.
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
    for _, text in segments:
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
    try:
        results = run_chain(
            [first_text[n] for n in to_send], source, target, glossary=rules, config=config,
            usage=usage, should_cancel=should_cancel,
            on_done=lambda indexes: advance(sum(weight[to_send[i]] for i in indexes)),
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
    remember_many(
        source, target,
        [(first_text[to_send[i]], r.text, r.provider) for i, r in results.items()
         if r.text is not None and r.error is None and r.provider is not None],
        origin="machine",
    )
