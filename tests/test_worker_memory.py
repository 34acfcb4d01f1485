"""A web worker that serves the public pages loads only what reading needs (issue 12: each
worker under 120 MiB RSS). The newsroom's heavy libraries, the job queue and the migrations
are imported where they are used; bench/memory.py measures what remains."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bv.demo import generated
from bv.extensions import db
from bv.search.indexer import reindex_all
from tests.conftest import PG_URL, REDIS_URL, fresh_app

ROOT = Path(__file__).resolve().parent.parent

# what a reading worker must not import: machine translation, CAT files, scoring, fuzzy
# matching, pictures, S3, the WordPress import, Alembic, the job queue (and its storages)
HEAVY = [
    "alembic", "flask_migrate", "mako", "pygments",
    "deep_translator", "deepl", "requests", "bs4",
    "translate", "sacrebleu", "rapidfuzz",
    "PIL", "boto3", "phpserialize", "markdownify", "feedparser",
    "huey", "redis", "psycopg",
]
# a deployment that configures them needs them in the worker
if PG_URL:
    HEAVY.remove("psycopg")
if REDIS_URL:
    HEAVY.remove("redis")

RSS_LIMIT_MIB = 120

# the production app (wsgi.py, settings from BV_* only), fresh, serving every kind of public page
WORKER = r"""
import json, re, sys
import wsgi

client = wsgi.app.test_client()
home = client.get("/mk/").get_data(as_text=True)
article = re.search(r'href="(/mk/a/[^"]+)"', home).group(1)
category = re.search(r'href="(/mk/c/[^"]+/)"', home).group(1)
pages = ["/sq/", "/mk/", "/en/", article, category, "/mk/search?q=a", "/mk/feed.xml",
         "/sitemap.xml", "/sitemaps/pages.xml", "/mk/about"]
statuses = {path: client.get(path).status_code for path in pages * 2}
rss = int(re.search(r"^VmRSS:\s+(\d+) kB", open("/proc/self/status").read(), re.M).group(1))
heavy = json.loads(sys.argv[1])
print(json.dumps({"statuses": statuses, "loaded": [m for m in heavy if m in sys.modules],
                  "rss_mib": rss / 1024}))
"""


def test_a_reading_worker_imports_none_of_the_heavy_libraries(tmp_path, migrated_template):
    with fresh_app(tmp_path, migrated_template) as app:
        with app.app_context():
            generated.generate(3, seed=1)
            reindex_all()
            db.session.commit()
        database = app.config["SQLALCHEMY_DATABASE_URI"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("BV_")}
    env.update(BV_INSTANCE_PATH=str(tmp_path), BV_SQLALCHEMY_DATABASE_URI=database,
               BV_SECRET_KEY="test-secret", BV_SITE_URL="https://news.example",
               BV_PAGE_CACHE="0")
    if REDIS_URL:
        env["BV_REDIS_URL"] = REDIS_URL
    done = subprocess.run([sys.executable, "-c", WORKER, json.dumps(HEAVY)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.splitlines()[-1])
    assert set(found["statuses"].values()) == {200}, found["statuses"]
    assert found["loaded"] == [], "a reading worker imported " + ", ".join(found["loaded"])
    assert found["rss_mib"] < RSS_LIMIT_MIB, f"{found['rss_mib']:.0f} MiB after the public pages"
