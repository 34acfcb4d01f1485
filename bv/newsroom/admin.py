"""Administration: users and site settings (admins), categories and tags (editors)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from bv.accounts.models import User
from bv.accounts.permissions import can
from bv.accounts.service import (
    AccountError,
    EmailTaken,
    InvalidEmail,
    InvalidLanguages,
    LastAdmin,
    create_user,
    update_user,
)
from bv.articles.categories import CategoryClash, save_category
from bv.articles.models import Category, Tag, article_tags
from bv.articles.tags import NAME_MAX as TAG_NAME_MAX
from bv.articles.tags import InvalidTagName, TagClash, save_tag
from bv.audit.service import record
from bv.errors import bounded_int
from bv.extensions import db
from bv.i18n import LOCALES
from bv.newsroom import bp, require
from bv.newsroom.auth import recent_password_required, renew_login
from bv.newsroom.forms import (
    CategoryForm,
    SettingsForm,
    TagForm,
    UserForm,
    settings_locale_form,
)
from bv.settings import set_about, set_setting, settings_for

LOCALIZED_SETTINGS = ("address", "outlet_note", "tagline", "newsletter_text")
TAGS_PER_PAGE = 100


@bp.get("/users")
@require("manage_users")
def users():
    """Every staff account."""
    rows = db.session.scalars(select(User).order_by(User.role, User.email))
    return render_template("newsroom/users.html", users=list(rows))


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require("manage_users")
@recent_password_required
def user(user_id: int | None = None):
    """Create or edit an account; the rules are the CLI's (bv.accounts.service)."""
    account = db.session.get(User, user_id) if user_id else None
    if user_id and account is None:
        abort(404)
    # on POST only the submitted fields count: an unticked box must not fall back to the object
    form = UserForm(obj=account if request.method == "GET" else None)
    if request.method == "GET" and account is not None:
        form.languages.data = account.language_list
    if form.validate_on_submit():
        if account is None and not form.password.data:
            form.password.errors.append(_("Set a password for the new account."))
        else:
            saved = _save_account(form, account)
            if saved is not None:
                flash(_("The account was saved."), "success")
                # an admin who just gave up the role has no users screen to return to
                if not can(current_user, "manage_users"):
                    return redirect(url_for("newsroom.home"))
                return redirect(url_for("newsroom.users"))
    status = 422 if request.method == "POST" else 200
    return render_template("newsroom/user.html", form=form, account=account), status


def _save_account(form: UserForm, account: User | None) -> User | None:
    """Create or change the account from the form and commit; None, with form errors, if refused."""
    me = current_user._get_current_object()
    try:
        if account is None:
            account = create_user(
                form.email.data,
                form.password.data,
                role=form.role.data,
                display_name=form.display_name.data,
                languages=form.languages.data or [],
            )
        else:
            update_user(
                account,
                email=form.email.data,
                display_name=form.display_name.data,
                role=form.role.data,
                languages=form.languages.data or [],
                active=bool(form.active.data),
                password=form.password.data or None,
                by=me,
            )
        db.session.flush()
        record("user.saved", user=me, detail={"account": account.id, "role": account.role})
        if account.id == me.id and form.password.data:
            # a new password signs out other sessions, not the admin who set it
            renew_login(account)
        db.session.commit()
    except AccountError as error:
        db.session.rollback()
        field, message = _account_error(form, error)
        field.errors.append(message)
        return None
    return account


def _account_error(form: UserForm, error: AccountError):
    """The form field an account error belongs to, and its message in the newsroom language."""
    if isinstance(error, EmailTaken):
        return form.email, _("Another account already uses this e-mail address.")
    if isinstance(error, InvalidEmail):
        return form.email, _("Enter a valid e-mail address.")
    if isinstance(error, InvalidLanguages):
        return form.languages, _("Only translators have languages to translate into.")
    if isinstance(error, LastAdmin):
        return form.role, _("At least one active administrator must remain.")
    return form.email, _("This account could not be saved.")


