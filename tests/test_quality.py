"""What validators flag: time values, heading outline, contrast, feeds, icons, JSON-LD, PO headers."""

import json
import re
import shutil
import subprocess
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from translate.storage import pypo

from bv import i18n
from bv.i18n import LOCALES, catalogs
from bv.translation.exchange import ExchangeDocument, ExchangeUnit, export_po
from tests.helpers import parse_page

BASE = "https://news.example"
STATIC = Path(__file__).resolve().parent.parent / "bv" / "static"
# HTML's valid global date and time string: at most three digits of a second
HTML_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d)$")


class Outline(HTMLParser):
    """Heading levels in document order, the datetime attributes, and the breadcrumb trail."""

    def __init__(self):
        super().__init__()
        self.levels: list[int] = []
        self.datetimes: list[str] = []
        self.crumbs: list[tuple[str, str | None]] = []
        self._crumb: list | None = None
        self._in_breadcrumbs = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))
        if tag == "time" and "datetime" in a:
            self.datetimes.append(a["datetime"])
        if tag == "nav" and "breadcrumbs" in (a.get("class") or ""):
            self._in_breadcrumbs = True
        if self._in_breadcrumbs and tag == "li":
            self._crumb = ["", None]
        if self._crumb is not None and tag == "a":
            self._crumb[1] = a["href"]

    def handle_data(self, data):
        if self._crumb is not None:
            self._crumb[0] += data

    def handle_endtag(self, tag):
        if tag == "li" and self._crumb is not None:
            self.crumbs.append((self._crumb[0].strip(), self._crumb[1]))
            self._crumb = None
        if tag == "nav":
            self._in_breadcrumbs = False


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _public_pages(client, lang: str) -> dict[str, str]:
    """One URL of each listing page type and one article, found by following links."""
    home = parse_page(_get(client, f"/{lang}/"))
    hrefs = [a.get("href", "") for a in home.anchors]
    pages = {"home": f"/{lang}/", "search": f"/{lang}/search?q=a"}
    pages["category"] = next(h for h in hrefs if h.startswith(f"/{lang}/c/"))
    articles = [h for h in hrefs if h.startswith(f"/{lang}/a/")]
    pages["article"] = articles[0]
    for url in articles:
        page = parse_page(_get(client, url))
        tags = [a["href"] for a in page.anchors if a.get("rel") == "tag"]
        authors = [a["href"] for a in page.anchors if a.get("rel") == "author"]
        if tags and authors:
            pages["tag"], pages["author"] = tags[0], authors[0]
            break
    assert {"tag", "author"} <= pages.keys()
    return pages


def test_iso_datetime_keeps_at_most_milliseconds():
    value = datetime(2026, 12, 1, 22, 33, 5, 293437)
    assert i18n.iso_datetime(value) == "2026-12-01T22:33:05+00:00"
    assert HTML_DATETIME.match(i18n.iso_datetime(value))
    assert i18n.iso_datetime(None) == ""


@pytest.mark.parametrize("lang", LOCALES)
def test_time_values_on_public_pages(demo_client, lang):
    for kind, url in _public_pages(demo_client, lang).items():
        page = outline(_get(demo_client, url))
        if kind != "search":
            assert page.datetimes, url
        for value in page.datetimes:
            assert HTML_DATETIME.match(value), (url, value)


@pytest.mark.parametrize("lang", LOCALES)
def test_headings_never_skip_a_level_on_public_pages(demo_client, lang):
    for kind, url in _public_pages(demo_client, lang).items():
        page = outline(_get(demo_client, url))
        assert page.levels and page.levels[0] == 1, (url, page.levels)
        assert page.levels.count(1) == 1, (url, page.levels)
        for before, after in zip(page.levels, page.levels[1:], strict=False):
            # going down the outline one step at a time; going back up any number is fine
            assert after <= before + 1, (kind, url, page.levels)


