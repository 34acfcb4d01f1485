"""Translations out to CAT tools and back: XLIFF 1.2 and PO, through translate-toolkit.

An `ExchangeDocument` is plain data: which article, language pair, source revision and
translation version a file was made from, and one `ExchangeUnit` per segment. `export_xliff()`
and `export_po()` turn it into bytes; `parse()` reads either format back; `compare()` lists
everything that makes a returned file disagree with the article as it is now.

Where things live in the files:
- XLIFF: one <file original="article-<id>" source-language target-language>; the source revision
  and translation version are <note from="bv:source-revision"> and <note
  from="bv:translation-version"> in its <header>. A unit's id and resname are the segment key;
  its state is the <target state>: translated, signed-off (reviewed), needs-review-translation;
  a new unit has no target. The bv note is <note from="bv">, the previous source an
  <alt-trans origin="previous">, as translate-toolkit's po2xliff writes it.
- PO: metadata in the header (Language, X-Source-Language, X-BV-Article-Id,
  X-BV-Source-Revision, X-BV-Translation-Version); msgctxt is the key; needs-review units are
  fuzzy, reviewed ones carry a "reviewed" flag (a tool that drops it only downgrades them to
  translated); the note is an extracted comment (#.), the previous source is #| msgid.
A target written for a unit still 'new' can only come back as 'needs-review': neither format
has an untranslated state with text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath

from flask_babel import lazy_gettext as _l
from translate.misc.xml_helpers import getText
from translate.storage import pypo, xliff

from bv.translation.mt.errors import language_name
from bv.translation.segments import key_order, normalize_text

STATES = ("new", "translated", "reviewed", "needs-review")
XLIFF_NAMESPACE = "urn:oasis:names:tc:xliff:document:1.2"
REVISION_NOTE = "bv:source-revision"
VERSION_NOTE = "bv:translation-version"
PO_HEADERS = {
    "article_id": "X-BV-Article-Id",
    "source_revision": "X-BV-Source-Revision",
    "translation_version": "X-BV-Translation-Version",
    "source_locale": "X-Source-Language",
    "target_locale": "Language",
}
_EXPORT_STATES = {
    "translated": "translated",
    "reviewed": "signed-off",
    "needs-review": "needs-review-translation",
    "new": "needs-translation",
}
_XLIFF_SKELETON = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<xliff version="1.2" xmlns="{XLIFF_NAMESPACE}">'
    '<file original="{original}" source-language="{source}" target-language="{target}"'
    ' datatype="plaintext"><header/><body/></file></xliff>'
)


class _XliffUnit(xliff.xliffunit):
    # the toolkit's units default to the XLIFF 1.1 namespace; ours are 1.2 from the start
    namespace = XLIFF_NAMESPACE


class _XliffFile(xliff.xlifffile):
    UnitClass = _XliffUnit
    namespace = XLIFF_NAMESPACE


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


# export


def export_xliff(doc: ExchangeDocument) -> bytes:
    """An XLIFF 1.2 file for a CAT tool."""
    store = _XliffFile.parsestring(
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
                          (VERSION_NOTE, doc.translation_version)):
        note = header.makeelement(store.namespaced("note"), {"from": origin})
        note.text = str(value)
        header.append(note)
    for unit in doc.units:
        _check_state(unit)
        xunit = store.addsourceunit(unit.source, filename=filename)
        xunit.setid(unit.key)
        xunit.xmlelement.set("resname", unit.key)
        if unit.target:
            xunit.target = unit.target
            xunit.set_state_n(xunit.statemap[_EXPORT_STATES[unit.state]])
        if unit.note:
            xunit.addnote(unit.note, origin="bv")
        if unit.previous_source:
            xunit.addalttrans(unit.target, origin="previous", sourcetxt=unit.previous_source)
    return bytes(store)


def export_po(doc: ExchangeDocument) -> bytes:
    """A gettext PO file for a CAT tool."""
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
        Last_Translator=team,
        Language_Team=team,
        Language=doc.target_locale,
        X_Source_Language=doc.source_locale,
        X_BV_Article_Id=str(doc.article_id),
        X_BV_Source_Revision=str(doc.source_revision),
        X_BV_Translation_Version=str(doc.translation_version),
    )
    for unit in doc.units:
        _check_state(unit)
        if not unit.source:
            raise ValueError(f"unit {unit.key} has no source text")  # msgid "" is the header
        po_unit = store.addsourceunit(unit.source)
        po_unit.setcontext(unit.key)
        if unit.target:
            po_unit.target = unit.target
            po_unit.markfuzzy(unit.state in ("needs-review", "new"))
        if unit.state == "reviewed":
            po_unit.settypecomment("reviewed")
        if unit.note:
            po_unit.addnote(unit.note, origin="developer")
        if unit.previous_source:
            po_unit.prev_source = unit.previous_source
    return bytes(store)


def _check_state(unit: ExchangeUnit) -> None:
    if unit.state not in STATES:
        raise ValueError(f"unknown state {unit.state!r} for unit {unit.key}")


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


def _parse_xliff(data: bytes) -> ExchangeDocument:
    store = _XliffFile.parsestring(data)
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
    )
    for unit in store.units:
        key = unit.xmlelement.get("resname") or unit.getid().split("\x04")[-1]
        target_node = unit.getlanguageNode(lang=None, index=1)
        target = str(unit.target or "") if target_node is not None else ""
        state = _xliff_state(target, target_node, unit.xmlelement.get("approved"))
        doc.units.append(ExchangeUnit(
            key=key,
            source=str(unit.source or ""),
            target=target,
            state=state,
            note=unit.getnotes(origin="bv"),
            previous_source=_previous_source(unit, store),
        ))
    return _checked(doc)


def _xliff_state(target: str, target_node, approved: str | None) -> str:
    if not target.strip():
        return "new"
    state = target_node.get("state") or ""
    if state in ("final", "signed-off"):
        return "reviewed"
    if state == "translated" or (not state and approved != "no"):
        return "translated"
    # needs-review-*, and text left in a new or needs-translation unit
    return "needs-review"


def _previous_source(unit, store) -> str | None:
    for alt in unit.xmlelement.iterchildren(store.namespaced("alt-trans")):
        source = alt.find(store.namespaced("source"))
        if alt.get("origin") == "previous" and source is not None:
            return getText(source) or None
    return None


def _parse_po(data: bytes) -> ExchangeDocument:
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
    )
    for unit in store.units:
        if unit.isheader() or unit.isobsolete():
            continue
        target = str(unit.target or "")
        if not target.strip():
            state = "new"
        elif unit.isfuzzy():
            state = "needs-review"
        elif unit.hastypecomment("reviewed"):
            state = "reviewed"
        else:
            state = "translated"
        doc.units.append(ExchangeUnit(
            key=unit.getcontext(),
            source=str(unit.source or ""),
            target=target,
            state=state,
            note=unit.getnotes("developer"),
            previous_source=str(unit.prev_source) or None,
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

