"""Notifications: what happened to work a person cares about, in the app and by e-mail."""

from __future__ import annotations

from flask import Flask, current_app
from sqlalchemy import select

from bv import events
from bv.accounts.models import User
from bv.accounts.permissions import roles_with
from bv.extensions import db
from bv.notifications.service import notify
from bv.translation.models import TranslatedSegment


def editors() -> list[User]:
    """Everyone who publishes."""
    return list(
        db.session.scalars(
            select(User).where(User.role.in_(roles_with("publish")), User.active.is_(True))
        )
    )


def translators_of(translation) -> list[User]:
    """Translators who worked on this version: its last saver and its segments' editors."""
    ids = set(
        db.session.scalars(
            select(TranslatedSegment.updated_by_id).where(
                TranslatedSegment.translation_id == translation.id,
                TranslatedSegment.updated_by_id.is_not(None),
            )
        )
    )
    if translation.updated_by_id:
        ids.add(translation.updated_by_id)
    if not ids:
        return []
    return list(
        db.session.scalars(select(User).where(User.id.in_(ids), User.role.in_(roles_with("take_assignment"))))
    )


def _payload(translation, user=None) -> dict:
    # built by hand: the scheduler and the CLI have no request to build URLs from
    link = (
        f"{current_app.config['SITE_URL'].rstrip('/')}/newsroom/articles/"
        f"{translation.article_id}/{translation.locale}/translate"
    )
    source = translation.article.source
    return {
        "article_id": translation.article_id,
        "locale": translation.locale,
        "headline": (source.headline if source else translation.headline)[:200],
        "reviewer": getattr(user, "display_name", ""),
        "url": link,
    }


def on_status_changed(translation, *, action: str, user, **_) -> None:
    """Editors hear when a translation is approved."""
    if action == "approve":
        notify(editors(), "translation_approved", _payload(translation, user))


def on_outdated(translation, *, user, **_) -> None:
    """Translators hear when a source they translated changes."""
    notify(translators_of(translation), "source_changed", _payload(translation, user))


def on_assigned(assignment, *, user=None, assignee=None, **_kwargs) -> None:
    """A translator hears that a version was given to them, and by when."""
    article = assignment.article
    source = article.source
    payload = {
        "article_id": article.id,
        "locale": assignment.locale,
        "headline": (source.headline if source else "")[:200],
        "assigned_by": getattr(user, "display_name", "") or current_app.config["SITE_NAME"],
        "due_on": assignment.due_on.isoformat() if assignment.due_on else None,
        "url": (
            f"{current_app.config['SITE_URL'].rstrip('/')}/newsroom/articles/"
            f"{article.id}/{assignment.locale}/translate"
        ),
    }
    notify([assignee], "translation_assigned", payload)


def init_app(app: Flask) -> None:
    """Subscribe to the newsroom's events."""
    events.status_changed.connect(on_status_changed)
    events.translation_outdated.connect(on_outdated)
    events.translation_assigned.connect(on_assigned)
