"""The newsletter: double opt-in, instant mail on first publication, digest, unsubscribe, SMTP."""

from __future__ import annotations

import email
import email.policy
import json
import re
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bv.accounts.models import User
from bv.accounts.permissions import SYSTEM
from bv.articles import service as articles
from bv.articles import workflow
from bv.articles.models import Article, ArticleTranslation
from bv.database import utcnow
from bv.extensions import db
from bv.jobs.models import Job
from bv.newsletter import sending, service, tasks
from bv.newsletter.models import (
    NewsletterDelivery,
    NewsletterMailing,
    NewsletterSubscriber,
)
from bv.notifications.models import Notification
from tests.conftest import fresh_app
from tests.servers import MailCatcher, free_port, smtp_server

ORIGIN = {"Origin": "https://news.example"}


# -- helpers --------------------------------------------------------------------------------


@pytest.fixture
def smtp(app):
    """Mail from `app` goes to a local SMTP server; yields its catcher."""
    with smtp_server() as (port, catcher):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        yield catcher


class FlakyCatcher(MailCatcher):
    """Accepts `accept` messages, then answers 451 (try later) until `accept` is raised."""

    def __init__(self, accept: int, refuse: tuple[str, ...] = ()):
        super().__init__()
        self.accept = accept
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if len(self.envelopes) >= self.accept:
            return "451 4.3.0 Try again later"
        self.envelopes.append(envelope)
        return "250 OK"


@contextmanager
def custom_smtp(app, handler):
    from aiosmtpd.controller import Controller

    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        yield handler
    finally:
        controller.stop()


def parsed(envelope) -> email.message.EmailMessage:
    return email.message_from_bytes(envelope.content, policy=email.policy.default)


def body(message, kind="plain") -> str:
    return message.get_body((kind,)).get_content()


def add_subscriber(address, languages="sq", frequency="instant", state="confirmed", ui="sq"):
    subscriber = NewsletterSubscriber(email=address, languages=languages, frequency=frequency,
                                      state=state, ui_locale=ui)
    db.session.add(subscriber)
    db.session.flush()
    return subscriber


def publish_source(locale="sq", headline="Ura e re në Tetovë", lede="Komuna hap urën.", at=None):
    article = articles.create_article(source_locale=locale)
    version = articles.save_translation(
        article, locale, {"headline": headline, "lede": lede, "body": "Teksti i plotë."},
        user=SYSTEM, at=at,
    )
    workflow.transition(version, "publish", user=SYSTEM, at=at)
    return article, version


def publish_translation(article, locale, headline, lede):
    version = articles.save_translation(
        article, locale, {"headline": headline, "lede": lede, "body": "Text."}, user=SYSTEM,
    )
    workflow.transition(version, "submit", user=SYSTEM)
    workflow.transition(version, "approve", user=SYSTEM, override_reason="test")
    workflow.transition(version, "publish", user=SYSTEM)
    return version


def sign_up(client, lang, address, languages=None, headers=ORIGIN):
    data = {"email": address}
    if languages is not None:
        data["languages"] = languages
    return client.post(f"/{lang}/newsletter/", data=data, headers=headers)


def link_in(text: str, kind: str) -> str:
    return re.search(rf"https://news\.example(/\w\w/newsletter/{kind}/[\w.\-]+)", text).group(1)


# -- signing up -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["sq", "mk", "en"])
def test_every_public_page_has_the_signup_form_in_its_language(client, lang):
    page = client.get(f"/{lang}/").get_data(as_text=True)
    form = re.search(r'<form class="newsletter-signup".*?</form>', page, re.S).group(0)
    assert f'action="/{lang}/newsletter/"' in form
    assert 'type="email" name="email" required' in form
    checked = re.findall(r'value="(\w\w)" checked', form)
    assert checked == [lang]
    about = client.get(f"/{lang}/about").get_data(as_text=True)
    assert 'class="newsletter-signup"' in about


