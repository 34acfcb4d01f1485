"""Mailings and their deliveries: who gets what, sent in batches through the job queue.

A mailing is made once (its key is unique); its deliveries are one row per recipient, made
before anything is sent. Each row is claimed (pending -> sending) and committed before its
mail goes out, and marked sent right after: a retried or doubled job finds the row taken and
skips it, so nobody gets a mail twice, and rows still pending are what a retry sends.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from bv.articles.models import ArticleTranslation
from bv.database import utcnow
from bv.extensions import db
from bv.i18n import FORMAT_LOCALES, LOCALES
from bv.jobs.outbox import queue_job
from bv.newsletter import service
from bv.newsletter.models import (
    DAILY,
    INSTANT,
    NewsletterDelivery,
    NewsletterList,
    NewsletterMailing,
    NewsletterSubscriber,
)
from bv.notifications import editors
from bv.notifications.mail import build_message, deliver
from bv.notifications.service import notify

log = logging.getLogger(__name__)

SEND_JOB = "newsletter_send"
# SMTP said no to this address itself: mark it, do not retry
REFUSALS = (smtplib.SMTPRecipientsRefused,)


def list_state() -> NewsletterList:
    """The one row describing the list, made on first use."""
    state = db.session.get(NewsletterList, 1)
    if state is None:
        state = NewsletterList(id=1, failures_in_a_row=0)
        db.session.add(state)
        db.session.flush()
    return state


def current_state() -> NewsletterList | None:
    """The list's row, or None before anything was sent."""
    return db.session.get(NewsletterList, 1)


def is_paused() -> bool:
    """True while the list waits for an editor after too many failures."""
    state = db.session.get(NewsletterList, 1)
    return state is not None and state.paused_at is not None


# -- what to send ----------------------------------------------------------------------------


def first_publication(translation: ArticleTranslation) -> bool:
    """True when this publish put the version online for the first time.

    The workflow sets first_published_at only on a first publication, to the same instant as
    status_changed_at; a republication keeps the older date.
    """
    return (
        translation.first_published_at is not None
        and translation.first_published_at == translation.status_changed_at
    )


def announce(translation: ArticleTranslation) -> NewsletterMailing | None:
    """The instant mailing for a version's first publication, once per version."""
    key = f"instant:{translation.id}"
    if db.session.scalar(select(NewsletterMailing.id).where(NewsletterMailing.key == key)):
        return None
    mailing = NewsletterMailing(
        key=key, kind=INSTANT, locale=translation.locale, translation_id=translation.id,
        translation_ids=[translation.id],
    )
    db.session.add(mailing)
    db.session.flush()
    if _audience(mailing):
        queue_job(SEND_JOB, {"mailing": mailing.id})
    else:
        # nobody reads this language yet: the record stays, so a later publish never mails
        mailing.finished_at = utcnow()
    return mailing


def on_status_changed(translation, *, action: str, **_kwargs) -> None:
    """A version published for the first time is announced to its language's subscribers."""
    if action == "publish" and first_publication(translation):
        announce(translation)


def plan_digests(day: date | None = None) -> list[NewsletterMailing]:
    """One digest per language of the versions first published the day before; once per day."""
    day = day or utcnow().date()
    end = datetime.combine(day, time(0), tzinfo=UTC)
    start = end - timedelta(days=1)
    made = []
    for locale in LOCALES:
        key = f"digest:{locale}:{day.isoformat()}"
        if db.session.scalar(select(NewsletterMailing.id).where(NewsletterMailing.key == key)):
            continue
        ids = list(db.session.scalars(
            select(ArticleTranslation.id)
            .where(
                ArticleTranslation.locale == locale,
                ArticleTranslation.status == "published",
                ArticleTranslation.first_published_at >= start,
                ArticleTranslation.first_published_at < end,
            )
            .order_by(ArticleTranslation.first_published_at.desc())
            .limit(current_app.config["NEWSLETTER_DIGEST_MAX"])
        ))
        if not ids:
            continue
        mailing = NewsletterMailing(key=key, kind="digest", locale=locale, translation_ids=ids)
        db.session.add(mailing)
        db.session.flush()
        queue_job(SEND_JOB, {"mailing": mailing.id})
        made.append(mailing)
    return made


