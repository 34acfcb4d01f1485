"""The reading site's queries, each shaped to load a page in a fixed number of round trips."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from types import SimpleNamespace

from markupsafe import Markup
from sqlalchemy import (
    and_,
    bindparam,
    false,
    func,
    literal_column,
    or_,
    select,
    text,
    true,
    union,
    union_all,
)
from sqlalchemy.orm import contains_eager, defer, load_only

from bv.articles.models import (
    Article,
    ArticleTranslation,
    Category,
    CategoryName,
    SlugRedirect,
    Tag,
    article_tags,
)
from bv.articles.slugs import byline_slug, tag_slugs
from bv.extensions import db
from bv.i18n import LOCALES
from bv.search import service as search_service
from bv.search.highlight import highlight, snippet
from bv.search.indexer import body_text
from bv.search.service import SearchPage


@dataclass(frozen=True)
class SearchResult:
    """A found version with its headline and snippet, escaped and marked."""

    translation: ArticleTranslation
    headline: Markup
    snippet: Markup


# readers only ever see the live copy; the working text can be several times its size
WORKING_TEXT = (ArticleTranslation.body, ArticleTranslation.body_html)


# what a card, a listing, a feed item or a cursor reads of a version and its article: a
# listing's rows are built as ORM objects, and each of the version's thirty-odd columns
# (a dozen of them timestamps, each converted) cost more to load than the card costs to draw
CARD_COLUMNS = (
    ArticleTranslation.article_id, ArticleTranslation.locale, ArticleTranslation.slug,
    ArticleTranslation.status, ArticleTranslation.live_headline, ArticleTranslation.live_lede,
    ArticleTranslation.published_at,
)
CARD_ARTICLE_COLUMNS = (
    Article.source_locale, Article.category_id, Article.byline, Article.lead_image_id,
)


def _versions(*, with_body: bool = False):
    """Versions with their article and lead image: whole for an article's own page
    (`with_body`, less the working text), as cards otherwise."""
    article = contains_eager(ArticleTranslation.article)
    if with_body:
        options = (article.joinedload(Article.lead_image), *(defer(c) for c in WORKING_TEXT))
    else:
        options = (
            article.load_only(*CARD_ARTICLE_COLUMNS),
            article.joinedload(Article.lead_image),
            load_only(*CARD_COLUMNS),
        )
    # category names come from the menu's rows (g.categories, templating.section_name)
    return select(ArticleTranslation).join(ArticleTranslation.article).options(*options)


def _published(locale: str, *, with_body: bool = False):
    return _versions(with_body=with_body).where(
        ArticleTranslation.locale == locale, ArticleTranslation.status == "published"
    )


CURSOR_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True)
class Cursor:
    """A place in a listing: the (published_at, id) of a version; pages start just past it.

    `newer` pages (`?after=`) go up the list, the others (`?before=`) down; the id breaks
    ties between versions published at the same moment.
    """

    published_at: datetime
    id: int
    newer: bool = False

    @classmethod
    def of(cls, translation: ArticleTranslation, newer: bool = False) -> Cursor:
        """The cursor just past one listed version."""
        return cls(translation.published_at, translation.id, newer)

    @classmethod
    def parse(cls, text: str, newer: bool = False) -> Cursor | None:
        """A cursor from its address form `<UTC time>,<id>`, or None when it is not one."""
        when, _, ident = text.rpartition(",")
        if not ident.isascii() or not ident.isdigit() or len(ident) > 10 or len(when) > 40:
            return None
        try:
            published_at = datetime.strptime(when, CURSOR_TIME).replace(tzinfo=UTC)
        except ValueError:
            return None
        number = int(ident)
        if not 0 < number < 2**31:
            return None
        return cls(published_at, number, newer)

    @property
    def token(self) -> str:
        """The address form, readable and stable: `2026-12-01T09:30:00.000000Z,123`."""
        return f"{self.published_at.astimezone(UTC).strftime(CURSOR_TIME)},{self.id}"

    def query_args(self) -> dict:
        """The query-string argument that names this page."""
        return {"after" if self.newer else "before": self.token}


@dataclass
class KeysetPage:
    """One page of a listing found by a cursor, with the cursors of its neighbours."""

    items: list
    # the page below (rel=next) and above (rel=prev); newer is None on the first page
    older: Cursor | None
    newer: Cursor | None
    # the page above is the listing's first page (its address has no cursor)
    newer_is_first: bool = False

    @property
    def is_first(self) -> bool:
        """True for the listing's first page."""
        return self.newer is None


