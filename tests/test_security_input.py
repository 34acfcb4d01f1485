"""Hostile input: redirects, dates and numbers out of range, markup in feeds, line breaks in names."""

from __future__ import annotations

import email.message
import json
import re
from datetime import datetime
from html import unescape

import lxml.etree
import lxml.html
import pytest
from flask_babel import force_locale, gettext
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bv.accounts.models import User
from bv.articles import service, workflow
from bv.articles.models import Article, ArticleTranslation, Category, CategoryName, Tag
from bv.extensions import db
from bv.navigation import safe_next
from bv.settings import set_about, set_setting, settings_for
from bv.text import plain_text, single_line
from tests import security_counts
from tests.conftest import PASSWORD
from tests.helpers import parse_page
from tests.security_counts import COUNTS

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module", autouse=True)
def _summary(request):
    security_counts.register(request.config)


def _signed_in(app, email):
    client = app.test_client()
    assert client.post(
        "/newsroom/login", data={"email": email, "password": PASSWORD}
    ).status_code == 302
    return client


def _in_user_language(app, message: str, locale: str = "sq") -> str:
    with app.test_request_context(), force_locale(locale):
        return gettext(message)


def _flashes(client, url) -> str:
    return unescape(client.get(url).get_data(as_text=True))


# -- one helper for every "go back" redirect ---------------------------------------------------

HOSTILE_TARGETS = [
    "https://evil.example/newsroom/",
    "//evil.example/newsroom/",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%5Cevil.example",
    "/%2F%2Fevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://localhost.evil.example/newsroom/",
    "https://news.example@evil.example/",
    "/newsroom/../../evil",
    "/newsroom/%2e%2e/x",
    "newsroom/articles",
    "",
    None,
    "/" + "a" * 3000,
]


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_safe_next_refuses_every_other_place(app, target):
    with app.test_request_context("/", base_url="https://news.example"):
        assert safe_next(target, "/fallback") == "/fallback"
    COUNTS["bad_inputs"] += 1


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/newsroom/articles?page=2", "/newsroom/articles?page=2"),
        ("https://news.example/newsroom/dashboard?lang=mk", "/newsroom/dashboard?lang=mk"),
        ("http://localhost/sq/", "/sq/"),
    ],
)
def test_safe_next_keeps_a_same_site_path(app, target, expected):
    with app.test_request_context("/"):
        assert safe_next(target, "/fallback") == expected


def test_safe_next_stays_under_a_prefix(app):
    with app.test_request_context("/"):
        assert safe_next("/sq/", "/newsroom/", under="/newsroom/") == "/newsroom/"
        assert safe_next("/newsroomx/", "/newsroom/", under="/newsroom/") == "/newsroom/"
        assert safe_next("/newsroom/jobs", "/x", under="/newsroom/") == "/newsroom/jobs"


@pytest.mark.parametrize("referer", ["https://evil.example/phish", "//evil.example/x", "/\\evil.example"])
def test_a_form_error_never_follows_a_foreign_referer(app, staff, referer):
    client = _signed_in(app, staff["editor"])
    response = client.post(
        "/newsroom/machine-draft-missing", data={"article": "x"}, headers={"Referer": referer}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/newsroom/dashboard"
    COUNTS["bad_inputs"] += 1


def test_a_form_error_goes_back_to_the_same_site_page(app, staff):
    client = _signed_in(app, staff["editor"])
    response = client.post(
        "/newsroom/machine-draft-missing",
        data={"article": "x"},
        headers={"Referer": "http://localhost/newsroom/articles?page=1"},
    )
    assert response.headers["Location"] == "/newsroom/articles?page=1"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/sq/"])
def test_sign_in_continues_only_inside_the_newsroom(app, staff, target):
    response = app.test_client().post(
        "/newsroom/login",
        query_string={"next": target},
        data={"email": staff["editor"], "password": PASSWORD},
    )
    assert response.headers["Location"] == "/newsroom/"


def test_sign_in_continues_to_the_page_asked_for(app, staff):
    response = app.test_client().post(
        "/newsroom/login",
        query_string={"next": "/newsroom/articles?page=2"},
        data={"email": staff["editor"], "password": PASSWORD},
    )
    assert response.headers["Location"] == "/newsroom/articles?page=2"


# -- dates and numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("0001-01-01T00:00", "Choose a publication time in the future."),
        ("0001-01-01T01:59", "Choose a publication time in the future."),
    ],
)
def test_a_date_at_the_edge_of_the_calendar_is_a_form_error(app, staff, stories, when, message):
    client = _signed_in(app, staff["editor"])
    url = f"/newsroom/articles/{stories['own']}/mk"
    response = client.post(f"{url}/schedule", data={"when": when})
    assert response.status_code == 302
    page = _flashes(client, response.headers["Location"])
    assert _in_user_language(app, message) in page
    with app.app_context():
        assert db.session.get(Article, stories["own"]).translation("mk").scheduled_at is None


