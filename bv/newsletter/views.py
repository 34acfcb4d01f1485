"""The reader's side of the newsletter: sign up, confirm, preferences, one-click unsubscribe."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from bv.extensions import csrf, db, limiter
from bv.newsletter import service
from bv.newsletter.forms import FREQUENCY_LABELS, PreferencesForm, SignupForm
from bv.settings import settings_for
from bv.site import queries
from bv.site.urls import fill_lang_code, pop_lang_code

bp = Blueprint("newsletter", __name__, url_prefix="/<lang:lang_code>/newsletter")
bp.url_defaults(fill_lang_code)
bp.url_value_preprocessor(pop_lang_code)

# per network address: a household or an office can still sign up several readers
SIGNUPS_PER_ADDRESS = "10/hour"
# per e-mail address typed, known or not: nobody's inbox is flooded with confirmations
SIGNUPS_PER_EMAIL = "3/hour"


def _email_key() -> str:
    return "newsletter:" + service.normalized(request.form.get("email", ""))[:254]


@bp.before_request
def load_page_context():
    """Menu and footer, as on every public page."""
    g.categories = queries.categories()
    g.settings = settings_for(g.lang_code)


@bp.after_request
def private(response):
    """These pages are about one reader: never cached, never indexed."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _origins() -> set[str]:
    ours = {urlsplit(current_app.config["SITE_URL"]), urlsplit(request.host_url)}
    return {f"{u.scheme}://{u.netloc}".lower() for u in ours}


def require_same_origin() -> None:
    """Refuse a sign-up posted from another site.

    The footer form sits on public pages that proxies cache for every reader, so it cannot
    carry a per-session CSRF token; the browser's Origin header (or, failing that, the
    Referer) is the check instead, as OWASP recommends for such forms.
    """
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        referer = urlsplit(request.headers.get("Referer", ""))
        origin = f"{referer.scheme}://{referer.netloc}" if referer.netloc else ""
    if origin.lower() not in _origins():
        raise CSRFError(_("This form was sent from another site. Please sign up again here."))


@bp.get("/")
def signup():
    """The sign-up form on a page of its own (the footer posts here too)."""
    form = SignupForm(languages=[g.lang_code])
    return render_template("newsletter/signup.html", form=form, switch_target={}, noindex=True)


@bp.post("/")
@csrf.exempt
@limiter.limit(SIGNUPS_PER_ADDRESS, methods=["POST"])
@limiter.limit(SIGNUPS_PER_EMAIL, key_func=_email_key, methods=["POST"])
def subscribe():
    """Send a confirmation mail; the answer is the same for a new and a known address."""
    require_same_origin()
    form = SignupForm()
    if not form.validate():
        return render_template(
            "newsletter/signup.html", form=form, switch_target={}, noindex=True
        ), 422
    service.subscribe(form.email.data, form.languages.data or [g.lang_code],
                      ui_locale=g.lang_code)
    db.session.commit()
    return redirect(url_for("newsletter.check_inbox"), code=303)


@bp.get("/check-your-inbox")
def check_inbox():
    """The one answer to every sign-up."""
    return render_template("newsletter/check.html", switch_target={}, noindex=True)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """GET shows a button (mail scanners open links); POST confirms."""
    subscriber, problem = service.subscriber_for_confirmation(token)
    if subscriber is None:
        return render_template(
            "newsletter/confirm.html", problem=problem, switch_target={}, noindex=True
        ), 404
    if request.method == "POST":
        service.confirm(subscriber)
        db.session.commit()
        return redirect(url_for("newsletter.preferences", token=service.manage_token(subscriber),
                                welcome=1), code=303)
    return render_template(
        "newsletter/confirm.html", problem="", token=token, subscriber=subscriber,
        switch_target={}, noindex=True,
    )


@bp.route("/preferences/<token>", methods=["GET", "POST"])
def preferences(token: str):
    """Change languages and frequency, or leave."""
    subscriber = service.subscriber_for_management(token)
    if subscriber is None:
        return render_template("newsletter/gone.html", switch_target={}, noindex=True), 404
    form = PreferencesForm(
        languages=subscriber.language_list, frequency=subscriber.frequency,
    )
    if form.validate_on_submit():
        service.update_preferences(subscriber, form.languages.data, form.frequency.data)
        db.session.commit()
        return redirect(url_for("newsletter.preferences", token=token, saved=1), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "newsletter/preferences.html", form=form, token=token, subscriber=subscriber,
        saved=request.args.get("saved") == "1", welcome=request.args.get("welcome") == "1",
        frequency_labels=FREQUENCY_LABELS, switch_target={}, noindex=True,
    ), status


@bp.get("/unsubscribe/<token>")
def unsubscribe_page(token: str):
    """A link opened in a browser asks first: a GET never changes anything."""
    subscriber = service.subscriber_for_management(token)
    return render_template(
        "newsletter/unsubscribe.html", token=token, subscriber=subscriber, done=False,
        switch_target={}, noindex=True,
    )


@bp.post("/unsubscribe/<token>")
@csrf.exempt
def unsubscribe(token: str):
    """RFC 8058 one-click: no cookie, no CSRF token; the signed link is the proof.

    Answers 200 directly (no redirect), also when the address is already gone.
    """
    subscriber = service.subscriber_for_management(token)
    if subscriber is not None:
        service.unsubscribe(subscriber)
        db.session.commit()
    return render_template(
        "newsletter/unsubscribe.html", token=token, subscriber=None, done=True,
        switch_target={}, noindex=True,
    )
