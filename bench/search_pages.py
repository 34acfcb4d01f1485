"""In-process timing of the search page on a bench-data database (no network, no gunicorn).

    BV_INSTANCE_PATH=/tmp/b .venv/bin/flask --app bv db upgrade
    BV_INSTANCE_PATH=/tmp/b .venv/bin/flask --app bv demo
    BV_INSTANCE_PATH=/tmp/b .venv/bin/flask --app bv bench-data --articles 1000
    .venv/bin/python bench/search_pages.py --database /tmp/b/bv.sqlite3 [--profile "en:council"]

Times each query through Flask's test client (median and p90 of --requests, and the median
CPU time of this process) and prints the page's count line. bench-data's vocabulary is small, so its words are common (in nearly
every version of a language); the demo articles' words are the rare ones.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bv import create_app  # noqa: E402

# (kind, query) per language: common word, two common words, a prefix or inflected form
# across scripts, a word of one demo article, a word that is nowhere
QUERIES = {
    "sq": [("common", "komuna"), ("two words", "qyteti buxheti"), ("inflected", "tetovës"),
           ("prefix", "bibl"), ("rare", "ujesjelles"), ("absent", "zzqx")],
    "mk": [("common", "општината"), ("two words", "градот буџетот"), ("latin", "tetovo"),
           ("prefix", "библ"), ("rare", "водоводот"), ("absent", "zzqx")],
    "en": [("common", "council"), ("two words", "river budget"), ("cyrillic", "Тетово"),
           ("prefix", "hosp"), ("rare", "pipeline"), ("absent", "zzqx")],
}
COUNT = re.compile(r'<p class="count">([^<]*)</p>')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a SQLite file with bench data")
    parser.add_argument("--database-url", help="or a database URL (PostgreSQL)")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--only", help="LANG:KIND,... (e.g. sq:common,en:rare); default all")
    parser.add_argument("--profile", help="LANG:QUERY to profile with pyinstrument")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{args.database}"
    folder = Path(tempfile.mkdtemp(prefix="bv-search-pages-"))
    app = create_app({"INSTANCE_PATH": str(folder), "SQLALCHEMY_DATABASE_URI": url,
                      "SECRET_KEY": "bench", "SITE_URL": "http://127.0.0.1", "PAGE_CACHE": False,
                      "RATELIMIT_ENABLED": False})
    try:
        return run(app, args)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(app, args) -> int:
    client = app.test_client()
    medians = []
    for lang, queries in QUERIES.items():
        for kind, query in queries:
            if args.only and f"{lang}:{kind}" not in args.only.split(","):
                continue
            response = client.get(f"/{lang}/search", query_string={"q": query})
            assert response.status_code == 200, (lang, query, response.status_code)
            found = COUNT.search(response.get_data(as_text=True))
            times, cpu = [], []
            for _ in range(args.requests):
                started, started_cpu = time.perf_counter(), time.process_time()
                client.get(f"/{lang}/search", query_string={"q": query})
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            times.sort()
            medians.append(statistics.median(times))
            # CPU time of this process: SQLite's work, not the database server's; on a shared
            # machine it varies less than the wall time
            print(f"{lang} {kind:<10} {query:<16} median {medians[-1]:7.1f} ms   p90 "
                  f"{times[int(len(times) * 0.9)]:7.1f} ms   cpu {statistics.median(cpu):6.1f} ms"
                  f"   {found.group(1) if found else '-'}")
    print(f"median of the medians {statistics.median(medians):.1f} ms")
    if args.profile:
        from pyinstrument import Profiler

        lang, query = args.profile.split(":", 1)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(args.requests):
            client.get(f"/{lang}/search", query_string={"q": query})
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
