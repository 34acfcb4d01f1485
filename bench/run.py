"""Throughput of the reading site under gunicorn on loopback, as ratios to a baseline.

Makes a throw-away instance (SQLite, or --database-url), fills it with `flask bench-data`
(or reuses --instance DIR, and a database that already holds the articles: generate 100,000
once, bench many times),
starts bv under gunicorn (sync workers, production settings) and, under the same gunicorn
settings, a bare Flask page of the article page's byte size (bench/baseline.py). wrk loads
each page for --duration seconds; figures are printed as ratios to the baseline measured in
the same run, so they compare across machines. Then a mixed run at 64 connections while an
editor saves a live version every few seconds (bench/editor.py) counts errors.

    .venv/bin/python bench/run.py --articles 1000 --duration 10
    .venv/bin/python bench/run.py --articles 100000 --database-url postgresql://... --redis-url redis://...
    .venv/bin/python bench/run.py --articles 100000 --instance /srv/bench-100k   # kept for next time
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> dict:
    """rps, p50 and p99 (ms), non-2xx/3xx answers and socket errors of one wrk run."""
    # a slow answer is a latency, not a socket error: wait up to 10 s
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"\s50%\s+([\d.]+\w+)", out).group(1)),
        "p99": _ms(re.search(r"\s99%\s+([\d.]+\w+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "bad": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
    }


def measure(base: str, path: str, seconds: int, connections: int, drain: str = "/healthz") -> dict:
    """One page under wrk, with both workers warmed up first (templates compiled, statements
    cached) and the backlog drained after: wrk stops sending when its time is up, but the
    requests gunicorn already accepted would otherwise be served during the next page's run."""
    for _ in range(6):
        get(base + path)
    result = wrk(base + path, seconds, connections)
    get(base + drain)
    return result


