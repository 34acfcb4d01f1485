"""A reader in a real browser (Debian's chromium through Playwright)."""

import os
import re
import shutil
import threading
from urllib.parse import urlparse

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from bv.accounts.models import User
from bv.articles.models import Article
from bv.extensions import db

CHROMIUM = os.environ.get("BV_CHROMIUM", "/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason=f"{CHROMIUM} not installed: browser tests skipped"
    ),
]


@pytest.fixture(scope="module")
def live_server(demo_app):
    server = make_server("127.0.0.1", 0, demo_app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    demo_app.config["SITE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.requested = requested
    yield page
    context.close()


def test_reader_switches_language_and_stays_on_the_article(live_server, page, demo_app):
    with demo_app.app_context():
        article = next(
            a for a in db.session.scalars(select(Article)) if len(a.translations) == 3
        )
        sq_slug, mk_slug = article.translation("sq").slug, article.translation("mk").slug
    page.goto(f"{live_server}/sq/a/{sq_slug}")
    assert page.locator("html").get_attribute("lang") == "sq"
    page.locator(".switcher").get_by_role("link", name="Македонски").click()
    page.wait_for_load_state()
    assert urlparse(page.url).path == f"/mk/a/{mk_slug}"
    assert page.locator("html").get_attribute("lang") == "mk"
    # the choice is remembered for the next visit to /
    page.goto(f"{live_server}/")
    assert urlparse(page.url).path == "/mk/"
    hosts = {urlparse(u).netloc for u in page.requested}
    assert hosts == {urlparse(live_server).netloc}, "every asset is served locally"


def test_missing_language_leads_to_a_clear_notice(live_server, page, demo_app):
    with demo_app.app_context():
        article = next(
            a for a in db.session.scalars(select(Article)) if a.translation("en") is None
        )
        source = article.source
        path = f"/{source.locale}/a/{source.slug}"
    page.goto(live_server + path)
    page.locator(".switcher").get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert urlparse(page.url).path == "/en/"
    notice = page.get_by_role("status")
    assert "not available in English" in notice.inner_text()
    notice.get_by_role("link").first.click()
    page.wait_for_load_state()
    assert urlparse(page.url).path != "/en/"


@pytest.fixture
def editor_page(browser, live_server, demo_app):
    """A signed-in editor (with a known password) in a desktop-sized window."""
    from bv.accounts.service import create_user

    with demo_app.app_context():
        if not db.session.scalar(select(User).where(User.email == "browser-editor@test.example")):
            create_user("browser-editor@test.example", "browser password 1", role="editor", ui_locale="en")
            db.session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/newsroom/login")
    page.fill("#email", "browser-editor@test.example")
    page.fill("#password", "browser password 1")
    page.click("button[type=submit]")
    yield page
    context.close()


def test_body_toolbar_and_live_preview(editor_page, live_server):
    page = editor_page
    page.goto(f"{live_server}/newsroom/articles/new")
    toolbar = page.locator(".md-toolbar")
    assert toolbar.is_visible(), "the toolbar appears when JavaScript runs"
    page.fill("#body", "Tetova")
    page.locator("#body").select_text()
    toolbar.locator("button[data-md=bold]").click()
    assert page.input_value("#body") == "**Tetova**"
    page.wait_for_function("() => document.querySelector('#preview').innerHTML.includes('<strong>Tetova</strong>')")
    page.fill("#body", "<script>alert(1)</script> [x](javascript:alert(2))")
    page.wait_for_function("() => document.querySelector('#preview').textContent.includes('alert(1)')")
    assert page.locator("#preview script").count() == 0
    assert page.locator("#preview a").count() == 0


def test_counters_and_an_oversized_photo_are_caught_before_sending(
    editor_page, live_server, demo_app
):
    from playwright.sync_api import expect

    page = editor_page
    page.goto(f"{live_server}/newsroom/articles/new")
    page.fill("#headline", "x" * 205)
    counter = page.locator("#headline + .counter")
    expect(counter).to_have_text("205 of 200 characters")
    expect(counter).to_have_class(re.compile(r"\bover\b"))
    assert page.input_value("#headline") == "x" * 205, "nothing is cut"
    limit = demo_app.config["MAX_IMAGE_BYTES"]
    page.set_input_files(
        "#image", files=[{"name": "big.jpg", "mimeType": "image/jpeg", "buffer": b"0" * (limit + 1)}]
    )
    alert = page.locator("#image + p.error")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("MB")
    page.wait_for_function("() => document.querySelector('#image').files.length === 0")


def test_segment_editor_keyboard(editor_page, live_server, demo_app):
    with demo_app.app_context():
        article = next(a for a in db.session.scalars(select(Article)) if a.translation("en") is not None and a.source_locale != "en")
        url = f"{live_server}/newsroom/articles/{article.id}/en/translate"
    page = editor_page
    page.goto(url)
    areas = page.locator(".seg-table textarea")
    first_box = page.locator(".seg-table input[type=checkbox]").first
    first_box.uncheck()
    areas.first.focus()
    page.keyboard.press("Control+Enter")
    assert first_box.is_checked(), "Ctrl+Enter marks the segment reviewed"
    focused = page.evaluate("document.activeElement.id")
    assert focused == areas.nth(1).get_attribute("id"), "and moves to the next segment"


def test_insert_picture_puts_a_figure_at_the_cursor(editor_page, live_server):
    import io

    from PIL import Image as PILImage

    page = editor_page
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{live_server}/newsroom/articles/new")
    assert page.locator(".insert-picture").is_visible(), "the button appears with JavaScript"
    assert not page.locator(".picture-help").is_visible()
    page.fill("#body", "Para.\nPas.")
    page.locator("#body").evaluate("(area) => area.setSelectionRange(5, 6)")
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 500), (200, 40, 40)).save(buffer, "PNG")
    page.set_input_files(
        "#picture", files=[{"name": "ura.png", "mimeType": "image/png", "buffer": buffer.getvalue()}]
    )
    page.fill("#picture_alt", "Ura e Gurit")
    page.fill("#picture_caption", "Ura në mbrëmje")
    page.click(".insert-picture")
    page.wait_for_function("() => document.querySelector('#body').value.includes('image:')")
    body = page.input_value("#body")
    assert re.fullmatch(r'Para\.\n\n!\[Ura e Gurit\]\(image:[0-9a-f]{32} "Ura në mbrëmje"\)\n\nPas\.',
                        body), body
    assert page.input_value("#picture_alt") == ""
    page.wait_for_function(
        "() => { const i = document.querySelector('#preview figure img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    assert page.locator("#preview figcaption").inner_text() == "Ura në mbrëmje"
    assert not violations


def _translation_url(demo_app, live_server):
    with demo_app.app_context():
        article = next(a for a in db.session.scalars(select(Article))
                       if a.translation("en") is not None and a.source_locale != "en")
        return article.id, f"{live_server}/newsroom/articles/{article.id}/en/translate"


def _en_segment(demo_app, article_id, key):
    from bv.translation import sync

    with demo_app.app_context():
        db.session.expire_all()
        translation = db.session.get(Article, article_id).translation("en")
        return sync.translated_segments(translation)[key]


def test_segment_editor_saves_a_segment_on_leaving_it_and_on_ctrl_s(
    editor_page, live_server, demo_app
):
    from playwright.sync_api import expect

    article_id, url = _translation_url(demo_app, live_server)
    page = editor_page
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else None)
    page.goto(url)
    headline = page.locator("#t-headline")
    headline.fill("Headline saved on leaving the segment")
    page.locator("#t-lede").focus()  # leaving the headline saves it
    state = page.locator("#seg-headline .seg-state")
    expect(state).to_have_text("Saved.")
    assert _en_segment(demo_app, article_id, "headline").target_text == \
        "Headline saved on leaving the segment"
    page.locator("#t-lede").fill("A lede saved with the keyboard.")
    page.keyboard.press("Control+s")
    expect(page.locator("#seg-lede .seg-state")).to_have_text("Saved.")
    assert _en_segment(demo_app, article_id, "lede").target_text == "A lede saved with the keyboard."
    # the whole form still saves afterwards: the page knows the new version
    page.locator("#t-headline").fill("Headline saved with the whole form")
    with page.expect_navigation():
        page.click("#segment-form button[type=submit]")
    assert page.locator(".flash-success").count() == 1
    assert _en_segment(demo_app, article_id, "headline").target_text == \
        "Headline saved with the whole form"
    # Alt+N goes to a segment that needs work
    page.locator("#t-headline").focus()
    page.keyboard.press("Alt+n")
    focused_row = page.evaluate("document.activeElement.closest('tr').className")
    assert "needs-work" in focused_row
    assert not violations


@pytest.fixture
def phone_editor(browser, live_server, demo_app, editor_page):
    """The signed-in editor's session in a 390×844 phone window."""
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  storage_state=editor_page.context.storage_state())
    page = context.new_page()
    yield page
    context.close()


def test_segment_editor_fits_a_phone(phone_editor, live_server, demo_app):
    _article_id, url = _translation_url(demo_app, live_server)
    page = phone_editor
    page.goto(url)
    assert page.locator("#t-headline").is_visible()
    width, scroll = page.evaluate(
        "[window.innerWidth, document.documentElement.scrollWidth]"
    )
    assert width == 390
    wide = page.evaluate(
        "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect()"
        ".right > window.innerWidth + 1).slice(-8).map(e => e.tagName + '.' + e.className + '#'"
        " + e.id + ' ' + Math.round(e.getBoundingClientRect().right))"
    )
    assert scroll <= width, f"the editor scrolls sideways: {scroll} > {width}: {wide}"
    source = page.locator("#seg-b1 td").first.bounding_box()
    target = page.locator("#seg-b1 td").nth(1).bounding_box()
    assert target["y"] >= source["y"] + source["height"] - 1, "the source stacks over the target"