def test_year_9999_in_a_zone_behind_utc_is_a_form_error(app, staff, stories):
    app.config["BABEL_DEFAULT_TIMEZONE"] = "America/New_York"
    client = _signed_in(app, staff["editor"])
    response = client.post(
        f"/newsroom/articles/{stories['own']}/mk/schedule", data={"when": "9999-12-31T23:59"}
    )
    assert response.status_code == 302
    page = _flashes(client, response.headers["Location"])
    assert _in_user_language(app, "Choose a publication time within the next two years.") in page


def _stamp(moment: datetime) -> str:
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}"
    )


DATES = st.one_of(
    st.datetimes().map(_stamp),
    st.sampled_from([
        "0001-01-01T00:00", "9999-12-31T23:59", "0000-01-01T00:00", "10000-01-01T00:00",
        "-0001-01-01T00:00", "2026-03-29T02:30", "2026-10-25T02:30", "2026-02-30T10:00",
        "2026-01-01T24:00", "2026-01-01T10:00:00", "2026-01-01 10:00", "9999-12-31T23:59Z",
        "", " ", "now", "2026-W01", "2026-01-01T10:00+14:00",
    ]),
    st.text(max_size=24),
)

NUMBERS = st.one_of(
    st.integers().map(str),
    st.integers(min_value=2**31 - 3, max_value=2**80).map(str),
    st.sampled_from([
        "", " ", "0", "-0", "+1", "-1", "1_000", "1e3", "1e309", "NaN", "inf", "0x1F", "１２",
        "٣", "²", "9" * 5000, "1.5", "\u00a01", "1 2", "2147483647", "2147483648",
        "9223372036854775808", "-9223372036854775809",
    ]),
    st.text(max_size=12),
)


@pytest.fixture
def fuzz_world(app, staff, stories):
    """Signed-in editor and admin clients, a category, a glossary term and the two stories."""
    with app.app_context():
        category = Category(key="local", position=0)
        category.names = [
            CategoryName(locale=c, name=f"Local {c}", slug=f"local-{c}") for c in ("sq", "mk", "en")
        ]
        db.session.add(category)
        db.session.commit()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return {
        "editor": _signed_in(app, staff["editor"]),
        "admin": _signed_in(app, staff["admin"]),
        "reader": app.test_client(),
        **stories,
    }


def _no_server_error(response, what):
    response.close()
    COUNTS["bad_inputs"] += 1
    if response.status_code >= 500:
        COUNTS["server_errors"] += 1
    assert response.status_code < 500, what


@FUZZ
@given(when=DATES)
@example(when="0001-01-01T00:00")
def test_schedule_dates_never_fail(fuzz_world, when):
    client = fuzz_world["editor"]
    for locale in ("mk", "sq"):
        url = f"/newsroom/articles/{fuzz_world['own']}/{locale}/schedule"
        _no_server_error(client.post(url, data={"when": when}), (url, when))


PUBLIC_NUMBERS = [
    ("/{lang}/", "unavailable", {}),
    ("/{lang}/c/local-{lang}/", "page", {}),
    ("/{lang}/search", "page", {"q": "Buxheti"}),
    ("/{lang}/switch", "article", {}),
    ("/{lang}/switch", "category", {}),
    ("/{lang}/switch", "page", {}),
]


@FUZZ
@given(value=NUMBERS, lang=st.sampled_from(["sq", "mk", "en"]))
def test_public_number_parameters_never_fail(fuzz_world, value, lang):
    client = fuzz_world["reader"]
    for template, name, extra in PUBLIC_NUMBERS:
        url = template.format(lang=lang)
        query = {**extra, name: value}
        _no_server_error(client.get(url, query_string=query), (url, query))


@FUZZ
@given(value=NUMBERS, other=NUMBERS)
@example(value="9" * 5000, other="2147483648")
def test_newsroom_number_parameters_never_fail(fuzz_world, value, other):
    own = fuzz_world["own"]
    client = fuzz_world["admin"]
    gets = [
        ("/newsroom/articles", {"page": value}),
        ("/newsroom/audit", {"article": value, "user": other, "page": value}),
        ("/newsroom/dashboard", {"category": value, "lang": other, "state": other}),
        (f"/newsroom/articles/{own}/mk/history", {"a": value, "b": other}),
        ("/newsroom/glossary", {"source": value, "target": other}),
    ]
    for url, query in gets:
        _no_server_error(client.get(url, query_string=query), (url, query))
    posts = [
        (f"/newsroom/articles/{own}/mk/edit",
         {"headline": "Парк", "version": value, "category": other, "tags": "", "byline": ""}),
        (f"/newsroom/articles/{own}/sq/translate", {"version": value, "t-headline": "Park"}),
        ("/newsroom/machine-draft-missing", {"article": [value, other]}),
        ("/newsroom/articles/new",
         {"source_locale": "sq", "headline": "Lajm", "category": value}),
    ]
    for url, data in posts:
        _no_server_error(client.post(url, data=data), (url, data))


