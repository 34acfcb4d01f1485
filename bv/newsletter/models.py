"""Newsletter records: subscribers, mailings (one per article or digest), deliveries, the list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bv.database import UTCDateTime, utcnow
from bv.extensions import db

INSTANT, DAILY = "instant", "daily"
FREQUENCIES = (INSTANT, DAILY)


class NewsletterSubscriber(db.Model):
    """A reader who asked for mail; only a confirmed one ever gets any.

    The row is deleted when the reader unsubscribes: delivery records keep only a hash.
    """

    __tablename__ = "newsletter_subscriber"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # comma-separated locale codes, e.g. "sq,en"
    languages: Mapped[str] = mapped_column(String(20))
    frequency: Mapped[str] = mapped_column(String(10), default=INSTANT)
    # "pending" until the reader confirms, then "confirmed"; "bounced" when SMTP refused it
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    # the language of the pages the reader signed up on: confirmation and preference pages
    ui_locale: Mapped[str] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def language_list(self) -> list[str]:
        """The languages the reader reads, in the site's order."""
        return [code for code in self.languages.split(",") if code]


class NewsletterMailing(db.Model):
    """One thing to send: the first publication of a version, or one day's digest in a language.

    `key` makes each mailing exist once ("instant:<translation id>", "digest:<locale>:<day>"),
    so a republished article or a digest run twice never mails again.
    """

    __tablename__ = "newsletter_mailing"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    locale: Mapped[str] = mapped_column(String(5))
    translation_id: Mapped[int | None] = mapped_column(
        ForeignKey("article_translation.id", ondelete="SET NULL")
    )
    # the digest's versions, in order
    translation_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # set once every recipient has been tried to the end
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    deliveries: Mapped[list[NewsletterDelivery]] = relationship(
        back_populates="mailing", passive_deletes=True
    )


class NewsletterDelivery(db.Model):
    """One mailing to one subscriber: claimed before sending, so it is sent at most once."""

    __tablename__ = "newsletter_delivery"
    __table_args__ = (UniqueConstraint("mailing_id", "recipient_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mailing_id: Mapped[int] = mapped_column(
        ForeignKey("newsletter_mailing.id", ondelete="CASCADE"), index=True
    )
    subscriber_id: Mapped[int | None] = mapped_column(
        ForeignKey("newsletter_subscriber.id", ondelete="SET NULL"), index=True
    )
    # HMAC of the address: shows who got what without keeping the address after unsubscribe
    recipient_hash: Mapped[str] = mapped_column(String(64))
    # pending -> sending -> sent | failed | bounced | dropped (unsubscribed before sending)
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    tried_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    mailing: Mapped[NewsletterMailing] = relationship(back_populates="deliveries")


class NewsletterList(db.Model):
    """The list as a whole: paused after too many failures in a row, until an editor resumes it."""

    __tablename__ = "newsletter_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    failures_in_a_row: Mapped[int] = mapped_column(Integer, default=0)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