def _audience(mailing: NewsletterMailing):
    frequency = DAILY if mailing.kind == "digest" else INSTANT
    subscribers = db.session.scalars(
        select(NewsletterSubscriber)
        .where(NewsletterSubscriber.state == "confirmed",
               NewsletterSubscriber.frequency == frequency)
        .order_by(NewsletterSubscriber.id)
    )
    return [s for s in subscribers if mailing.locale in s.language_list]


def plan_deliveries(mailing: NewsletterMailing) -> int:
    """A pending delivery row for every recipient, made once: the audience at the first batch.

    A reader who confirms later does not get an older article when a retry runs.
    """
    known = set(db.session.scalars(
        select(NewsletterDelivery.recipient_hash).where(NewsletterDelivery.mailing_id == mailing.id)
    ))
    if known:
        return 0
    made = 0
    for subscriber in _audience(mailing):
        digest = service.address_hash(subscriber.email)
        if digest in known:
            continue
        db.session.add(NewsletterDelivery(
            mailing_id=mailing.id, subscriber_id=subscriber.id, recipient_hash=digest,
            state="pending", attempts=0,
        ))
        known.add(digest)
        made += 1
    return made


# -- the mail --------------------------------------------------------------------------------


def _versions(ids: list[int]) -> list[ArticleTranslation]:
    rows = {t.id: t for t in db.session.scalars(
        select(ArticleTranslation).where(ArticleTranslation.id.in_(ids or [0]))
    )}
    return [rows[i] for i in ids if i in rows and rows[i].is_published]


def _story(translation: ArticleTranslation) -> dict:
    """What a mail says about one version: live text only, with absolute links."""
    article = translation.article
    image = None
    if article.lead_image is not None:
        lead = article.lead_image
        image = {
            "src": service.site_link(f"/media/{lead.stem}-{lead.widths[0]}.{lead.extension}")
            if lead.widths else None,
            "alt": translation.live_image_alt,
        }
    others = [
        {"locale": t.locale, "url": service.site_link(f"/{t.locale}/a/{t.slug}"),
         "headline": t.live_headline}
        for t in sorted(article.translations, key=lambda t: LOCALES.index(t.locale))
        if t.is_published and t.id != translation.id
    ]
    return {
        "headline": translation.live_headline,
        "lede": translation.live_lede,
        "url": service.site_link(f"/{translation.locale}/a/{translation.slug}"),
        "image": image if image and image["src"] else None,
        "others": others,
    }


def render_mail(mailing: NewsletterMailing, subscriber: NewsletterSubscriber):
    """(subject, text, html, headers) in the mailing's language, or None when nothing is left."""
    stories = [_story(t) for t in _versions(mailing.translation_ids)]
    if not stories:
        return None
    locale = mailing.locale
    with force_locale(FORMAT_LOCALES.get(locale, "sq_MK")):
        context = {
            "stories": stories,
            "site_name": current_app.config["SITE_NAME"],
            "preferences": service.manage_link(subscriber, locale),
            "unsubscribe": service.unsubscribe_link(subscriber, locale),
            "lang": locale,
        }
        if mailing.kind == "digest":
            subject = _("%(site)s: the day's articles", site=context["site_name"])
            name = "newsletter_digest"
        else:
            subject = stories[0]["headline"]
            name = "newsletter_instant"
        text = render_template(f"email/{name}.txt", **context)
        html = render_template(f"email/{name}.html", **context)
    return subject, text, html, service.list_headers(subscriber, locale)


# -- sending ---------------------------------------------------------------------------------


