"""Search latency at scale: N published versions in a throw-away SQLite database.

Builds the schema with the real migrations, bulk-inserts articles, versions and index
entries directly (not through the app's save path, which would take hours at 100,000), then
times each query through the search service and through the whole public page.

    .venv/bin/python bench/search.py                # 100,000 versions
    .venv/bin/python bench/search.py -n 5000 -r 20  # a quick run
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from bv import create_app  # noqa: E402
from bv.articles.models import Article, ArticleTranslation  # noqa: E402
from bv.extensions import db  # noqa: E402
from bv.search.folding import fold_word, words  # noqa: E402
from bv.search.service import search  # noqa: E402

VOCABULARY = {
    "sq": ("Tetova Tetovës Tetovë Shqipëria Shqipërisë çështja çështjet komuna komunës qyteti "
           "qytetit ujësjellësi pranverë pranverën shkolla shkollat nxënësit festivali filmit "
           "xhamia xhamisë rruga rrugët buxheti ministria qeveria zgjedhjet gazetarët lumi "
           "ekonomia punëtorët spitali mjekët Gostivar Kërçovë Strugë Shkup tregu fermerët").split(),
    "mk": ("Тетово Тетовската Скопје Ѓорче Петров водоводот водовод џамијата џамија ќерка ќерката "
           "општината општина граѓаните училиштето училишта пролет патот патиштата буџетот "
           "министерството владата изборите новинарите реката економијата работниците болницата "
           "лекарите Гостивар Кичево Струга пазарот земјоделците жителите паркот игралиште").split(),
    "en": ("Tetovo Skopje municipality council water supply spring schools pupils festival film "
           "mosque road roads budget ministry government elections journalists river economy "
           "workers hospital doctors Gostivar Kicevo Struga market farmers residents park "
           "watermelon metro plan project critics").split(),
}
FILLER = {
    "sq": "dhe në se për me një të e i nga që ka janë do".split(),
    "mk": "и во на за со од да се е ќе ги не по".split(),
    "en": "the and of to in a is for on with that by as".split(),
}
QUERIES = {
    "sq": ["tetova", "Тетово", "shqiperi", "cesht", "ujesjelles pranvere", "xhamia", "e",
           "komuna buxheti zgjedhjet", "nonexistentword", '"*:() NEAR'],
    "mk": ["tetovo", "gjorce petrov", "dzamija", "kjerka", "водоводот", "opstina"],
    "en": ["tetovo", "Тетово", "film festival", "watermelon", "the"],
}


SYLLABLES = {
    "sq": "ba be bi bo bu da de di do dë ka ke ki ko ku la le li lo më na ne ni no një pa pe "
          "ra re ri ro rë sa se si so ta te ti to të va ve vi za ze zi ça çe gja gje sha she "
          "tha xha".split(),
    "mk": "ба бе би бо бу да де ди до ка ке ки ко ку ла ле ли ло ма ме ми мо на не ни но па "
          "пе ра ре ри ро са се си со та те ти то ва ве ви за зе ѓа ќе џа ша ше ча чу жи љу "
          "ње".split(),
    "en": "ba be bi bo ca co da de di do fa fe ga ge ha he ka ke la le li lo ma me mi mo na "
          "ne ni no pa pe ra re ri ro sa se si so ta te ti to va ve wa we ya yo sh th ch "
          "st".split(),
}
TOPICAL = 0.004  # share of word positions that carry one of the topical words


def vocabulary(rng: random.Random, locale: str, size: int = 20_000) -> list[str]:
    """Made-up words of two to four syllables: a newspaper's long tail."""
    syllables = SYLLABLES[locale]
    return ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
            for _ in range(size)]


def sentence(rng: random.Random, locale: str, length: int, tail: list[str]) -> str:
    """Filler, long-tail words (Zipf-like: low ranks far more often) and rare topical words."""
    topical, filler = VOCABULARY[locale], FILLER[locale]
    out = []
    for _ in range(length):
        roll = rng.random()
        if roll < TOPICAL:
            out.append(rng.choice(topical))
        elif roll < 0.4:
            out.append(rng.choice(filler))
        else:
            out.append(tail[min(len(tail) - 1, int(rng.paretovariate(1.0)) - 1)])
    return " ".join(out)


