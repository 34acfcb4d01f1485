"""Set two bench/run.py results side by side and against the issue's targets.

    .venv/bin/python bench/compare.py bench/results/run-sqlite-1000.json bench/results/run-sqlite-100000.json

For each cache mode and page: p50 at the small and the large archive and their ratio (target:
at most 1.5), and that ratio divided by the baseline's own (how much slower the machine was
during the second run); then, for the large archive, the article page's throughput as a share of the
baseline (targets: 0.6 with the cache, 0.3 without), its p99 with the cache (under 30 ms),
worker RSS (under 120 MiB) and the mixed run's errors (none).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BASELINE = "baseline (bare Flask, same bytes)"
REFERENCE = "reference (Flask+SQLAlchemy+Babel)"
GROWTH_LIMIT = 1.5


def load(path: str) -> dict:
    return json.loads(Path(path).read_text())


def growth(small: dict, large: dict) -> list[str]:
    lines = []
    for mode in ("cache_on", "cache_off"):
        if mode not in small or mode not in large:
            continue
        lines.append(f"\n{mode.replace('_', ' ')}: p50 at {small['articles']:,} and "
                     f"{large['articles']:,} articles")
        # the verdict is on the raw p50s, as the target says; "/ base" divides the ratio by the
        # baseline's own between the two runs (minutes apart on a shared machine), for reading
        drift = large[mode]["rows"][BASELINE]["p50"] / small[mode]["rows"][BASELINE]["p50"]
        lines.append(f"{'page':<36}{'small ms':>10}{'large ms':>10}{'ratio':>8}{'/ base':>8}"
                     f"  target <= {GROWTH_LIMIT}")
        for name, row in large[mode]["rows"].items():
            before = small[mode]["rows"].get(name)
            if before is None:
                continue
            ratio = row["p50"] / before["p50"]
            verdict = "met" if ratio <= GROWTH_LIMIT else "NOT met"
            lines.append(f"{name:<36}{before['p50']:>10.1f}{row['p50']:>10.1f}{ratio:>8.2f}"
                         f"{ratio / drift:>8.2f}  {verdict}")
        deep_small = [n for n in small[mode]["rows"] if n.startswith("category p") and n != "category p1"]
        deep_large = [n for n in large[mode]["rows"] if n.startswith("category p") and n != "category p1"]
        if deep_small and deep_large and deep_small != deep_large:
            before = small[mode]["rows"][deep_small[0]]["p50"]
            after = large[mode]["rows"][deep_large[0]]["p50"]
            ratio = after / before
            verdict = "met" if ratio <= GROWTH_LIMIT else "NOT met"
            lines.append(f"{deep_small[0] + ' -> ' + deep_large[0]:<36}{before:>10.1f}{after:>10.1f}"
                         f"{ratio:>8.2f}{ratio / drift:>8.2f}  {verdict}")
    return lines


def targets(result: dict) -> list[str]:
    lines = [f"\ntargets at {result['articles']:,} articles ({result['database']})"]

    def share(mode: str) -> float | None:
        rows = result.get(mode, {}).get("rows")
        if not rows:
            return None
        return rows["article"]["rps"] / rows[BASELINE]["rps"]

    for mode, wanted in (("cache_on", 0.6), ("cache_off", 0.3)):
        value = share(mode)
        if value is not None:
            lines.append(f"article {mode.replace('_', ' ')}: {value:.2f}x baseline (target >= {wanted}) "
                         f"{'met' if value >= wanted else 'NOT met'}")
    reference = result.get("cache_off", {}).get("rows", {}).get(REFERENCE)
    if reference:
        floor = reference["rps"] / result["cache_off"]["rows"][BASELINE]["rps"]
        lines.append(f"reference page, no cache: {floor:.2f}x baseline (what Flask, SQLAlchemy "
                     "and Babel cost before bv adds anything: bench/reference.py)")
    if "cache_on" in result:
        p99 = result["cache_on"]["rows"]["article"]["p99"]
        lines.append(f"article p99 cache on: {p99:.1f} ms (target < 30) {'met' if p99 < 30 else 'NOT met'}")
    rss = [m for mode in ("cache_on", "cache_off") for m in result.get(mode, {}).get("rss_mib", [])]
    rss += result.get("mixed", {}).get("rss_mib", [])
    if rss:
        lines.append(f"worker RSS: at most {max(rss):.0f} MiB (target < 120) "
                     f"{'met' if max(rss) < 120 else 'NOT met'}")
    mixed = result.get("mixed")
    if mixed:
        bad = mixed["bad"] + mixed["socket_errors"] + mixed.get("tracebacks", 0)
        lines.append(f"mixed run: {mixed['requests']} requests, {mixed['bad']} non-2xx/3xx, "
                     f"{mixed['socket_errors']} socket errors, {mixed.get('tracebacks', 0)} tracebacks "
                     f"({'met' if bad == 0 else 'NOT met'})")
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    small, large = load(argv[0]), load(argv[1])
    print("\n".join(growth(small, large) + targets(small) + targets(large)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
