"""The segment editor's logic: rows to show, saving a review, and the approval gate."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from bv.articles import service, workflow
from bv.articles.diffing import Change, word_diff
from bv.articles.models import Article, ArticleTranslation
from bv.database import utcnow
from bv.extensions import db
from bv.translation import segments as seg
from bv.translation import sync
from bv.translation.checks import Problem, run_checks
from bv.translation.glossary import terms_for
from bv.translation.memory import fuzzy_matches, remember_many
from bv.translation.models import Segment, TranslatedSegment

MAX_SEGMENT_LENGTH = 10_000
KIND_LABELS = {
    "headline": _l("Headline"),
    "lede": _l("Lede"),
    "heading": _l("Sub-heading"),
    "paragraph": _l("Paragraph"),
    "list_item": _l("List item"),
    "quote": _l("Quote"),
    "caption": _l("Image caption"),
    "alt": _l("Image description (alt text)"),
}


@dataclass
class Row:
    """One segment as the editor shows it."""

    source: Segment
    target: TranslatedSegment | None
    text: str
    stale: bool
    source_diff: list[Change] | None
    problems: list[Problem] = field(default_factory=list)
    matches: list = field(default_factory=list)

    @property
    def reviewed(self) -> bool:
        return bool(self.target and self.target.reviewed and not self.stale)


def rows_for(
    article: Article,
    locale: str,
    *,
    submitted: dict[str, str] | None = None,
    with_matches: bool = True,
) -> list[Row]:
    """Source beside target for every segment, with staleness, checks and memory matches."""
    translation = article.translation(locale)
    done = sync.translated_segments(translation) if translation else {}
    glossary = terms_for(article.source_locale, locale)
    rows = []
    for source in sync.source_segments(article):
        target = done.get(source.key)
        text = (submitted or {}).get(source.key, target.target_text if target else "")
        stale = target is None or target.source_hash != source.source_hash
        diff = None
        if target is not None and stale and target.source_text != source.source_text:
            diff = word_diff(target.source_text, source.source_text)
        elif target is None and source.previous_text:
            diff = word_diff(source.previous_text, source.source_text)
        row = Row(source=source, target=target, text=text, stale=stale, source_diff=diff)
        row.problems = run_checks(
            source.source_text,
            text,
            source_locale=article.source_locale,
            target_locale=locale,
            glossary=glossary,
        )
        if with_matches and (stale or not text.strip()):
            row.matches = fuzzy_matches(article.source_locale, locale, source.source_text)
        rows.append(row)
    return rows


def progress_of(rows: list[Row]) -> tuple[int, int]:
    """(reviewed, total) segments."""
    return sum(1 for r in rows if r.reviewed), len(rows)


class SegmentTooLong(ValueError):
    """A submitted segment is over the limit."""


def save_review(
    article: Article,
    locale: str,
    texts: dict[str, str],
    reviewed: set[str],
    *,
    user,
    expected_revision: int | None,
    made_from: dict[str, str] | None = None,
    note: str = "",
) -> ArticleTranslation:
    """Store the translator's segments and the assembled version in one commit.

    A segment counts as made from the current source once the translator edits it or ticks
    it reviewed; an untouched stale segment stays stale. `made_from` names, per key, an older
    source text a segment was translated from (an imported file), so it stays outdated.
    """
    translation = article.translation(locale)
    if translation is not None and expected_revision is not None:
        if service.latest_revision_number(translation) != expected_revision:
            raise service.EditConflict(translation, texts)
    for text in texts.values():
        if len(text) > MAX_SEGMENT_LENGTH:
            raise SegmentTooLong()
    sources = sync.source_segments(article)
    done = sync.translated_segments(translation) if translation else {}
    final = {}
    for source in sources:
        row = done.get(source.key)
        final[source.key] = texts.get(source.key, row.target_text if row else "")
    values = seg.assemble(sync.source_skeleton(article), final)
    translation = service.save_translation(
        article,
        locale,
        values,
        user=user,
        expected_revision=None,
        adopt_segments=False,
        note=note,
        commit=False,
    )
    now = utcnow()
    human = []
    for source in sources:
        row = done.get(source.key)
        new_text = final[source.key]
        changed = row is None or seg.normalize_text(row.target_text) != seg.normalize_text(new_text)
        ticked = source.key in reviewed
        if row is None:
            if not new_text.strip() and not ticked:
                continue
            row = TranslatedSegment(
                translation_id=translation.id, key=source.key, origin="human", source_hash=""
            )
            db.session.add(row)
        if changed:
            row.target_text = new_text
            row.origin = "human"
            row.updated_at = now
            row.updated_by_id = user.id if user else None
        if changed or ticked:
            origin_text = (made_from or {}).get(source.key, source.source_text)
            row.source_hash = seg.text_hash(origin_text)
            row.source_text = origin_text
        if source.key in texts:
            row.reviewed = ticked and bool(new_text.strip())
        if (changed or ticked) and new_text.strip():
            human.append((source.source_text, new_text))
    if human:
        remember_many(
            article.source_locale, locale, [(s, t, None) for s, t in human], origin="human"
        )
    db.session.flush()
    sync.refresh_outdated(article)
    db.session.commit()
    return translation


def approval_problems(translation: ArticleTranslation) -> list[str]:
    """Why a translation may not be approved yet: unreviewed, stale or failing segments."""
    article = translation.article
    if translation.locale == article.source_locale:
        return []
    rows = rows_for(article, translation.locale, with_matches=False)
    problems = []
    reviewed, total = progress_of(rows)
    if reviewed < total:
        problems.append(
            ngettext(
                "%(num)s segment is not reviewed.",
                "%(num)s segments are not reviewed.",
                total - reviewed,
            )
        )
    blocking = [r for r in rows if any(p.blocking for p in r.problems)]
    if blocking:
        problems.append(
            ngettext(
                "%(num)s segment fails a blocking check.",
                "%(num)s segments fail a blocking check.",
                len(blocking),
            )
        )
    return problems


def init_gate() -> None:
    """Register the gate with the workflow (once)."""
    if approval_problems not in workflow.approval_checks:
        workflow.approval_checks.append(approval_problems)
