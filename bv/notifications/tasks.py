"""E-mail jobs."""

from __future__ import annotations

from bv.extensions import db
from bv.jobs.queue import flask_app, huey


@huey.task(retries=3, retry_delay=60)
def send_notification_email(notification_id: int) -> bool:
    """Render in the recipient's language and send; retried when SMTP fails."""
    from bv.accounts.models import User
    from bv.notifications.mail import build_message, deliver
    from bv.notifications.models import Notification
    from bv.notifications.service import render

    with flask_app().app_context():
        note = db.session.get(Notification, notification_id)
        if note is None:
            return False
        user = db.session.get(User, note.user_id)
        subject, body = render(note, user)
        deliver(build_message(user.email, subject, body))
        return True
