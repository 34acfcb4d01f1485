"""Throughput of the reading site under gunicorn on loopback, as ratios to a baseline.

Loads the demo newsroom into a throw-away instance folder, starts gunicorn on 127.0.0.1,
and drives it with wrk (bounded in time). The baseline is /healthz (one trivial query)
measured in the same run, so figures compare across machines.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")
WORKERS = os.environ.get("BENCH_WORKERS", "2")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url: str, headers: dict | None = None) -> tuple:
    extra = [arg for k, v in (headers or {}).items() for arg in ("-H", f"{k}: {v}")]
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", *extra, url],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99, int(errors.group(1)) if errors else 0


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 1
    instance = Path(tempfile.mkdtemp(prefix="bv-bench-"))
    env = {**os.environ, "BV_INSTANCE_PATH": str(instance), "BV_SITE_URL": "http://127.0.0.1"}
    flask = [str(BIN / "flask"), "--app", "bv"]
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([*flask, "demo"], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", WORKERS, "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        home = urllib.request.urlopen(base + "/mk/").read().decode()
        article_path = re.search(r'href="(/mk/a/[^"]+)"', home).group(1)
        article = urllib.request.urlopen(base + article_path).read()
        pages = {
            "baseline /healthz": "/healthz",
            "home /mk/": "/mk/",
            "article": article_path,
            "category": re.search(r'href="(/mk/c/[^"]+)"', home).group(1),
            "rss /mk/feed.xml": "/mk/feed.xml",
            "sitemap.xml": "/sitemap.xml",
        }
        results = {}
        for name, path in pages.items():
            results[name] = wrk(base + path)
        # a phone coming back to an article it has seen: a 304 without the body
        etag = urllib.request.urlopen(base + article_path).headers["ETag"]
        results["article, revalidated (304)"] = wrk(base + article_path, {"If-None-Match": etag})
        baseline = results["baseline /healthz"][0]
        print(f"gunicorn -w {WORKERS}, wrk -c{CONNECTIONS} -d{DURATION}, SQLite demo database")
        print(f"{'page':<30}{'req/s':>10}{'ratio':>8}{'p99':>10}{'errors':>8}")
        for name, (rps, p99, errors) in results.items():
            print(f"{name:<30}{rps:>10.0f}{rps / baseline:>8.2f}{p99:>10}{errors:>8}")
        print(f"page weight: home {len(home.encode())} bytes, article {len(article)} bytes (HTML)")
        summary = {k: {"rps": v[0], "ratio": v[0] / baseline, "p99": v[1]} for k, v in results.items()}
        (ROOT / "bench" / "results").mkdir(exist_ok=True)
        (ROOT / "bench" / "results" / "latest.json").write_text(json.dumps(summary, indent=2))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
        shutil.rmtree(instance, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
