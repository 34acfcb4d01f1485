"""Every page type through the Nu HTML Checker (vnu) and axe-core, in each language.

Both tools come from npm (package.json, `npm ci`); vnu runs on Java. When one is missing the
test says so and skips. vnu checks all pages in one Java run; axe runs in one browser.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from bv.accounts.models import User
from bv.articles.models import Article, Tag
from bv.extensions import db
from bv.i18n import LOCALES
from tests.helpers import parse_page
from tests.quality_tools import AXE_SCRIPT, ROOT, VNU_JAR, missing_tools
from tests.test_browser import (  # noqa: F401  (the module's chromium and server)
    browser,
    live_server,
)

EDITOR_EMAIL, EDITOR_PASSWORD = "validators-editor@test.example", "validators password 1"
# impacts that fail the suite; moderate and minor ones are listed in docs/quality.md
BLOCKING_IMPACTS = {"serious", "critical"}


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    newsroom: bool = False


def _links(client, path: str) -> list[str]:
    return [a.get("href", "") for a in parse_page(client.get(path).get_data(as_text=True)).anchors]


def _public_pages(app, client, lang: str) -> list[Page]:
    """One page of each public type in one language, found by following the site's links."""
    hrefs = _links(client, f"/{lang}/")
    articles = [h for h in hrefs if h.startswith(f"/{lang}/a/")]
    category = next(h for h in hrefs if h.startswith(f"/{lang}/c/"))
    tag = author = None
    for url in articles:
        page = parse_page(client.get(url).get_data(as_text=True))
        tags = [a["href"] for a in page.anchors if a.get("rel") == "tag"]
        authors = [a["href"] for a in page.anchors if a.get("rel") == "author"]
        if tags and authors:
            tag, author = tags[0], authors[0]
            break
    assert tag and author, f"no {lang} article with a tag and an author"
    with app.app_context():
        # a word of a published headline: the search finds at least that article
        word = next(
            w for t in _published(lang) for w in re.findall(r"\w{5,}", t.headline)
        )
        missing = next(
            (a.id for a in db.session.scalars(select(Article))
             if a.translation(lang) is None and any(t.status == "published" for t in a.translations)),
            None,
        )
    pages = [
        Page(f"{lang} home", f"/{lang}/"),
        Page(f"{lang} article", articles[0]),
        Page(f"{lang} category", category),
        Page(f"{lang} tag", tag),
        Page(f"{lang} author", author),
        Page(f"{lang} search results", f"/{lang}/search?q={word}"),
        Page(f"{lang} search empty", f"/{lang}/search?q=zzqxjv"),
        Page(f"{lang} search form", f"/{lang}/search"),
        Page(f"{lang} about", f"/{lang}/about"),
        Page(f"{lang} newsletter sign-up", f"/{lang}/newsletter/"),
        Page(f"{lang} newsletter check inbox", f"/{lang}/newsletter/check-your-inbox"),
        Page(f"{lang} not found", f"/{lang}/a/no-such-story"),
        Page(f"{lang} switcher notice", f"/{lang}/?unavailable={missing}"),
    ]
    assert missing, f"the demo has an article with no {lang} version"
    return pages


def _published(lang: str):
    from bv.site import queries

    return queries.latest(lang)


def _newsletter_pages(app) -> list[Page]:
    """The confirmation and preferences pages of one pending reader per language."""
    from bv.newsletter import service
    from bv.newsletter.models import NewsletterSubscriber

    pages = []
    with app.app_context():
        for lang in LOCALES:
            email = f"validators-{lang}@test.example"
            reader = db.session.scalar(
                select(NewsletterSubscriber).where(NewsletterSubscriber.email == email)
            )
            if reader is None:
                reader = NewsletterSubscriber(email=email, languages=lang, state="pending",
                                              ui_locale=lang)
                db.session.add(reader)
                db.session.commit()
            pages.append(Page(f"{lang} newsletter confirm",
                              f"/{lang}/newsletter/confirm/{service.confirm_token(reader)}"))
            pages.append(Page(f"{lang} newsletter preferences",
                              f"/{lang}/newsletter/preferences/{service.manage_token(reader)}"))
    return pages