def test_feed_links_carry_no_hreflang(demo_client):
    for lang in LOCALES:
        page = parse_page(_get(demo_client, f"/{lang}/"))
        feeds = [x for x in page.links if x.get("type") == "application/rss+xml"]
        assert {x["href"] for x in feeds} == {f"/{code}/feed.xml" for code in LOCALES}
        assert all("hreflang" not in x for x in feeds)


def test_favicon_and_manifest(demo_client):
    icon = demo_client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = parse_page(_get(demo_client, "/en/"))
    (manifest_link,) = [x for x in page.links if x.get("rel") == "manifest"]
    assert any(x.get("rel") == "icon" and x["href"] == "/favicon.ico" for x in page.links)
    response = demo_client.get(manifest_link["href"])
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    data = json.loads(response.data)
    assert data["name"] == "BalkanView" and data["start_url"] == "/"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for entry in data["icons"]:
        picture = demo_client.get(entry["src"])
        assert picture.status_code == 200 and picture.data[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(picture.data[16:20], "big")
        assert f"{width}x{width}" == entry["sizes"]
        picture.close()
    icon.close()


@pytest.mark.parametrize("lang", LOCALES)
def test_article_json_ld_has_logo_image_and_breadcrumbs(demo_client, lang):
    home = parse_page(_get(demo_client, f"/{lang}/"))
    articles = {a["href"] for a in home.anchors if a.get("href", "").startswith(f"/{lang}/a/")}
    assert articles
    fallbacks = 0
    for url in sorted(articles):
        html = _get(demo_client, url)
        page = parse_page(html)
        (article,) = [x for x in page.jsonld if x["@type"] == "NewsArticle"]
        (trail,) = [x for x in page.jsonld if x["@type"] == "BreadcrumbList"]
        logo = article["publisher"]["logo"]
        assert logo["@type"] == "ImageObject" and logo["url"].startswith(BASE + "/static/")
        og_image = page.meta_values("og:image")
        assert article["image"] == (og_image[0] if og_image else logo["url"])
        fallbacks += not og_image
        # the structured trail is the visible one, step by step
        visible = outline(html).crumbs
        steps = trail["itemListElement"]
        assert [s["position"] for s in steps] == list(range(1, len(visible) + 1))
        assert [s["name"] for s in steps] == [name for name, _href in visible]
        assert [s["item"] for s in steps] == [BASE + (href or url) for _name, href in visible]
    assert 0 < fallbacks < len(articles), "the demo has articles with and without a lead image"


# contrast: WCAG 2 relative luminance

def _luminance(hex_colour: str) -> float:
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_formula_matches_wcag():
    assert round(contrast("#000", "#fff"), 2) == 21.0
    assert round(contrast("#777", "#fff"), 2) == 4.48  # the old .status-missing, which failed


def _rules(css: str) -> list[tuple[str, dict[str, str]]]:
    rules = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", re.sub(r"/\*.*?\*/", "", css, flags=re.S)):
        declarations = dict(
            (name.strip(), value.strip())
            for name, _, value in (d.partition(":") for d in body.split(";") if ":" in d)
        )
        rules.append((selector.strip(), declarations))
    return rules


# rules whose text sits on the dark masthead or footer rather than on the page
DARK_CONTEXTS = (".nr-header", ".nr-nav", ".site-footer", ".copyright")


def test_text_colours_in_the_stylesheets_reach_aa():
    site = (STATIC / "site.css").read_text()
    variables = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})", site))

    def resolve(value: str) -> str | None:
        value = value.split()[0] if value.startswith("#") else value
        match = re.fullmatch(r"var\(--([\w-]+)\)", value)
        if match:
            return variables.get(match.group(1))
        return value if re.fullmatch(r"#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}", value) else None

    # the newsroom's page is a shade darker than the site's, so dark text is checked on it
    pages = {"site.css": variables["bg"], "newsroom.css": "#fafbfc"}
    checked = 0
    for name, page_background in pages.items():
        for selector, declarations in _rules((STATIC / name).read_text()):
            foreground = resolve(declarations.get("color", ""))
            if foreground is None:
                continue
            background = resolve(declarations.get("background", ""))
            if background is None:
                dark = any(selector.startswith(c) for c in DARK_CONTEXTS)
                background = variables["ink"] if dark else page_background
            ratio = contrast(foreground, background)
            assert ratio >= 4.5, f"{name}: {selector} {foreground} on {background} is {ratio:.2f}:1"
            checked += 1
    assert checked > 20


