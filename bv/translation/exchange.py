"""Translations out to CAT tools and back: XLIFF 1.2 and PO, through translate-toolkit.

An `ExchangeDocument` is plain data: which article, language pair, source revision and
translation version a file was made from, and one `ExchangeUnit` per segment. `export_xliff()`
and `export_po()` turn it into bytes; `parse()` reads either format back; `compare()` lists
everything that makes a returned file disagree with the article as it is now.

Where things live in the files:
- XLIFF: one <file original="article-<id>" source-language target-language>; the source revision
  and translation version are <note from="bv:source-revision"> and <note
  from="bv:translation-version"> in its <header>. A unit's id and resname are the segment key;
  its state is the <target state>: translated, signed-off (reviewed, the only approved="yes"),
  needs-review-translation (unreviewed machine text). A new unit carries
  <target state="new"> holding the source: OmegaT's XLIFF filter translates what is in
  <target> and skips a unit without one. An outdated unit carries the new source the same way
  (state="needs-translation") and its previous source and translation in <alt-trans
  origin="previous">, where tools offer it as a match. Inline Markdown (links, emphasis,
  code, line breaks) is <bpt>/<ept>/<ph> holding the Markdown it stands for, numbered by
  bv.translation.mt.placeholders, so a CAT tool shows it as protected tags; a target tag
  takes its Markdown from the source tag of the same id. The target language is repeated in
  <note from="bv:target-language"> so a file whose language was changed is refused.
- PO: metadata in the header (Language, X-Source-Language, X-BV-Article-Id,
  X-BV-Source-Revision, X-BV-Translation-Version, X-BV-Target-Language); msgctxt is the key;
  needs-review units are fuzzy, outdated ones fuzzy with the previous source as #| msgid (what
  msgmerge writes), reviewed ones carry a "reviewed" flag (a tool that drops it only downgrades
  them to translated); the note is an extracted comment (#.). Inline Markdown becomes numbered
  tags, as in Lingui's and react-intl's catalogs: `<1>text</1>` for a pair (link, emphasis),
  `<2/>` for a single code (code span, line break, URL); a `#. bv-codes: {...}` comment maps
  each tag to its Markdown. Literal text that looks like such a tag is itself a tag, so it
  survives. The previous source (#| msgid) stays plain Markdown.
A target written for a unit still 'new' can only come back as 'needs-review' (OmegaT keeps the
state); a target still equal to the source in a new or needs-translation unit is untranslated.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath

from flask_babel import lazy_gettext as _l

from bv.translation.mt.errors import language_name
from bv.translation.mt.placeholders import Protector, Token
from bv.translation.segments import key_order, normalize_text

# outdated: the source changed since `target` was made from `previous_source`
STATES = ("new", "translated", "reviewed", "needs-review", "outdated")
XLIFF_NAMESPACE = "urn:oasis:names:tc:xliff:document:1.2"
REVISION_NOTE = "bv:source-revision"
VERSION_NOTE = "bv:translation-version"
TARGET_NOTE = "bv:target-language"
PO_CODES = "bv-codes: "
PO_HEADERS = {
    "article_id": "X-BV-Article-Id",
    "source_revision": "X-BV-Source-Revision",
    "translation_version": "X-BV-Translation-Version",
    "source_locale": "X-Source-Language",
    "target_locale": "Language",
    "exported_target": "X-BV-Target-Language",
}
_EXPORT_STATES = {
    "translated": "translated",
    "reviewed": "signed-off",
    "needs-review": "needs-review-translation",
    "new": "new",
    "outdated": "needs-translation",
}
_UNTRANSLATED = ("new", "needs-translation")
_XLIFF_SKELETON = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<xliff version="1.2" xmlns="{XLIFF_NAMESPACE}">'
    '<file original="{original}" source-language="{source}" target-language="{target}"'
    ' datatype="plaintext"><header/><body/></file></xliff>'
)


@functools.cache
def _xliff_file():
    """The toolkit's XLIFF store, writing 1.2 units.

    translate-toolkit is imported here and in each format's function, on first use: the web
    workers that only serve pages never load it.
    """
    from translate.storage import xliff

    class XliffUnit(xliff.xliffunit):
        # the toolkit's units default to the XLIFF 1.1 namespace; ours are 1.2 from the start
        namespace = XLIFF_NAMESPACE

    class XliffFile(xliff.xlifffile):
        UnitClass = XliffUnit
        namespace = XLIFF_NAMESPACE

    return XliffFile


@dataclass
class ExchangeUnit:
    """One segment in an exchange file."""

    key: str
    source: str
    target: str
    state: str  # one of STATES
    note: str = ""
    previous_source: str | None = None


@dataclass
class ExchangeDocument:
    """The content of an exchange file: one article's translation into one language."""

    article_id: int
    source_locale: str
    target_locale: str
    source_revision: int  # the source Revision id the file was made from
    translation_version: int  # the target's optimistic-lock version at export
    units: list[ExchangeUnit] = field(default_factory=list)
    # the PO header's Last-Translator and Language-Team, and when the translation last changed
    team: str = ""
    revised_at: datetime | None = None
    translator: str = ""  # the PO Last-Translator: who last changed the translation
    # the target language as exported, kept apart from the editable one (None: an older file)
    exported_target: str | None = field(default=None, compare=False)


