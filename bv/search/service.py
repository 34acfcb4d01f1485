"""Searching: a reader's query in, one page of ranked version ids out."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from bv.extensions import db
from bv.search.backends import backend_for
from bv.search.folding import Term, parse_query


@dataclass
class SearchPage:
    """One page of results, shaped like a paginator for the templates."""

    terms: list[Term]
    page: int
    per_page: int
    total: int
    ids: list[int]
    items: list = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def past_the_end(self) -> bool:
        """A page number beyond the last page of a search that did find something."""
        return self.total > 0 and self.page > self.pages

    @property
    def has_prev(self) -> bool:
        return 1 < self.page <= self.pages

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def search(locale: str, text: str, page: int, per_page: int) -> SearchPage:
    """Rank the published versions of a locale against a query; no terms, no query at all."""
    terms = parse_query(text)
    if not terms:
        return SearchPage(terms=[], page=page, per_page=per_page, total=0, ids=[])
    total, ids = backend_for(db.session).search(
        db.session, locale, terms, offset=(page - 1) * per_page, limit=per_page
    )
    return SearchPage(terms=terms, page=page, per_page=per_page, total=total, ids=ids)
