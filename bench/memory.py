"""Memory of a web worker after it has served the public pages, and what it holds.

    .venv/bin/python bench/memory.py [--workers 2] [--rounds 3] [--top 20] [--preload] [--page-cache]

Makes a throw-away instance with the demo content (`flask db upgrade`, `flask demo`), then:

1. gunicorn with deploy/gunicorn.conf.py (BV_WEB_WORKERS, a free loopback port) serves the
   public pages (homes in three languages, an article, a category, search, RSS, the sitemap
   index and a sitemap page) --rounds times to each worker; prints each worker's RSS, PSS
   and USS (/proc/<pid>/smaps_rollup). RSS counts pages shared with the master; PSS divides
   them among the sharers; USS is the worker's own. --preload adds gunicorn's --preload (the
   app imported once in the master, shared copy-on-write). The page cache is off unless
   --page-cache: every request renders, the worst case for memory.
2. A fresh `python -X importtime` process imports wsgi the same way, serves the same pages
   through the test client and prints its RSS, the top-level packages it imported, their
   import time (self time summed per package), the resident size of their shared libraries
   (/proc/self/smaps) and the Python memory allocated in their files (tracemalloc, in a
   third process, since tracing inflates memory).

A script for reading figures, not a test: tests/test_worker_memory.py guards the import set.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"

# runs in the fresh process: import the production app, serve the pages, report. Every
# module's loading is wrapped to record the growth of RSS while it ran, minus the modules it
# imported in turn (its own share), so each package's cost includes its shared libraries.
PROBE = r"""
import json, os, sys, tracemalloc
from importlib import _bootstrap_external as external

def rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

own, stack = {}, []

def measured(method):
    def wrapper(self, module, *args):
        # exec_module gets the module, create_module its spec
        name = module.__name__ if isinstance(module, type(sys)) else module.name
        stack.append([rss(), 0])
        try:
            return method(self, module, *args)
        finally:
            start, children = stack.pop()
            total = rss() - start
            own[name] = own.get(name, 0) + total - children
            if stack:
                stack[-1][1] += total
    return wrapper

external._LoaderBasics.exec_module = measured(external._LoaderBasics.exec_module)
for method in ("create_module", "exec_module"):
    setattr(external.ExtensionFileLoader, method,
            measured(getattr(external.ExtensionFileLoader, method)))

trace = os.environ.get("BENCH_TRACE") == "1"
import wsgi
if trace:
    tracemalloc.start(10)
client = wsgi.app.test_client()
pages = json.loads(os.environ["BENCH_PAGES"])
imported = rss()
for _ in range(int(os.environ["BENCH_ROUNDS"])):
    for path in pages:
        assert client.get(path).status_code == 200, path
out = {"modules": sorted(sys.modules), "own": own, "imported": imported / 2**20}
if trace:
    # requests' allocations, by the innermost frame outside the import machinery
    traced = []
    for item in tracemalloc.take_snapshot().traces:
        frame = next((f for f in reversed(item.traceback) if not f.filename.startswith("<")),
                     item.traceback[-1])
        traced.append((frame.filename, item.size))
    out["traced"] = traced
else:
    out["status"] = open("/proc/self/status").read()
    out["rollup"] = open("/proc/self/smaps_rollup").read()
    out["smaps"] = open("/proc/self/smaps").read()
print("BENCH-JSON " + json.dumps(out))
"""

# without gunicorn, the pages are found through the test client of another process
FIND_PAGES = r"""
import json, sys
sys.path.insert(0, "bench")
import memory, wsgi
client = wsgi.app.test_client()
print(json.dumps(memory.pages_of(lambda path: client.get(path).get_data(as_text=True))))
"""


def kib(text: str, field: str) -> int:
    """A `Field:  123 kB` value of /proc/<pid>/status or smaps_rollup, in KiB."""
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) if match else 0


def sizes(status: str, rollup: str) -> dict[str, float]:
    """RSS, PSS and USS in MiB from a process's status and smaps_rollup."""
    uss = kib(rollup, "Private_Clean") + kib(rollup, "Private_Dirty")
    return {"rss": kib(status, "VmRSS") / 1024, "pss": kib(rollup, "Pss") / 1024,
            "uss": uss / 1024}


