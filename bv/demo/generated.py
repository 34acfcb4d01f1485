"""Benchmark newsrooms: `flask --app bv bench-data --articles N` writes N published articles
in three languages, with segments, revisions, tags and bylines, in bulk.

The text is original, made here from small word lists (Albanian and English in Latin,
Macedonian in Cyrillic), with paragraph and article lengths like the newsroom's own. Rows go
in with Core bulk inserts instead of `save_translation`, which renders Markdown and splits
segments one version at a time (about 4 ms each, 20 minutes for 300,000 versions); the text
is plain words and punctuation, so its HTML and segments are written directly in exactly the
form the renderer and the splitter give (tests/test_speed.py checks that they agree). The
search entries are built from the same text and written in bulk (`indexer.index_bulk`), so
no rebuild has to read everything back.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import bindparam, func, select, text

from bv.articles.models import (
    Article,
    ArticleTranslation,
    Category,
    CategoryName,
    Revision,
    Tag,
    article_tags,
)
from bv.articles.slugs import make_slug
from bv.database import utcnow
from bv.extensions import db
from bv.i18n import LOCALES
from bv.search import indexer
from bv.translation import store
from bv.translation.models import Segment
from bv.translation.segments import text_hash

WORDS = {
    "sq": (
        "komuna qyteti banorët rruga shkolla tregu lumi mali fshati këshilli buxheti uji "
        "ndriçimi parku biblioteka festivali qendra spitali mjekët nxënësit mësuesit fermerët "
        "rrushi misri qumështi autobusi ura kanalizimi projekti ligji gjykata zgjedhjet "
        "partia kryetari ministria raporti studimi vjeshta dimri pranvera vera dëbora shiu "
        "ndërton miraton shpall hap mbyll rinovon kërkon paralajmëron mbështet planifikon "
        "i ri e vjetër i madh e vogël lokal rajonal publik i sigurt i gjelbër i pastër "
        "sot nesër dje këtë javë në Tetovë në Gostivar në Shkup pranë qendrës me shpejtësi "
        "sipas zyrtarëve për herë të parë pas vitesh çdo mëngjes deri në mbrëmje"
    ).split(),
    "mk": (
        "општината градот жителите улицата училиштето пазарот реката планината селото "
        "советот буџетот водата осветлувањето паркот библиотеката фестивалот центарот "
        "болницата лекарите учениците наставниците земјоделците грозјето пченката млекото "
        "автобусот мостот канализацијата проектот законот судот изборите партијата "
        "градоначалникот министерството извештајот студијата есента зимата пролетта летото "
        "снегот дождот гради одобрува објавува отвора затвора обновува бара предупредува "
        "поддржува планира нов стар голем мал локален регионален јавен безбеден зелен чист "
        "денес утре вчера оваа недела во Тетово во Гостивар во Скопје близу центарот брзо "
        "според службениците за прв пат по години секое утро до вечерта ѓубре жолт ќе џеб"
    ).split(),
    "en": (
        "the council the city residents the street the school the market the river the "
        "mountain the village the budget water lighting the park the library the festival "
        "the centre the hospital doctors pupils teachers farmers grapes maize milk the bus "
        "the bridge the sewers the project the law the court the election the party the "
        "mayor the ministry the report the study autumn winter spring summer snow rain "
        "builds approves announces opens closes renews asks warns supports plans new old "
        "large small local regional public safe green clean today tomorrow yesterday this "
        "week in Tetovo in Gostivar in Skopje near the centre quickly according to officials "
        "for the first time after years every morning until the evening"
    ).split(),
}
BYLINES = (
    "Arbër Krasniqi", "Елена Трајковска", "Vesna Ристовска", "Drita Osmani", "Марко Стојанов",
    "Liridona Ademi", "Ана Петровска", "Besnik Rexhepi", "Goran Nikolovski", "Teuta Selimi",
    "Ивана Николова", "Fatmir Jashari",
)
SECTIONS = {
    "local": {"sq": "Lokale", "mk": "Локално", "en": "Local"},
    "politics": {"sq": "Politikë", "mk": "Политика", "en": "Politics"},
    "economy": {"sq": "Ekonomi", "mk": "Економија", "en": "Economy"},
    "culture": {"sq": "Kulturë", "mk": "Култура", "en": "Culture"},
    "sport": {"sq": "Sport", "mk": "Спорт", "en": "Sport"},
    "analysis": {"sq": "Analizë", "mk": "Анализа", "en": "Analysis"},
}
TAGS = 40
BATCH = 500


def _sentence(rng: random.Random, locale: str, low: int, high: int) -> str:
    words = rng.choices(WORDS[locale], k=rng.randint(low, high))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, locale: str) -> str:
    return " ".join(_sentence(rng, locale, 8, 20) for _ in range(rng.randint(2, 5)))


def _blocks(seed: int, locale: str, shape: list[str]) -> list[str]:
    """The texts of a version's body blocks; every language gets the same shape."""
    rng = random.Random(f"{seed}:{locale}")
    return [
        _sentence(rng, locale, 3, 7)[:-1] if kind == "heading" else _paragraph(rng, locale)
        for kind in shape
    ]


