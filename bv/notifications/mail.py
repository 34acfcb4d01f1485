"""E-mail: queued as outbox rows with the change that causes them, sent once by the queue.

`queue_email(to, subject, text, html=, headers=, kind=)` is the one way to send mail. It adds
an `OutboxEmail` row to the current session; once the caller commits, the row's id goes to
the queue, and `send_queued` delivers it: by SMTP when MAIL_SERVER is set, otherwise as an
.eml file in instance/outbox.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy import update

from bv.database import utcnow
from bv.extensions import db
from bv.jobs import outbox
from bv.jobs.models import OutboxEmail

log = logging.getLogger(__name__)

_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
# headers a caller may not set: the message's own envelope
_RESERVED = {"from", "to", "subject", "message-id", "content-type", "mime-version",
             "content-transfer-encoding"}


def one_line(value: str) -> str:
    """Fold CR and LF (with the spaces around them) into one space: header values are one line."""
    return _LINE_BREAKS.sub(" ", value or "").strip()


def queue_email(
    to: str,
    subject: str,
    text: str,
    *,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    kind: str = "",
) -> OutboxEmail:
    """Add an e-mail to the current transaction; the queue sends it once the caller commits."""
    extra = {one_line(name): one_line(str(value)) for name, value in (headers or {}).items()}
    reserved = sorted(name for name in extra if name.lower() in _RESERVED)
    if reserved:
        raise ValueError(f"headers set by the mail itself: {', '.join(reserved)}")
    row = OutboxEmail(
        kind=kind[:40],
        recipient=one_line(to),
        subject=one_line(subject),
        text=text,
        html=html,
        headers=extra,
        next_attempt_at=utcnow() + outbox.backoff(0),
    )
    db.session.add(row)
    outbox.hand_off_after_commit(outbox.MAIL, row)
    return row


def build_message(
    to: str,
    subject: str,
    body: str,
    *,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """A UTF-8 message from the newsroom address; headers are folded and RFC 2047 encoded."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = formataddr(
        (config.get("SITE_NAME", "BalkanView"), config.get("MAIL_FROM", "newsroom@localhost"))
    )
    message["To"] = one_line(to)
    # the email package's default policy encodes non-ASCII words (RFC 2047) and folds long ones
    message["Subject"] = one_line(subject)
    message["Message-ID"] = make_msgid(domain="balkanview")
    for name, value in (headers or {}).items():
        message[one_line(name)] = one_line(value)
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def deliver(message: EmailMessage) -> None:
    """Hand the message to SMTP, or keep it in the outbox folder during development."""
    config = current_app.config
    server = config.get("MAIL_SERVER")
    if not server:
        folder = Path(current_app.instance_path) / "outbox"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(message))
        return
    port = int(config.get("MAIL_PORT", 25))
    timeout = float(config.get("MAIL_TIMEOUT", 10))
    with smtplib.SMTP(server, port, timeout=timeout) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(message)


def claim(email_id: int) -> OutboxEmail | None:
    """Take a pending e-mail for sending, once; None when another run took it or it is done."""
    claimed = db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == email_id, OutboxEmail.status == "pending")
        .values(status="sending", attempts=OutboxEmail.attempts + 1, claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return db.session.get(OutboxEmail, email_id) if claimed else None


def send_queued(email_id: int) -> bool:
    """Send one queued e-mail and record the outcome; True when this call sent it."""
    row = claim(email_id)
    if row is None:
        return False
    try:
        deliver(build_message(row.recipient, row.subject, row.text, html=row.html,
                              headers=row.headers))
    except Exception as error:
        # SMTP down, refused, timed out: try again later, up to MAIL_MAX_ATTEMPTS times
        row.last_error = f"{type(error).__name__}: {error}"[:2000]
        if row.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
            row.status = "failed"
            log.error("e-mail %s to %s given up after %s attempts: %s",
                      row.id, row.recipient, row.attempts, row.last_error)
        else:
            row.status = "pending"
            row.next_attempt_at = utcnow() + outbox.backoff(row.attempts)
            log.warning("e-mail %s not sent (attempt %s), will retry: %s",
                        row.id, row.attempts, row.last_error)
        db.session.commit()
        return False
    row.status, row.sent_at = "sent", utcnow()
    db.session.commit()
    return True