def test_a_signup_sends_one_localized_confirmation_and_always_answers_the_same(app, client, smtp):
    first = sign_up(client, "sq", "Lexuesi@Example.com ")
    assert first.status_code == 303
    assert first.headers["Location"] == "/sq/newsletter/check-your-inbox"
    assert len(smtp.envelopes) == 1
    message = parsed(smtp.envelopes[0])
    assert smtp.envelopes[0].rcpt_tos == ["lexuesi@example.com"]
    assert message["Subject"] == "Konfirmoni abonimin tuaj në BalkanView"
    text = body(message)
    assert "/sq/newsletter/confirm/" in text and "Konfirmo abonimin tim" in body(message, "html")
    with app.app_context():
        subscriber = db.session.scalar(select(NewsletterSubscriber))
        assert (subscriber.state, subscriber.languages) == ("pending", "sq")

    # the link is shown with a button; only the POST confirms (mail scanners open links)
    path = link_in(text, "confirm")
    page = client.get(path)
    assert page.status_code == 200 and "lexuesi@example.com" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(NewsletterSubscriber.state)) == "pending"
    confirmed = client.post(path)
    assert confirmed.status_code == 303 and "/sq/newsletter/preferences/" in confirmed.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(NewsletterSubscriber.state)) == "confirmed"

    # a known address gets the very same answer, and no more mail
    again = sign_up(client, "en", "lexuesi@example.com", ["en"])
    assert (again.status_code, again.headers["Location"]) == (303, "/en/newsletter/check-your-inbox")
    assert len(smtp.envelopes) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(NewsletterSubscriber.id))) == 1


def test_a_reader_may_pick_other_languages(app, client, smtp):
    sign_up(client, "mk", "citatel@example.com", ["mk", "en"])
    message = parsed(smtp.envelopes[0])
    assert message["Subject"] == "Потврдете ја претплатата на BalkanView"
    with app.app_context():
        assert db.session.scalar(select(NewsletterSubscriber.languages)) == "mk,en"


def test_bad_addresses_get_a_localized_error_and_nothing_is_stored(app, client):
    for address in ("", "not-an-address", "a@" + "b" * 260 + ".com"):
        response = sign_up(client, "en", address)
        assert response.status_code == 422
        assert "e-mail address" in response.get_data(as_text=True)
    response = sign_up(client, "en", "x@example.com", ["de"])
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(NewsletterSubscriber.id))) == 0


def test_a_signup_from_another_site_is_refused(app, client):
    assert sign_up(client, "en", "a@example.com", headers={}).status_code == 400
    assert sign_up(client, "en", "a@example.com",
                   headers={"Origin": "https://evil.example"}).status_code == 400
    assert sign_up(client, "en", "a@example.com",
                   headers={"Referer": "https://evil.example/x"}).status_code == 400
    assert sign_up(client, "en", "b@example.com",
                   headers={"Referer": "https://news.example/en/"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(NewsletterSubscriber.email)) == "b@example.com"


def test_signups_are_rate_limited_per_address(client):
    for n in range(10):
        assert sign_up(client, "en", f"reader{n}@example.com").status_code == 303
    assert sign_up(client, "en", "eleventh@example.com").status_code == 429


def test_one_address_gets_at_most_three_confirmations_an_hour(client, smtp):
    for _ in range(3):
        assert sign_up(client, "en", "victim@example.com").status_code == 303
    assert sign_up(client, "en", "Victim@Example.com").status_code == 429
    assert smtp.recipients() == ["victim@example.com"] * 3
    assert sign_up(client, "en", "someone-else@example.com").status_code == 303


def test_big_lists_go_out_in_batches_each_reader_once(app, smtp):
    app.config["NEWSLETTER_BATCH_SIZE"] = 2
    addresses = [f"b{n}@example.com" for n in range(5)]
    with app.app_context():
        for address in addresses:
            add_subscriber(address, "sq")
        publish_source()
        db.session.commit()
        jobs = db.session.scalars(select(Job).where(Job.kind == "newsletter_send")).all()
        assert [j.result["sent"] for j in sorted(jobs, key=lambda j: j.id)] == [2, 2, 1]
    assert smtp.recipients() == addresses


def test_an_expired_or_forged_confirmation_link_is_refused(app, client):
    sign_up(client, "en", "late@example.com")
    with app.app_context():
        subscriber = db.session.scalar(select(NewsletterSubscriber))
        with app.test_request_context():
            token = service.confirm_token(subscriber)
            manage = service.manage_token(subscriber)
    app.config["NEWSLETTER_CONFIRM_MAX_AGE"] = -1
    expired = client.post(f"/en/newsletter/confirm/{token}")
    assert expired.status_code == 404 and "expired" in expired.get_data(as_text=True)
    app.config["NEWSLETTER_CONFIRM_MAX_AGE"] = 3600
    # a token of another purpose (salt) does not confirm
    assert client.post(f"/en/newsletter/confirm/{manage}").status_code == 404
    assert client.post(f"/en/newsletter/confirm/{token[:-2]}xx").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(NewsletterSubscriber.state)) == "pending"
    assert client.post(f"/en/newsletter/confirm/{token}").status_code == 303


# -- the instant mail -----------------------------------------------------------------------