def _claim(delivery_id: int) -> bool:
    claimed = db.session.execute(
        update(NewsletterDelivery)
        .where(NewsletterDelivery.id == delivery_id, NewsletterDelivery.state == "pending")
        .values(state="sending", attempts=NewsletterDelivery.attempts + 1, tried_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(claimed)


def send_batch(mailing_id: int) -> dict:
    """Send up to NEWSLETTER_BATCH_SIZE pending deliveries of a mailing; commits as it goes.

    Returns counts; when rows are still pending and the list is not paused, the caller (the
    job) queues the next batch.
    """
    config = current_app.config
    mailing = db.session.get(NewsletterMailing, mailing_id)
    result = {"sent": 0, "failed": 0, "bounced": 0, "remaining": 0, "paused": False}
    if mailing is None:
        return result
    plan_deliveries(mailing)
    db.session.commit()
    if is_paused():
        result["paused"] = True
        return result
    ids = list(db.session.scalars(
        select(NewsletterDelivery.id)
        .where(NewsletterDelivery.mailing_id == mailing_id, NewsletterDelivery.state == "pending")
        .order_by(NewsletterDelivery.id)
        .limit(config["NEWSLETTER_BATCH_SIZE"])
    ))
    for delivery_id in ids:
        if not _claim(delivery_id):
            continue  # another run took it
        outcome = _send_one(db.session.get(NewsletterDelivery, delivery_id))
        result[outcome] = result.get(outcome, 0) + 1
        if is_paused():
            result["paused"] = True
            break
    result["remaining"] = _pending(mailing_id)
    if not result["remaining"] and not _pending(mailing_id, "sending"):
        mailing.finished_at = mailing.finished_at or utcnow()
        db.session.commit()
    return result


def _pending(mailing_id: int, state: str = "pending") -> int:
    return len(db.session.scalars(
        select(NewsletterDelivery.id)
        .where(NewsletterDelivery.mailing_id == mailing_id, NewsletterDelivery.state == state)
    ).all())


def _send_one(delivery: NewsletterDelivery) -> str:
    """Send one claimed delivery and record what happened; returns the outcome."""
    subscriber = (db.session.get(NewsletterSubscriber, delivery.subscriber_id)
                  if delivery.subscriber_id else None)
    if subscriber is None or subscriber.state != "confirmed":
        delivery.state = "dropped"  # left or bounced since the row was made
        db.session.commit()
        return "dropped"
    rendered = render_mail(delivery.mailing, subscriber)
    if rendered is None:
        delivery.state = "dropped"  # unpublished since
        db.session.commit()
        return "dropped"
    subject, text, html, headers = rendered
    try:
        deliver(build_message(subscriber.email, subject, text, html=html, headers=headers))
    except REFUSALS as error:
        delivery.state, delivery.error = "bounced", _describe(error)
        subscriber.state, subscriber.bounced_at = "bounced", utcnow()
        _failed(delivery.error)
        db.session.commit()
        return "bounced"
    except Exception as error:
        # server down, timed out, a temporary refusal: try this recipient again later
        delivery.error = _describe(error)
        delivery.state = (
            "failed" if delivery.attempts >= current_app.config["NEWSLETTER_MAX_ATTEMPTS"]
            else "pending"
        )
        log.warning("newsletter delivery %s not sent: %s", delivery.id, delivery.error)
        _failed(delivery.error)
        db.session.commit()
        return "failed"
    delivery.state, delivery.sent_at, delivery.error = "sent", utcnow(), None
    list_state().failures_in_a_row = 0
    db.session.commit()
    return "sent"


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _failed(message: str) -> None:
    """Count a failure; the tenth in a row pauses the list and tells the editors."""
    state = list_state()
    state.failures_in_a_row += 1
    state.last_error = message
    if state.paused_at is None and state.failures_in_a_row >= current_app.config[
        "NEWSLETTER_PAUSE_AFTER"
    ]:
        state.paused_at = utcnow()
        log.error("newsletter paused after %s failures in a row: %s",
                  state.failures_in_a_row, message)
        notify(editors(), "newsletter_paused", {
            "failures": state.failures_in_a_row,
            "error": message[:500],
            "url": service.site_link("/newsroom/newsletter"),
        })


def resume() -> int:
    """An editor lifts the pause: every unfinished mailing is queued again; returns how many."""
    state = list_state()
    state.paused_at, state.failures_in_a_row = None, 0
    return requeue_unfinished()


def requeue_unfinished() -> int:
    """Queue a send job for each mailing that still has pending deliveries."""
    ids = list(db.session.scalars(
        select(NewsletterMailing.id)
        .where(NewsletterMailing.finished_at.is_(None))
        .order_by(NewsletterMailing.id)
    ))
    for mailing_id in ids:
        queue_job(SEND_JOB, {"mailing": mailing_id})
    return len(ids)
