"""XLIFF and PO files of one translation, and the translation kit, for professional tools.

The kit is a zip that is also an OmegaT project (omegat.project, source/, tm/, glossary/):
the XLIFF in source/, a TMX of the memory that matters for this article in tm/ (the previous
translations of outdated segments, and memory matches for what is left to translate), the
glossary as TBX in glossary/, the same translation as PO at the top, and a README.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from bv.articles import service
from bv.articles.models import Article
from bv.extensions import db
from bv.i18n import LOCALES
from bv.translation import memory, review, sync
from bv.translation import segments as seg
from bv.translation.exchange import (
    ExchangeDocument,
    ExchangeUnit,
    Mismatch,
    check_languages,
    compare,
    export_po,
    export_tbx,
    export_tmx,
    export_xliff,
    parse,
)
from bv.translation.models import GlossaryTerm

FORMATS = {
    "xliff": (export_xliff, "xlf", "application/x-xliff+xml"),
    "po": (export_po, "po", "text/x-gettext-translation"),
    "zip": (None, "zip", "application/zip"),  # the translation kit
}
# memory matches offered per segment left to translate, and how close they must be
KIT_FUZZY_LIMIT = 3
KIT_FUZZY_CUTOFF = 70


def document_for(article: Article, locale: str) -> ExchangeDocument:
    """Every segment of the article with this translation's current text and state."""
    source = article.source
    translation = article.translation(locale)
    done = sync.translated_segments(translation) if translation else {}
    units = []
    for segment in sync.source_segments(article):
        row = done.get(segment.key)
        stale = row is None or row.source_hash != segment.source_hash
        if row is None or not row.target_text.strip():
            state = "new"
        elif stale:
            state = "outdated"
        elif row.reviewed:
            state = "reviewed"
        elif row.origin == "machine":
            # nobody has read it yet: a CAT tool must not treat it as a finished translation
            state = "needs-review"
        else:
            state = "translated"
        units.append(
            ExchangeUnit(
                key=segment.key,
                source=segment.source_text,
                target=row.target_text if row is not None and state != "new" else "",
                state=state,
                note=segment.kind,
                previous_source=row.source_text if state == "outdated" else None,
            )
        )
    return ExchangeDocument(
        article_id=article.id,
        source_locale=article.source_locale,
        target_locale=locale,
        source_revision=source.revisions[-1].id if source and source.revisions else 0,
        translation_version=service.latest_revision_number(translation) if translation else 0,
        units=units,
        team=desk(locale),
        revised_at=translation.updated_at if translation else None,
        translator=_person(translation.updated_by) if translation else "",
    )


def _person(user) -> str:
    """A PO Last-Translator: the person who last changed the translation, if a person did."""
    if user is None:
        return ""
    return f"{user.display_name} <{user.email}>"


# English names: the header is read by CAT tools and people outside the newsroom alike
DESK_LANGUAGES = {"sq": "Albanian", "mk": "Macedonian", "en": "English"}


def desk(locale: str) -> str:
    """The language desk that answers for a translation, as a PO header names a team."""
    config = current_app.config
    language = DESK_LANGUAGES.get(locale, locale)
    return f"{config['SITE_NAME']} {language} desk <{config.get('MAIL_FROM', 'newsroom@localhost')}>"


def export(article: Article, locale: str, fmt: str) -> tuple[bytes, str, str]:
    """File bytes, file name and MIME type."""
    writer, extension, mimetype = FORMATS[fmt]
    name = f"article-{article.id}-{article.source_locale}-{locale}"
    if writer is None:
        return kit(article, locale), f"{name}.{extension}", mimetype
    return writer(document_for(article, locale)), f"{name}.{extension}", mimetype


def kit_memory(article: Article, locale: str, doc: ExchangeDocument) -> list[tuple[str, str, str]]:
    """(source, target, note) pairs a translator needs beside the XLIFF: each outdated
    segment's previous translation, then memory entries that match a segment left to
    translate exactly or closely. Machine entries say so in their note."""
    pairs: dict[str, tuple[str, str, str]] = {}
    for unit in doc.units:
        if unit.state == "outdated" and unit.previous_source:
            pairs.setdefault(unit.previous_source, (unit.previous_source, unit.target, "previous"))
    open_units = [u for u in doc.units if u.state in ("new", "outdated", "needs-review")]
    entries = list(memory.lookup_exact(article.source_locale, locale,
                                       [u.source for u in open_units]).values())
    for unit in open_units:
        entries.extend(entry for entry, _score in memory.fuzzy_matches(
            article.source_locale, locale, unit.source, limit=KIT_FUZZY_LIMIT,
            cutoff=KIT_FUZZY_CUTOFF))
    for entry in entries:
        note = entry.origin if not entry.provider else f"{entry.origin}:{entry.provider}"
        pairs.setdefault(entry.source_text, (entry.source_text, entry.target_text, note))
    return list(pairs.values())


