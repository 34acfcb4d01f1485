"""XLIFF and PO files of one translation, for professional translation tools."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l

from bv.articles import service
from bv.articles.models import Article
from bv.extensions import db
from bv.i18n import LOCALES
from bv.translation import review, sync
from bv.translation import segments as seg
from bv.translation.exchange import (
    ExchangeDocument,
    ExchangeUnit,
    Mismatch,
    check_languages,
    compare,
    export_po,
    export_xliff,
    parse,
)

FORMATS = {
    "xliff": (export_xliff, "xlf", "application/x-xliff+xml"),
    "po": (export_po, "po", "text/x-gettext-translation"),
}


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
            state = "needs-review"
        else:
            state = "reviewed" if row.reviewed else "translated"
        units.append(
            ExchangeUnit(
                key=segment.key,
                source=segment.source_text,
                target=row.target_text if row else "",
                state=state,
                note=segment.kind,
                previous_source=row.source_text if row is not None and stale else None,
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
    )


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
    data = writer(document_for(article, locale))
    return data, f"article-{article.id}-{article.source_locale}-{locale}.{extension}", mimetype


@dataclass
class ImportReport:
    """What an import found and did."""

    mismatches: list[Mismatch] = field(default_factory=list)
    imported: int = 0

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
    for unit in doc.units:
        if unit.key not in current or not unit.target.strip():
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
