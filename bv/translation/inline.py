"""Inline markup as numbered tags ("chips") a translator cannot break: `[1]…[/1]` and `[2/]`.

Built on the machine-translation placeholders (`mt.placeholders.Protector`): the source
segment's links, emphasis, code, URLs, line breaks and escapes are numbered in reading order.
A pair (a link, bold text) is one number with an opening and a closing tag; anything else is a
single self-closing tag. The numbering comes from the source text alone, so a target text is
shown with the source's numbers (`chip_target`) and read back (`from_chips`) without storing
anything. The segment editor and the XLIFF/PO exchange use the same `Chips` map; nothing here
knows about either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from bv.translation.mt.placeholders import Protector, Token

CHIP = re.compile(r"\[(/?)(\d{1,4})(/?)\]")


@dataclass(frozen=True)
class Tag:
    """One chip: a pair (`opening`/`closing` Markdown) or a single piece (`closing` is None)."""

    id: int
    opening: str
    closing: str | None = None

    @property
    def paired(self) -> bool:
        return self.closing is not None

    def describe(self) -> str:
        """The Markdown the chip stands for, for a legend beside the source."""
        return self.opening + ("…" + self.closing if self.closing is not None else "")


@dataclass
class Chips:
    """A source segment with its markup as chips: `text` to show, `tags` by number."""

    text: str
    tags: dict[int, Tag] = field(default_factory=dict)


class ChipError(ValueError):
    """Text with chips that cannot be turned back into Markdown; nothing should be saved.

    `code` is "missing", "duplicated", "unknown" or "order"; `chips` names the tags concerned
    as they are written (`[2]`, `[/2]`, `[3/]`).
    """

    MESSAGES = {
        "missing": _l("Tags missing: %(tags)s. Put them back where the markup belongs."),
        "duplicated": _l("Tags used more than once: %(tags)s."),
        "unknown": _l("Tags the original does not have: %(tags)s."),
        "order": _l("Tags closed before they open, or crossing another pair: %(tags)s."),
    }

    def __init__(self, code: str, chips: list[str]):
        super().__init__(f"{code}: {' '.join(chips)}")
        self.code = code
        self.chips = chips

    @property
    def message(self) -> str:
        """The problem in the reader's language."""
        return str(self.MESSAGES[self.code] % {"tags": " ".join(self.chips)})


def _written(tag_id: int, kind: str) -> str:
    return {"open": f"[{tag_id}]", "close": f"[/{tag_id}]", "atom": f"[{tag_id}/]"}[kind]


def _pieces(text: str) -> list[str | Token]:
    """Markdown split into literal text and tokens, chip look-alikes protected as atoms."""
    parts: list[str | Token] = []
    for part in Protector().protect(text).parts:
        if isinstance(part, Token):
            parts.append(part)
            continue
        pos = 0
        # a literal "[1]" in the text would read as a chip: it becomes one of its own
        for m in CHIP.finditer(part):
            if m.start() > pos:
                parts.append(part[pos:m.start()])
            parts.append(Token(-1, m.group(0)))
            pos = m.end()
        if pos < len(part):
            parts.append(part[pos:])
    return parts


def to_chips(source: str) -> Chips:
    """The source segment with its inline markup as numbered chips."""
    out: list[str] = []
    tags: dict[int, Tag] = {}
    opening_of: dict[int, str] = {}
    pending: dict[int, int] = {}  # opening placeholder id -> chip number, until it closes
    count = 0
    for part in _pieces(source or ""):
        if isinstance(part, str):
            out.append(part)
            continue
        if part.role == "close" and part.partner in pending:
            number = pending.pop(part.partner)
            tags[number] = Tag(number, opening_of[number], part.value)
            out.append(_written(number, "close"))
            continue
        count += 1
        if part.role == "open":
            pending[part.id] = count
            opening_of[count] = part.value
            out.append(_written(count, "open"))
        else:
            tags[count] = Tag(count, part.value)
            out.append(_written(count, "atom"))
    return Chips("".join(out), dict(sorted(tags.items())))


