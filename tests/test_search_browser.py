"""The header search in a real browser: one tap away on a phone, a box on a wide screen."""

from urllib.parse import urlparse

from tests.test_browser import browser, live_server, pytestmark  # noqa: F401


def test_phone_reader_reaches_search_in_one_tap_without_pushing_content(live_server, browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(f"{live_server}/mk/")
        link = page.locator(".masthead-search-link")
        assert link.is_visible()
        assert not page.locator(".masthead-search").is_visible()
        brand = page.locator(".brand").bounding_box()
        box = link.bounding_box()
        masthead = page.locator(".masthead-row").bounding_box()
        # inside the masthead row, not a new block under it
        assert box["y"] + box["height"] <= masthead["y"] + masthead["height"]
        assert box["y"] < brand["y"] + brand["height"] + 40
        link.click()
        page.wait_for_load_state()
        assert urlparse(page.url).path == "/mk/search"
        page.fill("#q", "тетово")
        page.press("#q", "Enter")
        page.wait_for_load_state()
        assert page.locator(".results mark").count() >= 1
    finally:
        context.close()


def test_wide_screen_has_a_search_box_in_the_header(live_server, browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{live_server}/sq/")
        assert page.locator(".masthead-search").is_visible()
        assert not page.locator(".masthead-search-link").is_visible()
        page.fill("#masthead-q", "tetoves")
        page.press("#masthead-q", "Enter")
        page.wait_for_load_state()
        assert urlparse(page.url).path == "/sq/search"
        assert page.locator(".results li").count() >= 1
    finally:
        context.close()
