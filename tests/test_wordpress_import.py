"""The WordPress importer end to end: a Polylang and a WPML export into a fresh site."""

from __future__ import annotations

import io
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image as PILImage
from sqlalchemy import func, select

from bv.accounts.models import User
from bv.articles.models import Article, ArticleTranslation, Category, CategoryName, Image, Tag
from bv.extensions import db
from bv.jobs.models import Job
from bv.redirects.models import OldUrl
from bv.settings import set_setting, settings_for
from bv.translation.models import Segment, TranslatedSegment
from bv.wordpress.importer import Importer
from bv.wordpress.wxr import BadExport

FIXTURES = Path(__file__).parent / "fixtures" / "wordpress"


def jpeg(width=900, height=600, color=(90, 140, 60)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "wp-uploads"
    (folder / "2024" / "03").mkdir(parents=True)
    (folder / "2024" / "03" / "tregu.jpg").write_bytes(jpeg())
    (folder / "2024" / "03" / "pokriv.jpg").write_bytes(jpeg(color=(200, 80, 40)))
    # izgubena.jpg is missing on purpose
    return folder


def run(app, name="polylang.xml", **options):
    with app.app_context():
        return Importer(FIXTURES / name, **options).run()


def translation(locale, slug) -> ArticleTranslation:
    return db.session.scalar(select(ArticleTranslation).where(
        ArticleTranslation.locale == locale, ArticleTranslation.slug == slug))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_polylang_groups_become_articles_with_translations(app, uploads):
    with app.app_context():
        # even with automatic machine drafts on, nothing imported goes to a provider
        set_setting("auto_machine_drafts", "1")
        db.session.commit()
    report = run(app, uploads=uploads)
    with app.app_context():
        market_sq = translation("sq", "tregu-i-tetoves")
        article = market_sq.article
        # the earliest-published member is the source, whatever the file's order
        assert article.source_locale == "sq"
        assert {t.locale for t in article.translations} == {"sq", "mk", "en"}
        market_mk = article.translation("mk")
        # the percent-encoded Cyrillic slug, decoded and transliterated with the digraphs
        assert market_mk.slug == "pazarot-vo-tetovo"
        assert all(t.status == "published" for t in article.translations)
        assert market_sq.first_published_at.isoformat().startswith("2024-03-01T08:00")
        assert market_mk.live_headline == "Пазарот во Тетово добива нов покрив"
        assert market_mk.source_revision_id == market_sq.revisions[-1].id
        # human, reviewed translations with segments, and no machine draft
        assert db.session.scalar(select(func.count()).select_from(Segment).where(
            Segment.article_id == article.id)) > 0
        done = db.session.scalars(select(TranslatedSegment).where(
            TranslatedSegment.translation_id == market_mk.id)).all()
        assert done and all(s.reviewed for s in done)
        assert count(Job) == 0
        assert article.author is None and article.byline == "Drita Aliu"
        # content: lede from the first paragraph, headings, lists, quotes, emphasis kept
        assert market_sq.lede.startswith("Shitësit e tregut")
        assert "## Çfarë ndryshon" in market_sq.body
        assert "- Tezga të reja" in market_sq.body
        assert "> Më në fund" in market_sq.body
        assert "Shitësit" not in market_sq.body
        image = article.lead_image
        assert image is not None
        assert f'(image:{image.stem} "Tregu në mëngjes")' in market_sq.body
        assert market_sq.image_alt == "Tezgat e tregut nën diell"
        assert market_sq.image_caption == "Tregu i gjelbër në mëngjes"
        # excerpt without its "[…]" tail; wpautop paragraphs; embed becomes a link
        market_en = article.translation("en")
        assert market_en.lede == "The green market's stallholders will work under a roof"
        assert "https://video.example.net/watch/market-roof" in market_en.body
        assert "The council signed the contracts on Tuesday." in market_en.body
        # gallery: the found picture is in the body with its caption
        assert '"Новиот покрив")' in market_mk.body
        # categories and tags with names per language; no empty categories
        assert article.category.name_in("mk").name == "Економија"
        assert article.category.name_in("en").name == "Economy"
        assert [t.names for t in article.tags] == [{"sq": "Pazari", "mk": "Пазар"}]
        assert count(Category) == 2  # Ekonomi group and Sport; nothing else
        marathon = translation("mk", "maraton").article
        assert marathon.source_locale == "mk"
        assert marathon.translation("sq").status == "draft"
        # statuses: private and protected skipped, past future published, far future draft
        assert translation("sq", "shenim") is None and translation("sq", "burimi") is None
        assert translation("sq", "festivali").status == "published"
        assert translation("sq", "plani").status == "draft"
        all_text = " ".join(t.body + t.live_body_html for t in
                            db.session.scalars(select(ArticleTranslation)))
        assert "TEKST-I-MBROJTUR" not in all_text
        # the About page and the contact details came over; other pages are reported
        assert "redaksi e vogël" in settings_for("sq")["about_markdown"]
        assert settings_for("sq")["email"] == "redaksia@ura.example"
        assert settings_for("sq")["phone"] == "+389 44 123 456"
    assert report.skipped["private"] == 1
    assert report.skipped["password-protected"] == 1
    assert report.counts[("post", "publish", "mk")] == 2
    assert report.groups_complete == 1
    assert ["sq", "mk", "en"] not in [m for _, m in report.groups_incomplete]
    assert any("/mk/2024/05/" in what and missing == ["en"]
               for what, missing in report.groups_incomplete)
    assert report.media_found == 2
    assert [name for name, _ in report.media_missing] == ["2024/03/izgubena.jpg"]
    assert ("https://old.example.org/2024/03/tregu-i-tetoves/", "block:acme/poll") in \
        report.unsupported
    assert any(what == "shortcode:contact-form-7" for _, what in report.unsupported)
    assert report.too_far_ahead == ["https://old.example.org/2999/01/plani/"]
    assert report.pages_unmatched == ["https://old.example.org/privatesia/"]
    assert report.language_urls == "directory"
    assert report.permalinks == "/%year%/%monthnum%/%postname%/"
    assert report.redirects > 10


def test_rerun_updates_and_never_duplicates(app, uploads):
    run(app, uploads=uploads)
    with app.app_context():
        before = (count(Article), count(ArticleTranslation), count(Image), count(Category),
                  count(Tag), count(OldUrl))
    report = run(app, uploads=uploads)
    with app.app_context():
        assert (count(Article), count(ArticleTranslation), count(Image), count(Category),
                count(Tag), count(OldUrl)) == before
    assert report.articles_created == 0


def test_newer_export_updates_the_text_in_place(app, tmp_path):
    run(app)
    newer = tmp_path / "newer.xml"
    newer.write_text((FIXTURES / "polylang.xml").read_text(encoding="utf-8").replace(
        "Tregu i Tetovës merr çati të re", "Tregu i Tetovës merr më në fund çati"),
        encoding="utf-8")
    with app.app_context():
        articles = count(Article)
        Importer(newer).run()
        sq = translation("sq", "tregu-i-tetoves")
        assert sq.live_headline == "Tregu i Tetovës merr më në fund çati"
        assert count(Article) == articles


def test_future_posts_are_scheduled(app, tmp_path):
    soon = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S")
    path = tmp_path / "future.xml"
    path.write_text((FIXTURES / "polylang.xml").read_text(encoding="utf-8").replace(
        "2024-02-20 18:00:00", soon), encoding="utf-8")
    with app.app_context():
        Importer(path).run()
        festival = translation("sq", "festivali")
        assert festival.status == "draft"
        assert festival.scheduled_at.strftime("%Y-%m-%d %H:%M:%S") == soon


def test_dry_run_writes_nothing_and_reports_the_same(app, uploads):
    dry = run(app, uploads=uploads, dry_run=True)
    with app.app_context():
        assert count(Article) == 0 and count(OldUrl) == 0 and count(Image) == 0
    real = run(app, uploads=uploads)
    assert dry.counts == real.counts
    assert dry.media_found == real.media_found
    assert dry.redirects == real.redirects
    assert dry.lines()[1:] == real.lines()[1:]


def test_author_map_makes_inactive_staff(app, tmp_path):
    mapping = tmp_path / "authors.csv"
    mapping.write_text("drita,drita@news.example\n", encoding="utf-8")
    report = run(app, author_map=mapping)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "drita@news.example"))
        assert user is not None and not user.active
        assert user.display_name == "Drita Aliu"
        assert translation("sq", "tregu-i-tetoves").article.author_id == user.id
    assert report.authors_created == 1


