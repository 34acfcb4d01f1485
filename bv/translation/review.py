"""The segment editor's logic: rows to show, saving a review, and the approval gate."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from bv.articles import service, workflow
from bv.articles.diffing import Change, word_diff
from bv.articles.fields import max_length as field_max_length
from bv.articles.fields import segment_max_length
from bv.articles.models import Article, ArticleTranslation
from bv.extensions import db
from bv.translation import segments as seg
from bv.translation import store, sync
from bv.translation.checks import Problem, run_checks
from bv.translation.glossary import terms_for
from bv.translation.memory import fuzzy_matches
from bv.translation.models import Segment, TranslatedSegment
from bv.translation.quality import Flag, flags_from_json

BODY_MAX = field_max_length("body")
# nothing in these may be emptied: readers see them, or an editor is about to
GUARDED_STATUSES = ("in_review", "approved", "published")
KIND_LABELS = {
    "headline": _l("Headline"),
    "lede": _l("Lede"),
    "heading": _l("Sub-heading"),
    "paragraph": _l("Paragraph"),
    "list_item": _l("List item"),
    "quote": _l("Quote"),
    "figure_alt": _l("Picture in the text: description (alt text)"),
    "figure_caption": _l("Picture in the text: caption"),
    "caption": _l("Image caption"),
    "alt": _l("Image description (alt text)"),
}


def max_length(kind: str) -> int:
    """The most characters a segment of this kind may hold (bv.articles.fields declares it)."""
    return segment_max_length(kind)


def too_long(kind: str, text: str) -> Problem | None:
    """A blocking problem when the text does not fit its field."""
    limit = max_length(kind)
    if len(text or "") <= limit:
        return None
    message = _l("This segment has %(length)s characters; at most %(max)s fit.",
                 length=len(text), max=limit)
    return Problem("too_long", message, True, {"length": len(text), "max": limit})


# shown in the segment editor and reported by the approval gate
BODY_MISMATCH = _l(
    "The body of this translation does not match its segments: it was edited as a whole text "
    "with other paragraphs than the original, or the original lost paragraphs since. The "
    "segments below do not show that text; saving here replaces the body with them."
)


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
    # the reviewed box as the person left it in a form that was refused, None otherwise
    ticked: bool | None = None

    @property
    def reviewed(self) -> bool:
        return bool(self.target and self.target.reviewed and not self.stale)

    @property
    def checked(self) -> bool:
        """Whether the reviewed box shows ticked."""
        return self.reviewed if self.ticked is None else self.ticked

    @property
    def max_length(self) -> int:
        return max_length(self.source.kind)

    @property
    def flags(self) -> list[Flag]:
        """The draft's quality flags, worst first, until a person saves the segment."""
        if self.target is None or self.target.origin == "human":
            return []
        return flags_from_json(self.target.flags)


def rows_for(
    article: Article,
    locale: str,
    *,
    submitted: dict[str, str] | None = None,
    ticked: set[str] | None = None,
    with_matches: bool = True,
) -> list[Row]:
    """Source beside target for every segment, with staleness, checks and memory matches.

    `submitted` and `ticked` are a refused form's texts and reviewed boxes, shown instead of
    the stored ones so nothing typed is lost.
    """
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
        overflow = too_long(source.kind, text)
        if overflow is not None:
            row.problems.insert(0, overflow)
        if ticked is not None:
            row.ticked = source.key in ticked
        if with_matches and (stale or not text.strip()):
            row.matches = fuzzy_matches(article.source_locale, locale, source.source_text)
        rows.append(row)
    return rows


def progress_of(rows: list[Row]) -> tuple[int, int]:
    """(reviewed, total) segments."""
    return sum(1 for r in rows if r.reviewed), len(rows)


class ReviewError(ValueError):
    """A save refused before anything is written; `message` is for the person, `keys` names
    the segments concerned and `code` says which rule (for callers with their own wording)."""

    code = "invalid"

    def __init__(self, message, keys: list[str] | None = None):
        self.message = message
        self.keys = list(keys or [])
        super().__init__(f"{self.code}: {', '.join(self.keys)}")


class SegmentTooLong(ReviewError):
    """Segments longer than their field holds (headline, alt text, caption, a body block)."""

    code = "too_long"


class BodyTooLong(ReviewError):
    """The assembled body would be longer than the article form allows."""

    code = "body_too_long"


class EmptyHeadline(ReviewError):
    """A translation needs a headline."""

    code = "empty_headline"


class EmptiedSegments(ReviewError):
    """Segments that had text emptied in a translation in review, approved or published."""

    code = "emptied"


