"""Splitting a language version into translatable segments, and putting a translation together.

A version (headline, lede, Markdown body, image caption and alt text) becomes a list of
`SourceSegment`s plus a `Skeleton`: the block structure of the body with a segment key in every
slot that holds text. `assemble()` fills a skeleton with target texts and writes canonical
Markdown, so a translator only ever sees text with its inline markup (links, emphasis, code).

A picture in the body (a paragraph holding only `![alt](image:<stem> "caption")`, the form
the renderer shows as a figure) is a `figure` block: the stored image is structure, shared by
every language, and its alt text and caption are segments of their own (`figure_alt`,
`figure_caption`), so a translator never sees or breaks the Markdown around them.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from flask_babel import lazy_gettext as _l
from markdown_it import MarkdownIt
from markdown_it.token import Token

from bv.articles.fields import FIELDS
from bv.articles.rendering import lone_picture, picture_alt, picture_markdown, picture_stem

# the same parser settings as bv.articles.rendering, so segments match what readers see
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

# field name -> (segment key, segment kind), in reading order around the body
# (declared once in bv.articles.fields)
_BODY_AT = [f.name for f in FIELDS].index("body")
HEAD_FIELDS = {f.name: (f.segment_key, f.segment_kind) for f in FIELDS[:_BODY_AT]}
TAIL_FIELDS = {f.name: (f.segment_key, f.segment_kind) for f in FIELDS[_BODY_AT + 1:]}
FIELD_NAMES = tuple(f.name for f in FIELDS)
BODY_KINDS = frozenset(
    {"heading", "paragraph", "list_item", "quote", "figure_alt", "figure_caption"}
)
KINDS = (
    "headline", "lede", "heading", "paragraph", "list_item", "quote", "figure_alt",
    "figure_caption", "caption", "alt",
)
# the keys a block may hold: a text block one, a figure up to two
_BLOCK_KEYS = ("key", "alt_key", "caption_key")

_BODY_KEY = re.compile(r"b(\d+)")


@dataclass(frozen=True)
class SourceSegment:
    """One translatable unit of a source version."""

    key: str
    kind: str
    text: str
    hash: str


class MissingTextError(LookupError):
    """assemble() was given no text for some keys and no permission to fall back."""

    def __init__(self, keys: Iterable[str]):
        self.keys = sorted(keys, key=key_order)
        self.message = _l("No translation for segments: %(keys)s.", keys=", ".join(self.keys))
        super().__init__(str(self.message))


@dataclass(frozen=True)
class Skeleton:
    """The structure of a version: which key fills each field and each body block.

    `body` is a JSON-ready tree of blocks: heading (level, key), paragraph (key),
    figure (stem, alt_key, caption_key; a key is None when that text is empty),
    list (ordered, marker, start, tight, items: lists of blocks), quote (blocks),
    code (text, info), rule, definitions (link reference definitions, kept at the end).
    """

    fields: dict[str, str]
    body: list[dict]
    sources: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """A JSON-ready copy, for storing alongside the segments."""
        return {"fields": dict(self.fields), "body": self.body, "sources": dict(self.sources)}

    @classmethod
    def from_dict(cls, data: Mapping) -> Skeleton:
        """The inverse of as_dict()."""
        return cls(dict(data["fields"]), list(data["body"]), dict(data.get("sources", {})))


def normalize_text(text: str) -> str:
    """Whitespace collapsed to single spaces, ends trimmed: what the hash sees."""
    return " ".join((text or "").split())


def text_hash(text: str) -> str:
    """sha256 hex of the whitespace-normalized text."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


def make_segment(key: str, kind: str, text: str) -> SourceSegment:
    """A segment with its hash filled in."""
    return SourceSegment(key=key, kind=kind, text=text, hash=text_hash(text))


def split(values: Mapping[str, str]) -> list[SourceSegment]:
    """Segments of a version, in reading order, with provisional body keys b1, b2, ..."""
    return _parse(values)[0]


def skeleton(values: Mapping[str, str], segments: list[SourceSegment] | None = None) -> Skeleton:
    """The structure of a version; pass the keyed segments from assign_keys() to use their keys."""
    provisional, skel = _parse(values)
    if segments is None:
        return skel
    renames = _renames(provisional, segments)
    return Skeleton(
        fields={name: renames[key] for name, key in skel.fields.items()},
        body=_rekey(skel.body, renames),
        sources={renames[key]: text for key, text in skel.sources.items()},
    )


