"""Searching: a reader's query in, one page of ranked version ids out."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask import current_app

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
    cap: int
    items: list = field(default_factory=list)

    @property
    def more(self) -> bool:
        """More versions match than the cap: the page says "more than cap" results."""
        return self.total > self.cap

    @property
    def pages(self) -> int:
        return max(1, math.ceil(min(self.total, self.cap) / self.per_page))

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
    """Rank the published versions of a locale against a query; no terms, no query at all.

    `total` is exact up to the cap (`SEARCH_MAX_RESULTS`) and cap + 1 above it."""
    cap = current_app.config["SEARCH_MAX_RESULTS"]
    terms = parse_query(text)
    if not terms:
        return SearchPage(terms=[], page=page, per_page=per_page, total=0, ids=[], cap=cap)
    offset = (page - 1) * per_page
    # a result past the cap is never shown: its page is past the end
    limit = max(0, min(per_page, cap - offset))
    total, ids = backend_for(db.session).search(
        db.session, locale, terms, offset=offset, limit=limit, cap=cap
    )
    return SearchPage(terms=terms, page=page, per_page=per_page, total=total, ids=ids, cap=cap)