def fill(n: int, body_words: int, seed: int = 7) -> None:
    """Insert n published versions (a third per locale) and their index entries."""
    rng = random.Random(seed)
    fold_cache: dict[str, str] = {}

    def fold(value: str) -> str:
        out = []
        for word in words(value):
            folded = fold_cache.get(word)
            if folded is None:
                folded = fold_cache[word] = fold_word(word)
            out.append(folded)
        return " ".join(out)

    start = datetime(2020, 1, 1, tzinfo=UTC)
    locales = list(VOCABULARY)
    tails = {locale: vocabulary(rng, locale) for locale in locales}
    batch = 2000
    for first in range(0, n, batch):
        ids = range(first + 1, min(n, first + batch) + 1)
        articles, versions, entries = [], [], []
        for i in ids:
            locale = locales[i % 3]
            tail = tails[locale]
            headline = sentence(rng, locale, 8, tail).capitalize()
            lede = sentence(rng, locale, 24, tail)
            body = " ".join(sentence(rng, locale, 20, tail) + "."
                            for _ in range(body_words // 20))
            when = start + timedelta(minutes=37 * i)
            articles.append({"id": i, "source_locale": locale, "byline": "",
                             "created_at": when, "updated_at": when})
            versions.append({
                "id": i, "article_id": i, "locale": locale, "slug": f"a-{i}",
                "headline": headline, "lede": lede, "status": "published",
                "published_at": when, "first_published_at": when,
                "live_headline": headline, "live_lede": lede, "live_body_html": f"<p>{body}</p>",
                "created_at": when, "updated_at": when,
            })
            entries.append({"id": i, "locale": locale, "h": headline, "l": lede, "b": body,
                            "hf": fold(headline), "lf": fold(lede), "bf": fold(body)})
        db.session.execute(insert(Article.__table__), articles)
        db.session.execute(insert(ArticleTranslation.__table__), versions)
        db.session.execute(
            text("INSERT INTO search_index (rowid, locale, headline, lede, body, headline_f,"
                 " lede_f, body_f) VALUES (:id, :locale, :h, :l, :b, :hf, :lf, :bf)"),
            entries,
        )
        db.session.commit()
        print(f"\r  {ids[-1]:>7} / {n}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--articles", type=int, default=100_000)
    parser.add_argument("-r", "--repeat", type=int, default=30, help="runs per query")
    parser.add_argument("--body-words", type=int, default=120)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bv-search-bench-"))
    try:
        app = create_app({
            "INSTANCE_PATH": str(folder), "SECRET_KEY": "bench", "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "UPLOAD_FOLDER": str(folder / "uploads"), "RATELIMIT_ENABLED": False,
        })
        with app.app_context():
            upgrade()
            began = time.perf_counter()
            fill(args.articles, args.body_words)
            print(f"filled {args.articles} versions in {time.perf_counter() - began:.1f} s; "
                  f"database {(folder / 'bench.sqlite3').stat().st_size / 2**20:.0f} MiB")
        client = app.test_client()
        print(f"{'lang':4} {'query':28} {'hits':>7} {'svc p50':>8} {'svc p95':>8} "
              f"{'page p50':>9} {'page p95':>9}  (ms)")
        all_service, all_page = [], []
        for locale, queries in QUERIES.items():
            for query in queries:
                service_times, page_times, total = [], [], 0
                for _ in range(args.repeat):
                    with app.app_context():
                        t0 = time.perf_counter()
                        total = search(locale, query, 1, 10).total
                        service_times.append((time.perf_counter() - t0) * 1000)
                    t0 = time.perf_counter()
                    status = client.get(f"/{locale}/search", query_string={"q": query}).status_code
                    page_times.append((time.perf_counter() - t0) * 1000)
                    assert status == 200, (locale, query, status)
                all_service += service_times
                all_page += page_times
                print(f"{locale:4} {query[:28]:28} {total:>7} "
                      f"{statistics.median(service_times):8.1f} "
                      f"{percentile(service_times, 95):8.1f} "
                      f"{statistics.median(page_times):9.1f} {percentile(page_times, 95):9.1f}")
        print(f"all  {'':28} {'':>7} {statistics.median(all_service):8.1f} "
              f"{percentile(all_service, 95):8.1f} {statistics.median(all_page):9.1f} "
              f"{percentile(all_page, 95):9.1f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