class ExchangeError(Exception):
    """A file that cannot be imported, with a message for the person who uploaded it."""

    def __init__(self, message, details: dict | None = None):
        self.message = message
        self.details = details or {}
        super().__init__(str(message))


@dataclass
class Mismatch:
    """One way a returned file disagrees with the article now; blocking ones stop the import."""

    code: str
    message: object  # a lazy string
    blocking: bool
    details: dict = field(default_factory=dict)


class TagError(ValueError):
    """Inline tags in a target that do not match its source."""


# inline markup: Markdown ⇄ tags


def inline_parts(text: str) -> list[str | Token]:
    """A segment as literal text and placeholders, numbered from 1 (the MT tokenizer)."""
    return Protector().protect(text or "").parts


def _aligned(target: str | list[str | Token], source_parts: list[str | Token]) -> list[str | Token]:
    """The target's markup as the source's placeholders where it matches them; the rest stays
    literal text (markup a translator added or changed cannot borrow a source tag)."""
    by_id = {p.id: p for p in source_parts if isinstance(p, Token)}
    used: set[int] = set()
    parts = inline_parts(target) if isinstance(target, str) else target
    mapped: dict[int, int] = {}  # target placeholder id → source placeholder id
    for part in parts:
        if not isinstance(part, Token) or part.role == "close":
            continue
        partner = next((p for p in parts if isinstance(p, Token) and p.id == part.partner), None)
        for candidate in by_id.values():
            if candidate.id in used or candidate.role != part.role or candidate.value != part.value:
                continue
            if part.role == "open" and (partner is None
                                        or by_id[candidate.partner].value != partner.value):
                continue
            used.add(candidate.id)
            mapped[part.id] = candidate.id
            if part.role == "open":
                used.add(candidate.partner)
                mapped[partner.id] = candidate.partner
            break
    return [by_id[mapped[p.id]] if isinstance(p, Token) and p.id in mapped
            else (p.value if isinstance(p, Token) else p) for p in parts]


def _joined(parts: list[str | Token]) -> list[str | Token]:
    out: list[str | Token] = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        elif part != "":
            out.append(part)
    return out


