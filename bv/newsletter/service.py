"""Subscribing, confirming, preferences and unsubscribing; the tokens the mails carry.

Addresses are personal data: a subscriber's row is deleted when they leave, and delivery
records keep only `address_hash()` of it.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import func, select

from bv.audit.service import record
from bv.database import utcnow
from bv.extensions import db
from bv.i18n import FORMAT_LOCALES, LOCALES
from bv.newsletter.models import FREQUENCIES, INSTANT, NewsletterDelivery, NewsletterSubscriber
from bv.notifications.mail import queue_email

CONFIRM_SALT = "bv-newsletter-confirm"
MANAGE_SALT = "bv-newsletter-manage"


def normalized(email: str) -> str:
    """One spelling per address: trimmed and lower-cased."""
    return (email or "").strip().lower()


def address_hash(email: str) -> str:
    """A keyed hash of the address: recognizes it again without storing it."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, normalized(email).encode(), hashlib.sha256).hexdigest()


def site_link(path: str) -> str:
    """An absolute link on the configured site address (jobs have no request)."""
    return current_app.config["SITE_URL"].rstrip("/") + path


def clean_languages(codes) -> str:
    """The chosen languages that exist, in the site's order, as stored."""
    chosen = set(codes or ())
    return ",".join(code for code in LOCALES if code in chosen)


# -- tokens ---------------------------------------------------------------------------------


def confirm_token(subscriber: NewsletterSubscriber) -> str:
    """A signed token that confirms this address; it expires (NEWSLETTER_CONFIRM_MAX_AGE)."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT)
    return serializer.dumps({"s": subscriber.id, "h": address_hash(subscriber.email)[:16]})


def manage_token(subscriber: NewsletterSubscriber) -> str:
    """A signed token for the preferences and unsubscribe links; valid while the row lives."""
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=MANAGE_SALT)
    return serializer.dumps({"s": subscriber.id, "h": address_hash(subscriber.email)[:16]})


def _subscriber_from(data) -> NewsletterSubscriber | None:
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        return None
    subscriber = db.session.get(NewsletterSubscriber, data["s"])
    # a deleted and re-created subscription has a new id; the hash ties the token to the address
    if subscriber is None or address_hash(subscriber.email)[:16] != data.get("h"):
        return None
    return subscriber


def subscriber_for_confirmation(token: str) -> tuple[NewsletterSubscriber | None, str]:
    """(subscriber, "") for a good token, else (None, "expired" | "invalid")."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT)
    try:
        data = serializer.loads(token, max_age=current_app.config["NEWSLETTER_CONFIRM_MAX_AGE"])
    except SignatureExpired:
        return None, "expired"
    except BadSignature:
        return None, "invalid"
    subscriber = _subscriber_from(data)
    return subscriber, "" if subscriber else "invalid"


def subscriber_for_management(token: str) -> NewsletterSubscriber | None:
    """The subscriber a preferences or unsubscribe link belongs to, or None."""
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=MANAGE_SALT)
    try:
        return _subscriber_from(serializer.loads(token))
    except BadSignature:
        return None


def confirm_link(subscriber) -> str:
    """The absolute confirmation link for the mail."""
    return site_link(f"/{subscriber.ui_locale}/newsletter/confirm/{confirm_token(subscriber)}")


def manage_link(subscriber, locale: str | None = None) -> str:
    """The absolute preferences link for the mail's body."""
    lang = locale or subscriber.ui_locale
    return site_link(f"/{lang}/newsletter/preferences/{manage_token(subscriber)}")


def unsubscribe_link(subscriber, locale: str | None = None) -> str:
    """The absolute one-click unsubscribe link (RFC 8058) for List-Unsubscribe."""
    lang = locale or subscriber.ui_locale
    return site_link(f"/{lang}/newsletter/unsubscribe/{manage_token(subscriber)}")