_OMEGAT_PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <source_dir_excludes>
      <mask>**/.svn/**</mask>
      <mask>**/.git/**</mask>
    </source_dir_excludes>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>{source}</source_lang>
    <target_lang>{target}</target_lang>
    <source_tok>org.omegat.tokenizer.LuceneStandardTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.LuceneStandardTokenizer</target_tok>
    <sentence_seg>false</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""


def kit(article: Article, locale: str) -> bytes:
    """The translation kit: a zip that is an OmegaT project and holds XLIFF, PO, TMX and TBX.

    Sentence segmentation is off in the project, so one OmegaT segment is one bv segment and
    the paragraph-sized memory matches whole segments.
    """
    doc = document_for(article, locale)
    name = f"article-{article.id}-{article.source_locale}-{locale}"
    terms = db.session.scalars(
        select(GlossaryTerm)
        .where(GlossaryTerm.source_locale == article.source_locale,
               GlossaryTerm.target_locale == locale)
        .order_by(GlossaryTerm.term)
    ).all()
    files = {
        "omegat.project": _OMEGAT_PROJECT.format(source=article.source_locale, target=locale),
        f"source/{name}.xlf": export_xliff(doc),
        f"tm/{name}.tmx": export_tmx(article.source_locale, locale, kit_memory(article, locale, doc)),
        f"glossary/glossary-{article.source_locale}-{locale}.tbx":
            export_tbx(article.source_locale, locale, terms),
        f"{name}.po": export_po(doc),
        "README.txt": kit_readme(name),
    }
    buffer = io.BytesIO()
    stamp = (doc.revised_at or datetime.now(UTC)).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in files.items():
            info = zipfile.ZipInfo(f"{name}/{path}", date_time=max(stamp, (1980, 1, 1, 0, 0, 0)))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content.encode("utf-8") if isinstance(content, str) else content)
        for folder in ("target/", "omegat/", "dictionary/"):  # OmegaT expects them
            archive.writestr(zipfile.ZipInfo(f"{name}/{folder}"), b"")
    return buffer.getvalue()


def kit_readme(name: str) -> str:
    """How to use the kit, in the language of the person who downloads it."""
    lines = [
        _("Translation kit for %(name)s", name=name),
        "",
        _("OmegaT: open this folder as a project. Translate, then choose Project › Create "
          "Translated Documents and upload target/%(name)s.xlf to the newsroom.", name=name),
        _("Other tools: translate source/%(name)s.xlf (XLIFF 1.2) or %(name)s.po, with "
          "the memory in tm/ and the glossary in glossary/, and upload the translated file.",
          name=name),
        _("Segments still to translate hold a copy of their source; a copy left unchanged "
          "is not imported. Keep the tags: they are links, emphasis and code."),
    ]
    return "\n".join(lines) + "\n"


@dataclass
class ImportReport:
    """What an import found and did."""

    mismatches: list[Mismatch] = field(default_factory=list)
    imported: int = 0
    unchanged: bool = False  # every translated segment in the file was already so in bv

    @property
    def blocked(self) -> bool:
        return any(m.blocking for m in self.mismatches)


def check(article: Article, locale: str, data: bytes, filename: str) -> tuple[ExchangeDocument, ImportReport]:
    """Parse a file and compare it with the article now (ExchangeError for unreadable files
    and for files in languages this article cannot take)."""
    doc = parse(data, filename)
    check_languages(doc, source_locale=article.source_locale, locales=LOCALES)
    current = document_for(article, locale)
    report = ImportReport(
        mismatches=compare(
            doc,
            article_id=article.id,
            source_locale=article.source_locale,
            target_locale=locale,
            current_source_revision=current.source_revision,
            current_translation_version=current.translation_version,
            current_keys={u.key for u in current.units},
            current_sources={u.key: u.source for u in current.units},
        )
    )
    return doc, report


def import_file(article: Article, locale: str, data: bytes, filename: str, *, user) -> ImportReport:
    """Apply a file unless a blocking mismatch is found; then nothing changes.

    Besides the mismatches of check(), a file is refused when it has no translated segment,
    when a segment is longer than its field holds, or when the editor would refuse the save
    (no headline, segments emptied in a translation under review).
    """
    doc, report = check(article, locale, data, filename)
    if report.blocked:
        return report
    current = {u.key: u for u in document_for(article, locale).units}
    kinds = {s.key: s.kind for s in sync.source_segments(article)}
    texts, reviewed, made_from = {}, set(), {}
    done = sync.translated_segments(article.translation(locale)) if article.translation(locale) else {}
    for unit in doc.units:
        # untranslated, or still the previous translation of an outdated segment
        if unit.key not in current or unit.state in ("new", "outdated") or not unit.target.strip():
            continue
        texts[unit.key] = unit.target
        if unit.state == "reviewed":
            reviewed.add(unit.key)
        if seg.normalize_text(unit.source) != seg.normalize_text(current[unit.key].source):
            made_from[unit.key] = unit.source
            reviewed.discard(unit.key)
    if not texts:
        report.mismatches.insert(0, Mismatch(
            "empty", _l("The file has no translated segments."), True, {}))
        return report
    # a segment the file leaves as bv has it is not an edit: importing an unchanged file
    # writes nothing and makes no new version
    for key in list(texts):
        row = done.get(key)
        if (row is not None
                and seg.normalize_text(made_from.get(key, row.source_text))
                == seg.normalize_text(row.source_text)
                and seg.normalize_text(row.target_text) == seg.normalize_text(texts[key])
                and (key in reviewed) == bool(row.reviewed)):
            del texts[key]
            reviewed.discard(key)
    if not texts:
        report.unchanged = True
        return report
    long = {
        key: {"length": len(text), "max": review.max_length(kinds[key])}
        for key, text in texts.items()
        if review.too_long(kinds[key], text)
    }
    if long:
        report.mismatches.insert(0, Mismatch(
            "too_long",
            _l("Segments longer than their field allows: %(keys)s.",
               keys=", ".join(f"{key} ({v['length']}/{v['max']})" for key, v in long.items())),
            True, {"keys": long},
        ))
        return report
    try:
        review.save_review(
            article,
            locale,
            texts,
            reviewed,
            user=user,
            expected_revision=doc.translation_version,
            made_from=made_from,
            note=f"imported {filename}"[:300],
        )
    except review.ReviewError as error:
        db.session.rollback()
        report.mismatches.insert(0, Mismatch(error.code, error.message, True, {"keys": error.keys}))
        return report
    report.imported = len(texts)
    return report