def assemble(
    skel: Skeleton, texts: Mapping[str, str | None], *, fallback: bool = False
) -> dict[str, str]:
    """Fill a skeleton with target texts: headline, lede, body (canonical Markdown), caption, alt.

    A key missing from `texts` takes the source text when `fallback` is true; otherwise
    MissingTextError names every missing key.
    """
    missing = [key for key in skel.sources if texts.get(key) is None]
    if missing and not fallback:
        raise MissingTextError(missing)

    def text_for(key: str) -> str:
        value = texts.get(key)
        return skel.sources.get(key, "") if value is None else value

    result = dict.fromkeys(FIELD_NAMES, "")
    for name, key in skel.fields.items():
        result[name] = normalize_text(text_for(key))
    result["body"] = "\n".join(_render_blocks(skel.body, text_for, tight=False))
    return result


def assign_keys(
    previous: list[SourceSegment], current: list[SourceSegment], *, reserved: Iterable[str] = ()
) -> list[SourceSegment]:
    """Give the current body segments the keys of the previous version's blocks they continue.

    The rule: difflib.SequenceMatcher aligns the body segments of both versions by
    (kind, hash).
    - A block found unchanged keeps its key, however many blocks were inserted or removed
      around it.
    - In a stretch that was replaced, blocks are paired in order: place by place when both sides
      have as many blocks (an edit in place, which shows as a change), otherwise by text
      similarity (same kind, difflib ratio at least 0.5). A paired block keeps the old key.
    - Any other block is new and gets the next number after the highest body key in `previous`
      and `reserved` (pass keys still held by translated segments, so none is reused).
    Among identical blocks the alignment may pick either twin, so an edit to one of them can
    show as a new block; harmless, since equal texts share their translation (and memory).
    Field segments (headline, lede, caption, alt) always keep their fixed keys.
    """
    old = [s for s in previous if s.kind in BODY_KINDS]
    new = [s for s in current if s.kind in BODY_KINDS]
    matcher = difflib.SequenceMatcher(
        None, [(s.kind, s.hash) for s in old], [(s.kind, s.hash) for s in new], autojunk=False
    )
    keys: list[str | None] = [None] * len(new)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                keys[j1 + offset] = old[i1 + offset].key
        elif tag == "replace":
            for i, j in _pair_replaced(old[i1:i2], new[j1:j2]):
                keys[j1 + j] = old[i1 + i].key
    numbers = [_key_number(k) for k in [*(s.key for s in old), *reserved]]
    next_number = max((n for n in numbers if n is not None), default=0) + 1
    for j, key in enumerate(keys):
        if key is None:
            keys[j] = f"b{next_number}"
            next_number += 1
    body_keys = iter(keys)
    return [replace(s, key=next(body_keys)) if s.kind in BODY_KINDS else s for s in current]


# parsing


def _parse(values: Mapping[str, str]) -> tuple[list[SourceSegment], Skeleton]:
    head, tail, fields, sources = [], [], {}, {}
    for group, spec in ((head, HEAD_FIELDS), (tail, TAIL_FIELDS)):
        for name, (key, kind) in spec.items():
            text = normalize_text(values.get(name) or "")
            if text:
                group.append(make_segment(key, kind, text))
                fields[name] = key
                sources[key] = text
    reader = _BodyReader(values.get("body") or "")
    body = reader.read()
    sources.update((s.key, s.text) for s in reader.segments)
    return [*head, *reader.segments, *tail], Skeleton(fields=fields, body=body, sources=sources)


