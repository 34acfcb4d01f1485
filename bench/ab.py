"""Two checkouts of bv on the same data, in one run: the same pages under the same gunicorn
settings, measured in turns (A, B, A, B, ...), so a noisy machine weighs on both alike.

    git worktree add /tmp/bv-before <commit>     # then: ln -s $PWD/.venv /tmp/bv-before/.venv
    .venv/bin/python bench/ab.py --before /tmp/bv-before --instance /srv/bench-100k
    .venv/bin/python bench/ab.py --before /tmp/bv-before --instance DIR --database-url postgresql://...

Both serve BV_PAGE_CACHE=0 by default (`--cache 1` for the cached pages); the bare Flask
baseline of bench/run.py is measured in the same turns. The instance must already hold its
bench data (bench/run.py --instance DIR makes it). Prints req/s and p50 for each turn and
each side's median, and B's median over A's.
"""

from __future__ import annotations

import argparse
import os
import statistics
from pathlib import Path

from run import ROOT, Server, get, measure, pages_of

NAMES = ("baseline", "article", "home", "category p1", "about")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="checkout A (B is this one)")
    parser.add_argument("--instance", type=Path, required=True)
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    parser.add_argument("--cache", default="0", choices=("0", "1"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    env = {**os.environ, "BV_INSTANCE_PATH": str(args.instance.resolve()),
           "BV_SITE_URL": "http://127.0.0.1", "BV_SECRET_KEY": "bench", "FLASK_DEBUG": "0",
           "BV_PAGE_CACHE": args.cache}
    if args.database_url:
        env["BV_DATABASE_URL"] = args.database_url
    if args.redis_url:
        env["BV_REDIS_URL"] = args.redis_url
    sides = {"A": Server("wsgi:app", env, args.workers, cwd=args.before.resolve()),
             "B": Server("wsgi:app", env, args.workers, cwd=ROOT)}
    for server in sides.values():
        server.wait("/healthz")
    pages = pages_of(sides["B"].base)
    size = len(get(sides["B"].base + pages["article"])[1])
    baseline = Server("bench.baseline:app", {**env, "BENCH_BASELINE_BYTES": str(size)}, args.workers)
    baseline.wait()
    rps: dict = {}
    try:
        for turn in range(args.rounds):
            for name in NAMES:
                for side, server in sides.items():
                    if name == "baseline":
                        result = measure(baseline.base, "/", args.duration, args.connections, drain="/")
                    else:
                        result = measure(server.base, pages[name], args.duration, args.connections)
                    rps.setdefault((name, side), []).append(result["rps"])
                    print(f"round {turn + 1} {name:<12} {side} {result['rps']:>8.0f} req/s  "
                          f"p50 {result['p50']:.1f} ms", flush=True)
    finally:
        for server in (*sides.values(), baseline):
            server.stop()
    print(f"\n{'page':<14}{'A req/s':>9}{'B req/s':>9}{'B / A':>7}{'A x base':>10}{'B x base':>10}")
    base = statistics.median(rps[("baseline", "A")] + rps[("baseline", "B")])
    for name in NAMES:
        a, b = statistics.median(rps[(name, "A")]), statistics.median(rps[(name, "B")])
        print(f"{name:<14}{a:>9.0f}{b:>9.0f}{b / a:>7.2f}{a / base:>10.3f}{b / base:>10.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