def _below(cursor: Cursor):
    # the first clause is a range the index can seek to; the second breaks ties on the moment
    t = ArticleTranslation
    return and_(
        t.published_at <= cursor.published_at,
        or_(t.published_at < cursor.published_at, t.id < cursor.id),
    )


def _above(cursor: Cursor):
    t = ArticleTranslation
    return and_(
        t.published_at >= cursor.published_at,
        or_(t.published_at > cursor.published_at, t.id > cursor.id),
    )


NEWEST_FIRST = (ArticleTranslation.published_at.desc(), ArticleTranslation.id.desc())
OLDEST_FIRST = (ArticleTranslation.published_at.asc(), ArticleTranslation.id.asc())


def _listed_ids(locale: str, condition):
    return (
        select(ArticleTranslation.id)
        .join(ArticleTranslation.article)
        .where(
            ArticleTranslation.locale == locale,
            ArticleTranslation.status == "published",
            condition,
        )
    )


def keyset_page(locale: str, condition, cursor: Cursor | None, per_page: int) -> KeysetPage | None:
    """One page of the published versions matching a condition, newest first, by keyset:
    every page costs what the first does. None when a newer-page cursor reaches the top
    (the caller sends the reader to the first page)."""
    base = _published(locale).where(condition)
    if cursor is not None and cursor.newer:
        rows = list(
            db.session.scalars(
                base.where(_above(cursor)).order_by(*OLDEST_FIRST).limit(per_page + 1)
            ).unique()
        )
        if len(rows) <= per_page:
            return None
        items = rows[:per_page][::-1]
        return KeysetPage(items, Cursor.of(items[-1]), Cursor.of(items[0], newer=True))
    stmt = base.order_by(*NEWEST_FIRST).limit(per_page + 1)
    if cursor is not None:
        stmt = stmt.where(_below(cursor))
    rows = list(db.session.scalars(stmt).unique())
    items = rows[:per_page]
    older = Cursor.of(items[-1]) if len(rows) > per_page else None
    if cursor is None or not items:
        return KeysetPage(items, older, None)
    # is the page above the first one? a bounded count, whatever the page's depth
    newer_rows = _listed_ids(locale, condition).where(_above(Cursor.of(items[0])))
    above = db.session.scalar(
        select(func.count()).select_from(newer_rows.limit(per_page + 1).subquery())
    )
    return KeysetPage(
        items, older, Cursor.of(items[0], newer=True), newer_is_first=above <= per_page
    )


def cursor_for_page(locale: str, condition, page: int, per_page: int) -> Cursor | None:
    """Where an old `?page=N` address starts, so it can redirect; None past the end.

    Only old links come here: it skips rows (OFFSET), the pages themselves never do.
    """
    stmt = (
        select(ArticleTranslation.published_at, ArticleTranslation.id)
        .join(ArticleTranslation.article)
        .where(
            ArticleTranslation.locale == locale,
            ArticleTranslation.status == "published",
            condition,
        )
        .order_by(*NEWEST_FIRST)
        # the last row of the page before, and the first of this one (so it is not empty)
        .offset((page - 1) * per_page - 1)
        .limit(2)
    )
    rows = db.session.execute(stmt).all()
    return Cursor(rows[0][0], rows[0][1]) if len(rows) == 2 else None


def locales_having(condition) -> set[str]:
    """The locales with at least one published version matching a condition, in one query
    of bounded EXISTS probes (a count would read every match)."""
    probes = [_listed_ids(code, condition).exists().label(code) for code in LOCALES]
    row = db.session.execute(select(*probes)).one()
    return {code for code, present in zip(LOCALES, row, strict=True) if present}