@bp.route("/settings", methods=["GET", "POST"])
@require("manage_settings")
@recent_password_required
def settings():
    """The outlet's details, translated per language."""
    shared = settings_for("")
    form = SettingsForm(data={
        "phone": shared.get("phone", ""),
        "email": shared.get("email", ""),
        "show_outdated_notice": shared.get("show_outdated_notice", "1") == "1",
        "auto_machine_drafts": shared.get("auto_machine_drafts") == "1",
    } if request.method == "GET" else None)
    per_locale = {}
    for code in LOCALES:
        locale_form = settings_locale_form(code)
        if request.method == "GET":
            values = settings_for(code)
            for key in LOCALIZED_SETTINGS:
                getattr(locale_form, key).data = values.get(key, "") if key in values else ""
            locale_form.about.data = values.get("about_markdown", "")
        per_locale[code] = locale_form
    if request.method == "POST":
        valid = form.validate_on_submit() and all(f.validate() for f in per_locale.values())
        if valid:
            set_setting("phone", (form.phone.data or "").strip())
            set_setting("email", (form.email.data or "").strip())
            set_setting("show_outdated_notice", "1" if form.show_outdated_notice.data else "0")
            set_setting("auto_machine_drafts", "1" if form.auto_machine_drafts.data else "0")
            for code, locale_form in per_locale.items():
                for key in LOCALIZED_SETTINGS:
                    set_setting(key, (getattr(locale_form, key).data or "").strip(), code)
                set_about(locale_form.about.data or "", code)
            record("settings.saved", user=current_user)
            db.session.commit()
            flash(_("Settings saved."), "success")
            return redirect(url_for("newsroom.settings"))
    status = 422 if request.method == "POST" else 200
    return render_template("newsroom/settings.html", form=form, per_locale=per_locale), status


@bp.get("/categories")
@require("manage_categories")
def categories():
    """Sections of the site with their names in each language."""
    rows = db.session.scalars(select(Category).order_by(Category.position, Category.id))
    return render_template("newsroom/categories.html", categories=list(rows))


@bp.route("/categories/new", methods=["GET", "POST"])
@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@require("manage_categories")
def category(category_id: int | None = None):
    """Create or rename a section."""
    item = db.session.get(Category, category_id) if category_id else None
    if category_id and item is None:
        abort(404)
    form = CategoryForm()
    if request.method == "GET" and item is not None:
        form.key.data = item.key
        form.show_names({name.locale: name.name for name in item.names})
    if form.validate_on_submit():
        try:
            save_category(item, key=form.key.data, names=form.names(), user=current_user)
        except CategoryClash as clash:
            if clash.locale is None:
                form.key.errors.append(_("Another section already uses this key."))
            else:
                getattr(form, f"name_{clash.locale}").errors.append(
                    _("Another section already has this name.")
                )
        else:
            db.session.commit()
            flash(_("The section was saved."), "success")
            return redirect(url_for("newsroom.categories"))
    status = 422 if request.method == "POST" else 200
    return render_template("newsroom/category.html", form=form, item=item), status


@bp.get("/tags")
@require("manage_categories")
def tags():
    """Tags with their names in each language and how many articles carry each, a page at a time."""
    pagination = db.paginate(
        select(Tag).order_by(Tag.key),
        page=request.args.get("page", 1, type=bounded_int),
        per_page=TAGS_PER_PAGE,
        error_out=False,
    )
    ids = [tag.id for tag in pagination.items]
    counts = dict(db.session.execute(
        select(article_tags.c.tag_id, func.count(article_tags.c.article_id))
        .where(article_tags.c.tag_id.in_(ids))
        .group_by(article_tags.c.tag_id)
    ).all()) if ids else {}
    return render_template(
        "newsroom/tags.html", tags=pagination.items, pagination=pagination, counts=counts
    )


@bp.route("/tags/<int:tag_id>", methods=["GET", "POST"])
@require("manage_categories")
def tag(tag_id: int):
    """Name or rename a tag in each language; its old addresses redirect to the new ones."""
    item = db.session.get(Tag, tag_id)
    if item is None:
        abort(404)
    form = TagForm()
    if request.method == "GET":
        form.show_names(item.names or {})
    if form.validate_on_submit():
        try:
            save_tag(item, names=form.names(), user=current_user)
        except TagClash as clash:
            getattr(form, f"name_{clash.locale}").errors.append(
                _("Another tag already has this name.")
            )
        except InvalidTagName as invalid:
            getattr(form, f"name_{invalid.locale}").errors.append(
                _("Enter a name on one line, of at most %(count)s characters.",
                  count=TAG_NAME_MAX)
            )
        else:
            db.session.commit()
            flash(_("The tag was saved."), "success")
            return redirect(url_for("newsroom.tags"))
    status = 422 if request.method == "POST" else 200
    return render_template("newsroom/tag.html", form=form, item=item), status