def chip_target(target: str, chips: Chips) -> str:
    """A translation's Markdown shown with the source's chips where its markup matches.

    Markup the source does not have stays as typed Markdown, so nothing is hidden or lost.
    """
    atoms: dict[str, list[int]] = {}
    pairs: dict[tuple[str, str], list[int]] = {}
    for tag in chips.tags.values():
        if tag.paired:
            pairs.setdefault((tag.opening, tag.closing), []).append(tag.id)
        else:
            atoms.setdefault(tag.opening, []).append(tag.id)
    parts = _pieces(target or "")
    closing: dict[int, int] = {}  # opening placeholder id -> chip number
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif part.role == "open":
            partner = next((p for p in parts if isinstance(p, Token) and p.id == part.partner), None)
            ids = pairs.get((part.value, partner.value if partner else ""), [])
            if ids:
                number = ids.pop(0)
                closing[part.id] = number
                out.append(_written(number, "open"))
            else:
                out.append(part.value)
        elif part.role == "close":
            number = closing.pop(part.partner, None)
            out.append(_written(number, "close") if number is not None else part.value)
        else:
            ids = atoms.get(part.value, [])
            out.append(_written(ids.pop(0), "atom") if ids else part.value)
    return "".join(out)


def from_chips(text: str, chips: Chips, *, required: set[int] | None = None) -> str:
    """Text with chips back to Markdown; ChipError when a chip is unknown, doubled, missing or
    out of order. `required` names the chips that must appear (default: all of the source's);
    an empty text needs none."""
    text = text or ""
    found = list(CHIP.finditer(text))
    problems: dict[str, list[str]] = {"unknown": [], "duplicated": [], "order": []}
    seen: dict[str, int] = {}
    for m in found:
        number = int(m.group(2))
        closing, single = bool(m.group(1)), bool(m.group(3))
        tag = chips.tags.get(number)
        if tag is None or (closing and single) or (tag.paired == single) or (
            closing and not tag.paired
        ):
            problems["unknown"].append(m.group(0))
            continue
        seen[m.group(0)] = seen.get(m.group(0), 0) + 1
        if seen[m.group(0)] == 2:
            problems["duplicated"].append(m.group(0))
    for code in ("unknown", "duplicated"):
        if problems[code]:
            raise ChipError(code, problems[code])
    # pairs must nest: a closing tag closes the innermost open one
    stack: list[int] = []
    for m in found:
        number = int(m.group(2))
        if not chips.tags[number].paired:
            continue
        if not m.group(1):
            stack.append(number)
        elif stack and stack[-1] == number:
            stack.pop()
        else:
            problems["order"].append(m.group(0))
            if number in stack:
                stack.remove(number)
    wanted = set(chips.tags) if required is None else set(required)
    missing = []
    if text.strip():
        for number in sorted(wanted):
            tag = chips.tags[number]
            names = [f"[{number}]", f"[/{number}]"] if tag.paired else [f"[{number}/]"]
            missing.extend(n for n in names if n not in seen)
    # a pair left open: its closing tag is missing (or came too early, reported above)
    for number in stack:
        closing = f"[/{number}]"
        if closing not in seen and closing not in missing:
            missing.append(closing)
    if missing:
        raise ChipError("missing", missing)
    if problems["order"]:
        raise ChipError("order", problems["order"])
    out: list[str] = []
    pos = 0
    for m in found:
        out.append(text[pos:m.start()])
        tag = chips.tags[int(m.group(2))]
        out.append(tag.closing if m.group(1) else tag.opening)
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def present(target: str, chips: Chips) -> set[int]:
    """The chip numbers a stored translation already shows (older text may lack some)."""
    return {int(m.group(2)) for m in CHIP.finditer(chip_target(target, chips))} & set(chips.tags)


def split(text: str, chips: Chips) -> list[tuple[str, Tag | None]]:
    """Text with chips as (piece, tag) pairs: tag is None for plain text, for showing chips."""
    out: list[tuple[str, Tag | None]] = []
    pos = 0
    for m in CHIP.finditer(text or ""):
        tag = chips.tags.get(int(m.group(2)))
        if tag is None:
            continue
        if m.start() > pos:
            out.append((text[pos:m.start()], None))
        out.append((m.group(0), tag))
        pos = m.end()
    if pos < len(text or ""):
        out.append((text[pos:], None))
    return out