def _fill_xml(element, parts: list[str | Token], namespaced, dialect: str) -> None:
    """Write parts into an lxml element: XLIFF <bpt id>/<ept id>/<ph id>, or TMX i/x."""
    element.text = None
    for child in list(element):
        element.remove(child)
    last = None
    for part in _joined(parts):
        if isinstance(part, str):
            if last is None:
                element.text = (element.text or "") + part
            else:
                last.tail = (last.tail or "") + part
            continue
        if part.role == "open":
            tag, number = "bpt", part.id
        elif part.role == "close":
            tag, number = "ept", part.partner
        else:
            tag, number = "ph", part.id
        if dialect == "xliff":
            attrs = {"id": str(number)}
        else:
            attrs = {"x": str(number)} if tag == "ph" else {"i": str(number)}
        last = element.makeelement(namespaced(tag), attrs)
        last.text = part.value
        element.append(last)


_OPEN = {"bpt": "open", "bx": "open", "ept": "close", "ex": "close",
         "ph": "atom", "x": "atom", "it": "atom"}


def _read_xml(element) -> list[str | tuple[str, str, str]]:
    """Literal text and (role, id, content) for each inline tag; <mrk> is looked through."""
    out: list = [element.text or ""]
    for child in element:
        name = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
        if name == "mrk":
            out.extend(_read_xml(child))
        elif name in _OPEN:
            number = child.get("id") or child.get("rid") or ""
            out.append((_OPEN[name], number, "".join(child.itertext())))
        elif name:
            out.append(("unknown", name, "".join(child.itertext())))
        out.append(child.tail or "")
    return out


def _markdown(items) -> str:
    """Source text: every tag gives back the Markdown it holds."""
    return "".join(i if isinstance(i, str) else i[2] for i in items)


def _codes_of(items) -> dict[tuple[str, str], str]:
    return {(i[0], i[1]): i[2] for i in items if not isinstance(i, str)}


def _restore(items, codes: dict[tuple[str, str], str]) -> str:
    """Target text from its tags and the source's codes; TagError when they do not pair."""
    out, opened, seen = [], [], set()
    for item in items:
        if isinstance(item, str):
            out.append(item)
            continue
        role, number, _content = item
        if (role, number) not in codes:
            raise TagError(f"tag {role} {number!r} is not in the source")
        if (role, number) in seen:
            raise TagError(f"tag {role} {number!r} appears twice")
        seen.add((role, number))
        if role == "open":
            opened.append(number)
        elif role == "close":
            if number not in opened:
                raise TagError(f"tag {number!r} is closed before it is opened")
            opened.remove(number)
        out.append(codes[(role, number)])
    if opened:
        raise TagError(f"tags {opened} are opened but never closed")
    return "".join(out)


def _tag_error(key: str, error: TagError) -> ExchangeError:
    return ExchangeError(
        _l("The tags in segment %(key)s do not match its source: a link, emphasis or code "
           "tag is missing its pair, is closed before it opens, or was not in the source. "
           "Fix the tags in your translation tool and upload the file again.", key=key),
        {"key": key, "reason": str(error)},
    )


# PO: numbered tags <1>…</1> and <2/>

_PO_TAG = re.compile(r"<(/?)(\d{1,6})(/?)>")


def _po_tag(part: Token) -> tuple[str, str]:
    if part.role == "open":
        return f"<{part.id}>", "open"
    if part.role == "close":
        return f"</{part.partner}>", "close"
    return f"<{part.id}/>", "atom"


def _po_escaped(parts: list[str | Token], next_id) -> list[str | Token]:
    """Literal text that looks like a numbered tag becomes a tag of its own."""
    out: list[str | Token] = []
    for part in parts:
        if not isinstance(part, str):
            out.append(part)
            continue
        pos = 0
        for m in _PO_TAG.finditer(part):
            out.append(part[pos:m.start()])
            out.append(Token(next(next_id), m.group(0)))
            pos = m.end()
        out.append(part[pos:])
    return [p for p in out if p != ""]


def _po_text(parts: list[str | Token], codes: dict[str, str]) -> str:
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        else:
            tag, _role = _po_tag(part)
            codes[tag] = part.value
            out.append(tag)
    return "".join(out)