def test_first_publication_mails_that_languages_subscribers_once(app, smtp):
    with app.app_context():
        add_subscriber("sq@example.com", "sq")
        add_subscriber("mk@example.com", "mk", ui="mk")
        add_subscriber("daily@example.com", "sq", frequency="daily")
        add_subscriber("pending@example.com", "sq", state="pending")
        article, source = publish_source(
            "mk", "Нов мост во Тетово", "Општината го отвора мостот.")
        article_id, source_id = article.id, source.id
        db.session.commit()
        assert smtp.recipients() == ["mk@example.com"]
        article = db.session.get(Article, article_id)
        publish_translation(article, "sq", "Urë e re në Tetovë", "Komuna hap urën.")
        db.session.commit()
    assert smtp.recipients() == ["mk@example.com", "sq@example.com"]
    message = parsed(smtp.envelopes[1])
    assert message["Subject"] == "Urë e re në Tetovë"
    unsubscribe = message["List-Unsubscribe"]
    assert re.fullmatch(r"<https://news\.example/sq/newsletter/unsubscribe/[\w.\-]+>", unsubscribe)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = body(message), body(message, "html")
    assert "Komuna hap urën." in text and "Komuna hap urën." in html
    assert "https://news.example/sq/a/ure-e-re-ne-tetove" in text
    # the other language the article exists in, and the way to change preferences
    assert "Македонски: https://news.example/mk/a/" in text
    assert "/sq/newsletter/preferences/" in text and "/sq/newsletter/preferences/" in html
    assert "Lexoni artikullin" in html

    with app.app_context():
        version = db.session.get(ArticleTranslation, source_id)
        # unpublish and publish again, and publish changes: never a second mail
        workflow.transition(version, "unpublish", user=SYSTEM)
        db.session.commit()
        workflow.transition(version, "publish", user=SYSTEM)
        db.session.commit()
        # the system's save of a published version waits as pending changes: "publish changes"
        articles.save_translation(version.article, "mk", {
            "headline": "Нов мост во Тетово", "lede": "Променет вовед.", "body": "Текст."},
            user=SYSTEM)
        db.session.commit()
        assert version.has_pending_changes
        workflow.transition(version, "publish", user=SYSTEM)
        db.session.commit()
        assert version.live_lede == "Променет вовед."
        assert db.session.scalar(select(func.count(NewsletterMailing.id))) == 2
    assert smtp.recipients() == ["mk@example.com", "sq@example.com"]


def test_the_daily_digest_goes_once_a_day_to_daily_readers(app, smtp):
    yesterday = utcnow() - timedelta(days=1)
    with app.app_context():
        add_subscriber("instant@example.com", "en")
        add_subscriber("daily@example.com", "en,sq", frequency="daily")
        publish_source("en", "Bridge opens", "The town opens a bridge.", at=yesterday)
        publish_source("en", "Park grows", "A new park.", at=yesterday)
        publish_source("en", "Too old", "Last week.", at=yesterday - timedelta(days=6))
        db.session.commit()
        assert smtp.recipients() == ["instant@example.com"] * 3
        smtp.envelopes.clear()
        made = sending.plan_digests(utcnow().date())
        db.session.commit()
        assert [m.locale for m in made] == ["en"]
    assert smtp.recipients() == ["daily@example.com"]
    message = parsed(smtp.envelopes[0])
    text = body(message)
    assert "Bridge opens" in text and "Park grows" in text and "Too old" not in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with app.app_context():
        # the periodic task itself runs again the same day: nothing more
        tasks.send_daily_digests.call_local()
        assert db.session.scalar(select(func.count(NewsletterMailing.id)).where(
            NewsletterMailing.kind == "digest")) == 1
    assert len(smtp.envelopes) == 1


# -- unsubscribing --------------------------------------------------------------------------


