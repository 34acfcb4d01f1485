"""Signing in and out, sessions, password change and reset, re-authentication, newsroom language."""

from __future__ import annotations

from functools import wraps

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from bv.accounts import reset, sessions
from bv.accounts.models import StaffSession
from bv.accounts.service import authenticate, normalize_email, set_password
from bv.audit.service import record
from bv.extensions import db, limiter
from bv.i18n import FORMAT_LOCALES
from bv.navigation import safe_next
from bv.newsroom import bp
from bv.newsroom.forms import (
    REQUIRED,
    AccountForm,
    LoginForm,
    NewPasswordForm,
    PasswordChangeForm,
)
from bv.notifications.mail import queue_email

FAILED_LOGINS = "5 per 15 minutes"
LOGINS_PER_ADDRESS = "30 per hour"
FAILED_CONFIRMATIONS = "5 per 15 minutes"
RESETS_PER_EMAIL = "3 per hour"
RESETS_PER_ADDRESS = "10 per hour"


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED), Length(max=200)])


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED), Length(max=254)])


def _login_key() -> str:
    # keyed by the e-mail typed, known or not, so the limit reveals nothing
    return "login:" + normalize_email(request.form.get("email", ""))[:254]


def _reset_key() -> str:
    return "reset:" + normalize_email(request.form.get("email", ""))[:254]


def _confirm_key() -> str:
    return f"confirm:{getattr(current_user, 'id', None)}"


def _failed(response) -> bool:
    return response.status_code == 401


def sign_in(user, *, remember: bool) -> None:
    """Open a server-side session for this browser and put its id in the cookies (caller commits)."""
    sessions.start(
        user, ip=request.remote_addr, user_agent=request.user_agent.string, remember=remember
    )
    # the remember-me cookie lasts REMEMBER_COOKIE_DURATION, set to the session lifetime
    login_user(user, remember=remember, fresh=True)


def renew_login(user) -> None:
    """Sign this browser in again after every session of the user ended (caller commits)."""
    cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    sign_in(user, remember=cookie in request.cookies)


def recent_password_required(view):
    """For admin actions: ask for the password again when it was typed too long ago."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if sessions.needs_reauth(getattr(current_user, "staff_session", None)):
            if request.method == "POST":
                flash(_("Confirm your password, then make the change again."), "info")
            return redirect(url_for("newsroom.confirm_password", next=request.path))
        return view(*args, **kwargs)

    return wrapped


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(FAILED_LOGINS, key_func=_login_key, methods=["POST"], deduct_when=_failed)
@limiter.limit(LOGINS_PER_ADDRESS, methods=["POST"], deduct_when=_failed)
def login():
    """Sign in; the same message whether the account exists or not."""
    if current_user.is_authenticated:
        return redirect(url_for("newsroom.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            sign_in(user, remember=bool(form.remember.data))
            record("user.login", user=user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), url_for("newsroom.home"), under="/newsroom/"))
        g.login_failed = True
        flash(_("The e-mail or password is not correct."), "error")
        return render_template("newsroom/login.html", form=form), 401
    status = 422 if request.method == "POST" else 200
    return render_template("newsroom/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    """Sign out (a POST, so it is covered by CSRF): the session ends on the server too."""
    sessions.end(current_user.staff_session)
    record("user.logout", user=current_user)
    db.session.commit()
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("newsroom.login"))


def _account_page(form, password_form, status: int = 200):
    this_session = current_user.staff_session
    # this browser first, then the others by when they were last used
    open_sessions = sorted(sessions.live_sessions(current_user), key=lambda s: s is not this_session)
    return (
        render_template(
            "newsroom/account.html",
            form=form,
            password_form=password_form,
            staff_sessions=open_sessions,
            this_session=this_session,
        ),
        status,
    )


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """The newsroom language, the password form and the open sessions."""
    form = AccountForm(prefix="account", obj=current_user)
    password_form = PasswordChangeForm(prefix="password")
    if form.validate_on_submit():
        current_user.ui_locale = form.ui_locale.data
        db.session.commit()
        flash(_("Your preferences were saved."), "success")
        return redirect(url_for("newsroom.account"))
    return _account_page(form, password_form)


@bp.post("/account/password")
@login_required
def change_password():
    """Change the password after checking the current one."""
    form = AccountForm(prefix="account", obj=current_user)
    password_form = PasswordChangeForm(prefix="password")
    if password_form.validate_on_submit():
        if authenticate(current_user.email, password_form.current.data) is None:
            password_form.current.errors.append(_("The current password is not correct."))
        else:
            user = current_user._get_current_object()
            # every session ends, this one too; this browser then signs in afresh
            set_password(user, password_form.new.data)
            record("user.password_changed", user=user)
            renew_login(user)
            db.session.commit()
            flash(_("Your password was changed."), "success")
            return redirect(url_for("newsroom.account"))
    return _account_page(form, password_form, 422)


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    """Sign out one of the user's other browsers."""
    other = db.session.get(StaffSession, session_id)
    if other is None or other.user_id != current_user.id or other is current_user.staff_session:
        abort(404)
    sessions.end(other)
    record("user.session_ended", user=current_user, detail={"session": other.id})
    db.session.commit()
    flash(_("The session was ended."), "success")
    return redirect(url_for("newsroom.account"))


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    """Sign out every browser of the user except this one."""
    ended = sessions.end_all(current_user, keep=current_user.staff_session)
    record("user.sessions_ended", user=current_user, detail={"count": ended})
    db.session.commit()
    flash(
        ngettext("%(num)d other session was ended.", "%(num)d other sessions were ended.", ended),
        "success",
    )
    return redirect(url_for("newsroom.account"))