def _po_items(text: str) -> list[str | tuple[str, str, str]]:
    items: list = []
    pos = 0
    for m in _PO_TAG.finditer(text):
        items.append(text[pos:m.start()])
        role = "close" if m.group(1) else ("atom" if m.group(3) else "open")
        items.append((role, m.group(2), m.group(0)))
        pos = m.end()
    items.append(text[pos:])
    return items


def _po_codes(codes: dict[str, str]) -> dict[tuple[str, str], str]:
    out = {}
    for tag, value in codes.items():
        m = _PO_TAG.fullmatch(tag)
        if m:
            role = "close" if m.group(1) else ("atom" if m.group(3) else "open")
            out[(role, m.group(2))] = value
    return out


# export


def export_xliff(doc: ExchangeDocument) -> bytes:
    """An XLIFF 1.2 file for a CAT tool (OmegaT and tools that read <source> alike)."""
    store = _xliff_file().parsestring(
        _XLIFF_SKELETON.format(
            original=f"article-{doc.article_id}",
            source=doc.source_locale,
            target=doc.target_locale,
        ).encode("utf-8")
    )
    filename = f"article-{doc.article_id}"
    filenode = store.getfilenode(filename)
    header = store.getheadernode(filenode, createifmissing=True)
    for origin, value in ((REVISION_NOTE, doc.source_revision),
                          (VERSION_NOTE, doc.translation_version),
                          (TARGET_NOTE, doc.target_locale)):
        note = header.makeelement(store.namespaced("note"), {"from": origin})
        note.text = str(value)
        header.append(note)
    for unit in doc.units:
        _check_state(unit)
        xunit = store.addsourceunit(unit.source, filename=filename)
        xunit.setid(unit.key)
        xunit.xmlelement.set("resname", unit.key)
        source_parts = inline_parts(unit.source)
        _fill_xml(xunit.getlanguageNode(lang=None, index=0), source_parts, store.namespaced, "xliff")
        if unit.state in ("new", "outdated"):
            # the source again: what OmegaT offers for translation, and what Okapi copies
            target_parts = source_parts
        else:
            target_parts = _aligned(unit.target, source_parts)
        xunit.target = unit.target or unit.source
        target_node = xunit.getlanguageNode(lang=None, index=1)
        _fill_xml(target_node, target_parts, store.namespaced, "xliff")
        target_node.set("state", _EXPORT_STATES[unit.state])
        if unit.state == "reviewed":
            xunit.xmlelement.set("approved", "yes")
        else:
            xunit.xmlelement.attrib.pop("approved", None)
        if unit.note:
            xunit.addnote(unit.note, origin="bv")
        if unit.state == "outdated":
            previous = inline_parts(unit.previous_source or "")
            alt = xunit.xmlelement.makeelement(store.namespaced("alt-trans"), {"origin": "previous"})
            for name, parts in (("source", previous), ("target", _aligned(unit.target, previous))):
                node = alt.makeelement(store.namespaced(name), {})
                _fill_xml(node, parts, store.namespaced, "xliff")
                alt.append(node)
            xunit.xmlelement.append(alt)
    return bytes(store)


