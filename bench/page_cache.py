"""Time of a public page through the test client with the page cache off, then on (hits).

Loads the demo newsroom into a throw-away instance folder (SQLite, files cache), then times
200 requests of the home page and of one article each way.

    .venv/bin/python bench/page_cache.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from bv import create_app
from bv.extensions import db

REQUESTS = 200


def make(folder: Path, page_cache: bool):
    """An app on the benchmark's database, with the page cache on or off."""
    return create_app({
        "SECRET_KEY": "bench", "INSTANCE_PATH": str(folder),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bv.sqlite3'}",
        "PAGE_CACHE": page_cache, "JOBS_IMMEDIATE": True, "SITE_URL": "http://127.0.0.1:5000",
    })


def main() -> None:
    """Load the demo, then print median and p95 per page, cache off and on."""
    from bv import demo
    from bv.articles.models import ArticleTranslation

    folder = Path(tempfile.mkdtemp(prefix="bv-bench-cache-"))
    app = make(folder, False)
    with app.app_context():
        upgrade()
        demo.load()
        slug = db.session.scalar(db.select(ArticleTranslation.slug).where(
            ArticleTranslation.status == "published", ArticleTranslation.locale == "sq"))
    for page_cache in (False, True):
        client = make(folder, page_cache).test_client()
        for path in ("/sq/", f"/sq/a/{slug}"):
            client.get(path)
            times = []
            for _ in range(REQUESTS):
                start = time.perf_counter()
                answer = client.get(path)
                times.append(time.perf_counter() - start)
                assert answer.status_code == 200
            times.sort()
            print(f"cache {'on ' if page_cache else 'off'} {path[:40]:42} "
                  f"median {statistics.median(times) * 1000:7.2f} ms  "
                  f"p95 {times[int(REQUESTS * 0.95) - 1] * 1000:7.2f} ms  "
                  f"{answer.headers.get('X-Page-Cache', '-')}")


if __name__ == "__main__":
    main()