def package_of(filename: str, roots: list[str]) -> str:
    """The top-level package (or stdlib module) a file belongs to."""
    for root in roots:
        if filename.startswith(root + os.sep):
            first = filename[len(root) + 1:].split(os.sep, 1)[0]
            return re.split(r"[.-]", first, maxsplit=1)[0]
    if "/lib/python" in filename and "site-packages" not in filename:
        return "(stdlib)"
    return "(other) " + os.path.basename(filename)


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def pages_of(fetch) -> list[str]:
    """The public pages to request, found from the Macedonian home."""
    home = fetch("/mk/")
    article = re.search(r'href="(/mk/a/[^"]+)"', home).group(1)
    category = re.search(r'href="(/mk/c/[^"]+/)"', home).group(1)
    headline = re.search(r"<h1[^>]*>([^<]+)</h1>", fetch(article)).group(1)
    word = urllib.request.quote(max(headline.split(), key=len))
    sitemap = re.search(r"<loc>[^<]*(/sitemaps/articles-\d+\.xml)</loc>", fetch("/sitemap.xml")).group(1)
    return ["/sq/", "/mk/", "/en/", article, category, f"/mk/search?q={word}", "/mk/feed.xml",
            "/sitemap.xml", sitemap]


def workers_of(master: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            if re.search(rf"^PPid:\s+{master}$", status.read_text(), re.M):
                found.append(int(status.parent.name))
        except OSError:
            continue
    return sorted(found)


def gunicorn(env: dict, workers: int, rounds: int, preload: bool) -> tuple[list[str], list[dict]]:
    """Serve the pages under gunicorn with the production settings; each worker's sizes."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
         *(["--preload"] if preload else []), "wsgi:app"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**env, "BV_WEB_BIND": f"127.0.0.1:{port}", "BV_WEB_WORKERS": str(workers),
             "BV_WEB_LOG_LEVEL": "warning"},
    )
    try:
        for _ in range(300):
            try:
                get(base + "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        pages = pages_of(lambda path: get(base + path)[1])
        # sync workers take turns at the socket: enough rounds that each serves every page
        for _ in range(rounds * workers):
            for path in pages:
                status, _ = get(base + path)
                assert status == 200, (path, status)
        figures = []
        for pid in workers_of(server.pid):
            proc = Path("/proc") / str(pid)
            figures.append({"pid": pid, **sizes((proc / "status").read_text(),
                                                (proc / "smaps_rollup").read_text())})
        return pages, figures
    finally:
        server.terminate()
        errors = server.communicate(timeout=30)[1]
        if "Traceback" in errors:
            print(errors[-3000:], file=sys.stderr)


def probe(env: dict, pages: list[str], rounds: int, trace: bool) -> tuple[dict, str]:
    """Run PROBE in a fresh process (with -X importtime unless tracing)."""
    command = [str(BIN / "python"), *([] if trace else ["-X", "importtime"]), "-c", PROBE]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True,
        env={**env, "BENCH_PAGES": json.dumps(pages), "BENCH_ROUNDS": str(rounds),
             "BENCH_TRACE": "1" if trace else "0"},
    )
    if done.returncode:
        sys.exit(done.stderr[-3000:])
    line = next(line for line in done.stdout.splitlines() if line.startswith("BENCH-JSON "))
    return json.loads(line.removeprefix("BENCH-JSON ")), done.stderr


def import_times(stderr: str) -> dict[str, float]:
    """Self import time in ms summed per top-level package, from -X importtime."""
    totals: dict[str, float] = defaultdict(float)
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if match:
            totals[match.group(2).split(".")[0]] += int(match.group(1)) / 1000
    return totals


def library_rss(smaps: str, roots: list[str]) -> dict[str, float]:
    """Resident KiB of file-backed mappings (shared libraries), per package."""
    totals: dict[str, float] = defaultdict(float)
    current = None
    for line in smaps.splitlines():
        head = re.match(r"^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$", line)
        if head:
            path = head.group(1)
            current = package_of(path, roots) if path.startswith("/") else None
        elif current and line.startswith("Rss:"):
            totals[current] += int(line.split()[1])
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="requests of each page per worker")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--no-gunicorn", action="store_true", help="only the in-process figures")
    parser.add_argument("--preload", action="store_true", help="gunicorn --preload")
    parser.add_argument("--page-cache", action="store_true", help="BV_PAGE_CACHE=1")
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="bv-memory-"))
    env = {**os.environ, "BV_INSTANCE_PATH": str(instance), "BV_SITE_URL": "http://127.0.0.1",
           "BV_SECRET_KEY": "bench", "FLASK_DEBUG": "0",
           "BV_PAGE_CACHE": "1" if args.page_cache else "0"}
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run([str(BIN / "flask"), "--app", "bv", *command], cwd=ROOT, env=env,
                       check=True, capture_output=True)
    roots = sorted({p for p in sys.path if p and "site-packages" in p}, key=len, reverse=True)
    roots.append(str(ROOT))

    pages = None
    if not args.no_gunicorn:
        pages, workers = gunicorn(env, args.workers, args.rounds, args.preload)
        print(f"gunicorn -c deploy/gunicorn.conf.py{' --preload' if args.preload else ''}, "
              f"{args.workers} workers, each page {args.rounds}x per worker, page cache "
              f"{env['BV_PAGE_CACHE']} (MiB):")
        for w in workers:
            print(f"  worker {w['pid']}: RSS {w['rss']:.1f}  PSS {w['pss']:.1f}  USS {w['uss']:.1f}")
    if pages is None:
        found = subprocess.run(
            [str(BIN / "python"), "-c", FIND_PAGES], cwd=ROOT, env=env, capture_output=True,
            text=True, check=True).stdout
        pages = json.loads(found.splitlines()[-1])

    found, stderr = probe(env, pages, args.rounds, trace=False)
    own = sizes(found["status"], found["rollup"])
    print(f"\nfresh process, import wsgi + test client, each page {args.rounds}x: "
          f"RSS {found['imported']:.1f} after import, {own['rss']:.1f} after the pages "
          f"(PSS {own['pss']:.1f}, USS {own['uss']:.1f}) MiB, {len(found['modules'])} modules")
    print("pages: " + " ".join(pages))

    traced, _ = probe(env, pages, args.rounds, trace=True)
    grown: dict[str, float] = defaultdict(float)
    for filename, size in traced["traced"]:
        grown[package_of(filename, roots)] += size / 1024
    loaded: dict[str, float] = defaultdict(float)
    for name, size in found["own"].items():
        loaded[name.split(".")[0]] += size / 1024
    times = import_times(stderr)
    libraries = library_rss(found["smaps"], roots)
    rows = sorted(set(loaded) | set(grown), key=lambda p: -(loaded.get(p, 0) + grown.get(p, 0)))
    print("\nper top-level package: RSS added while its modules loaded (its own share, shared"
          "\nlibraries included), Python memory its code allocated while serving the pages"
          "\n(tracemalloc), resident size of its shared libraries at the end, import self time")
    print(f"{'package':<28}{'import KiB':>11}{'pages KiB':>11}{'.so KiB':>9}{'import ms':>11}")
    for name in rows[:args.top]:
        print(f"{name:<28}{loaded.get(name, 0):>11.0f}{grown.get(name, 0):>11.0f}"
              f"{libraries.get(name, 0):>9.0f}{times.get(name, 0):>11.1f}")
    packages = {m.split(".")[0] for m in found["modules"]}
    top_level = sorted(p for p in packages if not p.startswith("_"))
    print(f"\ntop-level packages imported ({len(top_level)}): " + " ".join(top_level))
    return 0


if __name__ == "__main__":
    sys.exit(main())
