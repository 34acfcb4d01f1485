"""E-mail jobs: the queue carries the id of an outbox row, the row carries the mail."""

from __future__ import annotations

from bv.jobs.outbox import MAIL
from bv.jobs.registry import outbox_task
from bv.notifications.mail import send_queued


@outbox_task(MAIL)
def send_email(email_id: int) -> None:
    """Send one queued e-mail; failures are recorded on the row and retried by the sweep."""
    send_queued(email_id)