class _BodyReader:
    """Walks markdown-it block tokens into a block tree, collecting one segment per text slot."""

    def __init__(self, markdown_text: str):
        env: dict = {}
        self.tokens: list[Token] = _markdown.parse(markdown_text, env)
        self.references: dict = env.get("references", {})
        self.pos = 0
        self.segments: list[SourceSegment] = []

    def read(self) -> list[dict]:
        blocks = self._blocks(None, container=None)
        if self.references:
            items = [
                {"label": label, "href": ref["href"], "title": ref.get("title") or ""}
                for label, ref in self.references.items()
            ]
            blocks.append({"kind": "definitions", "items": items})
        return blocks

    def _blocks(self, closing: str | None, container: str | None) -> list[dict]:
        blocks = []
        while self.pos < len(self.tokens):
            token = self.tokens[self.pos]
            if token.type == closing:
                self.pos += 1
                return blocks
            block = self._block(token, container)
            if block is not None:
                blocks.append(block)
        return blocks

    def _slot(self, kind: str, text: str) -> str:
        key = f"b{len(self.segments) + 1}"
        self.segments.append(make_segment(key, kind, text))
        return key

    def _block(self, token: Token, container: str | None) -> dict | None:
        kind = token.type
        if kind == "heading_open":
            text = normalize_text(self.tokens[self.pos + 1].content)
            self.pos += 3
            return {"kind": "heading", "level": int(token.tag[1]), "key": self._slot("heading", text)}
        if kind == "paragraph_open" and (image := lone_picture(self.tokens[self.pos + 1])):
            self.pos += 3
            alt = picture_alt(image)
            caption = normalize_text(str(image.attrGet("title") or ""))
            return {
                "kind": "figure",
                "stem": picture_stem(str(image.attrGet("src"))),
                "alt_key": self._slot("figure_alt", alt) if alt else None,
                "caption_key": self._slot("figure_caption", caption) if caption else None,
            }
        if kind == "paragraph_open":
            text = inline_text(self.tokens[self.pos + 1].content)
            self.pos += 3
            segment_kind = {"list": "list_item", "quote": "quote"}.get(container, "paragraph")
            return {"kind": "paragraph", "key": self._slot(segment_kind, text)}
        if kind in ("bullet_list_open", "ordered_list_open"):
            return self._list(token)
        if kind == "blockquote_open":
            self.pos += 1
            return {"kind": "quote", "blocks": self._blocks("blockquote_close", "quote")}
        self.pos += 1
        if kind in ("fence", "code_block"):
            info = token.info.strip() if kind == "fence" else ""
            return {"kind": "code", "text": token.content, "info": info}
        if kind == "hr":
            return {"kind": "rule"}
        return None  # nothing else is produced with html disabled

    def _list(self, token: Token) -> dict:
        closing = token.type.replace("_open", "_close")
        end = next(
            i for i in range(self.pos + 1, len(self.tokens))
            if self.tokens[i].type == closing and self.tokens[i].level == token.level
        )
        # markdown-it hides the <p> of tight lists
        tight = not any(
            t.type == "paragraph_open" and t.level == token.level + 2 and not t.hidden
            for t in self.tokens[self.pos:end]
        )
        ordered = token.type == "ordered_list_open"
        start = int(token.attrs.get("start", 1)) if ordered else 1
        self.pos += 1
        items = []
        while self.tokens[self.pos].type == "list_item_open":
            self.pos += 1
            items.append(self._blocks("list_item_close", "list"))
        self.pos += 1  # the list's closing token
        return {
            "kind": "list", "ordered": ordered, "marker": token.markup, "start": start,
            "tight": tight, "items": items,
        }


def inline_text(raw: str) -> str:
    """Inline Markdown on one line: soft breaks become spaces, hard breaks a backslash-newline."""
    lines = [line for line in (raw or "").split("\n") if line.strip()]
    parts = []
    for index, line in enumerate(lines):
        text = line.strip()
        if index == len(lines) - 1:
            parts.append(text)
            break
        trailing_backslashes = len(text) - len(text.rstrip("\\"))
        if trailing_backslashes % 2:
            parts.append(text + "\n")
        elif line.rstrip("\r").endswith("  "):
            parts.append(text + "\\\n")
        else:
            parts.append(text + " ")
    return "".join(parts)


# writing


# line starts that would open a block instead of continuing text
_BLOCK_START = re.compile(
    r"(?:#{1,6}(?:[ \t]|$)|>|[-+*](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|=+[ \t]*$|-+[ \t]*$"
    r"|(?:\*[ \t]*){3,}$|(?:_[ \t]*){3,}$|`{3,}|~{3,}|\[[^\]]*\]:)"
)
_HEADING_CLOSER = re.compile(r"(^|[ \t])(#+)[ \t]*$")


def _escape_line(line: str) -> str:
    if not _BLOCK_START.match(line):
        return line
    digits = re.match(r"\d+", line)
    cut = digits.end() if digits else 0
    return line[:cut] + "\\" + line[cut:]


def _render_blocks(blocks: list[dict], text_for: Callable[[str], str], *, tight: bool) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        chunk = _render_block(block, text_for)
        if not chunk:
            continue
        if lines and not tight:
            lines.append("")
        lines.extend(chunk)
    return lines