def list_headers(subscriber, locale: str | None = None) -> dict[str, str]:
    """The headers that let mail programs offer one-click unsubscribe (RFC 2369, RFC 8058)."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_link(subscriber, locale)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{current_app.config['SITE_NAME']} <newsletter.{_list_host()}>",
    }


def _list_host() -> str:
    url = current_app.config["SITE_URL"]
    return url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


# -- subscribing ----------------------------------------------------------------------------


def subscribe(email: str, languages, *, ui_locale: str) -> None:
    """Ask an address to confirm; says nothing about whether it was already subscribed.

    A new or still unconfirmed address gets (another) confirmation mail; a confirmed one
    gets nothing, so the form cannot be used to flood a reader's inbox or to probe the list.
    """
    address = normalized(email)
    chosen = clean_languages(languages) or ui_locale
    subscriber = db.session.scalar(
        select(NewsletterSubscriber).where(NewsletterSubscriber.email == address)
    )
    if subscriber is not None and subscriber.state == "confirmed":
        return
    if subscriber is None:
        subscriber = NewsletterSubscriber(
            email=address, languages=chosen, frequency=INSTANT, state="pending",
            ui_locale=ui_locale,
        )
        db.session.add(subscriber)
    else:
        # unconfirmed or bounced: the newest request wins, and must be confirmed again
        subscriber.languages, subscriber.ui_locale, subscriber.state = chosen, ui_locale, "pending"
    db.session.flush()
    send_confirmation(subscriber)


def send_confirmation(subscriber: NewsletterSubscriber) -> None:
    """Queue the localized confirmation mail (sent once the caller commits)."""
    with force_locale(FORMAT_LOCALES.get(subscriber.ui_locale, "sq_MK")):
        context = {
            "subscriber": subscriber,
            "link": confirm_link(subscriber),
            "days": current_app.config["NEWSLETTER_CONFIRM_MAX_AGE"] // 86400,
            "languages": subscriber.language_list,
        }
        subject = _("Confirm your subscription to %(site)s", site=current_app.config["SITE_NAME"])
        text = render_template("email/newsletter_confirm.txt", **context)
        html = render_template("email/newsletter_confirm.html", **context)
    queue_email(subscriber.email, subject, text, html=html, kind="newsletter_confirm")


def confirm(subscriber: NewsletterSubscriber) -> None:
    """The reader proved the address is theirs: from now on they get mail."""
    if subscriber.state != "confirmed":
        subscriber.state = "confirmed"
        subscriber.confirmed_at = utcnow()
        subscriber.bounced_at = None


def update_preferences(subscriber: NewsletterSubscriber, languages, frequency: str) -> None:
    """Change what and how often the reader gets mail."""
    chosen = clean_languages(languages)
    if not chosen or frequency not in FREQUENCIES:
        raise ValueError("languages and frequency are required")
    subscriber.languages, subscriber.frequency = chosen, frequency


def unsubscribe(subscriber: NewsletterSubscriber) -> None:
    """Forget the address: the row goes, delivery records keep only its hash."""
    db.session.delete(subscriber)


def delete_subscriber(subscriber: NewsletterSubscriber, *, user) -> None:
    """An editor erases a subscriber on request (the audit log keeps the id, not the address)."""
    record("newsletter.subscriber_deleted", user=user, detail={"subscriber": subscriber.id})
    db.session.delete(subscriber)


def export(subscriber: NewsletterSubscriber) -> dict:
    """Everything stored about one subscriber, for a data-access request."""
    deliveries = db.session.scalars(
        select(NewsletterDelivery)
        .where(NewsletterDelivery.subscriber_id == subscriber.id)
        .order_by(NewsletterDelivery.id)
    )
    return {
        "email": subscriber.email,
        "languages": subscriber.language_list,
        "frequency": subscriber.frequency,
        "state": subscriber.state,
        "signed_up_in": subscriber.ui_locale,
        "created_at": subscriber.created_at.isoformat(),
        "confirmed_at": subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else None,
        "bounced_at": subscriber.bounced_at.isoformat() if subscriber.bounced_at else None,
        "deliveries": [
            {
                "mailing": d.mailing_id,
                "state": d.state,
                "sent_at": d.sent_at.isoformat() if d.sent_at else None,
                "error": d.error,
            }
            for d in deliveries
        ],
    }


def counts_by_language() -> dict[str, dict[str, int]]:
    """Subscribers per language and state (a reader of two languages counts in both)."""
    counts = {code: {"confirmed": 0, "pending": 0, "bounced": 0} for code in LOCALES}
    rows = db.session.execute(
        select(NewsletterSubscriber.languages, NewsletterSubscriber.state,
               func.count(NewsletterSubscriber.id))
        .group_by(NewsletterSubscriber.languages, NewsletterSubscriber.state)
    )
    for languages, state, count in rows:
        for code in languages.split(","):
            if code in counts and state in counts[code]:
                counts[code][state] += count
    return counts
