"""Screenshots of the reading site and the newsroom, at phone and desktop sizes, in every language.

Loads the demo newsroom into a throw-away instance folder, serves it on 127.0.0.1 and drives
Debian's chromium through Playwright. PNGs go to docs/screenshots/<page>-<lang>-<size>.png,
reduced to a 256-colour palette with Pillow so the committed set stays small.

usage: .venv/bin/python tools/screenshots.py [--out DIR]   (or: make screenshots)
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import shutil
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("BV_CHROMIUM", "/usr/bin/chromium")
SIZES = {"phone": (390, 844), "desktop": (1366, 900)}
PAGES = ("home", "article", "search", "dashboard", "segments")


def build_app(folder: Path):
    """A demo newsroom on its own SQLite database; returns it with the demo editor's sign-in."""
    from flask_migrate import upgrade

    from bv import create_app, demo
    from bv.extensions import db

    app = create_app({
        "INSTANCE_PATH": str(folder),
        "SECRET_KEY": secrets.token_hex(16),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bv.sqlite3'}",
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_ENABLED": False,
        "JOBS_IMMEDIATE": True,
        # nothing here may reach a real translation service
        "MT_PROVIDERS": "libretranslate",
        "LIBRETRANSLATE_URL": None,
    })
    with app.app_context():
        upgrade()
        credentials = demo.load()["credentials"]
        db.session.commit()
    email, _, password = next(c for c in credentials if c[1] == "editor")
    return app, email, password


def targets(app) -> dict:
    """The article shown (one in all three languages, with a picture) and a word to search for."""
    from sqlalchemy import select

    from bv.articles.models import Article
    from bv.extensions import db

    with app.app_context():
        articles = list(db.session.scalars(select(Article).order_by(Article.id)))
        article = next(
            (a for a in articles if len(a.translations) == 3 and a.lead_image is not None),
            next(a for a in articles if len(a.translations) == 3),
        )
        slugs = {t.locale: t.slug for t in article.translations}
        words = {
            t.locale: max(t.headline.split(), key=len).strip(".,:;«»„“”\"'") for t in article.translations
        }
        return {"id": article.id, "source": article.source_locale, "slugs": slugs, "words": words}


def set_newsroom_language(app, email: str, lang: str) -> None:
    """The newsroom speaks the signed-in user's language."""
    from sqlalchemy import update

    from bv.accounts.models import User
    from bv.extensions import db

    with app.app_context():
        db.session.execute(update(User).where(User.email == email).values(ui_locale=lang))
        db.session.commit()


def save_png(data: bytes, path: Path) -> int:
    """A palette PNG (256 colours) is a third of the size and looks the same for these pages."""
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB")
    image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    path.write_bytes(buffer.getvalue())
    return len(buffer.getvalue())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    if not shutil.which(CHROMIUM):
        print(f"{CHROMIUM} not installed (apt-get install chromium): no screenshots taken")
        return 1
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):
            """One line per screenshot is enough; no line per request."""

    from bv.i18n import LOCALES

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="bv-screenshots-"))
    server = None
    try:
        app, email, password = build_app(folder)
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        base = f"http://127.0.0.1:{server.server_port}"
        app.config["SITE_URL"] = base
        threading.Thread(target=server.serve_forever, daemon=True).start()
        shown = targets(app)
        total = 0
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync"],
            )
            for size, (width, height) in SIZES.items():
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                page.goto(f"{base}/newsroom/login")
                page.fill("#email", email)
                page.fill("#password", password)
                page.click("button[type=submit]")
                page.wait_for_load_state()
                for lang in LOCALES:
                    set_newsroom_language(app, email, lang)
                    # the segment editor needs a target other than the source
                    target = lang if lang != shown["source"] else next(
                        code for code in LOCALES if code != shown["source"])
                    urls = {
                        "home": f"{base}/{lang}/",
                        "article": f"{base}/{lang}/a/{shown['slugs'][lang]}",
                        "search": f"{base}/{lang}/search?q={shown['words'][lang]}",
                        "dashboard": f"{base}/newsroom/dashboard",
                        "segments": f"{base}/newsroom/articles/{shown['id']}/{target}/translate",
                    }
                    for name in PAGES:
                        page.goto(urls[name])
                        page.wait_for_load_state("networkidle")
                        path = out / f"{name}-{lang}-{size}.png"
                        total += save_png(page.screenshot(), path)
                        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
                context.close()
            browser.close()
        print(f"{len(SIZES) * len(LOCALES) * len(PAGES)} screenshots, {total / 1024:.0f} KiB")
        return 0
    finally:
        if server is not None:
            server.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
