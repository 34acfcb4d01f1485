"""Readable word-level differences between two texts (revisions, stale source segments)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Change:
    """One run of the diff: 'equal', 'insert' or 'delete', with its text."""

    op: str
    text: str


def word_diff(old: str, new: str) -> list[Change]:
    """Word-level changes turning old into new; whitespace rides along with its words."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    changes: list[Change] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            changes.append(Change("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            changes.append(Change("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            changes.append(Change("insert", "".join(b[j1:j2])))
    return changes
