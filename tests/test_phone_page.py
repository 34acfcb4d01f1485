"""The reader's page markup: the menu disclosure, the article sidebar and its share links."""

import re
from urllib.parse import parse_qs, unquote, urlparse

from sqlalchemy import select

from bv.articles.models import ArticleTranslation
from bv.extensions import db
from bv.site.share import share_links


def test_share_links_encode_the_address_and_headline():
    url = "https://news.example/mk/a/vodovodot-vo-tetovo?x=1&y=2"
    headline = "Водоводот во Тетово & „поправки“"
    links = dict(share_links(url, headline))
    mail = links["E-mail"]
    assert mail.startswith("mailto:?subject=")
    assert "+" not in mail, "mailto wants %20 for spaces"
    subject, body = mail.removeprefix("mailto:?subject=").split("&body=")
    assert unquote(subject) == headline and unquote(body) == url
    for name, key in (("Facebook", "u"), ("X", "url"), ("Telegram", "url")):
        query = parse_qs(urlparse(links[name]).query)
        assert query[key] == [url], name
    assert parse_qs(urlparse(links["WhatsApp"]).query)["text"] == [f"{headline} {url}"]
    assert parse_qs(urlparse(links["X"]).query)["text"] == [headline]


def _published(demo_app, locale):
    with demo_app.app_context():
        return db.session.scalars(
            select(ArticleTranslation).where(
                ArticleTranslation.locale == locale, ArticleTranslation.status == "published"
            )
        ).all()


def test_article_sidebar_holds_versions_share_related_and_latest(demo_app, demo_client):
    for locale in ("sq", "mk", "en"):
        for version in _published(demo_app, locale)[:3]:
            url = f"/{locale}/a/{version.slug}"
            html = demo_client.get(url).get_data(as_text=True)
            aside = html[html.index('<aside class="article-aside"'):html.index("</aside>")]
            assert html.index("</article>") < html.index('<aside class="article-aside"')
            for part in ('class="share"', 'class="related"', 'class="latest-list"'):
                assert part in aside, (url, part)
            related = re.findall(r'<h3><a href="([^"]+)">', aside)
            latest_part = aside[aside.index('class="latest-list"'):]
            latest = re.findall(r'<li><a href="([^"]+)">', latest_part)
            assert 1 <= len(latest) <= 5, url
            assert url not in latest and not set(latest) & set(related), url
            assert all(link.startswith(f"/{locale}/a/") for link in latest)


def test_header_is_one_bar_with_a_menu_disclosure(demo_client):
    html = demo_client.get("/mk/").get_data(as_text=True)
    header = html[html.index('<header class="masthead">'):html.index("</header>")]
    assert html.count("<header") == 1
    menu = header[header.index('<details class="menu">'):header.index("</details>")]
    assert re.search(r'<summary>.*<span class="menu-label">Мени</span></summary>', menu)
    assert re.search(r'<nav class="sections" aria-label="[^"]+">', menu)
    assert "/mk/c/" in menu
    # every language keeps its full name for assistive tech next to the short code
    for code, name in (("sq", "Shqip"), ("mk", "Македонски"), ("en", "English")):
        assert (f'<span class="lang-code" aria-hidden="true">{code.upper()}</span>'
                f'<span class="lang-name">{name}</span>') in header
