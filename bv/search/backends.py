"""The search index behind one small interface: SQLite FTS5 or PostgreSQL full-text search.

Each published version is one entry, indexed twice: as written and folded
(`bv.search.folding`). The entry's key is the version's id; the backends store no copy of the
text to show: pages read the live text from `article_translation`, and every query joins
it, so an entry that outlived its version (a deleted article on SQLite, which has no foreign
key into a virtual table) is never shown.

The candidates are the newest `cap + 1` matching versions (by id, which the index reads in
order and can stop); ranking among them is in tiers: every term in the headline, else every
term in headline or lede, else anywhere; newer versions first within a tier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from bv.search.folding import Term

TABLE = "search_index"


@dataclass(frozen=True)
class Entry:
    """What the index holds for one published version."""

    translation_id: int
    locale: str
    headline: str
    lede: str
    body: str
    headline_folded: str
    lede_folded: str
    body_folded: str

    def params(self) -> dict:
        """The bound values both backends' INSERT statements take."""
        return {"id": self.translation_id, "locale": self.locale, "h": self.headline,
                "l": self.lede, "b": self.body, "hf": self.headline_folded,
                "lf": self.lede_folded, "bf": self.body_folded}


class SearchBackend:
    """The interface: write entries, drop them, find a page of version ids.

    A backend writes with one INSERT statement (`INSERT_SQL`), run once per entry or, for many
    entries, as one executemany: the single and the bulk path cannot write different rows.
    """

    INSERT_SQL = ""
    REMOVE_MANY_SQL = ""

    def upsert(self, session: Session, entry: Entry) -> None:
        self.upsert_many(session, [entry])

    def upsert_many(self, session: Session, entries: Sequence[Entry]) -> None:
        """Write (or replace) many entries: one DELETE and one executemany INSERT."""
        if not entries:
            return
        self.remove_many(session, [entry.translation_id for entry in entries])
        session.execute(text(self.INSERT_SQL), [entry.params() for entry in entries])

    def remove(self, session: Session, translation_id: int) -> None:
        self.remove_many(session, [translation_id])

    def remove_many(self, session: Session, translation_ids: Sequence[int]) -> None:
        if translation_ids:
            session.execute(
                text(self.REMOVE_MANY_SQL).bindparams(bindparam("ids", expanding=True)),
                {"ids": list(translation_ids)},
            )

    def clear(self, session: Session) -> None:
        raise NotImplementedError

    def search(self, session: Session, locale: str, terms: list[Term], *, offset: int,
               limit: int, cap: int) -> tuple[int, list[int]]:
        """(how many versions match, but at most cap + 1; the ids of one page of them in
        rank order). Only the newest cap + 1 matches (by id) are ranked, so a query's cost
        stops growing with the archive once it matches that many."""
        raise NotImplementedError


def _fts5_string(value: str) -> str:
    """An FTS5 string literal: double quotes around, inner ones doubled."""
    return '"' + value.replace('"', '""') + '"'


