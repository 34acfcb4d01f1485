"""The glossary: per language pair, terms with a required translation or none at all."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from bv.accounts.permissions import PermissionDenied, can
from bv.audit.service import record
from bv.extensions import db
from bv.i18n import LOCALES
from bv.translation.models import GlossaryTerm
from bv.translation.mt.placeholders import GlossaryRule

__all__ = [
    "FORMS_MAX", "TERM_MAX", "GlossaryRejected", "GlossaryRule", "delete_term", "format_forms",
    "parse_forms", "save_term", "terms_for",
]

# the glossary_term.term and .translation columns
TERM_MAX = 120
# lines in a term's list of forms: Albanian nouns have about a dozen case forms
FORMS_MAX = 40
# "Tetovës → Tetovo"; typists write the arrow as -> or => too
ARROWS = ("→", "->", "=>")


class GlossaryRejected(Exception):
    """A term that cannot be saved as given; `field` names the form field, message is localized."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def parse_forms(text: str | None) -> tuple[tuple[str, str], ...]:
    """A term's forms, one a line: "source form → target form", or a lone target form.

    Raises GlossaryRejected (field "forms") for a line that cannot be read; blank lines are
    skipped, and a form listed twice counts once.
    """
    pairs: list[tuple[str, str]] = []
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > FORMS_MAX:
        raise GlossaryRejected("forms", _l("List at most %(max)d forms.", max=FORMS_MAX))
    mapped: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        arrow = next((a for a in ARROWS if a in line), None)
        source, target = ([part.strip() for part in line.split(arrow, 1)] if arrow
                          else ("", line))
        if (arrow and not source) or not target or any(a in target for a in ARROWS):
            raise GlossaryRejected("forms", _l(
                "Line %(line)d: write “source form → target form”, or only a target form.",
                line=number))
        if max(len(source), len(target)) > TERM_MAX:
            raise GlossaryRejected("forms", _l(
                "Line %(line)d: a form can hold at most %(max)d characters.",
                line=number, max=TERM_MAX))
        key = source.casefold()
        if source and mapped.get(key, target) != target:
            raise GlossaryRejected("forms", _l(
                "Line %(line)d: “%(form)s” is already given another target form.",
                line=number, form=source))
        if source:
            mapped[key] = target
        if (source, target) not in pairs:
            pairs.append((source, target))
    return tuple(pairs)


def format_forms(pairs) -> str:
    """parse_forms() read backwards: the text stored and shown in the form."""
    return "\n".join(f"{source} → {target}" if source else target for source, target in pairs)


def terms_for(source: str, target: str) -> list[GlossaryRule]:
    """The glossary rules for one pair, longest terms first (they win over shorter overlaps)."""
    rows = db.session.execute(
        select(GlossaryTerm.term, GlossaryTerm.translation, GlossaryTerm.do_not_translate,
               GlossaryTerm.forms).where(
            GlossaryTerm.source_locale == source, GlossaryTerm.target_locale == target
        )
    ).all()
    rules = [
        GlossaryRule(term=term, translation=translation, do_not_translate=bool(dnt),
                     forms=_stored_forms(forms))
        for term, translation, dnt, forms in rows
        if term and (dnt or translation)
    ]
    return sorted(rules, key=lambda r: (-len(r.term), r.term))


def _stored_forms(text: str | None) -> tuple[tuple[str, str], ...]:
    # saved through parse_forms; a row edited by hand that no longer parses is ignored
    try:
        return parse_forms(text)
    except GlossaryRejected:
        return ()


def save_term(
    source: str, target: str, term: str, translation: str | None, do_not_translate: bool, *,
    user, forms: str | None = None,
) -> GlossaryTerm:
    """Add a term to a pair, or change the one already there; never shortens what was typed.

    `forms` lists its inflected forms (parse_forms); None keeps the forms a term already has.

    Refuses with GlossaryRejected before writing anything; records and flushes, the caller commits.
    """
    if not can(user, "manage_glossary"):
        raise PermissionDenied("manage_glossary")
    term = (term or "").strip()
    translation = (translation or "").strip()
    if source not in LOCALES or target not in LOCALES or source == target:
        raise GlossaryRejected("term", _l("Choose two different languages."))
    if not term:
        raise GlossaryRejected("term", _l("This field is required."))
    if not translation and not do_not_translate:
        raise GlossaryRejected(
            "translation", _l("Give the translation, or mark the term as not to be translated.")
        )
    for field, text in (("term", term), ("translation", translation)):
        if len(text) > TERM_MAX:
            raise GlossaryRejected(
                field, _l("This field can hold at most %(max)d characters.", max=TERM_MAX)
            )
    pairs = parse_forms(forms) if forms is not None else None
    if pairs and do_not_translate:
        raise GlossaryRejected(
            "forms", _l("A term that is not translated has no translated forms.")
        )
    row = db.session.scalar(
        select(GlossaryTerm).where(
            GlossaryTerm.source_locale == source,
            GlossaryTerm.target_locale == target,
            GlossaryTerm.term == term,
        )
    )
    if row is None:
        row = GlossaryTerm(source_locale=source, target_locale=target, term=term)
        db.session.add(row)
    row.translation = None if do_not_translate else translation
    row.do_not_translate = bool(do_not_translate)
    if pairs is not None:
        row.forms = format_forms(pairs)
    elif do_not_translate:
        row.forms = ""
    db.session.flush()
    record("glossary.saved", user=user, detail={"term": term, "pair": f"{source}>{target}"})
    return row


def delete_term(row: GlossaryTerm, *, user) -> None:
    """Remove a term; records it, the caller commits."""
    if not can(user, "manage_glossary"):
        raise PermissionDenied("manage_glossary")
    record("glossary.deleted", user=user, detail={"term": row.term, "pair": f"{row.source_locale}>{row.target_locale}"})
    db.session.delete(row)
    db.session.flush()
