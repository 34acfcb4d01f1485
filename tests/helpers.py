"""Small parsers shared by the tests."""

from __future__ import annotations

import json
from html.parser import HTMLParser


class PageParser(HTMLParser):
    """Collects the head links, meta tags, JSON-LD and the html lang of a page."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.links: list[dict] = []
        self.meta: list[dict] = []
        self.jsonld: list[dict] = []
        self.anchors: list[dict] = []
        self._in_jsonld = False
        self._buffer = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "link":
            self.links.append(a)
        elif tag == "meta":
            self.meta.append(a)
        elif tag == "a":
            self.anchors.append(a)
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_jsonld, self._buffer = True, ""

    def handle_data(self, data):
        if self._in_jsonld:
            self._buffer += data

    def handle_endtag(self, tag):
        if tag == "script" and self._in_jsonld:
            self.jsonld.append(json.loads(self._buffer))
            self._in_jsonld = False

    @property
    def canonical(self):
        return next((x["href"] for x in self.links if x.get("rel") == "canonical"), None)

    @property
    def hreflang(self) -> dict[str, str]:
        return {
            x["hreflang"]: x["href"]
            for x in self.links
            if x.get("rel") == "alternate" and x.get("hreflang") and x.get("type") is None
        }

    def meta_values(self, prop: str) -> list[str]:
        return [m["content"] for m in self.meta if m.get("property") == prop]


def parse_page(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


def save_account(admin_client, user, **changes):
    """Post the users screen for an account, changing only the given fields."""
    data = {
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role,
        "languages": user.language_list,
        "active": "y" if user.active else "",
        "password": "",
    }
    data.update(changes)
    if not data["active"]:
        del data["active"]
    return admin_client.post(f"/newsroom/users/{user.id}", data=data)


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap_urls(client) -> list:
    """Every <url> element of the site's sitemaps, read through the sitemap index."""
    from urllib.parse import urlparse
    from xml.etree import ElementTree

    index = ElementTree.fromstring(client.get("/sitemap.xml").data)
    assert index.tag == f"{{{SITEMAP_NS}}}sitemapindex"
    urls = []
    for loc in index.iterfind(f"{{{SITEMAP_NS}}}sitemap/{{{SITEMAP_NS}}}loc"):
        response = client.get(urlparse(loc.text).path)
        assert response.status_code == 200, loc.text
        urls += ElementTree.fromstring(response.data).findall(f"{{{SITEMAP_NS}}}url")
    return urls