def _newsroom_pages(app) -> list[Page]:
    """The desk's main pages for an editor: an article translated from another language."""
    from bv.accounts.service import create_user

    with app.app_context():
        if not db.session.scalar(select(User).where(User.email == EDITOR_EMAIL)):
            create_user(EDITOR_EMAIL, EDITOR_PASSWORD, role="editor", ui_locale="en")
            db.session.commit()
        article = next(
            a for a in db.session.scalars(select(Article).order_by(Article.id))
            if any(t.locale != a.source_locale for t in a.translations)
        )
        target = next(t.locale for t in article.translations if t.locale != article.source_locale)
        source = article.source_locale
        tag_id = db.session.scalar(select(Tag.id).order_by(Tag.id).limit(1))
    return [
        Page("newsroom sign-in", "/newsroom/login"),
        Page("newsroom dashboard", "/newsroom/dashboard", newsroom=True),
        Page("newsroom articles", "/newsroom/articles", newsroom=True),
        Page("newsroom edit", f"/newsroom/articles/{article.id}/{source}/edit", newsroom=True),
        Page("newsroom segment editor", f"/newsroom/articles/{article.id}/{target}/translate",
             newsroom=True),
        Page("newsroom jobs", "/newsroom/jobs", newsroom=True),
        Page("newsroom glossary", "/newsroom/glossary", newsroom=True),
        Page("newsroom tags", "/newsroom/tags", newsroom=True),
        Page("newsroom tag", f"/newsroom/tags/{tag_id}", newsroom=True),
    ]


@pytest.fixture(scope="module")
def checked_pages(demo_app) -> list[Page]:
    client = demo_app.test_client()
    pages = []
    for lang in LOCALES:
        pages += _public_pages(demo_app, client, lang)
    pages += _newsletter_pages(demo_app)
    pages += _newsroom_pages(demo_app)
    return pages


def _fetch_all(app, pages: list[Page]) -> dict[str, str]:
    """Page name → the HTML the server sends (the newsroom signed in as the editor)."""
    reader, editor = app.test_client(), app.test_client()
    signed_in = editor.post("/newsroom/login",
                            data={"email": EDITOR_EMAIL, "password": EDITOR_PASSWORD})
    assert signed_in.status_code == 302, "the editor signs in"
    documents = {}
    for page in pages:
        response = (editor if page.newsroom else reader).get(page.path)
        expected = 404 if "not found" in page.name else 200
        assert response.status_code == expected, (page.name, page.path, response.status_code)
        documents[page.name] = response.get_data(as_text=True)
        if page.name.endswith("search results"):
            assert f'href="/{page.path[1:3]}/a/' in documents[page.name], page.path
    return documents


def _skip_unless(tool: str) -> None:
    reason = missing_tools().get(tool)
    if reason:
        pytest.skip(f"{tool}: {reason}")


STYLESHEETS = sorted((ROOT / "bv" / "static").glob("*.css"))


def _vnu(files: dict[str, str], *options: str) -> list[str]:
    """vnu's errors on the given files (path → name to report), one Java run."""
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--errors-only",
         "--exit-zero-always", *options, *files],
        capture_output=True, text=True, check=False, timeout=600,
    )
    try:
        messages = json.loads(result.stdout)["messages"]
    except ValueError:
        pytest.fail(f"vnu gave no report (exit {result.returncode}): {result.stderr[-2000:]}")
    errors = []
    for message in messages:
        if message["type"] != "error" and message.get("subType") != "fatal":
            continue
        url = message.get("url", "")
        name = next((n for path, n in files.items() if url.endswith(path)), url)
        errors.append(f"{name}, line {message.get('lastLine', '?')}: {message['message']}"
                      f" [{message.get('extract', '').strip()[:120]}]")
    return errors


def run_vnu(documents: dict[str, str], folder) -> list[str]:
    """Every vnu error as 'page, line N: message', checking all documents in one Java run."""
    files = {}
    for index, (name, html) in enumerate(documents.items()):
        path = folder / f"page-{index:03d}.html"
        path.write_text(html, "utf-8")
        files[str(path)] = name
    return _vnu(files)


def run_vnu_css(paths) -> list[str]:
    """vnu's CSS checker on stylesheets (its own run: --also-check-css shifts HTML line numbers)."""
    return _vnu({str(p): p.name for p in paths}, "--css")


