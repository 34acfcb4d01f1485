"""An editor at work during the mixed benchmark: saves a live version every few seconds.

Run by bench/run.py with the bench instance's environment; prints how many saves failed.
"""

import random
import sys
import time

from sqlalchemy import select

from bv import create_app
from bv.accounts.permissions import SYSTEM
from bv.articles import service
from bv.articles.models import ArticleTranslation
from bv.extensions import db


def main(seconds: float, every: float) -> int:
    """Edit a random published version's lede (live at once) until time is up."""
    app = create_app()
    saves = failures = 0
    rng = random.Random(7)
    deadline = time.monotonic() + seconds
    with app.app_context():
        ids = db.session.scalars(
            select(ArticleTranslation.id).where(ArticleTranslation.status == "published").limit(500)
        ).all()
        while time.monotonic() < deadline:
            try:
                t = db.session.get(ArticleTranslation, rng.choice(ids))
                service.save_translation(
                    t.article, t.locale, {"lede": f"{t.lede.rstrip('.')} ({saves})."}, user=SYSTEM
                )
                db.session.commit()
                saves += 1
            except Exception as error:  # counted and reported, the run goes on
                db.session.rollback()
                failures += 1
                print(f"editor: {error!r}", file=sys.stderr)
            time.sleep(every)
    print(f"editor saves={saves} failures={failures}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(float(sys.argv[1]), float(sys.argv[2])))