@bp.route("/confirm-password", methods=["GET", "POST"])
@login_required
@limiter.limit(FAILED_CONFIRMATIONS, key_func=_confirm_key, methods=["POST"], deduct_when=_failed)
def confirm_password():
    """Type the password again before an admin action; then back to that action."""
    form = ConfirmPasswordForm()
    target = safe_next(request.args.get("next"), url_for("newsroom.home"), under="/newsroom/")
    if form.validate_on_submit():
        if authenticate(current_user.email, form.password.data) is not None:
            sessions.confirm(current_user.staff_session)
            record("user.reauthenticated", user=current_user)
            db.session.commit()
            return redirect(target)
        form.password.errors.append(_("The password is not correct."))
        return render_template("newsroom/confirm_password.html", form=form), 401
    status = 422 if request.method == "POST" else 200
    return render_template("newsroom/confirm_password.html", form=form), status


def _queue_reset_mail(user) -> None:
    """Write the reset mail in the user's newsroom language into the outbox of this request's
    transaction; it goes out once the request commits, or later if the queue is away."""
    link = current_app.config["SITE_URL"].rstrip("/") + url_for(
        "newsroom.reset_password", token=reset.make_token(user)
    )
    with force_locale(FORMAT_LOCALES.get(user.ui_locale, "sq_MK")):
        subject = _("Choose a new password for the newsroom")
        body = render_template(
            "email/password_reset.txt",
            user=user,
            link=link,
            minutes=int(reset.max_age_minutes()),
        )
    queue_email(user.email, subject, body, kind="password_reset")


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(RESETS_PER_EMAIL, key_func=_reset_key, methods=["POST"])
@limiter.limit(RESETS_PER_ADDRESS, methods=["POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same whether the address has an account or not."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = reset.account_for(form.email.data)
        if user is not None:
            _queue_reset_mail(user)
            record("user.password_reset_requested", user=user)
        db.session.commit()
        flash(
            _(
                "If an account uses this address, we have sent it a link to choose a new "
                "password. Check your e-mail."
            ),
            "info",
        )
        return redirect(url_for("newsroom.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("newsroom/forgot_password.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password with a link from the reset e-mail; it works once."""
    user = reset.user_for_token(token)
    if user is None:
        return render_template("newsroom/reset_password.html", form=None), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        # every session of the user ends, and the link stops working with the old password
        set_password(user, form.new.data)
        record("user.password_reset", user=user)
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        flash(_("Your password was changed. Sign in with the new password."), "success")
        return redirect(url_for("newsroom.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("newsroom/reset_password.html", form=form), status
