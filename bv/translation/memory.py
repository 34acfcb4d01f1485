"""Translation memory lookups: exact and fuzzy matches for a language pair.

Memory keys are normalized source texts (NFC, whitespace collapsed, stripped) hashed with SHA-256,
one entry per (source locale, target locale, hash). Only `bv.translation.store` writes entries.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from collections.abc import Iterable

from sqlalchemy import func, select

from bv.extensions import db
from bv.translation.models import MemoryEntry


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
    from rapidfuzz import fuzz, process, utils  # the newsroom's: reading workers never load it

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