def body_markdown(shape: list[str], texts: list[str]) -> str:
    """Canonical Markdown of headings and paragraphs, as segments.assemble writes it."""
    return "\n\n".join(
        ("## " + text) if kind == "heading" else text for kind, text in zip(shape, texts, strict=True)
    )


def body_html(shape: list[str], texts: list[str]) -> str:
    """The HTML render_body gives for plain headings and paragraphs (demoted to h2)."""
    return "".join(
        f"<h2>{text}</h2>\n" if kind == "heading" else f"<p>{text}</p>\n"
        for kind, text in zip(shape, texts, strict=True)
    )


_WORD_SLUGS: dict[tuple[str, str], str] = {}


def headline_slug(headline: str, locale: str, max_length: int = 200) -> str:
    """`make_slug(headline, locale, max_length)` for a headline of generated words: each
    distinct word is slugified once (python-slugify is the slowest step of a version)."""
    parts = []
    for word in headline.split(" "):
        part = _WORD_SLUGS.get((word, locale))
        if part is None:
            part = _WORD_SLUGS[(word, locale)] = make_slug(word, locale, max_length)
        parts.append(part)
    slug = "-".join(parts)
    return slug if len(slug) <= max_length else make_slug(headline, locale, max_length)


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _categories() -> list[int]:
    ids = list(db.session.scalars(select(Category.id).order_by(Category.position, Category.id)))
    if ids:
        return ids
    for position, (key, names) in enumerate(SECTIONS.items()):
        category = Category(key=key, position=position)
        category.names = [
            CategoryName(locale=code, name=name, slug=make_slug(name, code))
            for code, name in names.items()
        ]
        db.session.add(category)
    db.session.flush()
    return list(db.session.scalars(select(Category.id).order_by(Category.position, Category.id)))


def _tags() -> list[int]:
    existing = set(db.session.scalars(select(Tag.key)))
    rng = random.Random("tags")
    for n in range(TAGS):
        key = f"bench-{n}"
        if key not in existing:
            db.session.add(Tag(key=key, names={
                code: " ".join(rng.choices(WORDS[code], k=2)).title() + f" {n}" for code in LOCALES
            }))
    db.session.flush()
    return list(db.session.scalars(select(Tag.id).where(Tag.key.like("bench-%"))))


def count() -> int:
    """How many generated articles the database holds (their bylines are ours alone)."""
    return db.session.scalar(
        select(func.count()).select_from(Article).where(Article.byline.in_(BYLINES))
    )