@FUZZ
@given(value=NUMBERS)
def test_path_ids_never_fail(fuzz_world, value):
    client = fuzz_world["admin"]
    safe = value.replace("/", "%2F").replace("?", "%3F").replace("#", "%23")
    for template in (
        "/newsroom/articles/{}", "/newsroom/jobs/{}/status", "/newsroom/users/{}",
        "/newsroom/categories/{}", "/newsroom/tags/{}", "/newsroom/articles/{}/mk/history",
    ):
        url = template.format(safe)
        _no_server_error(client.get(url), url)


def test_a_five_thousand_digit_article_id_is_a_form_error(app, staff):
    """int() refuses numbers over 4,300 digits with a ValueError: the fuzz found this 500."""
    client = _signed_in(app, staff["editor"])
    response = client.post("/newsroom/machine-draft-missing", data={"article": "9" * 5000})
    assert response.status_code == 302
    page = _flashes(client, response.headers["Location"])
    assert _in_user_language(app, "Choose at least one article.") in page


# -- feeds, sitemaps and JSON-LD carry plain text ----------------------------------------------

HOSTILE_HEADLINE = 'Budget <img src=x onerror="alert(1)"> vote'
HOSTILE_LEDE = (
    "<img src=x onerror=alert(1)><script>alert(2)</script>Council &amp; mayor "
    "<b>agree</b> &lt;iframe src=//evil.example&gt;"
)


@pytest.fixture
def hostile_story(app, staff):
    with app.app_context():
        editor = db.session.scalar(select(User).where(User.role == "editor"))
        category = Category(key="news", position=0)
        category.names = [CategoryName(locale="sq", name="<i>Lajme</i>", slug="lajme")]
        db.session.add(category)
        article = service.create_article(source_locale="sq", author=editor, byline="<b>Ana</b>")
        article.category = category
        translation = service.save_translation(
            article, "sq", {"headline": HOSTILE_HEADLINE, "lede": HOSTILE_LEDE, "body": "Tekst."},
            user=editor,
        )
        workflow.transition(translation, "publish", user=editor)
        db.session.commit()
        db.session.commit()
        return translation.slug


def _elements_in(text: str) -> list[str]:
    """The elements an HTML parser finds in a text a consumer might read as HTML."""
    holder = lxml.html.fragment_fromstring(text or "", create_parent="div")
    return [child.tag for child in holder.iter() if child is not holder]


def test_rss_items_hold_no_markup(client, hostile_story):
    feed = lxml.etree.fromstring(client.get("/sq/feed.xml").data)
    (item,) = feed.findall("channel/item")
    for name in ("title", "description", "category"):
        value = item.findtext(name)
        assert _elements_in(value) == [], (name, value)
    description = lxml.html.fragment_fromstring(item.findtext("description"), create_parent="div")
    assert description.text_content() == "Council & mayor agree"
    assert item.findtext("title") == "Budget vote"
    assert item.findtext("category") == "Lajme"


def test_news_sitemap_titles_hold_no_markup(client, hostile_story):
    ns = {"news": "http://www.google.com/schemas/sitemap-news/0.9"}
    sitemap = lxml.etree.fromstring(client.get("/news-sitemap.xml").data)
    titles = [t.text for t in sitemap.iterfind(".//news:title", ns)]
    assert titles == ["Budget vote"]


def test_json_ld_holds_no_markup(client, hostile_story):
    page = client.get(f"/sq/a/{hostile_story}").get_data(as_text=True)
    (data,) = [x for x in parse_page(page).jsonld if x["@type"] == "NewsArticle"]
    assert data["headline"] == "Budget vote"
    assert data["description"] == "Council & mayor agree"
    assert data["author"]["name"] == "Ana"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("&lt;img src=x onerror=alert(1)&gt;", ""),
        ("&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;", ""),
        ("a < b and 5<6", "a < b and 5<6"),
        ("AT&T\r\nnews", "AT&T news"),
        (None, ""),
    ],
)
def test_plain_text_strips_nested_markup(value, expected):
    assert plain_text(value) == expected
    assert _elements_in(plain_text(value)) == []


# -- single-line fields ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["Line one\r\nline two", "Line one\nline two", "Line one\rline two", "Line one\u2028line two",
     "Line one \n\n line two"],
)
def test_single_line_folds_every_break(value):
    assert single_line(value) == "Line one line two"