# a page and a stylesheet with known faults ride along in each Java run (starting Java is
# the slow part): the run must report them, so a checker that reads nothing cannot pass
CANARY_PAGE = ('<!doctype html>\n<html lang="en"><head><title>x</title></head>\n'
               '<body><p id="a">one</p>\n<p id="a">two</div></body></html>\n')
CANARY_CSS = "p { margin: 0; }\np { colour: red; }\n"


def test_vnu_finds_no_errors(demo_app, checked_pages, tmp_path):
    _skip_unless("vnu")
    documents = _fetch_all(demo_app, checked_pages)
    assert len(documents) >= 3 * 13 + 7
    errors = run_vnu({**documents, "canary page": CANARY_PAGE}, tmp_path)
    canary = [e for e in errors if e.startswith("canary page, ")]
    assert any(e.startswith("canary page, line 4:") and "Duplicate ID" in e for e in canary)
    assert any(e.startswith("canary page, line 4:") and "Stray end tag" in e for e in canary)
    errors = [e for e in errors if e not in canary]
    assert not errors, f"{len(errors)} vnu errors:\n" + "\n".join(errors)


def test_stylesheets_are_valid_css(tmp_path):
    _skip_unless("vnu")
    assert STYLESHEETS
    canary = tmp_path / "canary.css"
    canary.write_text(CANARY_CSS, "utf-8")
    errors = run_vnu_css([*STYLESHEETS, canary])
    (canary_error,) = [e for e in errors if e.startswith("canary.css, ")]
    assert canary_error.startswith("canary.css, line 2:") and "colour" in canary_error
    errors.remove(canary_error)
    assert not errors, f"{len(errors)} CSS errors:\n" + "\n".join(errors)


# axe's defaults (WCAG 2.0/2.1 A and AA, best practices) plus WCAG 2.2's target size, which
# axe leaves off by default: on a phone a link too small to tap is a real failure
AXE_RUN = """async () => {
  const result = await axe.run(document, {
    resultTypes: ["violations"], rules: {"target-size": {enabled: true}},
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""


def run_axe(page, url: str) -> list[dict]:
    """axe-core's violations on one loaded page (the script read from node_modules)."""
    page.goto(url)
    # a signed-out newsroom page would quietly check the sign-in form instead
    assert urlsplit(page.url).path == urlsplit(url).path, (url, page.url)
    page.add_script_tag(path=str(AXE_SCRIPT))
    return page.evaluate(AXE_RUN)


def test_axe_finds_no_serious_violations(checked_pages, live_server, request):  # noqa: F811
    _skip_unless("axe-core")
    # asked for only now: the browser fixture fails rather than skips without chromium
    chromium = request.getfixturevalue("browser")
    # the site's CSP forbids inline scripts; axe is injected by the test, not by the site
    context = chromium.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = context.new_page()
    problems, checked, signed_in = [], 0, False
    try:
        for item in checked_pages:
            if item.newsroom and not signed_in:
                page.goto(f"{live_server}/newsroom/login")
                page.fill("#email", EDITOR_EMAIL)
                page.fill("#password", EDITOR_PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_load_state()
                signed_in = True
            for violation in run_axe(page, live_server + item.path):
                if violation["impact"] in BLOCKING_IMPACTS:
                    problems.append(f"{item.name} ({item.path}): {violation['impact']} "
                                    f"{violation['id']}: {violation['help']} {violation['targets']}")
            checked += 1
    finally:
        context.close()
    assert checked == len(checked_pages)
    assert not problems, f"{len(problems)} serious or critical axe violations:\n" + "\n".join(problems)


def test_axe_reports_a_serious_violation(live_server, request):  # noqa: F811
    """The check can fail: an image without alt text is a critical violation."""
    _skip_unless("axe-core")
    chromium = request.getfixturevalue("browser")
    context = chromium.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/en/about")
        page.evaluate("""() => {
          const img = document.createElement("img");
          img.src = "/favicon.ico";
          document.querySelector("main").appendChild(img);
        }""")
        page.add_script_tag(path=str(AXE_SCRIPT))
        found = page.evaluate(AXE_RUN)
    finally:
        context.close()
    assert any(v["id"] == "image-alt" and v["impact"] in BLOCKING_IMPACTS for v in found)
