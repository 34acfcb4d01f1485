"""Quality flags on the demo newsroom's machine drafts, made with the local fake provider.

Loads the demo newsroom into a throw-away instance folder, drafts every missing language with
`flask mt draft --all-missing` against tests/translation/fake_providers.py on 127.0.0.1, then
prints `flask mt flags`. Run twice: one service, then two services (the second opinion), so the
extra cost of the second opinion shows in the request and character counts.

    .venv/bin/python bench/quality_flags.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from bv import create_app  # noqa: E402
from tests.translation.fake_providers import FakeTranslationServer, point_at  # noqa: E402


def run(chain: str) -> None:
    with tempfile.TemporaryDirectory() as folder, FakeTranslationServer() as fake:
        config = {
            "INSTANCE_PATH": folder,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
            "SECRET_KEY": "bench",
            **point_at(fake, MT_PROVIDERS=chain),
        }
        app = create_app(config)
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
        runner = app.test_cli_runner()
        for args in (["demo"], ["mt", "draft", "--all-missing"], ["mt", "flags"]):
            result = runner.invoke(args=args)
            if args[0] == "mt":
                print(result.output.rstrip())
            if result.exit_code != 0:
                print(f"{' '.join(args)} failed: {result.output}", file=sys.stderr)
        print(f"fake service: {fake.request_count} requests, {fake.char_count} characters")


if __name__ == "__main__":
    for chain in ("libretranslate", "libretranslate,mymemory"):
        print(f"=== MT_PROVIDERS={chain}")
        run(chain)