# PO headers

GETTEXT_DEFAULTS = ("YEAR-MO-DA", "FULL NAME", "EMAIL@ADDRESS", "LL@li.org")


def _msgfmt_warnings(path: Path) -> str:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (GNU gettext) is not installed: apt-get install gettext")
    result = subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stderr


def _header(data: str) -> str:
    return data.split("\n\n", 1)[0]


@pytest.mark.parametrize("locale", catalogs.REQUIRED)
def test_catalog_headers_name_the_desk(locale):
    po = catalogs.TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    header = _header(po.read_text("utf-8"))
    for default in GETTEXT_DEFAULTS:
        assert default not in header, default
    assert catalogs.CATALOG_TEAMS[locale] in header.replace('"\n"', "")
    assert _msgfmt_warnings(po) == ""


def test_catalog_update_sets_the_header_again(tmp_path):
    po = tmp_path / "messages.po"
    po.write_text(
        '# FIRST AUTHOR <EMAIL@ADDRESS>, 2026.\n#\nmsgid ""\nmsgstr ""\n'
        '"Project-Id-Version: bv VERSION\\n"\n"Report-Msgid-Bugs-To: EMAIL@ADDRESS\\n"\n'
        '"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"\n'
        '"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"\n"Language: mk\\n"\n'
        '"Language-Team: mk <LL@li.org>\\n"\n'
        '"Content-Type: text/plain; charset=utf-8\\n"\n\nmsgid "Home"\nmsgstr "Почетна"\n',
        "utf-8",
    )
    catalogs.set_header(po, "mk", now=datetime(2026, 12, 2, 7, 30))
    text = po.read_text("utf-8")
    for default in GETTEXT_DEFAULTS:
        assert default not in _header(text), default
    assert "PO-Revision-Date: 2026-12-02 07:30+0000" in text
    assert 'msgid "Home"\nmsgstr "Почетна"' in text
    assert _msgfmt_warnings(po) == ""


def test_po_export_header_has_no_template_defaults(tmp_path):
    document = ExchangeDocument(
        article_id=7, source_locale="sq", target_locale="mk", source_revision=3,
        translation_version=2,
        units=[ExchangeUnit("headline", "Kuvendi miratoi buxhetin", "Собранието го усвои буџетот",
                            "translated")],
        team="BalkanView Macedonian desk <newsroom@example.org>",
        revised_at=datetime(2026, 12, 1, 22, 33, 5),
    )
    data = export_po(document)
    header = _header(data.decode("utf-8"))
    for default in GETTEXT_DEFAULTS:
        assert default not in header, default
    store = pypo.pofile(data)
    parsed = store.parseheader()
    assert parsed["Last-Translator"] == "BalkanView Macedonian desk <newsroom@example.org>"
    assert parsed["Language-Team"] == "BalkanView Macedonian desk <newsroom@example.org>"
    assert parsed["PO-Revision-Date"] == "2026-12-01 22:33+0000"
    path = tmp_path / "article.po"
    path.write_bytes(data)
    assert _msgfmt_warnings(path) == ""
    # without a team or a date the export still names someone and a real time
    bare = ExchangeDocument(article_id=7, source_locale="sq", target_locale="mk",
                            source_revision=3, translation_version=2, units=document.units)
    path.write_bytes(export_po(bare))
    assert _msgfmt_warnings(path) == ""
