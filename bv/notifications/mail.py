"""Sending e-mail: SMTP when MAIL_SERVER is set, otherwise .eml files in instance/outbox."""

from __future__ import annotations

import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path

from flask import current_app


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text UTF-8 message from the newsroom address."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = formataddr(
        (config.get("SITE_NAME", "BalkanView"), config.get("MAIL_FROM", "newsroom@localhost"))
    )
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="balkanview")
    message.set_content(body)
    return message


def deliver(message: EmailMessage) -> None:
    """Hand the message to SMTP, or keep it in the outbox folder during development."""
    config = current_app.config
    server = config.get("MAIL_SERVER")
    if not server:
        outbox = Path(current_app.instance_path) / "outbox"
        outbox.mkdir(parents=True, exist_ok=True)
        (outbox / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(message))
        return
    port = int(config.get("MAIL_PORT", 25))
    timeout = float(config.get("MAIL_TIMEOUT", 10))
    with smtplib.SMTP(server, port, timeout=timeout) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(message)
