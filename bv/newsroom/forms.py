"""Newsroom forms; every label and message is translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from bv.accounts.models import ROLES
from bv.articles.fields import max_length
from bv.articles.tags import NAME_MAX as TAG_NAME_MAX
from bv.i18n import LANGUAGE_NAMES, LOCALES, NATIVE_NAMES
from bv.text import has_line_break
from bv.translation.glossary import TERM_MAX

# the article fields' limits are declared once, in bv.articles.fields
HEADLINE_MAX = max_length("headline")
LEDE_MAX = max_length("lede")
BODY_MAX = max_length("body")
CAPTION_MAX = max_length("image_caption")
ALT_MAX = max_length("image_alt")
PASSWORD_MIN = 10

TOO_LONG = _l("This field can hold at most %(max)d characters.")
REQUIRED = _l("This field is required.")
ONE_LINE = _l("This field must fit on one line: remove the line breaks.")


def single_line(form, field):
    """Refuse line breaks in a one-line field (a browser's text box cannot send them)."""
    if has_line_break(field.data):
        raise ValidationError(ONE_LINE)


def locale_choices():
    return [SelectChoice(code, NATIVE_NAMES[code]) for code in LOCALES]


ROLE_LABELS = {
    "admin": _l("Administrator"),
    "editor": _l("Editor"),
    "translator": _l("Translator"),
    "author": _l("Author"),
}


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in"))


class AccountForm(FlaskForm):
    ui_locale = SelectField(_l("Newsroom language"), choices=locale_choices)


class NewPasswordForm(FlaskForm):
    """A new password typed twice (reset links, and the base of a password change)."""

    new = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(REQUIRED),
            Length(min=PASSWORD_MIN, max=200, message=_l("Use at least %(min)d characters.")),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[EqualTo("new", message=_l("The two passwords do not match."))],
    )


class PasswordChangeForm(NewPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED)])


class PictureForm(FlaskForm):
    """A picture uploaded from the body editor on its own (the "Insert picture" button)."""

    picture = FileField(_l("Picture in the text"))
    picture_alt = StringField(
        _l("Picture description (alt text)"),
        validators=[Length(max=ALT_MAX, message=TOO_LONG), single_line],
    )
    picture_caption = StringField(
        _l("Picture caption"), validators=[Length(max=CAPTION_MAX, message=TOO_LONG), single_line]
    )


class TranslationForm(FlaskForm):
    """The text of one language version."""

    version = HiddenField()
    headline = StringField(
        _l("Headline"),
        validators=[DataRequired(REQUIRED), Length(max=HEADLINE_MAX, message=TOO_LONG), single_line],
    )
    lede = TextAreaField(
        _l("Lede"),
        description=_l("A short summary, shown in lists and feeds."),
        validators=[Length(max=LEDE_MAX, message=TOO_LONG)],
    )
    body = TextAreaField(_l("Body"), validators=[Length(max=BODY_MAX, message=TOO_LONG)])
    image_alt = StringField(
        _l("Image description (alt text)"), validators=[Length(max=ALT_MAX, message=TOO_LONG)]
    )
    image_caption = StringField(
        _l("Image caption"), validators=[Length(max=CAPTION_MAX, message=TOO_LONG)]
    )
    slug = StringField(
        _l("Address (slug)"),
        description=_l("Leave empty to keep the current address."),
        validators=[Optional(), Length(max=120, message=TOO_LONG)],
    )
    minor = BooleanField(
        _l("Minor edit (typo fix): do not mark translations as outdated"),
    )
    note = StringField(_l("Note for the history"), validators=[Length(max=300, message=TOO_LONG)])
    # a picture for the text: stored on save (or preview) and added to the end of the body;
    # with JavaScript it is uploaded at once and inserted where the cursor is
    picture = PictureForm.picture
    picture_alt = PictureForm.picture_alt
    picture_caption = PictureForm.picture_caption


class ArticleForm(TranslationForm):
    """A new article, or the shared fields of an existing one."""

    source_locale = SelectField(_l("Written in"), choices=locale_choices)
    category = SelectField(_l("Section"), coerce=int, validators=[Optional()])
    tags = StringField(
        _l("Tags"),
        description=_l("Separate tags with commas."),
        validators=[Length(max=300, message=TOO_LONG), single_line],
    )
    byline = StringField(_l("Byline"), validators=[Length(max=120, message=TOO_LONG), single_line])
    image = FileField(_l("Lead image"))
    # a lead image stored when the form came back (preview, a refused field, a conflict),
    # since a browser cannot refill a file input: Save uses it unless a new file is chosen
    kept_image = HiddenField()


