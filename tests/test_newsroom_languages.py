"""Every newsroom page renders in each interface language (catches broken catalog entries)."""

import pytest

from tests.conftest import PASSWORD
from tests.test_newsroom_permissions import ROUTES, _ids


@pytest.mark.parametrize("ui", ["sq", "mk", "en"])
def test_every_page_renders_in_each_language(app, staff, stories, ui):
    ids = _ids(app, stories)
    client = app.test_client()
    client.post("/newsroom/login", data={"email": staff["admin"], "password": PASSWORD})
    client.post("/newsroom/account", data={"account-ui_locale": ui})
    failures = []
    for method, template, expected in ROUTES:
        if method != "GET" or expected["admin"] != 200:
            continue
        response = client.get(template.format(**ids))
        html = response.get_data(as_text=True)
        page = response.mimetype == "text/html"
        # the in-context preview is the reader's page: in the version's language, not the UI's
        lang = template.split("/")[-2] if template.endswith("/preview") else ui
        if response.status_code != 200 or (page and f'<html lang="{lang}">' not in html):
            failures.append((template, response.status_code))
    assert not failures


def test_dashboard_help_text_in_english(app, staff, stories):
    client = app.test_client()
    client.post("/newsroom/login", data={"email": staff["editor"], "password": PASSWORD})
    client.post("/newsroom/account", data={"account-ui_locale": "en"})
    html = client.get("/newsroom/dashboard").get_data(as_text=True)
    assert "100 means accepted unchanged" in html
