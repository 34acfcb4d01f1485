"""What happens to articles and translations, as signals other features subscribe to.

Domain functions send these inside the transaction that makes the change, so a subscriber's
own writes (a notification row, an outbox row, a search-index row) commit or roll back with
it. A subscriber that must act only once the change is durable (hand a job id to the queue)
registers a callback with `after_commit()`.

Subscribers connect in their own package's `init_app`; the senders never import them.
"""

from __future__ import annotations

import logging

from blinker import Namespace
from sqlalchemy import event
from sqlalchemy.orm import Session

from bv.extensions import db

log = logging.getLogger(__name__)

_signals = Namespace()

# sender: the Article; kwargs: user, minor (bool), change (sync.SourceChange)
source_changed = _signals.signal("source-changed")
# sender: the ArticleTranslation; kwargs: user, revision (Revision), changed (bool)
translation_saved = _signals.signal("translation-saved")
# sender: the ArticleTranslation; kwargs: user, action (str), detail (dict)
status_changed = _signals.signal("status-changed")
# sender: the ArticleTranslation whose source moved under it; kwargs: user
translation_outdated = _signals.signal("translation-outdated")
# sender: the TranslationAssignment (the version may not exist yet); kwargs: user (who
# assigned), assignee (the translator). Sent on assigning, reassigning and a new due date.
translation_assigned = _signals.signal("translation-assigned")
# sender: the ArticleTranslation whose live (reader-visible) text changed; kwargs: reason
# ("publish", "unpublish", "live_edit"): what a search index or page cache listens to
live_text_changed = _signals.signal("live-text-changed")
# sender: what changed (a Category, a Tag, an Article, an ArticleTranslation, or the settings key);
# kwargs: what ("settings", "category", "tag", "shared_fields", "outdated_notice"). Anything else
# readers see that is not live text: menus, footers, bylines, lead images, notices
site_content_changed = _signals.signal("site-content-changed")
# sender: the renamed Tag; kwargs: moved, a list of (locale, old slug, new slug, tag id) for
# every tag address the rename moved (a neighbour's numbered slug can shift too)
tag_addresses_moved = _signals.signal("tag-addresses-moved")

AFTER_COMMIT = "bv_after_commit"


def after_commit(callback, *args, **kwargs) -> None:
    """Run `callback(*args, **kwargs)` once the current transaction commits; never on rollback.

    A failing callback is logged and does not fail the commit that already happened: anything
    that must not be lost is a database row written in the transaction itself (the outbox),
    and the callback only speeds it up.
    """
    db.session.info.setdefault(AFTER_COMMIT, []).append((callback, args, kwargs))


@event.listens_for(Session, "after_commit")
def _run_after_commit(session):
    pending = session.info.pop(AFTER_COMMIT, None)
    for callback, args, kwargs in pending or ():
        try:
            callback(*args, **kwargs)
        except Exception:
            log.exception("after-commit reaction %r failed", getattr(callback, "__name__", callback))


@event.listens_for(Session, "after_rollback")
def _forget_after_commit(session):
    session.info.pop(AFTER_COMMIT, None)
