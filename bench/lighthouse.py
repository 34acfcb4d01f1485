"""Lighthouse scores (SEO, accessibility, best practices) of the home and article pages.

Loads the demo newsroom into a throw-away instance folder, serves it with gunicorn on
127.0.0.1 and runs the pinned Lighthouse from node_modules (`make tools`) with Debian's
chromium. Prints one line per page and writes bench/results/lighthouse.json.
`make report` runs it; it is too slow for every `make test`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("BV_CHROMIUM", "/usr/bin/chromium")
CATEGORIES = ("seo", "accessibility", "best-practices")
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")
LANGUAGES = os.environ.get("LIGHTHOUSE_LANGUAGES", "sq mk en").split()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def first_article(base: str, lang: str) -> str:
    with urllib.request.urlopen(f"{base}/{lang}/", timeout=10) as response:
        html = response.read().decode("utf-8")
    return re.search(rf'href="(/{lang}/a/[^"]+)"', html).group(1)


def lighthouse(url: str, output: Path) -> dict[str, int]:
    """Category scores out of 100, and the audits that failed in them."""
    subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={output}",
         f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}",
         "--form-factor=mobile", "--throttling-method=provided"],
        env={**os.environ, "CHROME_PATH": CHROMIUM}, check=True, timeout=300,
    )
    report = json.loads(output.read_text("utf-8"))
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    failed = sorted(
        ref["id"] for c in CATEGORIES for ref in report["categories"][c]["auditRefs"]
        if ref.get("weight") and (report["audits"][ref["id"]].get("score") is not None)
        and report["audits"][ref["id"]]["score"] < 1
    )
    return {**scores, "failed": failed}


def main() -> int:
    if not LIGHTHOUSE.exists():
        print("Lighthouse is not installed: run `make tools` (npm ci)", file=sys.stderr)
        return 1
    if not shutil.which(CHROMIUM):
        print(f"{CHROMIUM} not installed (apt-get install chromium)", file=sys.stderr)
        return 1
    instance = Path(tempfile.mkdtemp(prefix="bv-lighthouse-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "BV_INSTANCE_PATH": str(instance), "BV_SITE_URL": base}
    flask = [str(BIN / "flask"), "--app", "bv"]
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([*flask, "demo"], env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    results = {}
    try:
        wait_for(f"{base}/healthz")
        for lang in LANGUAGES:
            for name, path in (("home", f"/{lang}/"), ("article", first_article(base, lang))):
                scores = lighthouse(base + path, instance / f"{lang}-{name}.json")
                results[f"{lang} {name}"] = {"path": path, **scores}
                print(f"{lang} {name:8} SEO {scores['seo']:3}  accessibility "
                      f"{scores['accessibility']:3}  best practices {scores['best-practices']:3}"
                      + (f"  failed: {', '.join(scores['failed'])}" if scores["failed"] else ""),
                      flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(instance, ignore_errors=True)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "lighthouse.json").write_text(json.dumps(results, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
