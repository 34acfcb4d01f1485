"""Forms of the newsletter: sign-up and preferences."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from bv.i18n import LOCALES, NATIVE_NAMES

FREQUENCY_LABELS = {
    "instant": _l("Every new article, as it is published"),
    "daily": _l("One e-mail a day with the day's articles"),
}


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes: works without JavaScript."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _languages():
    return [SelectChoice(code, NATIVE_NAMES[code]) for code in LOCALES]


class SignupForm(FlaskForm):
    """E-mail and languages; checked against cross-site posts by origin (see views)."""

    class Meta:
        # the footer form is on cached public pages, which carry no per-reader token
        csrf = False

    email = EmailField(
        _l("E-mail"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired(_l("Enter your e-mail address.")),
            Length(max=254, message=_l("The address is too long.")),
            Email(_l("Enter a valid e-mail address.")),
        ],
    )
    languages = MultiCheckboxField(_l("Languages"), choices=_languages, validate_choice=True)


class PreferencesForm(FlaskForm):
    """What and how often a subscriber reads."""

    languages = MultiCheckboxField(
        _l("Languages"), choices=_languages,
        validators=[DataRequired(_l("Choose at least one language."))],
    )
    frequency = RadioField(
        _l("How often"),
        choices=[SelectChoice(key, label) for key, label in FREQUENCY_LABELS.items()],
        validators=[InputRequired(_l("Choose how often you want mail."))],
    )
