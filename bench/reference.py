"""The benchmark's reference: the least an article page can do in this stack, with no cache.

Flask, Flask-SQLAlchemy (one ORM query for the version by its slug) and Flask-Babel (the date
in the reader's language, the strings through gettext), rendered by Jinja with a language
switcher, padded to the bv article's size. No menu, footer, related stories, tags or
security headers: it is a floor, not a rival. Its ratio to the baseline says what the
decided stack itself costs before bv does anything of its own (docs/performance.md).

Reads the bench database: `REFERENCE_DATABASE_URL`; `BENCH_BASELINE_BYTES` is the size.
"""

import os
from datetime import datetime

from flask import Flask, Response, abort, render_template_string
from flask_babel import Babel, format_datetime, gettext
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, String, Text, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Version(db.Model):
    """The columns of bv's article_translation that a reader's page shows."""

    __tablename__ = "article_translation"
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int]
    locale: Mapped[str] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(20))
    slug: Mapped[str] = mapped_column(String(300))
    live_headline: Mapped[str] = mapped_column(String(300))
    live_lede: Mapped[str] = mapped_column(Text)
    live_body_html: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(DateTime)


app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["REFERENCE_DATABASE_URL"]
db.init_app(app)
babel = Babel(app, locale_selector=lambda: LOCALE.get())
SIZE = int(os.environ.get("BENCH_BASELINE_BYTES", "20000"))

PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ v.live_headline }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><nav aria-label="{{ _('Languages') }}">{% for code in ('sq', 'mk', 'en') %}
<a href="/{{ code }}/" hreflang="{{ code }}">{{ code }}</a>{% endfor %}</nav>
<main><article><h1>{{ v.live_headline }}</h1><p>{{ v.live_lede }}</p>
<p><time datetime="{{ v.published_at.isoformat() }}">{{ date }}</time></p>
{{ v.live_body_html | safe }}</article></main>{{ padding }}</body></html>"""


class _Locale:
    """The page's language, from its address (as bv takes it)."""

    value = "en"

    def get(self):
        return self.value


LOCALE = _Locale()


@app.get("/<lang>/a/<slug>")
def article(lang: str, slug: str):
    if lang not in ("sq", "mk", "en"):
        abort(404)
    LOCALE.value = lang
    version = db.session.scalar(select(Version).where(
        Version.locale == lang, Version.slug == slug, Version.status == "published"))
    if version is None:
        abort(404)
    html = render_template_string(
        PAGE, v=version, lang=lang, _=gettext,
        date=format_datetime(version.published_at, "long"), padding="")
    missing = SIZE - len(html.encode())
    if missing > 0:
        html = html.replace("</body>", f"<!--{'x' * max(0, missing - 7)}--></body>")
    return Response(html, mimetype="text/html")
