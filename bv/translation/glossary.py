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

__all__ = ["TERM_MAX", "GlossaryRejected", "GlossaryRule", "delete_term", "save_term", "terms_for"]

# the glossary_term.term and .translation columns
TERM_MAX = 120


class GlossaryRejected(Exception):
    """A term that cannot be saved as given; `field` names the form field, message is localized."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def terms_for(source: str, target: str) -> list[GlossaryRule]:
    """The glossary rules for one pair, longest terms first (they win over shorter overlaps)."""
    rows = db.session.execute(
        select(GlossaryTerm.term, GlossaryTerm.translation, GlossaryTerm.do_not_translate).where(
            GlossaryTerm.source_locale == source, GlossaryTerm.target_locale == target
        )
    ).all()
    rules = [
        GlossaryRule(term=term, translation=translation, do_not_translate=bool(dnt))
        for term, translation, dnt in rows
        if term and (dnt or translation)
    ]
    return sorted(rules, key=lambda r: (-len(r.term), r.term))


def save_term(
    source: str, target: str, term: str, translation: str | None, do_not_translate: bool, *, user
) -> GlossaryTerm:
    """Add a term to a pair, or change the one already there; never shortens what was typed.

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
