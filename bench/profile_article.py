"""In-process timing and profile of reading pages (no network, no gunicorn).

    .venv/bin/python bench/profile_article.py --articles 1000 [--profile article]

Makes a throw-away SQLite instance with `bench-data`, then times requests through Flask's
test client (median and p90 of --requests) for the article, home, category (first and a deep
keyset page) and search; --profile NAME prints pyinstrument's tree for that page.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from bv import create_app
from bv.demo import generated
from bv.extensions import db


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--profile", help="a page name to profile with pyinstrument")
    parser.add_argument("--database", help="an existing SQLite file with bench data")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bv-profile-"))
    database = args.database or str(folder / "bv.sqlite3")
    app = create_app({"INSTANCE_PATH": str(folder), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                      "SECRET_KEY": "profile", "SITE_URL": "http://127.0.0.1"})
    if not args.database:
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            generated.generate(args.articles)  # with its search entries
            db.session.commit()
            print(f"{args.articles} articles in {time.perf_counter() - started:.0f} s")
    client = app.test_client()
    home = client.get("/mk/").get_data(as_text=True)
    article = re.search(r'href="(/mk/a/[^"]+)"', home).group(1)
    category = re.search(r'href="(/mk/c/[^"]+/)"', home).group(1)
    deep = client.get(f"{category}?page=500")
    if deep.status_code != 302:
        deep = client.get(f"{category}?page=15")
    word = max(re.search(r"<h1[^>]*>([^<]+)</h1>", client.get(article).get_data(as_text=True))
               .group(1).split(), key=len)
    pages = {"article": article, "home": "/mk/", "category p1": category,
             "category deep": deep.headers.get("Location", category), "search": f"/mk/search?q={word}",
             "feed": "/mk/feed.xml", "sitemap index": "/sitemap.xml"}
    for name, url in pages.items():
        assert client.get(url).status_code == 200, (name, url)
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(f"{name:<16} median {statistics.median(times):6.1f} ms   p90 "
              f"{times[int(len(times) * 0.9)]:6.1f} ms   {url[:70]}")
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(args.requests):
            client.get(pages[args.profile])
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