def category_condition(category_id: int):
    """The listing condition of one category."""
    return Article.category_id == category_id


def tag_condition(tag_id: int):
    """The listing condition of one tag."""
    return _tagged(tag_id)


def author_condition(bylines: list[str]):
    """The listing condition of one author page (every spelling of the byline)."""
    return Article.byline.in_(bylines)


def latest(locale: str, limit: int = 7) -> list[ArticleTranslation]:
    """The newest published versions in a locale."""
    return list(db.session.scalars(_latest_statement(limit), {"locale": locale}).unique())


@lru_cache(maxsize=8)
def _latest_statement(limit: int):
    # built once per length: the home page and every feed ask it
    return (
        _published(bindparam("locale"))
        .order_by(ArticleTranslation.published_at.desc())
        .limit(limit)
    )


def sections(locale: str, category_ids, per_category: int = 4) -> dict[int, list[ArticleTranslation]]:
    """The newest few published versions of every category, in one query.

    A UNION of one bounded part per category, each walking the listing index from the top:
    a window over every published version would grow with the archive.
    """
    category_ids = list(category_ids)
    if not category_ids:
        return {}
    parts = [
        select(_newest_ids(locale, 0, Article.category_id == cid, None, per_category))
        for cid in category_ids
    ]
    union = _picked(union_all(*parts))
    stmt = (
        _published(locale)
        .join(union, union.c.tid == ArticleTranslation.id)
        .order_by(ArticleTranslation.published_at.desc(), ArticleTranslation.id.desc())
    )
    grouped: dict[int, list[ArticleTranslation]] = {}
    for t in db.session.scalars(stmt).unique():
        grouped.setdefault(t.article.category_id, []).append(t)
    return grouped


@dataclass(frozen=True)
class SectionName:
    """A category's name and address in one locale, as the reading site shows them."""

    category_id: int
    locale: str
    name: str
    slug: str


@dataclass(frozen=True)
class Section:
    """A category as the reading site shows it. Every public page loads them all for its menu,
    so they come as plain rows from one query, not as ORM objects with a second for names."""

    id: int
    key: str
    position: int
    names: tuple[SectionName, ...]

    def name_in(self, locale: str) -> SectionName | None:
        """The category's name in one locale."""
        return next((n for n in self.names if n.locale == locale), None)


def categories() -> list[Section]:
    """Every category with its names, in menu order, from one query."""
    rows = db.session.execute(
        select(Category.id, Category.key, Category.position,
               CategoryName.locale, CategoryName.name, CategoryName.slug)
        .outerjoin(CategoryName, CategoryName.category_id == Category.id)
        .order_by(Category.position, Category.id, CategoryName.id)
    )
    found: dict[int, tuple] = {}
    for cid, key, position, locale, name, slug in rows:
        _, _, _, names = found.setdefault(cid, (cid, key, position, []))
        if locale is not None:
            names.append(SectionName(cid, locale, name, slug))
    return [Section(cid, key, position, tuple(names)) for cid, key, position, names in found.values()]


def section_by_slug(sections: list[Section], locale: str, slug: str) -> Section | None:
    """The category whose address in a locale is this slug, among the loaded ones."""
    for section in sections:
        name = section.name_in(locale)
        if name is not None and name.slug == slug:
            return section
    return None


def category_page(locale: str, category_id: int, cursor: Cursor | None, per_page: int):
    """One page of a category's published versions, found by its cursor (keyset)."""
    return keyset_page(locale, category_condition(category_id), cursor, per_page)


SIBLING_COLUMNS = (
    ArticleTranslation.article_id,
    ArticleTranslation.locale,
    ArticleTranslation.slug,
    ArticleTranslation.live_headline,
    ArticleTranslation.status,
    ArticleTranslation.version,
)


def translation_by_slug(locale: str, slug: str) -> ArticleTranslation | None:
    """A published version with its article and lead image; its siblings and tags come from
    sibling_versions() and article_tags_and_slugs(), as plain rows."""
    return db.session.scalars(_by_slug_statement(), {"locale": locale, "slug": slug}).first()