def export_po(doc: ExchangeDocument) -> bytes:
    """A gettext PO file for a CAT tool."""
    from translate.storage import pypo

    store = pypo.pofile()
    # gettext's template defaults ("FULL NAME <EMAIL@ADDRESS>") make `msgfmt -c` warn
    team = doc.team or f"bv {doc.target_locale} desk"
    revised = doc.revised_at or datetime.now(UTC)
    if revised.tzinfo is None:  # stored naive values are UTC
        revised = revised.replace(tzinfo=UTC)
    store.updateheader(
        add=True,
        Project_Id_Version=f"bv article {doc.article_id}",
        PO_Revision_Date=revised.astimezone(UTC).strftime("%Y-%m-%d %H:%M+0000"),
        Last_Translator=doc.translator or team,
        Language_Team=team,
        Language=doc.target_locale,
        X_Source_Language=doc.source_locale,
        X_BV_Article_Id=str(doc.article_id),
        X_BV_Source_Revision=str(doc.source_revision),
        X_BV_Translation_Version=str(doc.translation_version),
        X_BV_Target_Language=doc.target_locale,
    )
    for unit in doc.units:
        _check_state(unit)
        if not unit.source:
            raise ValueError(f"unit {unit.key} has no source text")  # msgid "" is the header
        source_parts = inline_parts(unit.source)
        top = max((p.id for p in source_parts if isinstance(p, Token)), default=0)
        next_id = iter(range(top + 1, 10**6))
        source_parts = _po_escaped(source_parts, next_id)
        codes: dict[str, str] = {}
        po_unit = store.addsourceunit(_po_text(source_parts, codes))
        po_unit.setcontext(unit.key)
        if unit.target:
            # tag lookalikes in the target may match the source's, like any other code
            own = _po_escaped(inline_parts(unit.target), iter(range(10**6, 2 * 10**6)))
            target_parts = _po_escaped(_aligned(own, source_parts), next_id)
            po_unit.target = _po_text(target_parts, codes)
            po_unit.markfuzzy(unit.state in ("needs-review", "new", "outdated"))
        if unit.state == "reviewed":
            po_unit.settypecomment("reviewed")
        if unit.note:
            po_unit.addnote(unit.note, origin="developer")
        if codes:
            po_unit.addnote(PO_CODES + json.dumps(codes, ensure_ascii=False), origin="developer")
        if unit.state == "outdated":
            po_unit.prev_source = unit.previous_source or ""
    return bytes(store)


def _check_state(unit: ExchangeUnit) -> None:
    if unit.state not in STATES:
        raise ValueError(f"unknown state {unit.state!r} for unit {unit.key}")


# memory and glossary next to the XLIFF


def export_tmx(source_locale: str, target_locale: str,
               pairs: list[tuple[str, str, str]]) -> bytes:
    """A TMX 1.4 memory of (source, target, note) pairs; inline Markdown as <bpt>/<ept>/<ph>,
    numbered as in the XLIFF, so tools match tags as well as words."""
    from translate.storage import tmx

    store = tmx.tmxfile(sourcelanguage=source_locale, targetlanguage=target_locale)
    header = store.document.getroot().find("header")
    header.set("creationtool", "bv")
    header.set("segtype", "paragraph")
    header.set("datatype", "plaintext")
    header.set("o-tmf", "bv")
    for source, target, note in pairs:
        store.addtranslation(source, source_locale, target, target_locale, comment=note or None)
        unit = store.units[-1]
        source_parts = inline_parts(source)
        for index, parts in ((0, source_parts), (1, _aligned(target, source_parts))):
            seg = unit.getlanguageNode(index=index).find("seg")
            _fill_xml(seg, parts, lambda name: name, "tmx")
    return bytes(store)


def export_tbx(source_locale: str, target_locale: str, terms) -> bytes:
    """The glossary as TBX; a term that must stay as written is its own translation."""
    from translate.storage import tbx

    store = tbx.tbxfile(sourcelanguage=source_locale, targetlanguage=target_locale)
    for term in terms:
        unit = store.addsourceunit(term.term)
        unit.target = term.term if term.do_not_translate else (term.translation or "")
        if term.do_not_translate:
            unit.addnote("do not translate")
        if getattr(term, "note", ""):
            unit.addnote(term.note)
    return bytes(store)


# import