def generate(articles: int, *, seed: int = 1, first: int = 0, index: bool = True,
             after_batch=None) -> dict:
    """Write `articles` published articles in every locale, and their search entries unless
    `index` is false; the caller commits. `after_batch(done)` runs after every batch of
    `BATCH` articles is flushed (a command may commit there, to keep transactions small).
    `first` numbers the articles from there, so a top-up does not repeat earlier text.

    Newest first every few minutes back from now; every seventh shares its moment with the
    one before (listings must break such ties). Every fifth version has two revisions.
    """
    categories, tags = _categories(), _tags()
    ids = {m: _next_id(m) for m in (Article, ArticleTranslation, Revision, Segment)}
    start = utcnow()
    when = start
    counts = {"articles": 0, "versions": 0, "segments": 0, "revisions": 0}
    rows: dict[str, list] = {k: [] for k in ("article", "tag", "translation", "revision",
                                              "segment", "translated", "entry")}

    def flush() -> None:
        db.session.execute(Article.__table__.insert(), rows["article"])
        if rows["tag"]:
            db.session.execute(article_tags.insert(), rows["tag"])
        # translations point at revisions and revisions at translations: insert, then link
        links = [
            {"b_id": row["id"], "b_live": row.pop("_revision"),
             "b_source": row.pop("_source_revision", None)}
            for row in rows["translation"]
        ]
        db.session.execute(ArticleTranslation.__table__.insert(), rows["translation"])
        db.session.execute(Revision.__table__.insert(), rows["revision"])
        table = ArticleTranslation.__table__
        db.session.execute(
            table.update()
            .where(table.c.id == bindparam("b_id"))
            .values(live_revision_id=bindparam("b_live"), source_revision_id=bindparam("b_source")),
            links,
        )
        db.session.execute(Segment.__table__.insert(), rows["segment"])
        store.insert_generated(rows["translated"])
        if index:
            indexer.index_bulk(rows["entry"])
        for values in rows.values():
            values.clear()

    for n in range(first, first + articles):
        seed_n = seed * 1_000_003 + n
        rng = random.Random(seed_n)
        article_id = ids[Article]
        ids[Article] += 1
        source = LOCALES[n % len(LOCALES)]
        if n % 7:
            when -= timedelta(minutes=rng.randint(3, 90))
        shape = ["paragraph"] + [
            "heading" if i % 4 == 0 else "paragraph" for i in range(rng.randint(4, 11))
        ]
        rows["article"].append({
            "id": article_id, "source_locale": source,
            "category_id": categories[rng.randrange(len(categories))],
            "byline": BYLINES[rng.randrange(len(BYLINES))],
            "created_at": when, "updated_at": when,
        })
        for tag_id in rng.sample(tags, k=min(len(tags), rng.randint(0, 3))):
            rows["tag"].append({"article_id": article_id, "tag_id": tag_id})
        source_texts = None
        source_revision = None
        for code in [source] + [c for c in LOCALES if c != source]:
            trng = random.Random(f"{seed_n}:{code}:head")
            headline = _sentence(trng, code, 6, 12)[:-1]
            lede = _sentence(trng, code, 15, 30)
            texts = _blocks(seed_n, code, shape)
            body = body_markdown(shape, texts)
            html = body_html(shape, texts)
            words = len(" ".join((headline, lede, *texts)).split())
            translation_id = ids[ArticleTranslation]
            ids[ArticleTranslation] += 1
            revisions = 2 if n % 5 == 0 else 1
            first_revision = ids[Revision]
            ids[Revision] += revisions
            live_revision = first_revision + revisions - 1
            slug = f"{headline_slug(headline, code)}-{article_id}"
            rows["translation"].append({
                "id": translation_id, "article_id": article_id, "locale": code,
                "headline": headline, "slug": slug, "lede": lede, "body": body,
                "body_html": html, "word_count": words, "status": "published",
                "published_at": when, "first_published_at": when,
                "source_revision_id": None, "live_headline": headline, "live_lede": lede,
                "live_body_html": html, "live_word_count": words,
                "live_revision_id": None, "version": 1, "created_at": when,
                "updated_at": when, "status_changed_at": when,
            })
            for number in range(1, revisions + 1):
                rows["revision"].append({
                    "id": first_revision + number - 1, "translation_id": translation_id,
                    "number": number, "headline": headline, "slug": slug, "lede": lede,
                    # an earlier revision lacks the last paragraph
                    "body": body if number == revisions else body_markdown(shape[:-1], texts[:-1]),
                    "created_at": when,
                })
            rows["translation"][-1]["_revision"] = live_revision
            keyed = [("headline", "headline", headline), ("lede", "lede", lede)] + [
                (f"b{i}", kind, text)
                for i, (kind, text) in enumerate(zip(shape, texts, strict=True), start=1)
            ]
            if source_texts is None:
                source_texts, source_revision = keyed, live_revision
                for position, (key, kind, text) in enumerate(keyed):
                    rows["segment"].append({
                        "id": ids[Segment], "article_id": article_id, "key": key, "kind": kind,
                        "position": position, "source_text": text,
                        "source_hash": text_hash(text), "changed_at": when,
                    })
                    ids[Segment] += 1
            else:
                rows["translation"][-1]["_source_revision"] = source_revision
                for (key, _kind, source_text), (_, _, text) in zip(source_texts, keyed, strict=True):
                    rows["translated"].append({
                        "translation_id": translation_id, "key": key,
                        "source_hash": text_hash(source_text), "source_text": source_text,
                        "target_text": text, "origin": "human", "reviewed": True,
                        "updated_at": when,
                    })
            if index:
                # the plain body is what indexer.body_text reads from `html` (no markup or
                # entities in generated words); tests/test_search.py compares the rows
                rows["entry"].append(
                    indexer.make_entry(translation_id, code, headline, lede, " ".join(texts))
                )
            counts["versions"] += 1
            counts["revisions"] += revisions
        counts["segments"] += len(source_texts)
        counts["articles"] += 1
        if len(rows["article"]) >= BATCH:
            flush()
            if after_batch:
                after_batch(counts["articles"])
    if rows["article"]:
        flush()
        if after_batch:
            after_batch(counts["articles"])
    advance_sequences()
    return counts


# the tables whose rows bench-data writes with ids of its own (to link them without RETURNING)
OWN_IDS = (Article, ArticleTranslation, Revision, Segment)


def advance_sequences() -> None:
    """PostgreSQL hands out ids from sequences, which rows written with their own ids do not
    move: set each past the largest id, or the next ordinary insert collides (an editor's
    save failed with a duplicate revision id). SQLite takes the largest rowid plus one."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in OWN_IDS:
        table = model.__tablename__
        db.session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, 'id'),"
                f" (SELECT COALESCE(max(id), 0) + 1 FROM {table}), false)"
            ),
            {"table": table},
        )