@lru_cache(maxsize=1)
def _by_slug_statement():
    # built once: every article page asks it
    return _published(bindparam("locale"), with_body=True).where(
        ArticleTranslation.slug == bindparam("slug")
    )


@dataclass(frozen=True)
class VersionLink:
    """A published language version as the switcher, hreflang and JSON-LD link to it."""

    article_id: int
    locale: str
    slug: str
    live_headline: str


def sibling_versions(article_id: int) -> dict[str, VersionLink]:
    """An article's published versions by locale, as plain rows: loading them as ORM objects
    (a second, eager query) cost more than the version itself."""
    rows = db.session.execute(
        select(ArticleTranslation.article_id, ArticleTranslation.locale, ArticleTranslation.slug,
               ArticleTranslation.live_headline)
        .where(ArticleTranslation.article_id == article_id,
               ArticleTranslation.status == "published")
    )
    return {row.locale: VersionLink(*row) for row in rows}


@dataclass(frozen=True)
class PageTag:
    """A tag as a reading page shows it."""

    id: int
    key: str
    names: dict

    def name_in(self, locale: str) -> str:
        """The tag's label in one locale, falling back to its key (as Tag.name_in)."""
        return self.names.get(locale) or self.key


def article_tags_and_slugs(article_id: int, locale: str) -> tuple[list[PageTag], dict[int, str]]:
    """An article's tags (by key, as Article.tags) and every tag's address in a locale, from
    one query: the addresses need every tag's name (two tags may slugify alike)."""
    mine = (
        select(article_tags.c.tag_id)
        .where(article_tags.c.article_id == article_id, article_tags.c.tag_id == Tag.id)
        .exists()
    )
    rows = db.session.execute(select(Tag.id, Tag.key, Tag.names, mine).order_by(Tag.id)).all()
    key = tuple((i, k, tuple(sorted((names or {}).items()))) for i, k, names, _ in rows)
    tags = sorted((PageTag(i, k, names or {}) for i, k, names, tagged in rows if tagged),
                  key=lambda tag: tag.key)
    return tags, dict(_tag_slugs_of(key, locale))


def redirect_for(locale: str, slug: str) -> ArticleTranslation | None:
    """The published translation an old slug now points at."""
    stmt = (
        select(ArticleTranslation)
        .join(SlugRedirect, SlugRedirect.translation_id == ArticleTranslation.id)
        .where(
            SlugRedirect.locale == locale,
            SlugRedirect.old_slug == slug,
            ArticleTranslation.status == "published",
        )
    )
    return db.session.scalar(stmt)


def _picked(union):
    """A UNION of bounded picks, computed once (a MATERIALIZED CTE, PostgreSQL 12 and SQLite
    3.35 on): as a plain subquery, PostgreSQL without statistics (a fresh import, autovacuum
    not yet run) put it inside a nested loop and ran it once per published version, 0.9 s
    for a home page of 1,000 articles."""
    return union.cte("picked").prefix_with("MATERIALIZED")


def _newest_ids(locale: str, rank: int, condition, exclude_id: int | None, limit: int):
    """Up to `limit` newest published versions matching a condition, tagged with a rank."""
    return (
        select(
            ArticleTranslation.id.label("tid"),
            # an inline constant: PostgreSQL cannot type a bare parameter inside a UNION
            literal_column(str(int(rank))).label("rank"),
        )
        .join(ArticleTranslation.article)
        .where(
            ArticleTranslation.locale == locale,
            ArticleTranslation.status == "published",
            ArticleTranslation.id != exclude_id if exclude_id is not None else true(),
            condition,
        )
        .order_by(ArticleTranslation.published_at.desc(), ArticleTranslation.id.desc())
        .limit(limit)
        # wrapped, because a compound SELECT may not order or limit its parts directly
        .subquery()
    )


# related stories by tag look at each shared tag's newest articles only (by id, on the
# (tag_id, article_id) index), and at no more than this many of the article's tags: a walk
# down the whole listing for a tag no other article has cost 150 ms at 100,000 articles
TAG_NEIGHBOURS = 20
MOST_RELATED_TAGS = 8