def parse(data: bytes, filename: str = "") -> ExchangeDocument:
    """Read an XLIFF or PO file; any problem with it becomes an ExchangeError."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    kind = _detect(data, filename)
    try:
        return _parse_xliff(data) if kind == "XLIFF" else _parse_po(data)
    except ExchangeError:
        raise
    except Exception as exc:  # lxml and translate-toolkit raise many kinds on broken input
        raise ExchangeError(
            _l("The file is damaged or is not a valid %(format)s file.", format=kind),
            {"format": kind, "reason": f"{type(exc).__name__}: {exc}"},
        ) from exc


def _detect(data: bytes, filename: str) -> str:
    suffix = PurePosixPath(filename or "").suffix.lower()
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    # some Windows CAT tools write XLIFF in UTF-16; gettext has no UTF-16 PO files
    if start == b"<" or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "XLIFF"
    if suffix in (".po", ".pot") or re.search(rb"^\s*msgid\s", data, re.MULTILINE):
        return "PO"
    if suffix in (".xlf", ".xliff"):
        return "XLIFF"
    raise ExchangeError(_l("This file is neither XLIFF nor PO."), {"filename": filename})


def _missing(name: str) -> ExchangeError:
    message = _l("The file does not say which article and revision it belongs to "
                 "(%(field)s is missing).", field=name)
    return ExchangeError(message, {"field": name})


def _integer(value, name: str) -> int:
    if value is None or not re.fullmatch(r"\s*\d+\s*", str(value)):
        raise _missing(name)
    return int(value)


def _locale(value, name: str) -> str:
    # CAT tools often rewrite "sq" as "sq-AL" or "sq_AL"
    code = re.split(r"[-_]", (value or "").strip())[0].lower()
    if not code:
        raise _missing(name)
    return code


def _exported_target(exported) -> str | None:
    return None if exported is None else _locale(exported, "target language")


def _check_target_language(file_code: str, exported_code: str | None) -> None:
    """The target language is written twice; a file whose language was edited is refused."""
    if exported_code is None:
        return  # files from before the second copy existed
    if exported_code != file_code:
        raise ExchangeError(
            _l("This file was exported for a translation into %(exported)s, but its target "
               "language was changed to %(file)s. Set the language back to %(exported)s, or "
               "export a new file for %(file)s.",
               exported=language_name(exported_code), file=language_name(file_code)),
            {"exported": exported_code, "file": file_code},
        )


def _parse_xliff(data: bytes) -> ExchangeDocument:
    from translate.misc.xml_helpers import getText

    store = _xliff_file().parsestring(data)
    names = store.getfilenames()
    if not names:
        raise _missing("file original")
    if len(names) > 1:
        raise ValueError(f"{len(names)} <file> elements; expected one article")
    filenode = store.getfilenode(names[0])
    match = re.fullmatch(r"article-(\d+)", names[0] or "")
    if not match:
        raise _missing("file original")
    header = store.getheadernode(filenode) if filenode is not None else None
    notes = {}
    if header is not None:
        for note in header.iterchildren(store.namespaced("note")):
            notes[note.get("from")] = getText(note)
    doc = ExchangeDocument(
        article_id=int(match.group(1)),
        source_locale=_locale(filenode.get("source-language"), "source-language"),
        target_locale=_locale(filenode.get("target-language"), "target-language"),
        source_revision=_integer(notes.get(REVISION_NOTE), REVISION_NOTE),
        translation_version=_integer(notes.get(VERSION_NOTE), VERSION_NOTE),
        exported_target=_exported_target(notes.get(TARGET_NOTE)),
    )
    for unit in store.units:
        key = unit.xmlelement.get("resname") or unit.getid().split("\x04")[-1]
        source_node = unit.getlanguageNode(lang=None, index=0)
        source_items = _read_xml(source_node) if source_node is not None else []
        source = _markdown(source_items)
        target_node = unit.getlanguageNode(lang=None, index=1)
        target = ""
        if target_node is not None:
            try:
                target = _restore(_read_xml(target_node), _codes_of(source_items))
            except TagError as error:
                raise _tag_error(key, error) from None
        state = _xliff_state(source, target, target_node, unit.xmlelement.get("approved"))
        previous = None
        if state == "new":
            target = ""
            previous = _previous(unit, store)
            if previous is not None:
                state = "outdated"
                previous, target = previous
        doc.units.append(ExchangeUnit(
            key=key,
            source=source,
            target=target,
            state=state,
            note=unit.getnotes(origin="bv"),
            previous_source=previous,
        ))
    return _checked(doc)


def _xliff_state(source: str, target: str, target_node, approved: str | None) -> str:
    if not target.strip():
        return "new"
    state = target_node.get("state") or ""
    # a copy of the source in a unit still to translate is not a translation
    if state in _UNTRANSLATED and normalize_text(target) == normalize_text(source):
        return "new"
    if state in ("final", "signed-off"):
        return "reviewed"
    if state == "translated" or (not state and approved != "no"):
        return "translated"
    # needs-review-*, and text written into a new or needs-translation unit
    return "needs-review"


def _previous(unit, store) -> tuple[str, str] | None:
    """The previous source and translation of an outdated unit (the <alt-trans> bv wrote)."""
    for alt in unit.xmlelement.iterchildren(store.namespaced("alt-trans")):
        source = alt.find(store.namespaced("source"))
        target = alt.find(store.namespaced("target"))
        if alt.get("origin") == "previous" and source is not None and target is not None:
            return _markdown(_read_xml(source)), _markdown(_read_xml(target))
    return None


def _parse_po(data: bytes) -> ExchangeDocument:
    from translate.storage import pypo

    store = pypo.pofile(data)
    header = store.parseheader()

    def value(name: str):
        return header.get(PO_HEADERS[name])

    doc = ExchangeDocument(
        article_id=_integer(value("article_id"), PO_HEADERS["article_id"]),
        source_locale=_locale(value("source_locale"), PO_HEADERS["source_locale"]),
        target_locale=_locale(value("target_locale"), PO_HEADERS["target_locale"]),
        source_revision=_integer(value("source_revision"), PO_HEADERS["source_revision"]),
        translation_version=_integer(
            value("translation_version"), PO_HEADERS["translation_version"]
        ),
        exported_target=_exported_target(value("exported_target")),
    )
    for unit in store.units:
        if unit.isheader() or unit.isobsolete():
            continue
        key = unit.getcontext()
        notes, codes = [], {}
        for line in unit.getnotes("developer").split("\n"):
            if line.startswith(PO_CODES):
                codes = json.loads(line[len(PO_CODES):])
            else:
                notes.append(line)
        if not isinstance(codes, dict) or not all(isinstance(v, str) for v in codes.values()):
            raise ValueError(f"unit {key}: bv-codes is not a map of tags to text")
        known = _po_codes(codes)
        try:
            source = _restore(_po_items(str(unit.source or "")), known)
            target = _restore(_po_items(str(unit.target or "")), known)
        except TagError as error:
            raise _tag_error(key, error) from None
        previous = str(unit.prev_source) if unit.prev_source else None
        if not target.strip():
            state, target, previous = "new", "", None
        elif unit.isfuzzy():
            state = "outdated" if previous is not None else "needs-review"
        elif unit.hastypecomment("reviewed"):
            state = "reviewed"
        else:
            state = "translated"
        doc.units.append(ExchangeUnit(
            key=key,
            source=source,
            target=target,
            state=state,
            note="\n".join(notes),
            previous_source=previous if state == "outdated" else None,
        ))
    return _checked(doc)


def _checked(doc: ExchangeDocument) -> ExchangeDocument:
    seen = set()
    for unit in doc.units:
        if not unit.key:
            raise ValueError("a unit has no segment key")
        if unit.key in seen:
            message = _l("Segment %(key)s appears more than once in the file.", key=unit.key)
            raise ExchangeError(message, {"key": unit.key})
        seen.add(unit.key)
    return doc


# the languages a file may bring


def check_languages(doc: ExchangeDocument, *, source_locale: str, locales) -> None:
    """Refuse a file that would write into a language the site does not publish, into the
    article's own language, or that was translated from another language than the article's."""
    if doc.target_locale not in locales:
        raise ExchangeError(
            _l("This file translates into “%(code)s”, a language this site does not publish in.",
               code=doc.target_locale),
            {"target": doc.target_locale},
        )
    if doc.target_locale == source_locale:
        raise ExchangeError(
            _l("This file translates into %(language)s, the language the article was written "
               "in; an import never replaces the original.",
               language=language_name(doc.target_locale)),
            {"target": doc.target_locale},
        )
    if doc.source_locale != source_locale:
        raise ExchangeError(
            _l("This file translates from %(file)s, but the article was written in %(source)s.",
               file=language_name(doc.source_locale), source=language_name(source_locale)),
            {"file": doc.source_locale, "current": source_locale},
        )
    # after the checks above, which say more about a language the site cannot take at all
    _check_target_language(doc.target_locale, doc.exported_target)


# comparing with the article as it is now


def compare(
    doc_in_file: ExchangeDocument,
    *,
    article_id: int,
    source_locale: str,
    target_locale: str,
    current_source_revision: int,
    current_translation_version: int,
    current_keys: set[str],
    current_sources: dict[str, str],
) -> list[Mismatch]:
    """Every way the file disagrees with the article now, blocking ones first.

    Blocking: another article, another language pair, a translation edited in bv since the
    export (importing would overwrite it). Warnings: an older source revision, units for
    segments that no longer exist (skipped), segments missing from the file (left as they
    are), and units whose source changed since the export (to be imported as outdated).
    """
    doc = doc_in_file
    found: list[Mismatch] = []
    if doc.article_id != article_id:
        found.append(Mismatch(
            "article",
            _l("This file belongs to article %(file)s, not to article %(current)s.",
               file=doc.article_id, current=article_id),
            True, {"file": doc.article_id, "current": article_id},
        ))
    if (doc.source_locale, doc.target_locale) != (source_locale, target_locale):
        found.append(Mismatch(
            "languages",
            _l("This file translates %(file_source)s into %(file_target)s, not %(source)s "
               "into %(target)s.", file_source=language_name(doc.source_locale),
               file_target=language_name(doc.target_locale),
               source=language_name(source_locale), target=language_name(target_locale)),
            True,
            {"file": [doc.source_locale, doc.target_locale], "current": [source_locale, target_locale]},
        ))
    if doc.translation_version != current_translation_version:
        found.append(Mismatch(
            "translation_version",
            _l("The translation was edited after this file was exported; importing it would "
               "overwrite a newer edit."),
            True, {"file": doc.translation_version, "current": current_translation_version},
        ))
    if doc.source_revision != current_source_revision:
        found.append(Mismatch(
            "source_revision",
            _l("This file was made from source revision %(file)s; the source is now at "
               "revision %(current)s.", file=doc.source_revision, current=current_source_revision),
            False, {"file": doc.source_revision, "current": current_source_revision},
        ))
    file_keys = [unit.key for unit in doc.units]
    unknown = [key for key in file_keys if key not in current_keys]
    if unknown:
        found.append(Mismatch(
            "unknown_keys",
            _l("Segments no longer in the article: %(keys)s.", keys=", ".join(unknown)),
            False, {"keys": unknown},
        ))
    missing = sorted(set(current_keys) - set(file_keys), key=key_order)
    if missing:
        found.append(Mismatch(
            "missing_keys",
            _l("Segments missing from the file: %(keys)s.", keys=", ".join(missing)),
            False, {"keys": missing},
        ))
    changed = {
        unit.key: {"file": unit.source, "current": current_sources.get(unit.key, "")}
        for unit in doc.units
        if unit.key in current_keys
        and normalize_text(unit.source) != normalize_text(current_sources.get(unit.key, ""))
    }
    if changed:
        found.append(Mismatch(
            "source_changed",
            _l("The source of these segments changed after the export: %(keys)s.",
               keys=", ".join(changed)),
            False, {"keys": list(changed), "changes": changed},
        ))
    return sorted(found, key=lambda m: not m.blocking)