class SqliteFts5(SearchBackend):
    """FTS5 with `unicode61 remove_diacritics 2`; written and folded columns side by side."""

    WRITTEN = {"headline": "headline", "lede": "lede", "body": "body"}
    FOLDED = {"headline": "headline_f", "lede": "lede_f", "body": "body_f"}
    INSERT_SQL = (
        f"INSERT INTO {TABLE} (rowid, locale, headline, lede, body, headline_f, lede_f, body_f)"
        " VALUES (:id, :locale, :h, :l, :b, :hf, :lf, :bf)"
    )
    REMOVE_MANY_SQL = f"DELETE FROM {TABLE} WHERE rowid IN :ids"
    # every folded word ever indexed (extra words are harmless: they match nothing)
    TERMS = f"{TABLE}_terms"
    TERMS_SQL = f"INSERT OR IGNORE INTO {TERMS} (term) VALUES (:term)"
    # FTS5's prefix indexes cover prefixes of 2 to 4 letters; a longer one is expanded to the
    # words it begins when they are at most this many
    PREFIX_INDEXED = 4
    MOST_WORDS = 32

    def upsert_many(self, session, entries):
        super().upsert_many(session, entries)
        words = {
            word
            for entry in entries
            for text_ in (entry.headline_folded, entry.lede_folded, entry.body_folded)
            for word in text_.split()
        }
        if words:
            session.execute(text(self.TERMS_SQL), [{"term": word} for word in sorted(words)])

    def clear(self, session):
        session.execute(text(f"DELETE FROM {TABLE}"))
        session.execute(text(f"DELETE FROM {self.TERMS}"))

    def expansions(self, session, terms: list[Term]) -> dict[str, list[str]]:
        """The indexed words each long prefix begins, when they are few.

        FTS5 answers a prefix longer than its prefix indexes by merging the lists of every
        word it begins, over the whole archive, before a LIMIT can stop it; an OR of those
        few words is read lazily, newest first, and stops at the cap.
        """
        stems = sorted({
            term.folded for term in terms
            if term.prefix and len(term.folded) > self.PREFIX_INDEXED and term.folded.isascii()
        })
        if not stems:
            return {}
        # one statement for every long prefix: a bounded range of the terms' key each
        parts, params = [], {"most": self.MOST_WORDS + 1}
        for i, stem in enumerate(stems):
            params[f"low{i}"] = stem
            params[f"high{i}"] = stem[:-1] + chr(ord(stem[-1]) + 1)
            parts.append(
                f"SELECT * FROM (SELECT {i} AS k, term FROM {self.TERMS}"
                f" WHERE term >= :low{i} AND term < :high{i} ORDER BY term LIMIT :most)"
            )
        words: dict[int, list[str]] = {i: [] for i in range(len(stems))}
        for k, word in session.execute(text(" UNION ALL ".join(parts)), params):
            words[k].append(word)
        return {
            stem: words[i] for i, stem in enumerate(stems) if len(words[i]) <= self.MOST_WORDS
        }

    def match(self, terms: list[Term], fields: tuple[str, ...],
              expansions: dict[str, list[str]] | None = None) -> str:
        """An FTS5 query built only from quoted terms: no reader text is ever syntax."""
        written = " ".join(self.WRITTEN[f] for f in fields)
        folded = " ".join(self.FOLDED[f] for f in fields)
        parts = []
        for term in terms:
            words = (expansions or {}).get(term.folded)
            if words is not None:
                # the folded words hold the written ones' matches (folding keeps prefixes)
                either = " OR ".join(_fts5_string(word) for word in words)
                parts.append(f"({{{folded}}} : ({either}))")
                continue
            star = "*" if term.prefix else ""
            parts.append(
                f"({{{written}}} : {_fts5_string(term.written)}{star}"
                f" OR {{{folded}}} : {_fts5_string(term.folded)}{star})"
            )
        return " AND ".join(parts)

    def search(self, session, locale, terms, *, offset, limit, cap):
        expansions = self.expansions(session, terms)
        if any(not words for words in expansions.values()):
            return 0, []  # a long prefix that begins no indexed word: nothing can match
        params = {
            "q": self.match(terms, ("headline", "lede", "body"), expansions),
            "q_headline": self.match(terms, ("headline",), expansions),
            "q_top": self.match(terms, ("headline", "lede"), expansions),
            "locale": locale,
            "cap": cap + 1,
        }
        # FTS5 walks the match in descending rowid order and stops at the cap (no sort); CROSS
        # JOIN keeps the index as the outer loop, so the published filter runs per candidate.
        # The language is tested on the version: the index's own locale column would read
        # each entry's whole stored text
        best = (
            "SELECT s.rowid AS id, t.published_at AS published_at"
            f" FROM {TABLE} s CROSS JOIN article_translation t ON t.id = s.rowid"
            f" WHERE {TABLE} MATCH :q AND t.locale = :locale AND t.status = 'published'"
            " ORDER BY s.rowid DESC LIMIT :cap"
        )
        # the tiers' matches are read only from the oldest candidate on (a rowid range)
        in_tier = (
            f"best.id IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :%s"
            " AND rowid >= (SELECT min(id) FROM best))"
        )
        rows = session.execute(
            text(
                f"WITH best AS MATERIALIZED ({best})"
                f" SELECT best.id, CASE WHEN {in_tier % 'q_headline'} THEN 3"
                f" WHEN {in_tier % 'q_top'} THEN 2 ELSE 1 END AS tier,"
                " count(*) OVER () AS total"
                " FROM best ORDER BY tier DESC, best.published_at DESC, best.id DESC"
                " LIMIT :limit OFFSET :offset"
            ),
            {**params, "limit": limit, "offset": offset},
        ).all()
        if rows:
            return rows[0].total, [row.id for row in rows]
        if not offset:
            return 0, []
        # a page past the end: how many there are, to say so
        return session.execute(text(f"SELECT count(*) FROM ({best})"), params).scalar_one(), []