def _tag_neighbours(locale, rank: int, condition, exclude_id, limit: int, count: int):
    """Like _newest_ids, among the newest TAG_NEIGHBOURS articles of each of `count` tags
    (parameters tag_0, tag_1...): at most TAG_NEIGHBOURS * count rows are read and sorted,
    whatever the archive holds."""
    parts = [
        select(article_tags.c.article_id)
        .where(article_tags.c.tag_id == bindparam(f"tag_{i}"))
        .order_by(article_tags.c.article_id.desc())
        .limit(TAG_NEIGHBOURS)
        # wrapped, because a compound SELECT may not order or limit its parts directly
        .subquery()
        for i in range(count)
    ]
    # a UNION (not ALL): an article carrying two of the tags is one candidate
    candidates = union(*(select(part.c.article_id) for part in parts)).subquery()
    return (
        select(ArticleTranslation.id.label("tid"), literal_column(str(int(rank))).label("rank"))
        # the candidates drive the join, so the listing index is never walked
        .select_from(candidates)
        .join(ArticleTranslation, ArticleTranslation.article_id == candidates.c.article_id)
        .join(ArticleTranslation.article)
        .where(
            ArticleTranslation.locale == locale,
            ArticleTranslation.status == "published",
            ArticleTranslation.id != exclude_id,
            condition,
        )
        .order_by(ArticleTranslation.published_at.desc(), ArticleTranslation.id.desc())
        .limit(limit)
        .subquery()
    )


@lru_cache(maxsize=64)
def _related_statement(has_category: bool, tag_count: int, limit: int, latest: int):
    """related()'s statement for one shape, built once, with the version's locale, id, category
    and tags as parameters: building it anew on every article page was about a third of the
    query's time in Python."""
    locale, self_id, category_id = bindparam("locale"), bindparam("self_id"), bindparam("category_id")
    same_category = Article.category_id == category_id if has_category else false()
    if tag_count:
        # a probe of the (article_id, tag_id) key per row walked, never a list of every
        # article carrying the tags
        shares_none = ~(
            select(article_tags.c.article_id)
            .where(article_tags.c.article_id == Article.id,
                   article_tags.c.tag_id.in_(bindparam("tag_ids", expanding=True)))
            .exists()
        )
    else:
        shares_none = true()
    other_category = (
        or_(Article.category_id != category_id, Article.category_id.is_(None))
        if has_category
        else true()
    )
    # three disjoint groups, each at most `limit` long, so the union always can fill the list
    groups = [
        _newest_ids(locale, 0, same_category, self_id, limit),
        (
            _tag_neighbours(locale, 1, other_category, self_id, limit, tag_count)
            if tag_count
            else _newest_ids(locale, 1, false(), self_id, limit)
        ),
        _newest_ids(locale, 2, other_category & shares_none, self_id, limit),
    ]
    if latest:
        # enough of the newest that `latest` remain after the related ones are taken out
        groups.append(_newest_ids(locale, 3, true(), self_id, latest + limit))
    union = _picked(union_all(*(select(group) for group in groups)))
    return (
        _published(locale)
        .add_columns(union.c.rank)
        .join(union, union.c.tid == ArticleTranslation.id)
        .order_by(union.c.rank, ArticleTranslation.published_at.desc(), ArticleTranslation.id.desc())
    )


