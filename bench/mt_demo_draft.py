"""Requests, characters and tokens per provider when the demo newsroom's missing languages are
machine-drafted, every provider pointed at the local fake of tests/translation/fake_providers.py.

For each chain given (default: one run per provider), it migrates a throw-away instance, loads
the demo, runs `flask --app bv mt draft --all-missing` in a child process with BV_MT_PROVIDERS
set to the chain, and sums the MachineUsage rows the drafts stored. Nothing leaves 127.0.0.1.
Usage: `.venv/bin/python bench/mt_demo_draft.py [CHAIN ...]`, e.g. `llm deepl google`.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.translation.fake_providers import FakeTranslationServer  # noqa: E402

BIN = ROOT / ".venv" / "bin"
CHAINS = ["llm", "deepl", "microsoft", "libretranslate", "google", "mymemory"]


def run(chain: str, fake: FakeTranslationServer) -> tuple[list[tuple], str]:
    """Draft the demo's missing languages with one chain; MachineUsage sums per provider."""
    instance = Path(tempfile.mkdtemp(prefix="bv-mt-bench-"))
    env = {
        **os.environ,
        "BV_INSTANCE_PATH": str(instance),
        "BV_MT_PROVIDERS": chain,
        "BV_MT_TIMEOUT": "5",
        "BV_GOOGLE_TRANSLATE_URL": f"{fake.url}/m",
        "BV_MYMEMORY_URL": f"{fake.url}/get",
        "BV_LIBRETRANSLATE_URL": fake.url,
        "BV_MICROSOFT_API_KEY": "bench",
        "BV_MICROSOFT_URL": f"{fake.url}/ms/translate?api-version=3.0",
        "BV_DEEPL_API_KEY": "bench:fx",
        "BV_DEEPL_SERVER_URL": fake.url,
        "BV_LLM_URL": f"{fake.url}/v1",
        "BV_LLM_MODEL": "bench-model",
    }
    flask = [str(BIN / "flask"), "--app", "bv"]
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, capture_output=True, cwd=ROOT)
    subprocess.run([*flask, "demo"], env=env, check=True, capture_output=True, cwd=ROOT)
    done = subprocess.run([*flask, "mt", "draft", "--all-missing"], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    with sqlite3.connect(instance / "bv.sqlite3") as db:
        rows = db.execute(
            "SELECT provider, SUM(requests), SUM(characters), SUM(prompt_tokens),"
            " SUM(completion_tokens), COUNT(DISTINCT article_id || locale)"
            " FROM machine_usage GROUP BY provider ORDER BY provider"
        ).fetchall()
    return rows, done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr


def main() -> int:
    chains = sys.argv[1:] or CHAINS
    print("chain | provider | drafts | requests | characters | prompt tokens | completion tokens")
    with FakeTranslationServer() as fake:
        for chain in chains:
            fake.reset_counts()
            rows, last = run(chain, fake)
            for provider, requests, characters, prompt, completion, drafts in rows:
                print(f"{chain} | {provider} | {drafts} | {requests} | {characters} | {prompt}"
                      f" | {completion}")
            print(f"  ({last}; the fake saw {fake.request_count} requests)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
