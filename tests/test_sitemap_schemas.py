"""Sitemaps against the official XSDs, and every RSS feed through feedparser.

The schemas are shipped in tests/schemas/sitemaps/ (sources in its README): the tests read no
network. /sitemap.xml may be a urlset or a sitemap index; the root element decides.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree

from bv.i18n import LOCALES
from tests.helpers import parse_page
from tests.quality_tools import ROOT

SCHEMAS = ROOT / "tests" / "schemas" / "sitemaps"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
BASE = "https://news.example"


@cache
def schema(root_file: str) -> etree.XMLSchema:
    """The sitemaps.org schema for one root element, with the extensions the site writes.

    Both sitemaps.org schemas let other namespaces in with processContents="strict", so an
    xhtml:link or news:news is checked only when its own schema is imported alongside.
    """
    imports = [(SITEMAP_NS, SCHEMAS / root_file), (NEWS_NS, SCHEMAS / "sitemap-news.xsd"),
               (XHTML_NS, SCHEMAS / "xhtml1-strict.xsd")]
    wrapper = (
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        + "".join(f'<xsd:import namespace="{ns}" schemaLocation="{path.as_uri()}"/>'
                  for ns, path in imports)
        + "</xsd:schema>"
    )
    return etree.XMLSchema(etree.fromstring(wrapper.encode()))


def validate(data: bytes) -> list[str]:
    """Schema errors of a sitemap or sitemap index, as 'line N: message'."""
    document = etree.fromstring(data)
    kind = etree.QName(document).localname
    assert etree.QName(document).namespace == SITEMAP_NS, document.tag
    checker = schema({"urlset": "sitemap.xsd", "sitemapindex": "siteindex.xsd"}[kind])
    if checker.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in checker.error_log]


def _local(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE, url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _sitemap_documents(client) -> dict[str, bytes]:
    """/sitemap.xml and, when it is an index, every sitemap it lists."""
    first = client.get("/sitemap.xml")
    assert first.status_code == 200
    documents = {"/sitemap.xml": first.data}
    root = etree.fromstring(first.data)
    if etree.QName(root).localname == "sitemapindex":
        for loc in root.iterfind(f"{{{SITEMAP_NS}}}sitemap/{{{SITEMAP_NS}}}loc"):
            path = _local(loc.text)
            response = client.get(path)
            assert response.status_code == 200, path
            documents[path] = response.data
    return documents


def test_sitemaps_follow_the_sitemaps_org_schema(demo_client):
    documents = _sitemap_documents(demo_client)
    alternates = 0
    for path, data in documents.items():
        assert validate(data) == [], path
        alternates += len(etree.fromstring(data).findall(f".//{{{XHTML_NS}}}link"))
    assert alternates, "the hreflang alternates were checked against the xhtml schema"


def test_news_sitemap_follows_the_google_news_schema(demo_client):
    response = demo_client.get("/news-sitemap.xml")
    assert response.status_code == 200
    assert validate(response.data) == []
    assert etree.fromstring(response.data).findall(f".//{{{NEWS_NS}}}news")


def test_schema_check_can_fail(demo_client):
    """A wrong changefreq, a news entry without a title and a made-up attribute are caught."""
    data = demo_client.get("/sitemap.xml").data
    root = etree.fromstring(data)
    if etree.QName(root).localname == "sitemapindex":
        data = demo_client.get(_local(root.findtext(f".//{{{SITEMAP_NS}}}loc"))).data
        root = etree.fromstring(data)
    url = root.find(f"{{{SITEMAP_NS}}}url")
    etree.SubElement(url, f"{{{SITEMAP_NS}}}changefreq").text = "fortnightly"
    assert validate(etree.tostring(root))
    link = etree.fromstring(data).find(f".//{{{XHTML_NS}}}link")
    link.set("lang-of-link", "sq")
    assert any("lang-of-link" in e for e in validate(etree.tostring(link.getroottree())))
    news = etree.fromstring(demo_client.get("/news-sitemap.xml").data)
    title = news.find(f".//{{{NEWS_NS}}}title")
    title.getparent().remove(title)
    assert validate(etree.tostring(news))


def _feeds(client, lang: str) -> list[str]:
    home = parse_page(client.get(f"/{lang}/").get_data(as_text=True))
    categories = sorted({a["href"] for a in home.anchors
                         if a.get("href", "").startswith(f"/{lang}/c/")})
    assert categories
    return [f"/{lang}/feed.xml"] + [f"{c.rstrip('/')}/feed.xml" for c in categories]


@pytest.mark.parametrize("lang", LOCALES)
def test_feeds_parse_cleanly_and_link_to_their_page(demo_client, lang):
    for path in _feeds(demo_client, lang):
        response = demo_client.get(path)
        assert response.status_code == 200, path
        parsed = feedparser.parse(response.data)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.version == "rss20", path
        assert parsed.feed.language == lang
        assert parsed.entries or path != f"/{lang}/feed.xml", "the site feed has items"
        # the channel link is the HTML page the feed follows, not the feed itself
        page = demo_client.get(_local(parsed.feed.link))
        assert page.status_code == 200, (path, parsed.feed.link)
        assert page.mimetype == "text/html"
        assert parsed.feed.link.replace(BASE, "") == path.removesuffix("feed.xml"), path
        self_links = [x.href for x in parsed.feed.links if x.rel == "self"]
        assert self_links == [BASE + path]
        for entry in parsed.entries:
            assert _local(entry.link).startswith(f"/{lang}/a/"), entry.link


def test_feedparser_flags_a_broken_feed(demo_client):
    """The check can fail: a feed cut short is bozo."""
    data = demo_client.get("/en/feed.xml").data
    assert feedparser.parse(data[: len(data) // 2]).bozo