def test_one_click_unsubscribe_works_without_cookie_or_token(tmp_path, migrated_template):
    with fresh_app(tmp_path, migrated_template, WTF_CSRF_ENABLED=True) as app, \
            smtp_server() as (port, catcher):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        with app.app_context():
            add_subscriber("leaving@example.com", "sq")
            publish_source()
            db.session.commit()
        message = parsed(catcher.envelopes[0])
        url = message["List-Unsubscribe"].strip("<>").removeprefix("https://news.example")
        stranger = app.test_client()
        # opening the link in a browser only asks
        assert stranger.get(url).status_code == 200
        with app.app_context():
            assert db.session.scalar(select(func.count(NewsletterSubscriber.id))) == 1
        response = stranger.post(url, data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers or "session" not in response.headers["Set-Cookie"]
        with app.app_context():
            assert db.session.scalar(select(func.count(NewsletterSubscriber.id))) == 0
            delivery = db.session.scalar(select(NewsletterDelivery))
            # the record says a mail went out, but keeps no address
            assert delivery.subscriber_id is None and delivery.state == "sent"
            assert "leaving" not in json.dumps(
                [delivery.recipient_hash, delivery.error or ""])
            # twice is fine
            assert stranger.post(url).status_code == 200
            publish_source(headline="Lajm tjetër")
            db.session.commit()
        assert len(catcher.envelopes) == 1


def test_the_preferences_page_changes_languages_and_frequency(app, client):
    with app.app_context():
        subscriber = add_subscriber("prefs@example.com", "sq")
        db.session.commit()
        with app.test_request_context():
            token = service.manage_token(subscriber)
    page = client.get(f"/sq/newsletter/preferences/{token}")
    assert page.status_code == 200 and "prefs@example.com" in page.get_data(as_text=True)
    saved = client.post(f"/sq/newsletter/preferences/{token}",
                        data={"languages": ["mk", "en"], "frequency": "daily"})
    assert saved.status_code == 303
    with app.app_context():
        row = db.session.scalar(select(NewsletterSubscriber))
        assert (row.languages, row.frequency) == ("mk,en", "daily")
    refused = client.post(f"/sq/newsletter/preferences/{token}", data={"frequency": "daily"})
    assert refused.status_code == 422
    assert client.get("/sq/newsletter/preferences/forged").status_code == 404


# -- SMTP trouble ---------------------------------------------------------------------------


def test_a_retry_after_smtp_fails_halfway_sends_to_everyone_exactly_once(app):
    addresses = [f"r{n}@example.com" for n in range(5)]
    with custom_smtp(app, FlakyCatcher(accept=2)) as catcher, app.app_context():
        for address in addresses:
            add_subscriber(address, "sq")
        publish_source()
        db.session.commit()
        assert catcher.recipients() == addresses[:2]
        states = dict(db.session.execute(
            select(NewsletterDelivery.state, func.count()).group_by(NewsletterDelivery.state)
        ).all())
        assert states == {"sent": 2, "pending": 3}
        errors = db.session.scalars(select(NewsletterDelivery.error)
                                    .where(NewsletterDelivery.state == "pending")).all()
        assert all("451" in e for e in errors)
        # a reader who confirms meanwhile is not sent yesterday's article by the retry
        add_subscriber("late@example.com", "sq")
        db.session.commit()
        # the server recovers; the periodic retry runs, then a doubled job runs again
        catcher.accept = 100
        sending.requeue_unfinished()
        db.session.commit()
        mailing_id = db.session.scalar(select(NewsletterMailing.id))
        sending.send_batch(mailing_id)
        assert sorted(catcher.recipients()) == addresses
        assert db.session.scalar(select(NewsletterMailing.finished_at)) is not None
        sent = db.session.scalar(select(func.count()).where(NewsletterDelivery.state == "sent"))
        assert sent == 5


def test_an_address_smtp_refuses_is_marked_bounced(app):
    with custom_smtp(app, FlakyCatcher(accept=100, refuse=("gone@example.com",))) as catcher, \
            app.app_context():
        add_subscriber("gone@example.com", "sq")
        add_subscriber("here@example.com", "sq")
        publish_source()
        db.session.commit()
        assert catcher.recipients() == ["here@example.com"]
        gone = db.session.scalar(select(NewsletterSubscriber)
                                 .where(NewsletterSubscriber.email == "gone@example.com"))
        assert gone.state == "bounced" and gone.bounced_at is not None
        delivery = db.session.scalar(select(NewsletterDelivery)
                                     .where(NewsletterDelivery.subscriber_id == gone.id))
        assert delivery.state == "bounced" and "550" in delivery.error
        publish_source(headline="Edhe një lajm")
        db.session.commit()
        assert catcher.recipients() == ["here@example.com", "here@example.com"]


def test_a_server_that_is_down_pauses_the_list_and_tells_the_editors(app, staff, client, auth):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    addresses = [f"p{n:02}@example.com" for n in range(12)]
    with app.app_context():
        for address in addresses:
            add_subscriber(address, "sq")
        publish_source()
        db.session.commit()
        state = sending.current_state()
        assert state.paused_at is not None and state.failures_in_a_row == 10
        assert "ConnectionRefusedError" in state.last_error
        notes = db.session.scalars(select(Notification).where(
            Notification.kind == "newsletter_paused")).all()
        editors = {db.session.get(User, n.user_id).role for n in notes}
        assert editors == {"admin", "editor"}
        assert db.session.scalar(select(func.count()).where(
            NewsletterDelivery.state == "pending")) == 12
        # paused: the retry task sends nothing
        assert sending.send_batch(db.session.scalar(select(NewsletterMailing.id)))["paused"]
    with smtp_server() as (port, catcher):
        app.config.update(MAIL_PORT=port)
        auth.login(staff["editor"])
        page = client.get("/newsroom/newsletter").get_data(as_text=True)
        assert "Rifillo dërgimin" in page  # the editor reads the newsroom in Albanian
        assert client.post("/newsroom/newsletter/resume").status_code == 302
        assert sorted(catcher.recipients()) == addresses
    with app.app_context():
        assert sending.current_state().paused_at is None


# -- the newsroom ---------------------------------------------------------------------------


def test_editors_see_counts_and_the_log_and_export_and_delete_a_subscriber(app, staff, client, auth):
    with app.app_context():
        keep = add_subscriber("keep@example.com", "sq,mk")
        add_subscriber("waiting@example.com", "mk", state="pending")
        publish_source()
        db.session.commit()
        keep_id = keep.id
    auth.login(staff["editor"])
    page = client.get("/newsroom/newsletter").get_data(as_text=True)
    assert re.search(r"Shqip</td><td>1</td><td>0</td>", page)
    assert re.search(r"Македонски</td><td>1</td><td>1</td>", page)
    found = client.get("/newsroom/newsletter?email=KEEP@example.com").get_data(as_text=True)
    assert "keep@example.com" in found
    data = client.get(f"/newsroom/newsletter/subscribers/{keep_id}/export.json").get_json()
    assert data["email"] == "keep@example.com" and data["languages"] == ["sq", "mk"]
    assert data["deliveries"][0]["state"] == "sent"
    table = client.get(f"/newsroom/newsletter/subscribers/{keep_id}/export.csv")
    assert table.mimetype == "text/csv" and "keep@example.com" in table.get_data(as_text=True)
    assert client.post(f"/newsroom/newsletter/subscribers/{keep_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(NewsletterSubscriber, keep_id) is None
        assert db.session.scalar(select(NewsletterDelivery.subscriber_id)) is None
    assert "keep@example.com" not in client.get("/newsroom/newsletter").get_data(as_text=True)


def test_editors_read_the_outbox_folder_as_plain_text_but_not_staff_mail(app, staff, client, auth):
    with app.app_context():
        add_subscriber("reader@example.com", "sq")
        publish_source(headline="<script>alert(1)</script> Lajm")
        db.session.commit()
    # a password reset for the admin lands in the same folder
    client.post("/newsroom/password/forgot", data={"email": staff["admin"]})
    auth.login(staff["translator"])
    assert client.get("/newsroom/newsletter/outbox").status_code == 403
    auth.logout()
    auth.login(staff["editor"])
    listing = client.get("/newsroom/newsletter/outbox").get_data(as_text=True)
    names = re.findall(r"/newsroom/newsletter/outbox/([0-9a-f]{32}\.eml)", listing)
    assert len(names) == 1 and staff["admin"] not in listing
    shown = client.get(f"/newsroom/newsletter/outbox/{names[0]}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Lajm" in shown
    assert "<script>alert(1)" not in shown
    assert "List-Unsubscribe" in shown
    assert client.get("/newsroom/newsletter/outbox/..%2Fsecret_key").status_code == 404
    assert client.get("/newsroom/newsletter/outbox/" + "0" * 32 + ".eml").status_code == 404
    files = sorted(p.name for p in (tmp_outbox(app)).iterdir())
    hidden = next(name for name in files if name != names[0])
    assert client.get(f"/newsroom/newsletter/outbox/{hidden}").status_code == 404
    auth.logout()
    auth.login(staff["admin"])
    listing = client.get("/newsroom/newsletter/outbox").get_data(as_text=True)
    assert len(re.findall(r"/newsroom/newsletter/outbox/[0-9a-f]{32}\.eml", listing)) == 2


def tmp_outbox(app):
    return Path(app.instance_path) / "outbox"


def test_the_instant_mail_shows_the_lead_image_on_the_site_address(demo_app):
    with demo_app.app_context():
        version = next(
            t for a in db.session.scalars(select(Article)) if a.lead_image is not None
            for t in a.translations if t.is_published
        )
        story = sending._story(version)
        image = version.article.lead_image
        assert story["image"]["src"] == (
            f"https://news.example/media/{image.stem}-{image.widths[0]}.{image.extension}")
        assert story["image"]["alt"] == version.live_image_alt
        assert story["url"] == f"https://news.example/{version.locale}/a/{version.slug}"
    response = demo_app.test_client().get(story["image"]["src"].removeprefix("https://news.example"))
    response.close()
    assert response.status_code == 200
