"""The RSS channel of each language, on an empty newsroom.

Its own module: on PostgreSQL every app shares one database, so an empty `client` in a module
that also reads the module's demo newsroom would wipe that demo for the tests after it.
"""

import xml.etree.ElementTree as ET

import pytest

BASE = "https://news.example"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize(
    ("lang", "title", "description"),
    [
        ("sq", "BalkanView: lajme në shqip", "Lajme nga Tetova dhe rajoni"),
        ("mk", "BalkanView: вести на македонски", "Вести од Тетово и регионот"),
        ("en", "BalkanView: news in English", "News from Tetovo and the region"),
    ],
)
def test_rss_channel_is_in_its_language_and_names_itself(client, lang, title, description):
    channel = ET.fromstring(client.get(f"/{lang}/feed.xml").data).find("channel")
    assert channel.findtext("title") == title
    # no tagline saved: the description comes from the catalog
    assert channel.findtext("description") == description
    (self_link,) = [x for x in channel.findall(f"{ATOM}link") if x.get("rel") == "self"]
    assert self_link.get("href") == f"{BASE}/{lang}/feed.xml"
    assert self_link.get("type") == "application/rss+xml"
