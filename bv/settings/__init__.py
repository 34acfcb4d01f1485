"""Site settings: the outlet's translated details (footer, about page)."""

from __future__ import annotations

from sqlalchemy import select

from bv import events
from bv.articles.rendering import render_body
from bv.extensions import db
from bv.settings.models import SiteSetting


def settings_for(locale: str) -> dict[str, str]:
    """All settings for one locale in one query; translated values win over shared ones."""
    # plain rows: every public page asks this before anything else
    rows = db.session.execute(
        select(SiteSetting.key, SiteSetting.locale, SiteSetting.value)
        .where(SiteSetting.locale.in_(("", locale)))
    ).all()
    values = {r.key: r.value for r in rows if r.locale == ""}
    values.update({r.key: r.value for r in rows if r.locale == locale})
    return values


def set_setting(key: str, value: str, locale: str = "") -> None:
    """Create or update one setting (caller commits); the one writer of site settings."""
    row = db.session.scalar(
        select(SiteSetting).where(SiteSetting.key == key, SiteSetting.locale == locale)
    )
    if row is None:
        row = SiteSetting(key=key, locale=locale)
        db.session.add(row)
    elif row.value == value:
        return
    row.value = value
    # footers and the About page show settings: cached pages must follow
    events.site_content_changed.send(key, what="settings")


def set_about(markdown_text: str, locale: str) -> None:
    """The About page is written in Markdown and stored rendered, like article bodies."""
    set_setting("about_markdown", markdown_text, locale)
    set_setting("about_html", render_body(markdown_text), locale)