def test_wpml_groups_use_the_source_language(app):
    report = run(app, "wpml.xml")
    with app.app_context():
        sq = translation("sq", "ujesjellesi-i-ri")
        article = sq.article
        assert article.source_locale == "mk"
        assert {t.locale for t in article.translations} == {"sq", "mk", "en"}
    assert report.languages_from == "wpml"
    assert report.language_urls == "?lang="


def test_plain_export_falls_back_to_the_default_language(app, tmp_path):
    text = (FIXTURES / "wpml.xml").read_text(encoding="utf-8")
    text = text.replace("_wpml_import_", "_other_")
    path = tmp_path / "plain.xml"
    path.write_text(text, encoding="utf-8")
    with app.app_context():
        report = Importer(path, default_language="en").run()
        assert {t.locale for t in db.session.scalars(select(ArticleTranslation))} == {"en"}
    assert report.languages_from == "default"
    assert report.default_language == "en"


BAD = {
    "not_xml": lambda t: "This is a plain text file, not an export.",
    "not_wxr": lambda t: '<?xml version="1.0"?><html><body>hello</body></html>',
    "truncated": lambda t: t[: len(t) // 2],
    "unknown_version": lambda t: t.replace("<wp:wxr_version>1.2<", "<wp:wxr_version>9.0<"),
    "broken_serialized": lambda t: t.replace('a:3:{s:2:"sq";i:101;', 'a:3:{s:2:"sq";i:101'),
    "unknown_language": lambda t: t.replace('nicename="en"><![CDATA[English]]>',
                                            'nicename="de"><![CDATA[Deutsch]]>'),
    "duplicate_slug": lambda t: t.replace("<![CDATA[festivali]]>", "<![CDATA[plani]]>"),
    "too_large": lambda t: t.replace("Festivali i filmit në Tetovë",
                                     "Festivali " + "x" * (5 * 1024 * 1024)),
}


@pytest.mark.parametrize("code", sorted(BAD))
def test_bad_input_is_refused_and_changes_nothing(app, tmp_path, code):
    text = BAD[code]((FIXTURES / "polylang.xml").read_text(encoding="utf-8"))
    path = tmp_path / "bad.xml"
    path.write_text(text, encoding="utf-8")
    with app.app_context():
        with pytest.raises(BadExport) as caught:
            Importer(path).run()
        assert caught.value.code == code
        assert count(Article) == 0 and count(OldUrl) == 0 and count(CategoryName) == 0


def test_cli_prints_the_report_and_a_clear_error(app, tmp_path, uploads):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["wordpress", "import", str(FIXTURES / "polylang.xml"),
                                 "--uploads", str(uploads), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "DRY RUN" in result.output and "Redirects:" in result.output
    bad = tmp_path / "bad.xml"
    bad.write_text("not xml", encoding="utf-8")
    result = runner.invoke(args=["wordpress", "import", str(bad)])
    assert result.exit_code != 0
    assert "not XML" in result.output and "Nothing was changed" in result.output
    shutil.rmtree(uploads)


def test_newsroom_upload_runs_a_job_and_shows_the_report(app, client, auth, staff):
    auth.login(staff["editor"])
    assert client.get("/newsroom/wordpress").status_code == 403
    auth.logout()
    auth.login(staff["admin"])
    page = client.get("/newsroom/wordpress")
    assert page.status_code == 200 and b'enctype="multipart/form-data"' in page.data
    assert client.post("/newsroom/wordpress", data={}).status_code == 422
    data = (FIXTURES / "polylang.xml").read_bytes()
    response = client.post("/newsroom/wordpress", data={
        "export": (io.BytesIO(data), "export.xml"), "default_language": "sq",
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "block:acme/poll" in text and "<progress" in text
    with app.app_context():
        job = db.session.scalar(select(Job))
        assert job.status == "done" and job.progress == job.total > 0
        assert translation("sq", "tregu-i-tetoves").status == "published"
        assert not list((Path(app.instance_path) / "wordpress").iterdir())
    # a bad file: the job says why, nothing changes
    response = client.post("/newsroom/wordpress", data={
        "export": (io.BytesIO(b"plain words"), "bad.xml"), "default_language": "sq",
        "dry_run": "y",
    }, content_type="multipart/form-data")
    text = client.get(response.headers["Location"]).get_data(as_text=True)
    # in the admin's language (Albanian here)
    assert "Skedari nuk është XML" in text


def test_an_import_that_stops_halfway_is_finished_by_a_rerun(app, monkeypatch):
    from bv.wordpress import importer as module

    real = module.converter.convert
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(module.converter, "convert", failing)
    with app.app_context(), pytest.raises(OSError):
        Importer(FIXTURES / "polylang.xml", batch_size=1).run()
    with app.app_context():
        # whole batches only: every imported version has its text and its redirect
        partial = count(ArticleTranslation)
        assert 0 < partial < 7
        assert all(t.headline and t.revisions for t in db.session.scalars(
            select(ArticleTranslation)))
    monkeypatch.setattr(module.converter, "convert", real)
    run(app)
    with app.app_context():
        assert count(ArticleTranslation) == 7  # 101-105, 108, 109
        assert count(Article) == 4
