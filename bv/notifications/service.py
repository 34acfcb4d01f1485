"""Telling staff what happened: an in-app notification, and an e-mail through the outbox."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from bv.accounts.models import User
from bv.extensions import db
from bv.i18n import FORMAT_LOCALES
from bv.notifications.mail import queue_email
from bv.notifications.models import Notification

KINDS = ("translation_approved", "source_changed", "translation_assigned", "newsletter_paused")


def notify(users, kind: str, payload: dict) -> list[Notification]:
    """Add a notification for each user, and its e-mail to the outbox, in the caller's transaction.

    Both commit or roll back with the change they tell about; the e-mail goes out once the
    caller commits, or later if the queue is away then.
    """
    if kind not in KINDS:
        raise ValueError(kind)
    created = []
    seen = set()
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        note = Notification(user_id=user.id, kind=kind, payload=payload)
        db.session.add(note)
        created.append(note)
        subject, body = render(note, user)
        queue_email(user.email, subject, body, kind=kind)
    if created:
        db.session.flush()
    return created


def render(note: Notification, user: User) -> tuple[str, str]:
    """Subject and text of a notification in the user's own language."""
    with force_locale(FORMAT_LOCALES.get(user.ui_locale, "sq_MK")):
        subject = subject_for(note)
        body = render_template(f"email/{note.kind}.txt", note=note, user=user, p=note.payload)
    return subject, body


def subject_for(note: Notification) -> str:
    """A one-line summary, also used in the newsroom's list."""
    p = note.payload
    if note.kind == "translation_approved":
        return _("Translation approved: %(headline)s", headline=p.get("headline", ""))
    if note.kind == "newsletter_paused":
        return _("The newsletter is paused after %(count)s failed deliveries",
                 count=p.get("failures", 0))
    if note.kind == "translation_assigned":
        return _("A translation for you: %(headline)s", headline=p.get("headline", ""))
    return _("The original changed: %(headline)s", headline=p.get("headline", ""))


def unread_count(user) -> int:
    """How many notifications the user has not opened."""
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )
