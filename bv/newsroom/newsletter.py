"""The newsletter in the newsroom: subscribers per language, the delivery log, the mail outbox."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import json
import re
from email.utils import getaddresses
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from bv.accounts.models import User
from bv.accounts.permissions import can
from bv.audit.service import record
from bv.errors import bounded_int
from bv.extensions import db
from bv.newsletter import sending, service
from bv.newsletter.forms import FREQUENCY_LABELS
from bv.newsletter.models import NewsletterDelivery, NewsletterMailing, NewsletterSubscriber
from bv.newsroom import bp, require

# the names deliver() gives the files it writes: nothing else in the folder is shown
MESSAGE_NAME = re.compile(r"^[0-9a-f]{32}\.eml$")
OUTBOX_LIMIT = 200
# headers worth showing; the rest stays in the raw source
SHOWN_HEADERS = ("Date", "From", "To", "Subject", "List-Unsubscribe", "List-Unsubscribe-Post")
SUBSCRIBER_STATES = {
    "pending": _l("Waiting for confirmation"),
    "confirmed": _l("Confirmed"),
    "bounced": _l("Bounced"),
}
DELIVERY_STATES = {
    "pending": _l("Waiting"),
    "sending": _l("Being sent"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
    "bounced": _l("Bounced"),
    "dropped": _l("Not sent (unsubscribed or unpublished)"),
}
MAILING_KINDS = {"instant": _l("New article"), "digest": _l("Daily digest")}


@bp.get("/newsletter")
@require("view_newsletter")
def newsletter():
    """Counts per language, the list's state, recent mailings and deliveries, a lookup."""
    page = request.args.get("page", 1, type=bounded_int)
    deliveries = db.paginate(
        select(NewsletterDelivery).order_by(NewsletterDelivery.id.desc()),
        page=page, per_page=50, error_out=False,
    )
    mailings = db.session.scalars(
        select(NewsletterMailing).order_by(NewsletterMailing.id.desc()).limit(20)
    ).all()
    address = request.args.get("email", "").strip()[:254]
    found = None
    if address:
        found = db.session.scalar(
            select(NewsletterSubscriber).where(
                NewsletterSubscriber.email == service.normalized(address)
            )
        )
    return render_template(
        "newsroom/newsletter/index.html",
        counts=service.counts_by_language(),
        state=sending.current_state(),
        deliveries=deliveries,
        mailings=mailings,
        address=address,
        found=found,
        FREQUENCY_LABELS=FREQUENCY_LABELS,
        SUBSCRIBER_STATES=SUBSCRIBER_STATES,
        DELIVERY_STATES=DELIVERY_STATES,
        MAILING_KINDS=MAILING_KINDS,
    )


@bp.post("/newsletter/resume")
@require("manage_subscribers")
def resume_newsletter():
    """Lift the pause after the mail server is fixed; unfinished mailings go out again."""
    count = sending.resume()
    record("newsletter.resumed", user=current_user, detail={"mailings": count})
    db.session.commit()
    flash(_("The newsletter sends again."), "success")
    return redirect(url_for("newsroom.newsletter"))


def _subscriber(subscriber_id: int) -> NewsletterSubscriber:
    subscriber = db.session.get(NewsletterSubscriber, subscriber_id)
    if subscriber is None:
        abort(404)
    return subscriber


@bp.get("/newsletter/subscribers/<int:subscriber_id>/export.json")
@require("manage_subscribers")
def export_subscriber_json(subscriber_id: int):
    """Everything stored about one subscriber, as JSON."""
    data = service.export(_subscriber(subscriber_id))
    record("newsletter.subscriber_exported", user=current_user,
           detail={"subscriber": subscriber_id, "format": "json"})
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return current_app.response_class(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="subscriber-{subscriber_id}.json"',
    })


@bp.get("/newsletter/subscribers/<int:subscriber_id>/export.csv")
@require("manage_subscribers")
def export_subscriber_csv(subscriber_id: int):
    """Everything stored about one subscriber, as CSV: one row per delivery."""
    data = service.export(_subscriber(subscriber_id))
    record("newsletter.subscriber_exported", user=current_user,
           detail={"subscriber": subscriber_id, "format": "csv"})
    db.session.commit()
    out = io.StringIO()
    writer = csv.writer(out)
    fields = ("email", "languages", "frequency", "state", "signed_up_in", "created_at",
              "confirmed_at", "bounced_at")
    writer.writerow([*fields, "mailing", "delivery_state", "sent_at", "error"])
    base = [_cell(data[f]) for f in fields]
    for d in data["deliveries"] or [{}]:
        writer.writerow([*base, *(_cell(d.get(k)) for k in ("mailing", "state", "sent_at", "error"))])
    return current_app.response_class(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="subscriber-{subscriber_id}.csv"',
    })


def _cell(value) -> str:
    if isinstance(value, list):
        value = " ".join(value)
    text = "" if value is None else str(value)
    # a spreadsheet must not run a formula someone typed as an address
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@bp.post("/newsletter/subscribers/<int:subscriber_id>/delete")
@require("manage_subscribers")
def delete_subscriber(subscriber_id: int):
    """Erase a subscriber on request; delivery records keep only the address's hash."""
    service.delete_subscriber(_subscriber(subscriber_id), user=current_user)
    db.session.commit()
    flash(_("The subscriber was deleted."), "success")
    return redirect(url_for("newsroom.newsletter"))


def _outbox_folder() -> Path:
    return Path(current_app.instance_path) / "outbox"


@bp.get("/newsletter/outbox")
@require("read_mail_outbox")
def mail_outbox():
    """The .eml files written while no mail server is configured, newest first."""
    folder = _outbox_folder()
    files = []
    if folder.is_dir():
        files = sorted(
            (p for p in folder.iterdir() if MESSAGE_NAME.match(p.name) and p.is_file()),
            key=lambda p: p.stat().st_mtime, reverse=True,
        )[:OUTBOX_LIMIT]
    hidden = _hidden_recipients()
    messages = [m for m in (_summary(p) for p in files) if not _is_hidden(m["to"], hidden)]
    return render_template(
        "newsroom/newsletter/outbox.html", messages=messages,
        mail_server=bool(current_app.config.get("MAIL_SERVER")),
    )


def _hidden_recipients() -> set[str]:
    """Staff addresses whose mail (password resets) this reader may not see: not their own."""
    if can(current_user, "read_staff_mail"):
        return set()
    addresses = db.session.scalars(select(User.email)).all()
    return {a.lower() for a in addresses} - {current_user.email.lower()}


def _is_hidden(to: str, hidden: set[str]) -> bool:
    return any(address.lower() in hidden for _name, address in getaddresses([to]))


def _read(path: Path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def _summary(path: Path) -> dict:
    message = _read(path)
    return {"name": path.name, "to": str(message.get("To", "")),
            "subject": str(message.get("Subject", "")), "date": str(message.get("Date", ""))}


@bp.get("/newsletter/outbox/<message>")
@require("read_mail_outbox")
def mail_outbox_message(message: str):
    """One message: its headers and its text and HTML parts, shown as plain text."""
    if not MESSAGE_NAME.match(message):
        abort(404)
    path = _outbox_folder() / message
    if not path.is_file():
        abort(404)
    parsed = _read(path)
    if _is_hidden(str(parsed.get("To", "")), _hidden_recipients()):
        abort(404)
    parts = []
    for part in parsed.walk():
        if part.is_multipart():
            continue
        try:
            content = part.get_content()
        except (LookupError, ValueError):
            content = part.get_payload(decode=True).decode("utf-8", "replace")
        if isinstance(content, bytes):
            content = content.decode("utf-8", "replace")
        parts.append({"type": part.get_content_type(), "content": content})
    headers = [(name, str(parsed[name])) for name in SHOWN_HEADERS if parsed[name] is not None]
    return render_template(
        "newsroom/newsletter/message.html", name=message, headers=headers, parts=parts,
    )