class ScheduleForm(FlaskForm):
    when = DateTimeLocalField(
        _l("Publish at"), format="%Y-%m-%dT%H:%M", validators=[DataRequired(REQUIRED)]
    )


class OverrideForm(FlaskForm):
    reason = StringField(
        _l("Reason for the override"), validators=[DataRequired(REQUIRED), Length(max=300)]
    )


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class GlossaryTermForm(FlaskForm):
    """A term and its required translation, or a term never translated."""

    term = StringField(
        _l("Term"),
        filters=[_stripped],
        validators=[DataRequired(REQUIRED), Length(max=TERM_MAX, message=TOO_LONG)],
    )
    translation = StringField(
        _l("Required translation"),
        filters=[_stripped],
        validators=[Length(max=TERM_MAX, message=TOO_LONG)],
    )
    do_not_translate = BooleanField(_l("Do not translate (names, acronyms)"))
    # read and checked line by line in glossary.parse_forms, which names the faulty line
    forms = TextAreaField(
        _l("Inflected forms"),
        description=_l(
            "Optional, one per line: “source form → target form”, so the draft uses the form "
            "the sentence needs (for example “Tetovës → Тетово”), or only a target form that "
            "the check accepts as well. A form not listed is drafted as the required "
            "translation and marked for review."
        ),
    )

    def validate_translation(self, field):
        if not field.data and not self.do_not_translate.data:
            raise ValidationError(
                _l("Give the translation, or mark the term as not to be translated.")
            )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(REQUIRED), Email(_l("Enter a valid e-mail address.")), Length(max=254)]
    )
    display_name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=120), single_line])
    role = SelectField(_l("Role"), choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES])
    languages = MultiCheckboxField(
        _l("Translates into"), choices=[SelectChoice(c, LANGUAGE_NAMES[c]) for c in LOCALES]
    )
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(
        _l("New password"),
        description=_l("Leave empty to keep the current password."),
        validators=[Optional(), Length(min=PASSWORD_MIN, max=200, message=_l("Use at least %(min)d characters."))],
    )


class NamesByLanguageForm(FlaskForm):
    """A name in each published language: sections and tags (one line, at most 80)."""

    name_sq = StringField(_l("Name in Albanian"), validators=[DataRequired(REQUIRED), Length(max=TAG_NAME_MAX), single_line])
    name_mk = StringField(_l("Name in Macedonian"), validators=[DataRequired(REQUIRED), Length(max=TAG_NAME_MAX), single_line])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(REQUIRED), Length(max=TAG_NAME_MAX), single_line])

    def names(self) -> dict[str, str]:
        """The submitted names by locale."""
        return {code: self[f"name_{code}"].data for code in LOCALES}

    def show_names(self, names: dict[str, str]) -> None:
        """Fill the fields with the current names (a GET)."""
        for code in LOCALES:
            self[f"name_{code}"].data = names.get(code, "")


class CategoryForm(NamesByLanguageForm):
    key = StringField(_l("Key"), validators=[DataRequired(REQUIRED), Length(max=60)])


class TagForm(NamesByLanguageForm):
    pass


class SettingsForm(FlaskForm):
    phone = StringField(_l("Phone"), validators=[Length(max=40), single_line])
    email = StringField(_l("E-mail"), validators=[Length(max=254), single_line])
    show_outdated_notice = BooleanField(_l("Tell readers when a translation is outdated"))
    auto_machine_drafts = BooleanField(
        _l("Make machine drafts into every missing language when a source is published")
    )


def settings_locale_form(locale: str):
    """Translated settings for one locale, as a form class."""

    class LocaleSettings(FlaskForm):
        address = StringField(_l("Address"), validators=[Length(max=300), single_line])
        outlet_note = StringField(_l("Outlet note"), validators=[Length(max=300), single_line])
        tagline = StringField(_l("Tagline"), validators=[Length(max=200), single_line])
        newsletter_text = StringField(_l("Newsletter text"), validators=[Length(max=300), single_line])
        about = TextAreaField(_l("About page"), validators=[Length(max=BODY_MAX)])

    return LocaleSettings(prefix=locale)


class AssignmentForm(FlaskForm):
    """Who translates a version and by when; `clear` ends the assignment instead."""

    translator = IntegerField(_l("Translator"), validators=[Optional()])
    due_on = DateField(_l("Due date"), validators=[Optional()])
    clear = BooleanField()