def related(translation: ArticleTranslation, limit: int = 4, latest: int = 0,
            tag_ids: list[int] | None = None) -> tuple[list[ArticleTranslation], list[ArticleTranslation]]:
    """Other published versions in the same language: the same category first, then those
    sharing a tag (among each tag's newest TAG_NEIGHBOURS), then the latest; newest first
    within each. With `latest`, also that many of the newest versions beside it, less itself
    and the related ones, for the sidebar. One query, whatever fills it: (related, latest).
    `tag_ids`: the article's, when known."""
    category_id = translation.article.category_id
    if tag_ids is None:
        tag_ids = [tag.id for tag in translation.article.tags]
    tag_ids = sorted(tag_ids)
    looked_at = tag_ids[:MOST_RELATED_TAGS]
    stmt = _related_statement(category_id is not None, len(looked_at), limit, latest)
    params = {"locale": translation.locale, "self_id": translation.id}
    if category_id is not None:
        params["category_id"] = category_id
    if tag_ids:
        params["tag_ids"] = tag_ids
        params.update({f"tag_{i}": tag_id for i, tag_id in enumerate(looked_at)})
    rows = db.session.execute(stmt, params).all()
    chosen = [t for t, rank in rows if rank < 3][:limit]
    shown = {t.id for t in chosen}
    newest = [t for t, rank in rows if rank == 3 and t.id not in shown][:latest]
    return chosen, newest


def published_versions(article_id: int) -> list[ArticleTranslation]:
    """An article's published language versions, for the switcher and the fallback notice."""
    stmt = (
        select(ArticleTranslation)
        .where(
            ArticleTranslation.article_id == article_id,
            ArticleTranslation.status == "published",
        )
        .options(load_only(*SIBLING_COLUMNS))
    )
    versions = db.session.scalars(stmt).all()
    return sorted(versions, key=lambda t: LOCALES.index(t.locale))


def search(locale: str, text: str, page: int, per_page: int) -> SearchPage:
    """One page of ranked results for a reader's query, with highlighted headline and snippet.

    The index ranks and counts (two queries); the page's versions then load in one more.
    """
    found = search_service.search(locale, text, page, per_page)
    if not found.ids:
        return found
    # by key only: with the language and status in the WHERE clause SQLite walks the listing
    # index over every published version of the language; they are checked here instead
    stmt = _versions(with_body=True).where(ArticleTranslation.id.in_(found.ids))
    by_id = {
        t.id: t
        for t in db.session.scalars(stmt).unique()
        if t.locale == locale and t.status == "published"
    }
    found.items = [
        SearchResult(
            translation=t,
            headline=highlight(t.live_headline, found.terms),
            snippet=snippet(t.live_lede, found.terms)
            or snippet(body_text(t.live_body_html), found.terms)
            or highlight(t.live_lede, found.terms),
        )
        for t in (by_id.get(i) for i in found.ids)
        if t is not None
    ]
    return found