def _lexeme(value: str) -> str:
    """A tsquery lexeme literal: single quotes around, inner ones and backslashes escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


class PostgresFullText(SearchBackend):
    """A tsvector of the written and folded text (`simple` configuration) with a GIN index.

    Weights A, B and C mark headline, lede and body. A folded column needs no extension, so
    it works for a deployment whose database user may not `CREATE EXTENSION unaccent`.
    """

    INSERT_SQL = (
        f"INSERT INTO {TABLE} (translation_id, locale, document) VALUES (:id, :locale,"
        " setweight(to_tsvector('simple', CAST(:h AS text)), 'A')"
        " || setweight(to_tsvector('simple', CAST(:hf AS text)), 'A')"
        " || setweight(to_tsvector('simple', CAST(:l AS text)), 'B')"
        " || setweight(to_tsvector('simple', CAST(:lf AS text)), 'B')"
        " || setweight(to_tsvector('simple', CAST(:b AS text)), 'C')"
        " || setweight(to_tsvector('simple', CAST(:bf AS text)), 'C'))"
    )
    REMOVE_MANY_SQL = f"DELETE FROM {TABLE} WHERE translation_id IN :ids"

    def clear(self, session):
        session.execute(text(f"DELETE FROM {TABLE}"))

    @staticmethod
    def tsquery(terms: list[Term], weights: str = "") -> str:
        """A tsquery built only from quoted lexemes: no reader text is ever syntax."""
        parts = []
        for term in terms:
            star = "*" if term.prefix else ""
            suffix = f":{star}{weights}" if (star or weights) else ""
            parts.append(
                f"({_lexeme(term.written)}{suffix} | {_lexeme(term.folded)}{suffix})"
            )
        return " & ".join(parts)

    def search(self, session, locale, terms, *, offset, limit, cap):
        params = {
            "q": self.tsquery(terms),
            "q_headline": self.tsquery(terms, "A"),
            "q_top": self.tsquery(terms, "AB"),
            "locale": locale,
            "cap": cap + 1,
        }
        # the newest cap + 1 matches, with their documents: the tiers' weighted tsqueries
        # re-read the document, so only these are read whole. Versions are looked up after
        # the cut (a foreign key and the publishing transaction keep the entries in step):
        # cap + 1 key lookups, not a pass over the language's versions
        best = (
            f"SELECT translation_id AS id, document FROM {TABLE}"
            " WHERE document @@ to_tsquery('simple', CAST(:q AS text)) AND locale = :locale"
            " ORDER BY translation_id DESC LIMIT :cap"
        )
        rows = session.execute(
            text(
                f"WITH best AS MATERIALIZED ({best})"
                " SELECT t.id, CASE"
                " WHEN best.document @@ to_tsquery('simple', CAST(:q_headline AS text)) THEN 3"
                " WHEN best.document @@ to_tsquery('simple', CAST(:q_top AS text)) THEN 2"
                " ELSE 1 END AS tier, count(*) OVER () AS total"
                # LIMIT 1 keeps the planner from turning the lookups into a hash of every
                # version of the language
                " FROM best CROSS JOIN LATERAL (SELECT id, published_at FROM"
                " article_translation WHERE id = best.id AND locale = :locale"
                " AND status = 'published' LIMIT 1) AS t"
                " ORDER BY tier DESC, t.published_at DESC, t.id DESC"
                " LIMIT :limit OFFSET :offset"
            ),
            {**params, "limit": limit, "offset": offset},
        ).all()
        if rows:
            return rows[0].total, [row.id for row in rows]
        if not offset:
            return 0, []
        return session.execute(
            text(f"SELECT count(*) FROM ({best}) AS best"), params
        ).scalar_one(), []


def backend_for(executor) -> SearchBackend:
    """The backend that fits the database a session (or a flush-time connection) talks to."""
    dialect = getattr(executor, "dialect", None) or executor.get_bind().dialect
    if dialect.name == "postgresql":
        return PostgresFullText()
    return SqliteFts5()
