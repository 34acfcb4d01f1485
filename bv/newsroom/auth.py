"""Signing in and out, password change, the newsroom language."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from bv.accounts.service import authenticate, normalize_email, set_password
from bv.audit.service import record
from bv.extensions import db, limiter
from bv.navigation import safe_next
from bv.newsroom import bp
from bv.newsroom.forms import AccountForm, LoginForm, PasswordChangeForm

FAILED_LOGINS = "5 per 15 minutes"
LOGINS_PER_ADDRESS = "30 per hour"


def _login_key() -> str:
    # keyed by the e-mail typed, known or not, so the limit reveals nothing
    return "login:" + normalize_email(request.form.get("email", ""))[:254]


def _failed(response) -> bool:
    return response.status_code == 401


def renew_login(user) -> None:
    """Sign this browser in again with the user's new token; its remember-me cookie too."""
    cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    login_user(user, remember=cookie in request.cookies, fresh=True)


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
            login_user(user, remember=form.remember.data)
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
    """Sign out (a POST, so it is covered by CSRF)."""
    record("user.logout", user=current_user)
    db.session.commit()
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("newsroom.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """The newsroom language and the password form."""
    form = AccountForm(prefix="account", obj=current_user)
    password_form = PasswordChangeForm(prefix="password")
    if form.validate_on_submit():
        current_user.ui_locale = form.ui_locale.data
        db.session.commit()
        flash(_("Your preferences were saved."), "success")
        return redirect(url_for("newsroom.account"))
    return render_template("newsroom/account.html", form=form, password_form=password_form)


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
            # a new token signs out every other session; this one signs in again with it
            set_password(user, password_form.new.data)
            record("user.password_changed", user=user)
            db.session.commit()
            renew_login(user)
            flash(_("Your password was changed."), "success")
            return redirect(url_for("newsroom.account"))
    return (
        render_template("newsroom/account.html", form=form, password_form=password_form),
        422,
    )