def published_since(since, limit: int = 1000) -> list[ArticleTranslation]:
    """Published versions in every locale since a moment, newest first (news sitemap)."""
    stmt = (
        select(ArticleTranslation)
        .where(ArticleTranslation.status == "published", ArticleTranslation.published_at >= since)
        .options(*(defer(c) for c in (*WORKING_TEXT, ArticleTranslation.live_body_html)))
        .order_by(ArticleTranslation.published_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def sitemap_page_starts(articles_per_page: int) -> list[int]:
    """The first article id of every sitemap page that has a published version.

    Pages are fixed ranges of article ids, `[first, first + n)`, so a page's address never
    moves when older articles come and go, and the index needs no pass over the archive: a
    skip scan (a recursive query) seeks the `(status, article_id)` index once per page, so the
    index costs what its pages number, not what the archive holds.
    """
    n = max(1, int(articles_per_page))
    t = ArticleTranslation.__tablename__
    # n is an int from the configuration: inlined, so both databases type the CTE alike
    statement = text(f"""
        WITH RECURSIVE page(first) AS (
            SELECT (MIN(article_id) - 1) / {n} * {n} + 1 FROM {t} WHERE status = 'published'
            UNION ALL
            SELECT ((SELECT next.article_id FROM {t} AS next
                     WHERE next.status = 'published' AND next.article_id >= page.first + {n}
                     ORDER BY next.article_id LIMIT 1) - 1) / {n} * {n} + 1
            FROM page WHERE page.first IS NOT NULL
        )
        SELECT first FROM page WHERE first IS NOT NULL ORDER BY first""")
    return [first for (first,) in db.session.execute(statement)]


def sitemap_versions(first_id: int, limit: int) -> list:
    """The published versions of the articles in the id range `[first_id, first_id + limit)`,
    as plain rows (article_id, source_locale, locale, slug, updated_at), by article then
    language: one sitemap page, one query, no ORM objects (a page holds thousands)."""
    t = ArticleTranslation
    stmt = (
        select(t.article_id, Article.source_locale, t.locale, t.slug, t.updated_at)
        .join(Article, Article.id == t.article_id)
        .where(
            t.status == "published",
            t.article_id >= first_id,
            t.article_id < first_id + limit,
        )
        .order_by(t.article_id, t.locale)
    )
    return list(db.session.execute(stmt))


def category_feed_items(locale: str, category_id: int, limit: int) -> list[ArticleTranslation]:
    """The newest published versions of one category in a locale, for its feed."""
    stmt = (
        _published(locale)
        .where(Article.category_id == category_id)
        .order_by(ArticleTranslation.published_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt).unique())


def all_tags() -> list[Tag]:
    """Every tag: their slugs are derived from all of them together."""
    return list(db.session.scalars(select(Tag).order_by(Tag.id)))


@lru_cache(maxsize=64)
def _tag_slugs_of(names: tuple, locale: str) -> dict[int, str]:
    tags = [SimpleNamespace(id=i, key=key, names=dict(pairs)) for i, key, pairs in names]
    return tag_slugs(tags, locale)


def cached_tag_slugs(tags: list[Tag], locale: str) -> dict[int, str]:
    """tag_slugs() remembered per set of tag names: every article page shows tag links, and
    slugifying every tag's name on each request was the article page's largest cost."""
    key = tuple((t.id, t.key, tuple(sorted((t.names or {}).items()))) for t in tags)
    return dict(_tag_slugs_of(key, locale))


def _tagged(tag_id: int):
    return Article.id.in_(select(article_tags.c.article_id).where(article_tags.c.tag_id == tag_id))


def tag_locales(tag_id: int) -> set[str]:
    """The locales in which some published version carries a tag."""
    return locales_having(_tagged(tag_id))


def tag_page(locale: str, tag_id: int, cursor: Cursor | None, per_page: int):
    """One page of a tag's published versions, found by its cursor (keyset)."""
    return keyset_page(locale, tag_condition(tag_id), cursor, per_page)


def bylines_for_slug(slug: str) -> list[str]:
    """Every spelling of a byline whose address is this slug, among published articles."""
    bylines = db.session.scalars(
        select(Article.byline)
        .where(
            Article.byline != "",
            Article.translations.any(ArticleTranslation.status == "published"),
        )
        .distinct()
    )
    return sorted(b for b in bylines if byline_slug(b) == slug)


def author_locales(bylines: list[str]) -> set[str]:
    """The locales in which some published version carries one of these bylines."""
    return locales_having(Article.byline.in_(bylines))


def author_page(locale: str, bylines: list[str], cursor: Cursor | None, per_page: int):
    """One page of an author's published versions in a locale, found by its cursor (keyset)."""
    return keyset_page(locale, author_condition(bylines), cursor, per_page)


def tag_listing_index() -> list[tuple[int, str, object]]:
    """(tag id, locale, newest publication) for every tag with published versions."""
    rows = db.session.execute(
        select(article_tags.c.tag_id, ArticleTranslation.locale,
               func.max(ArticleTranslation.published_at))
        .join(ArticleTranslation, ArticleTranslation.article_id == article_tags.c.article_id)
        .where(ArticleTranslation.status == "published")
        .group_by(article_tags.c.tag_id, ArticleTranslation.locale)
    )
    return [tuple(row) for row in rows]


def author_listing_index() -> list[tuple[str, str, object]]:
    """(byline, locale, newest publication) for every byline with published versions."""
    rows = db.session.execute(
        select(Article.byline, ArticleTranslation.locale,
               func.max(ArticleTranslation.published_at))
        .join(ArticleTranslation.article)
        .where(ArticleTranslation.status == "published", Article.byline != "")
        .group_by(Article.byline, ArticleTranslation.locale)
    )
    return [tuple(row) for row in rows]