def test_models_fold_line_breaks_in_single_line_fields(app, staff, stories):
    with app.app_context():
        editor = db.session.scalar(select(User).where(User.role == "editor"))
        article = db.session.get(Article, stories["other"])
        translation = service.save_translation(
            article, "sq", {"headline": "Buxheti\r\ni ri\nBcc: x@evil.example"}, user=editor
        )
        editor.display_name = "Ana\r\nBcc: x@evil.example"
        category = Category(key="lines", position=0)
        category.names = [CategoryName(locale="sq", name="Lokale\nBcc: x", slug="lokale")]
        db.session.add(category)
        tags = service.find_or_create_tags("Zgjedhje\r\n2026", "sq")
        article.byline = "Ana\nB."
        set_setting("tagline", "Lajme\r\nnga Tetova", "sq")
        set_about("# Rreth nesh\n\nParagraf.", "sq")
        db.session.commit()
        db.session.expire_all()
        translation = db.session.get(ArticleTranslation, translation.id)
        assert translation.headline == "Buxheti i ri Bcc: x@evil.example"
        # an editor's save of a published version goes live at once
        assert translation.live_headline == translation.headline
        assert db.session.get(User, editor.id).display_name == "Ana Bcc: x@evil.example"
        assert db.session.scalar(
            select(CategoryName.name).where(CategoryName.slug == "lokale")
        ) == "Lokale Bcc: x"
        assert db.session.get(Tag, tags[0].id).names == {"sq": "Zgjedhje 2026"}
        assert db.session.get(Article, article.id).byline == "Ana B."
        values = settings_for("sq")
        assert values["tagline"] == "Lajme nga Tetova"
        assert values["about_markdown"] == "# Rreth nesh\n\nParagraf.", "the About page keeps its lines"
        # what broke every notification: a subject header built from the headline
        message = email.message.EmailMessage()
        message["Subject"] = translation.headline
        assert "\n" not in str(message["Subject"])
        db.session.commit()


ONE_LINE = "This field must fit on one line: remove the line breaks."


def _form_error(app, response, locale="sq"):
    expected = _in_user_language(app, ONE_LINE, locale)
    assert expected != ONE_LINE, "the catalog translates the message"
    assert response.status_code == 422
    assert expected in unescape(response.get_data(as_text=True))


def test_forms_refuse_line_breaks_with_a_localized_error(app, staff, stories):
    client = _signed_in(app, staff["admin"])
    article = stories["other"]
    version = re.search(
        r'id="version" name="version" type="hidden" value="(\d+)"',
        client.get(f"/newsroom/articles/{article}/sq/edit").get_data(as_text=True),
    ).group(1)
    _form_error(app, client.post(f"/newsroom/articles/{article}/sq/edit", data={
        "headline": "Buxheti\r\nBcc: x@evil.example", "version": version, "category": "0",
    }))
    _form_error(app, client.post("/newsroom/articles/new", data={
        "source_locale": "sq", "headline": "Lajm", "category": "0", "tags": "a\nb",
    }))
    _form_error(app, client.post("/newsroom/users/new", data={
        "email": "new@test.example", "display_name": "Ana\nB", "role": "author",
        "password": "long enough password",
    }))
    _form_error(app, client.post("/newsroom/categories/new", data={
        "key": "x", "name_sq": "A\nB", "name_mk": "Б", "name_en": "C",
    }))
    _form_error(app, client.post("/newsroom/settings", data={"sq-tagline": "Lajme\r\nTetova"}))
    with app.app_context():
        assert db.session.get(Article, article).translation("sq").headline == "Buxheti i ri"
        assert db.session.scalar(select(User).where(User.email == "new@test.example")) is None
    COUNTS["bad_inputs"] += 5


def test_the_error_is_in_macedonian_for_a_macedonian_newsroom(app, staff):
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        admin.ui_locale = "mk"
        db.session.commit()
    client = _signed_in(app, staff["admin"])
    _form_error(app, client.post("/newsroom/users/new", data={
        "email": "new@test.example", "display_name": "Ана\nБ", "role": "author",
        "password": "long enough password",
    }), locale="mk")


def test_json_ld_is_valid_json_for_any_headline(app, staff):
    """A headline of quotes, backslashes and a closing script tag stays one JSON string."""
    with app.app_context():
        editor = db.session.scalar(select(User).where(User.role == "editor"))
        article = service.create_article(source_locale="en", author=editor)
        translation = service.save_translation(
            article, "en", {"headline": '"\\</script><script>alert(1)</script>', "lede": "x"},
            user=editor,
        )
        workflow.transition(translation, "publish", user=editor)
        db.session.commit()
        slug = translation.slug
        db.session.commit()
    page = app.test_client().get(f"/en/a/{slug}").get_data(as_text=True)
    block = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    # the script element and its text are gone; the quote and backslash stay as text
    assert json.loads(block)["headline"] == '"\\'
