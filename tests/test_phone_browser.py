"""The reader's page in a real browser: a compact header on a phone, a sidebar on a desktop, print."""

import pytest
from sqlalchemy import select

from bv.articles.models import Article
from bv.extensions import db
from bv.i18n import LOCALES
from tests.test_browser import browser, live_server, pytestmark  # noqa: F401

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
# the old masthead took about 170 px on a phone; one bar of 44 px targets fits well under this
HEADER_MAX = 64


@pytest.fixture(scope="module")
def article_paths(demo_app):
    """Per language, the path of an article published in all three (with a link in its body)."""
    with demo_app.app_context():
        articles = [a for a in db.session.scalars(select(Article)) if len(a.translations) == 3]
        linked = [a for a in articles if "](http" in (a.source.body or "")]
        article = (linked or articles)[0]
        return {t.locale: f"/{t.locale}/a/{t.slug}" for t in article.translations}


def _pages(article_paths, lang):
    return [f"/{lang}/", article_paths[lang], f"/{lang}/search?q=tetov"]


@pytest.fixture
def phone(browser):  # noqa: F811
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("lang", LOCALES)
def test_phone_header_is_one_short_bar_and_nothing_scrolls_sideways(
    live_server, phone, article_paths, lang  # noqa: F811
):
    for path in _pages(article_paths, lang):
        phone.goto(live_server + path)
        header = phone.locator("header.masthead").bounding_box()
        assert header["y"] + header["height"] <= HEADER_MAX, (path, header)
        main = phone.locator("main").bounding_box()
        assert main["y"] <= HEADER_MAX + 2, (path, main)
        # menu, name, languages and search share one row
        row = phone.locator(".masthead-row").bounding_box()
        for part in ("details.menu > summary", ".brand", ".switcher", ".masthead-search-link"):
            box = phone.locator(part).bounding_box()
            assert box["y"] >= row["y"] and box["y"] + box["height"] <= row["y"] + row["height"], part
        overflow = phone.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"


def test_phone_switcher_shows_codes_but_names_each_language(live_server, phone):  # noqa: F811
    phone.goto(f"{live_server}/sq/")
    switcher = phone.locator(".switcher")
    assert switcher.locator(".lang-code").all_inner_texts() == ["SQ", "MK", "EN"]
    # the names are there for screen readers, not drawn
    assert all(box["width"] <= 1 for box in (
        name.bounding_box() for name in switcher.locator(".lang-name").all()))
    for name in ("Македонски", "English"):
        assert switcher.get_by_role("link", name=name, exact=True).count() == 1
    assert switcher.locator("[aria-current]").get_attribute("lang") == "sq"


def _menu_state(page) -> tuple[bool, bool]:
    menu = page.locator("details.menu")
    return menu.evaluate("d => d.open"), menu.locator(".sections a").first.is_visible()


def _tab_to_menu(page) -> None:
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('details.menu > summary')"):
            return
    raise AssertionError("the menu button is not reached with Tab")


def test_menu_opens_and_closes_with_the_keyboard(live_server, phone):  # noqa: F811
    phone.goto(f"{live_server}/mk/")
    assert _menu_state(phone) == (False, False)
    _tab_to_menu(phone)
    summary = phone.locator("details.menu > summary")
    assert summary.evaluate("s => getComputedStyle(s).outlineStyle") != "none", "focus is visible"
    phone.keyboard.press("Enter")
    assert _menu_state(phone) == (True, True)
    phone.keyboard.press("Tab")
    assert phone.evaluate("() => document.activeElement.closest('.sections') !== null")
    phone.keyboard.press("Escape")
    assert _menu_state(phone) == (False, False)
    assert phone.evaluate("() => document.activeElement.matches('details.menu > summary')")
    phone.keyboard.press("Space")
    assert _menu_state(phone) == (True, True)
    # the open menu lies over the page rather than pushing it down
    assert phone.locator("main").bounding_box()["y"] <= HEADER_MAX + 2
    phone.keyboard.press("Enter")
    assert _menu_state(phone) == (False, False)