def validate(
    translation: ArticleTranslation | None,
    sources: list[Segment],
    done: dict[str, TranslatedSegment],
    texts: dict[str, str],
    final: dict[str, str],
) -> None:
    """Raise a ReviewError for a save that must not happen; nothing is written before this."""
    long = [s.key for s in sources if s.key in texts and too_long(s.kind, texts[s.key])]
    if long:
        raise SegmentTooLong(
            ngettext(
                "%(num)s segment is longer than its field allows; it is marked below. "
                "Nothing was saved.",
                "%(num)s segments are longer than their fields allow; they are marked below. "
                "Nothing was saved.",
                len(long),
            ),
            long,
        )
    if any(s.kind == "headline" for s in sources) and not final.get("headline", "").strip():
        raise EmptyHeadline(
            _("A translation needs a headline. Nothing was saved."), ["headline"]
        )
    if translation is not None and translation.status in GUARDED_STATUSES:
        emptied = [
            s.key
            for s in sources
            if s.key in texts
            and not texts[s.key].strip()
            and s.key in done
            and done[s.key].target_text.strip()
        ]
        if emptied:
            raise EmptiedSegments(
                ngettext(
                    "%(num)s segment was emptied. A translation in review, approved or "
                    "published cannot lose text this way; write a translation or return it "
                    "to draft first. Nothing was saved.",
                    "%(num)s segments were emptied. A translation in review, approved or "
                    "published cannot lose text this way; write a translation or return it "
                    "to draft first. Nothing was saved.",
                    len(emptied),
                ),
                emptied,
            )


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
    """Store the translator's segments and the assembled version (the caller commits).

    Only the keys in `texts` change; every other segment keeps its text. A segment counts as
    made from the current source once the translator edits it or ticks it reviewed; an
    untouched stale segment stays stale. `made_from` names, per key, an older source text a
    segment was translated from (an imported file), so it stays outdated and the memory pairs
    the target with that older text. A ReviewError (too long, no headline, emptied segments)
    is raised before anything is written. The segments are written before the version is
    saved, so the save decides what readers see from the text as it now stands.
    """
    translation = article.translation(locale)
    service.check_version(translation, expected_revision, texts)
    sources = sync.source_segments(article)
    done = sync.translated_segments(translation) if translation else {}
    final = {}
    for source in sources:
        row = done.get(source.key)
        final[source.key] = texts.get(source.key, row.target_text if row else "")
    validate(translation, sources, done, texts, final)
    values = seg.assemble(sync.source_skeleton(article), final)
    if len(values["body"]) > BODY_MAX:
        raise BodyTooLong(
            _("The body would be longer than %(max)s characters. Nothing was saved.",
              max=BODY_MAX),
            [s.key for s in sources if s.kind in seg.BODY_KINDS],
        )
    translation = service.get_or_create_translation(article, locale, user=user)
    for source in sources:
        row = done.get(source.key)
        new_text = final[source.key]
        changed = row is None or seg.normalize_text(row.target_text) != seg.normalize_text(new_text)
        # a box without its text (a partial form) changes nothing
        ticked = source.key in reviewed and source.key in texts
        if changed or ticked:
            if row is None and not new_text.strip() and not ticked:
                continue
            store.write_segment(
                translation, source, new_text, origin="human", user=user, reviewed=ticked,
                made_from=(made_from or {}).get(source.key), existing=row,
            )
        elif source.key in texts and row is not None and row.reviewed:
            store.withdraw_review(row)
    db.session.flush()
    return service.save_translation(
        article,
        locale,
        values,
        user=user,
        adopt_segments=False,
        note=note,
    )


def _problems(translation: ArticleTranslation, *, need_review: bool) -> list[str]:
    article = translation.article
    if translation.locale == article.source_locale:
        return []
    rows = rows_for(article, translation.locale, with_matches=False)
    problems = []
    if sync.body_mismatch(translation):
        problems.append(str(BODY_MISMATCH))
    reviewed, total = progress_of(rows)
    if need_review and reviewed < total:
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


def blocking_problems(translation: ArticleTranslation) -> list[str]:
    """What must never reach readers unreviewed: failed blocking checks, a mismatched body."""
    return _problems(translation, need_review=False)


def approval_problems(translation: ArticleTranslation) -> list[str]:
    """Why a translation may not be approved yet: unreviewed, stale or failing segments, or a
    body that its segments do not hold."""
    return _problems(translation, need_review=True)


def init_gate() -> None:
    """Register the gate with the workflow (once)."""
    if approval_problems not in workflow.approval_checks:
        workflow.approval_checks.append(approval_problems)
    if blocking_problems not in workflow.live_checks:
        workflow.live_checks.append(blocking_problems)