def worker_rss_mib(master: int) -> list[float]:
    """Resident memory of the gunicorn master's workers, from /proc."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master}$", text, re.M):
            sizes.append(int(re.search(r"^VmRSS:\s+(\d+)", text, re.M).group(1)) / 1024)
    return sizes


class Server:
    """gunicorn on a free loopback port, stopped on exit."""

    def __init__(self, app: str, env: dict, workers: int, cwd: Path = ROOT):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(workers), "-k", "sync", "-b",
             f"127.0.0.1:{self.port}", app],
            cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )

    def wait(self, path: str = "/") -> None:
        for _ in range(300):
            try:
                urllib.request.urlopen(self.base + path, timeout=2)
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer: {self.process.stderr.read() if self.process.poll() is not None else ''}")

    def stop(self) -> str:
        self.process.send_signal(signal.SIGTERM)
        try:
            _, errors = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, errors = self.process.communicate()
        return errors or ""


def get(url: str) -> tuple[int, bytes, dict]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, b"", dict(error.headers)


def deep_category_page(base: str, category: str, wanted: int) -> tuple[str, int]:
    """The keyset address of page `wanted` of a category (or the deepest there is)."""
    for page in sorted({wanted, 200, 100, 50, 20, 10, 5, 2}, reverse=True):
        if page > wanted:
            continue
        status, _, headers = get(f"{base}{category}?page={page}")
        if status in (301, 302):
            location = headers["Location"]
            return (location if location.startswith("/") else "/" + location.split("/", 3)[3]), page
    return category, 1


def prepare(args, env: dict) -> int:
    """Migrate, load the demo into an empty database and generate what the database lacks of
    --articles generated articles (nothing when it holds them); returns how many it holds."""
    flask = [str(BIN / "flask"), "--app", "bv"]
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([*flask, "demo", "--if-empty"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    out = subprocess.run([*flask, "bench-data", "--articles", str(args.articles), "--if-fewer"],
                         env=env, check=True, capture_output=True, text=True).stdout
    print(out.strip())
    print(f"bench data: {time.perf_counter() - started:.0f} s in all")
    held = re.search(r"already holds (\d+) generated articles", out)
    return int(held.group(1)) if held else args.articles


REFERENCE = "reference (Flask+SQLAlchemy+Babel)"


def database_url(args, instance: Path) -> str:
    """The database bv uses here, as SQLAlchemy spells it (bv.config.database_uri)."""
    if not args.database_url:
        return f"sqlite:///{instance / 'bv.sqlite3'}"
    url = args.database_url
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def pages_of(base: str) -> dict[str, str]:
    home = get(base + "/mk/")[1].decode()
    article = re.search(r'href="(/mk/a/[^"]+)"', home).group(1)
    category = re.search(r'href="(/mk/c/[^"]+/)"', home).group(1)
    deep, depth = deep_category_page(base, category, 500)
    headline = re.search(r"<h1[^>]*>([^<]+)</h1>", get(base + article)[1].decode()).group(1)
    word = urllib.request.quote(max(headline.split(), key=len))
    first_sitemap = re.search(r"<loc>[^<]*(/sitemaps/articles-\d+\.xml)</loc>",
                              get(base + "/sitemap.xml")[1].decode()).group(1)
    return {
        "article": article, "home": "/mk/", "category p1": category,
        f"category p{depth}": deep, "search": f"/mk/search?q={word}", "feed": "/mk/feed.xml",
        "sitemap index": "/sitemap.xml", "sitemap page": first_sitemap,
        # the shared skeleton alone (menu, footer, switcher; three queries): the floor under
        # every page of the reading site
        "about": "/mk/about",
    }


def mixed_script(paths: list[str], folder: Path) -> Path:
    script = folder / "mixed.lua"
    listed = ", ".join(json.dumps(p) for p in paths)
    script.write_text(
        f"local paths = {{{listed}}}\nlocal i = 0\n"
        "request = function()\n  i = i + 1\n"
        "  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n"
    )
    return script


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: SQLite in the instance); "
                        "generation is skipped when it already holds --articles generated articles")
    parser.add_argument("--instance", type=Path,
                        help="an instance folder to use and keep (with its SQLite database unless "
                        "--database-url); default: a temporary one, removed afterwards")
    parser.add_argument("--redis-url", help="Redis URL for the app (queue, limits, page cache)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mixed-seconds", type=int, default=60)
    parser.add_argument("--mixed-connections", type=int, default=64)
    parser.add_argument("--cache", choices=("both", "on", "off"), default="both")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("skipped: wrk is not installed (apt-get install wrk)")
        return 0
    if args.instance:
        instance = args.instance.resolve()
        instance.mkdir(parents=True, exist_ok=True)
    else:
        instance = Path(tempfile.mkdtemp(prefix="bv-bench-"))
    env = {**os.environ, "BV_INSTANCE_PATH": str(instance), "BV_SITE_URL": "http://127.0.0.1",
           "BV_SECRET_KEY": "bench", "FLASK_DEBUG": "0"}
    if args.database_url:
        env["BV_DATABASE_URL"] = args.database_url
    if args.redis_url:
        env["BV_REDIS_URL"] = args.redis_url
    results: dict = {"articles": args.articles, "database": "postgresql" if args.database_url else "sqlite"}
    try:
        results["articles"] = articles = prepare(args, env)
        modes = {"both": ("1", "0"), "on": ("1",), "off": ("0",)}[args.cache]
        for cache in modes:
            run_env = {**env, "BV_PAGE_CACHE": cache}
            server = Server("wsgi:app", run_env, args.workers)
            server.wait("/healthz")
            pages = pages_of(server.base)
            size = len(get(server.base + pages["article"])[1])
            baseline = Server("bench.baseline:app", {**run_env, "BENCH_BASELINE_BYTES": str(size)},
                              args.workers)
            baseline.wait()
            rows = {"baseline (bare Flask, same bytes)": measure(baseline.base, "/", args.duration,
                                                                 args.connections, drain="/")}
            baseline.stop()
            if cache == "0":
                # the stack's own floor for an uncached article page (bench/reference.py)
                reference = Server("bench.reference:app", {
                    **run_env, "BENCH_BASELINE_BYTES": str(size),
                    "REFERENCE_DATABASE_URL": database_url(args, instance)}, args.workers)
                reference.wait(pages["article"])
                rows[REFERENCE] = measure(reference.base, pages["article"], args.duration,
                                          args.connections, drain=pages["article"])
                reference.stop()
            for name, path in pages.items():
                rows[name] = measure(server.base, path, args.duration, args.connections)
            rss = worker_rss_mib(server.process.pid)
            errors = server.stop()
            base = rows["baseline (bare Flask, same bytes)"]
            label = "on" if cache == "1" else "off"
            print(f"\ncache {label}: gunicorn -w {args.workers} (sync), wrk -t2 -c{args.connections} "
                  f"-d{args.duration}s, {articles} articles, {results['database']}; "
                  f"article page {size} bytes")
            print(f"{'page':<36}{'req/s':>8}{'x base':>8}{'p50 ms':>8}{'x base':>8}{'p99 ms':>8}{'x base':>8}{'bad':>6}")
            for name, r in rows.items():
                print(f"{name:<36}{r['rps']:>8.0f}{r['rps'] / base['rps']:>8.2f}{r['p50']:>8.1f}"
                      f"{r['p50'] / base['p50']:>8.2f}{r['p99']:>8.1f}{r['p99'] / base['p99']:>8.2f}"
                      f"{r['bad'] + r['socket_errors']:>6}")
            print(f"worker RSS (MiB): {', '.join(f'{m:.0f}' for m in rss)}")
            if "Traceback" in errors:
                print("server errors:\n" + errors[-2000:])
            results[f"cache_{label}"] = {"pages": pages, "rows": rows, "rss_mib": rss}
        # the mixed run: every page kind at once, 64 connections, an editor saving live text
        server = Server("wsgi:app", {**env, "BV_PAGE_CACHE": modes[0]}, args.workers)
        server.wait("/healthz")
        pages = pages_of(server.base)
        # readers' mix: mostly articles; sitemap pages are for crawlers, fetched rarely
        weights = {"article": 6, "home": 3, "category p1": 2, "search": 1, "feed": 1,
                   "sitemap index": 1}
        mix = [path for name, path in pages.items() for _ in range(weights.get(name, 1))
               if name != "sitemap page"]
        script = mixed_script(mix, instance)
        editor = subprocess.Popen([str(BIN / "python"), str(ROOT / "bench" / "editor.py"),
                                   str(args.mixed_seconds), "3"], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        mixed = wrk(server.base + "/", args.mixed_seconds, args.mixed_connections, script)
        edits, edit_errors = editor.communicate(timeout=args.mixed_seconds + 60)
        rss = worker_rss_mib(server.process.pid)
        errors = server.stop()
        server_5xx = errors.count("Traceback")
        print(f"\nmixed: {args.mixed_seconds}s at {args.mixed_connections} connections, "
              f"{mixed['requests']} requests, {mixed['rps']:.0f} req/s, p50 {mixed['p50']:.1f} ms, "
              f"p99 {mixed['p99']:.1f} ms, non-2xx/3xx {mixed['bad']}, socket errors "
              f"{mixed['socket_errors']}, tracebacks {server_5xx}; {edits.strip()}; "
              f"worker RSS {', '.join(f'{m:.0f}' for m in rss)} MiB")
        if edit_errors.strip():
            print(edit_errors[-1500:])
        results["mixed"] = {**mixed, "editor": edits.strip(), "tracebacks": server_5xx, "rss_mib": rss}
        (ROOT / "bench" / "results").mkdir(exist_ok=True)
        out = ROOT / "bench" / "results" / f"run-{results['database']}-{articles}.json"
        out.write_text(json.dumps(results, indent=2, default=str))
        print(f"\nwritten: {out.relative_to(ROOT)}")
    finally:
        if not args.instance:
            shutil.rmtree(instance, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