def test_menu_works_without_javascript(live_server, browser):  # noqa: F811
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/en/")
        assert _menu_state(page) == (False, False)
        _tab_to_menu(page)
        page.keyboard.press("Enter")
        assert _menu_state(page) == (True, True)
        page.keyboard.press("Enter")
        assert _menu_state(page) == (False, False)
        page.locator("details.menu > summary").click()
        link = page.locator(".sections a").first
        href = link.get_attribute("href")
        link.click()
        page.wait_for_load_state()
        assert page.url.endswith(href)
    finally:
        context.close()


@pytest.mark.parametrize("lang", LOCALES)
def test_breadcrumbs_stay_on_one_line(live_server, phone, article_paths, lang):  # noqa: F811
    phone.goto(live_server + article_paths[lang])
    items = phone.locator(".breadcrumbs li")
    tops = {round(items.nth(i).bounding_box()["y"]) for i in range(items.count())}
    assert len(tops) == 1, tops
    current = phone.locator(".breadcrumbs [aria-current=page]")
    headline = phone.locator("h1").inner_text()
    # cut short on screen, whole in the page for screen readers
    assert current.evaluate("li => li.scrollWidth > li.clientWidth")
    assert current.evaluate("li => getComputedStyle(li).textOverflow") == "ellipsis"
    assert current.text_content().strip() == headline.strip()


def test_desktop_article_has_its_sidebar_beside_the_text(live_server, browser, article_paths):  # noqa: F811
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(live_server + article_paths["sq"])
        story = page.locator("article.story").bounding_box()
        aside = page.locator(".article-aside").bounding_box()
        assert aside["x"] >= story["x"] + story["width"], (story, aside)
        assert aside["y"] < page.viewport_size["height"], "the sidebar starts on the first screen"
        for part in (".versions", ".share", ".related"):
            box = page.locator(f".article-aside {part}").bounding_box()
            assert box["x"] >= story["x"] + story["width"], part
        versions = page.locator(".versions a")
        assert {versions.nth(i).get_attribute("lang") for i in range(versions.count())} == {"mk", "en"}
        # about 70 characters a line
        width_in_ch = page.evaluate(
            "() => { const b = document.querySelector('.story .body');"
            " const probe = document.createElement('span'); probe.textContent = '0'.repeat(10);"
            " b.appendChild(probe); const ch = probe.getBoundingClientRect().width / 10;"
            " probe.remove(); return b.getBoundingClientRect().width / ch; }"
        )
        assert 55 <= width_in_ch <= 72, width_in_ch
        # on the phone the same boxes come after the text
        page.set_viewport_size(PHONE)
        story = page.locator("article.story").bounding_box()
        aside = page.locator(".article-aside").bounding_box()
        assert aside["y"] >= story["y"] + story["height"]
    finally:
        context.close()


def test_share_links_are_plain_links_with_the_article_address(live_server, phone, article_paths):  # noqa: F811
    from urllib.parse import quote

    phone.goto(live_server + article_paths["en"])
    canonical = phone.locator("link[rel=canonical]").get_attribute("href")
    links = phone.locator(".share a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs[0].startswith("mailto:?subject=")
    assert all(quote(canonical, safe="") in href for href in hrefs), hrefs
    hosts = {href.split("/")[2] for href in hrefs[1:]}
    assert hosts == {"www.facebook.com", "x.com", "t.me", "wa.me"}
    # nothing was loaded from any of them
    assert phone.locator("script[src^=http], iframe").count() == 0


def test_print_keeps_only_the_article(live_server, browser, article_paths):  # noqa: F811
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(live_server + article_paths["en"])
        page.emulate_media(media="print")
        for hidden in ("header.masthead", ".breadcrumbs", ".article-aside", ".site-footer"):
            assert not page.locator(hidden).is_visible(), hidden
        assert page.locator("article.story h1").is_visible()
        assert page.locator("body").evaluate("b => getComputedStyle(b).backgroundColor") in (
            "rgba(0, 0, 0, 0)", "transparent")
        link = page.locator(".story .body a[href^=http]").first
        after = link.evaluate("a => getComputedStyle(a, '::after').content")
        assert link.get_attribute("href") in after
        page.emulate_media(media="screen")
        assert page.locator("header.masthead").is_visible()
        assert link.evaluate("a => getComputedStyle(a, '::after').content") in ("none", "normal")
    finally:
        context.close()
