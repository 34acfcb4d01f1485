"""The glossary: per language pair, terms with a required translation or none at all."""

from __future__ import annotations

from sqlalchemy import select

from bv.extensions import db
from bv.translation.models import GlossaryTerm
from bv.translation.mt.placeholders import GlossaryRule

__all__ = ["GlossaryRule", "terms_for"]


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
