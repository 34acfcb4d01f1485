"""The Content-Security-Policy in a real browser: no page the site serves breaks it."""

import shutil

import pytest
from sqlalchemy import select

from bv.accounts.models import User
from bv.articles.models import Article
from bv.extensions import db
from tests.test_browser import (  # noqa: F401  (the module's chromium and server)
    CHROMIUM,
    browser,
    live_server,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason=f"{CHROMIUM} not installed: browser tests skipped"
    ),
]

# a listener added before any page script: the browser reports each blocked resource here
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched(browser):  # noqa: F811
    """A page whose CSP violations and console errors are collected."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.console_errors = console
    yield page
    context.close()


def violations(page) -> list[str]:
    """What the policy blocked on the current page, from the event and the console."""
    events = page.evaluate("window.__cspViolations")
    logged = [m for m in page.console_errors if "Content Security Policy" in m]
    return events + logged


def sign_in(page, live_server, demo_app):  # noqa: F811
    from bv.accounts.service import create_user

    with demo_app.app_context():
        if not db.session.scalar(select(User).where(User.email == "csp-editor@test.example")):
            create_user("csp-editor@test.example", "csp password 12", role="editor", ui_locale="en")
            db.session.commit()
    page.goto(f"{live_server}/newsroom/login")
    page.fill("#email", "csp-editor@test.example")
    page.fill("#password", "csp password 12")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_the_watch_sees_a_blocked_inline_script(live_server, watched):  # noqa: F811
    page = watched
    response = page.goto(f"{live_server}/sq/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = 1'; document.body.appendChild(s); }"
    )
    page.wait_for_function("() => window.__cspViolations.length > 0")
    assert page.evaluate("window.ran") is None, "the injected inline script did not run"
    assert violations(page)


def test_public_pages_and_the_newsroom_editor_keep_the_policy(live_server, watched, demo_app):  # noqa: F811
    with demo_app.app_context():
        article = next(
            a for a in db.session.scalars(select(Article))
            if a.source and a.source.is_published and a.lead_image_id
            and any(t.locale != a.source_locale for t in a.translations)
        )
        source = article.source
        target = next(t.locale for t in article.translations if t.locale != article.source_locale)
        public = [f"/{source.locale}/", f"/{source.locale}/a/{source.slug}",
                  f"/{source.locale}/search?q=a", "/en/no-such-page"]
        staff = [
            "/newsroom/",
            f"/newsroom/articles/{article.id}",
            f"/newsroom/articles/{article.id}/{source.locale}/edit",
            f"/newsroom/articles/{article.id}/{target}/translate",
            "/newsroom/articles/new",
        ]
    page = watched
    seen = {}
    for path in public:
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
        seen[path] = violations(page)
    # the article page's JSON-LD blocks (the article, its breadcrumbs) are data: present, not blocked
    page.goto(f"{live_server}/{source.locale}/a/{source.slug}")
    assert page.locator("script[type='application/ld+json']").count() == 2
    sign_in(page, live_server, demo_app)
    for path in staff:
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
        seen[path] = violations(page)
    # the editor's scripts ran: the toolbar and the preview are built by editor.js
    page.goto(f"{live_server}/newsroom/articles/new")
    assert page.locator(".md-toolbar").is_visible()
    assert {path: found for path, found in seen.items() if found} == {}
