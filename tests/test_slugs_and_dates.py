"""Slug transliteration, slug redirects and localized dates."""

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from bv.accounts.permissions import SYSTEM
from bv.articles import service, workflow
from bv.articles.slugs import make_slug
from bv.extensions import db
from bv.i18n import FORMAT_LOCALES, format_date_long


@pytest.mark.parametrize(
    ("text", "locale", "slug"),
    [
        ("Ѓорче Петров", "mk", "gjorche-petrov"),
        ("Шкупи", "mk", "shkupi"),
        ("Чаир", "mk", "chair"),
        ("Ќерка и Џамија во Ѕвездата", "mk", "kjerka-i-dzhamija-vo-dzvezdata"),
        ("Љубов и Њива, Жена, Хотел Цвет", "mk", "ljubov-i-njiva-zhena-hotel-cvet"),
        ("Tetovë: çelësi i qytetit", "sq", "tetove-celesi-i-qytetit"),
        ("Šar Mountain's 2,000 m peaks", "en", "sar-mountain-s-2000-m-peaks"),
        ("!!!", "en", "article"),
    ],
)
def test_make_slug(text, locale, slug):
    assert make_slug(text, locale) == slug


def test_old_slug_redirects_with_301(app):
    with app.app_context():
        article = service.create_article(source_locale="mk", byline="Ана")
        translation = service.save_translation(
            article, "mk", {"headline": "Ѓорче Петров добива парк", "lede": "л", "body": "т"}
        , user=SYSTEM)
        workflow.transition(translation, "publish", user=SYSTEM)
        assert translation.slug == "gjorche-petrov-dobiva-park"
        service.save_translation(
            article, "mk", {"headline": "Нов наслов"}, slug="Ѓорче Петров добива голем парк",
            user=SYSTEM, go_live=True,
        )
        new_slug = translation.slug
        db.session.commit()
    client = app.test_client()
    response = client.get("/mk/a/gjorche-petrov-dobiva-park")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/mk/a/{new_slug}"
    assert new_slug == "gjorche-petrov-dobiva-golem-park"
    assert client.get(response.headers["Location"]).status_code == 200


def test_slug_follows_headline_until_first_publication(app):
    with app.app_context():
        article = service.create_article(source_locale="sq")
        t = service.save_translation(article, "sq", {"headline": "Titulli i parë"}, user=SYSTEM)
        assert t.slug == "titulli-i-pare"
        service.save_translation(article, "sq", {"headline": "Titulli i dytë"}, user=SYSTEM)
        assert t.slug == "titulli-i-dyte"
        workflow.transition(t, "publish", user=SYSTEM)
        service.save_translation(article, "sq", {"headline": "Titulli i tretë"}, user=SYSTEM)
        assert t.slug == "titulli-i-dyte", "a published URL stays put unless an editor changes it"
        db.session.commit()


def test_slugs_are_unique_per_locale(app):
    with app.app_context():
        a = service.create_article(source_locale="en")
        b = service.create_article(source_locale="en")
        ta = service.save_translation(a, "en", {"headline": "Council meets"}, user=SYSTEM)
        tb = service.save_translation(b, "en", {"headline": "Council meets"}, user=SYSTEM)
        tc = service.save_translation(b, "sq", {"headline": "Council meets"}, user=SYSTEM)
        assert (ta.slug, tb.slug, tc.slug) == ("council-meets", "council-meets-2", "council-meets")
        db.session.commit()


MOMENT = datetime(2026, 3, 14, 17, 5, tzinfo=UTC)  # 18:05 in Skopje


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("sq", "14 mars 2026, 18:05"), ("mk", "14 март 2026, 18:05"), ("en", "14 March 2026, 18:05")],
)
def test_localized_dates_use_a_24_hour_clock_and_local_months(app, lang, expected):
    with app.test_request_context(f"/{lang}/"), force_locale(FORMAT_LOCALES[lang]):
        assert format_date_long(MOMENT) == expected


def test_numbers_follow_the_language(app):
    from bv.site.templating import number

    with app.test_request_context("/"):
        with force_locale("sq_MK"):
            # CLDR's Albanian groups thousands with a no-break space
            assert number(1200.5) == "1\xa0200,5"
        with force_locale("mk_MK"):
            assert number(1200) == "1.200"
        with force_locale("en_GB"):
            assert number(1200) == "1,200"


def test_plural_rules_differ_between_languages(demo_client):
    from flask_babel import ngettext

    app = demo_client.application
    with app.test_request_context("/mk/"):
        with force_locale("mk_MK"):
            # Macedonian: 21 takes the singular, 11 the plural
            assert ngettext("%(num)s item", "%(num)s items", 21) == "21 превод"
            assert ngettext("%(num)s item", "%(num)s items", 11) == "11 преводи"
        with force_locale("sq_MK"):
            assert ngettext("%(num)s item", "%(num)s items", 21) == "21 përkthime"
            assert ngettext("%(num)s item", "%(num)s items", 1) == "1 përkthim"