def _render_block(block: dict, text_for: Callable[[str], str]) -> list[str]:
    kind = block["kind"]
    if kind == "heading":
        text = normalize_text(text_for(block["key"]).replace("\\\n", " "))
        text = _HEADING_CLOSER.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
        return [("#" * block["level"] + " " + text).rstrip()]
    if kind == "paragraph":
        text = inline_text(text_for(block["key"]))
        return [_escape_line(line) for line in text.split("\n")] if text else []
    if kind == "figure":
        alt = text_for(block["alt_key"]) if block.get("alt_key") else ""
        caption = text_for(block["caption_key"]) if block.get("caption_key") else ""
        return [picture_markdown(block["stem"], alt=alt, caption=caption)]
    if kind == "list":
        return _render_list(block, text_for)
    if kind == "quote":
        inner = _render_blocks(block["blocks"], text_for, tight=False)
        return [f"> {line}" if line else ">" for line in inner] or [">"]
    if kind == "code":
        return _render_code(block["text"], block.get("info", ""))
    if kind == "rule":
        return ["___"]  # neither a list marker nor a setext underline in any context
    if kind == "definitions":
        return [_definition(item) for item in block["items"]]
    raise ValueError(f"unknown block kind {kind!r}")


def _render_list(block: dict, text_for: Callable[[str], str]) -> list[str]:
    lines: list[str] = []
    for number, item in enumerate(block["items"], start=block["start"]):
        marker = f"{number}{block['marker']}" if block["ordered"] else block["marker"]
        inner = _render_blocks(item, text_for, tight=block["tight"])
        if lines and not block["tight"]:
            lines.append("")
        if not inner:
            lines.append(marker)
            continue
        indent = " " * (len(marker) + 1)
        lines.append(f"{marker} {inner[0]}")
        lines.extend(indent + line if line else "" for line in inner[1:])
    return lines


def _render_code(text: str, info: str) -> list[str]:
    fence_char = "~" if "`" in info else "`"
    longest = max((len(run) for run in re.findall(re.escape(fence_char) + "+", text)), default=0)
    fence = fence_char * max(3, longest + 1)
    body = text[:-1] if text.endswith("\n") else text
    return [fence + info, *(body.split("\n") if text else []), fence]


def _definition(item: dict) -> str:
    line = f"[{item['label']}]: <{item['href']}>"
    if item.get("title"):
        title = item["title"].replace("\\", "\\\\").replace('"', '\\"')
        line += f' "{title}"'
    return line


# keys


def _key_number(key: str) -> int | None:
    match = _BODY_KEY.fullmatch(key)
    return int(match.group(1)) if match else None


_FIELD_ORDER = {"headline": 0, "lede": 1, "caption": 3, "alt": 4}


def key_order(key: str) -> tuple:
    """Sort key for segment keys in reading order: headline, lede, b1, b2, ..., caption, alt."""
    number = _key_number(key)
    if number is not None:
        return (2, number, "")
    return (_FIELD_ORDER.get(key, 5), 0, key)


def _pair_replaced(old: list[SourceSegment], new: list[SourceSegment]) -> list[tuple[int, int]]:
    if len(old) == len(new):
        return [(i, i) for i in range(len(old))]
    pairs, start = [], 0
    for i, before in enumerate(old):
        best: tuple[float, int] | None = None
        for j in range(start, len(new)):
            if new[j].kind != before.kind:
                continue
            ratio = difflib.SequenceMatcher(None, before.text, new[j].text).ratio()
            if ratio >= 0.5 and (best is None or ratio > best[0]):
                best = (ratio, j)
        if best is not None:
            pairs.append((i, best[1]))
            start = best[1] + 1
    return pairs


def _renames(provisional: list[SourceSegment], keyed: list[SourceSegment]) -> dict[str, str]:
    if [(s.kind, s.hash) for s in provisional] != [(s.kind, s.hash) for s in keyed]:
        raise ValueError("segments do not belong to these values")
    return {p.key: k.key for p, k in zip(provisional, keyed, strict=True)}


def _rekey(blocks: list[dict], renames: dict[str, str]) -> list[dict]:
    result = []
    for block in blocks:
        block = dict(block)
        for name in _BLOCK_KEYS:
            if block.get(name):
                block[name] = renames[block[name]]
        if "blocks" in block:
            block["blocks"] = _rekey(block["blocks"], renames)
        if "items" in block and block["kind"] == "list":
            block["items"] = [_rekey(item, renames) for item in block["items"]]
        result.append(block)
    return result
