"""Optional machine drafts into every missing language when a source version is published."""

from __future__ import annotations

from bv.settings import settings_for
from bv.translation.drafting import missing_locales, queue_draft

SETTING = "auto_machine_drafts"


def enabled() -> bool:
    """The site setting, off unless an admin turns it on."""
    return settings_for("").get(SETTING) == "1"


def on_status_changed(translation, *, action: str, user, **_) -> None:
    """Publishing a source adds a draft job per missing language to the same transaction.

    The jobs are outbox rows: they run once the publication commits, or later if the queue is
    away then, and never for a publication that rolled back.
    """
    article = translation.article
    if action == "publish" and translation.locale == article.source_locale and enabled():
        for locale in missing_locales(article):
            queue_draft(article, locale, user=user)
