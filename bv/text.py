"""Two text shapes the site promises: single-line fields, and plain text for machines to read."""

from __future__ import annotations

import html
import re

import nh3

# every character str.splitlines() breaks on: e-mail headers and feed titles accept none of them
LINE_BREAKS = "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK_RUN = re.compile(f"[ \t]*[{LINE_BREAKS}]+[ \t]*")
_SPACES = re.compile(r"\s+")
# one layer of markup or entities comes off per round; a value nested deeper is hostile
_MAX_ROUNDS = 8


def has_line_break(value: str | None) -> bool:
    """True when the value would span more than one line."""
    return bool(value) and any(c in LINE_BREAKS for c in value)


def single_line(value: str | None) -> str | None:
    """The value with each run of line breaks folded into one space (None stays None)."""
    if value is None or not has_line_break(value):
        return value
    return _BREAK_RUN.sub(" ", value).strip()


def plain_text(value: str | None) -> str:
    """Text with every tag removed and entities decoded, on one line: what a feed reader, a
    search engine or a JSON-LD consumer may treat as HTML can then hold no element."""
    text = value or ""
    for _ in range(_MAX_ROUNDS):
        stripped = html.unescape(nh3.clean(text, tags=set()))
        if stripped == text:
            break
        text = stripped
    else:
        # still changing after many rounds: drop the angle brackets rather than guess
        text = text.replace("<", "").replace(">", "")
    return _SPACES.sub(" ", text).strip()
