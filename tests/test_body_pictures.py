"""Pictures in article bodies: figures with responsive sizes, segments, the editor, the site."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image as PILImage
from sqlalchemy import select

from bv.accounts.models import User
from bv.articles import rendering, service, workflow
from bv.articles.models import Article, Image
from bv.articles.rendering import picture_markdown, render_body, sanitize
from bv.extensions import db
from bv.media import store_image
from bv.translation import review, sync
from bv.translation import segments as seg
from tests.conftest import PASSWORD
from tests.helpers import parse_page


def _png(width=1200, height=800) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (width, height), (40, 90, 140)).save(out, "PNG")
    return out.getvalue()


def _stored(app, width=1200, height=800) -> Image:
    with app.app_context():
        image = store_image(_png(width, height))
        db.session.commit()
        db.session.refresh(image)
        db.session.expunge(image)
        return image


def _login(client, email):
    client.post("/newsroom/login", data={"email": email, "password": PASSWORD})
    client.post("/newsroom/account", data={"account-ui_locale": "en"})


def _figures(html: str) -> list[dict]:
    """Every <img> of the HTML with its attributes, and the figcaptions' texts."""
    return [dict(re.findall(r'(\w+)="([^"]*)"', tag)) for tag in re.findall(r"<img [^>]*>", html)]


# --- rendering ----------------------------------------------------------------------------


def test_a_lone_stored_picture_becomes_a_figure_with_responsive_sizes(app):
    image = _stored(app)
    with app.app_context():
        html = render_body(f'Hyrje.\n\n![Ura e Gurit](image:{image.stem} "Ura në mbrëmje")\n')
    assert html.startswith("<p>Hyrje.</p>")
    [img] = _figures(html)
    assert img["src"] == f"/media/{image.stem}-960.jpg"
    assert img["srcset"] == ", ".join(
        f"/media/{image.stem}-{w}.jpg {w}w" for w in (480, 960, 1200)
    )
    assert img["sizes"] == "(min-width: 48rem) 46rem, 100vw"
    assert (img["width"], img["height"]) == ("1200", "800")
    assert (img["alt"], img["loading"], img["decoding"]) == ("Ura e Gurit", "lazy", "async")
    assert "<figure><img " in html and "<figcaption>Ura në mbrëmje</figcaption></figure>" in html
    assert "style=" not in html


def test_caption_and_alt_are_escaped_text(app):
    image = _stored(app)
    snippet = picture_markdown(
        image.stem, alt='Say "<b>hi</b>" & *bye* [x]', caption='<script>alert(1)</script> "q" \\'
    )
    with app.app_context():
        html = render_body(snippet)
    [img] = _figures(html)
    assert img["alt"] == "Say &quot;&lt;b&gt;hi&lt;/b&gt;&quot; &amp; *bye* [x]"
    assert "<figcaption>&lt;script&gt;alert(1)&lt;/script&gt; \"q\" \\</figcaption>" in html
    assert "<script" not in html and "<b>" not in html


@pytest.mark.parametrize(
    "address",
    [
        "image:0123456789abcdef0123456789abcdef",  # a stem nobody stored
        "https://elsewhere.example/photo.jpg",
        "http://elsewhere.example/photo.jpg",
        "//elsewhere.example/photo.jpg",
        "data:image/png;base64,iVBORw0KGgo=",
        "javascript:alert(1)",
        "image:../../etc/passwd",
        "/media/known-960.jpg",
    ],
)
def test_unknown_and_foreign_pictures_keep_only_their_alt_text(app, address):
    with app.app_context():
        html = render_body(f'![Fotografia]({address} "Titulli")')
    # at most the Markdown as plain text (markdown-it leaves javascript: unparsed); no address
    assert "<img" not in html and "<figure" not in html
    assert "src=" not in html and "href=" not in html
    assert html.startswith("<p>") and "Fotografia" in html


def test_a_picture_inside_a_sentence_keeps_only_its_alt_text(app):
    image = _stored(app)
    with app.app_context():
        html = render_body(f"Para ![ura](image:{image.stem}) pas.")
        assert rendering.unshown_pictures(f"Para ![ura](image:{image.stem}) pas.") == 1
        assert rendering.unshown_pictures(f"![ura](image:{image.stem})") == 0
    assert html == "<p>Para ura pas.</p>\n"


def test_sanitizer_allows_exactly_our_figures():
    assert rendering.ALLOWED_ATTRIBUTES["img"] == {
        "src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding",
    }
    hostile = (
        '<figure class="x" style="color:red"><img src="https://evil.example/a.jpg" '
        'srcset="https://evil.example/a.jpg 1w" onerror="alert(1)" alt="a">'
        '<figcaption onclick="x()">c</figcaption></figure>'
    )
    cleaned = sanitize(hostile, picture_prefixes={"/media/"})
    assert cleaned == '<figure><img alt="a"><figcaption>c</figcaption></figure>'
    ours = '<img src="/media/a-480.jpg" srcset="/media/a-480.jpg 480w, /evil.jpg 960w">'
    assert sanitize(ours, picture_prefixes={"/media/"}) == '<img src="/media/a-480.jpg">'


# --- segments -----------------------------------------------------------------------------


def test_a_figure_is_structure_with_its_alt_and_caption_as_segments():
    body = "Hyrje.\n\n![Ura e Gurit](image:abc \"Ura në mbrëmje\")\n\nFund."
    segments = seg.assign_keys([], seg.split({"body": body}))
    assert [(s.key, s.kind, s.text) for s in segments] == [
        ("b1", "paragraph", "Hyrje."),
        ("b2", "figure_alt", "Ura e Gurit"),
        ("b3", "figure_caption", "Ura në mbrëmje"),
        ("b4", "paragraph", "Fund."),
    ]
    # an inserted paragraph before the picture keeps every key
    longer = seg.split({"body": "Parathënie.\n\n" + body})
    keyed = seg.assign_keys(segments, longer)
    assert [(s.key, s.kind) for s in keyed] == [
        ("b5", "paragraph"), ("b1", "paragraph"), ("b2", "figure_alt"),
        ("b3", "figure_caption"), ("b4", "paragraph"),
    ]
    skel = seg.skeleton({"body": body}, segments)
    mk = seg.assemble(skel, {"b1": "Вовед.", "b2": "Камениот мост", "b3": "Мостот \"навечер\"",
                             "b4": "Крај."})
    assert mk["body"] == (
        'Вовед.\n\n![Камениот мост](image:abc "Мостот \\"навечер\\"")\n\nКрај.'
    )
    again = seg.split(mk)
    assert [(s.kind, s.text) for s in again] == [
        ("paragraph", "Вовед."), ("figure_alt", "Камениот мост"),
        ("figure_caption", 'Мостот "навечер"'), ("paragraph", "Крај."),
    ]


def test_a_picture_without_texts_survives_in_every_language():
    body = "- ![](image:abc)\n- Pika.\n\n> ![Vetëm alt](image:def)"
    segments = seg.assign_keys([], seg.split({"body": body}))
    assert [s.kind for s in segments] == ["list_item", "figure_alt"]
    skel = seg.skeleton({"body": body}, segments)
    mk = seg.assemble(skel, {"b1": "Точка.", "b2": "Само алт"})
    assert mk["body"] == "- ![](image:abc)\n- Точка.\n\n> ![Само алт](image:def)"
    assert {"figure_alt", "figure_caption"} <= set(review.KIND_LABELS)


def test_translation_assembled_from_segments_keeps_the_picture(app, staff):
    image = _stored(app)
    with app.app_context():
        editor = db.session.scalar(select(User).where(User.role == "editor"))
        article = service.create_article(source_locale="sq", author=editor)
        body = f'Hyrje.\n\n![Ura e Gurit](image:{image.stem} "Ura në mbrëmje")\n\nFund.'
        service.save_translation(article, "sq", {"headline": "Ura", "body": body}, user=editor)
        db.session.commit()
        sources = sync.source_segments(article)
        kinds = {s.kind: s.key for s in sources}
        texts = {
            "headline": "Мостот", kinds["paragraph"]: "Вовед.",
            kinds["figure_alt"]: "Камениот мост", kinds["figure_caption"]: "Мостот навечер",
        }
        texts.update({s.key: "Крај." for s in sources if s.source_text == "Fund."})
        mk = review.save_review(article, "mk", texts, set(texts), user=editor,
                                expected_revision=None)
        db.session.commit()
        assert f'![Камениот мост](image:{image.stem} "Мостот навечер")' in mk.body
        assert not sync.body_mismatch(mk)
        [img] = _figures(mk.body_html)
        assert img["alt"] == "Камениот мост" and img["src"] == f"/media/{image.stem}-960.jpg"
        assert "<figcaption>Мостот навечер</figcaption>" in mk.body_html


# --- the editor ---------------------------------------------------------------------------

ARTICLE = {
    "source_locale": "sq", "headline": "Ura e re", "lede": "Komuna hap urën.",
    "body": "Hyrje.", "category": "0", "tags": "", "byline": "Ana", "image_alt": "",
    "image_caption": "", "note": "",
}


def test_without_javascript_a_picture_is_stored_and_added_to_the_body(app, staff, client):
    _login(client, staff["editor"])
    response = client.post(
        "/newsroom/articles/new",
        data={**ARTICLE, "picture": (io.BytesIO(_png()), "ura.png"),
              "picture_alt": "Ura mbi lumin", "picture_caption": "Ura, e hënë"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        article = db.session.scalar(select(Article))
        version = article.translation("sq")
        stem = db.session.scalar(select(Image.stem))
        assert version.body == f'Hyrje.\n\n![Ura mbi lumin](image:{stem} "Ura, e hënë")'
        assert "<figcaption>Ura, e hënë</figcaption>" in version.body_html
        assert [s.kind for s in sync.source_segments(article)] == [
            "headline", "lede", "paragraph", "figure_alt", "figure_caption",
        ]
    page = client.get(f"/newsroom/articles/{article.id}").get_data(as_text=True)
    assert "Pictures inside the text are not shown" not in page


def test_a_preview_with_a_picture_keeps_it_in_the_body(app, staff, client):
    _login(client, staff["author"])
    response = client.post(
        "/newsroom/articles/new",
        data={**ARTICLE, "action": "preview", "picture": (io.BytesIO(_png()), "ura.png"),
              "picture_caption": "Titulli"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = parse_page(html)
    assert page is not None
    assert "<figcaption>Titulli</figcaption>" in html
    with app.app_context():
        stem = db.session.scalar(select(Image.stem))
    assert f'![](image:{stem} &#34;Titulli&#34;)' in html or f'image:{stem}' in html
    assert db_count(app) == 0


def db_count(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Article)).all())


def test_a_refused_picture_saves_nothing_and_says_why(app, staff, client):
    _login(client, staff["editor"])
    response = client.post(
        "/newsroom/articles/new",
        data={**ARTICLE, "picture": (io.BytesIO(b"not an image"), "x.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "This file is not an image we can read." in response.get_data(as_text=True)
    assert db_count(app) == 0


def test_insert_picture_answers_with_markdown_and_a_preview(app, staff, client):
    _login(client, staff["author"])
    response = client.post(
        "/newsroom/pictures",
        data={"picture": (io.BytesIO(_png()), "ura.png"), "picture_alt": "Ura [e vjetër]",
              "picture_caption": 'Ura "e Gurit"'},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    with app.app_context():
        stem = db.session.scalar(select(Image.stem))
    assert response.json["markdown"] == f'![Ura \\[e vjetër\\]](image:{stem} "Ura \\"e Gurit\\"")'
    assert '<figcaption>Ura "e Gurit"</figcaption>' in response.json["html"]
    # the live preview renders the inserted Markdown the same way
    preview = client.post("/newsroom/preview", data={"body": response.json["markdown"]})
    assert preview.json["html"] == response.json["html"]

    refused = client.post(
        "/newsroom/pictures", data={"picture": (io.BytesIO(b"GIF89a"), "x.gif")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert refused.json["error"] == "This file is not an image we can read."
    assert client.post("/newsroom/pictures", data={}).status_code == 400


def test_translators_cannot_upload_pictures(app, staff, client):
    _login(client, staff["translator"])
    response = client.post(
        "/newsroom/pictures", data={"picture": (io.BytesIO(_png()), "ura.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403


def test_the_editor_offers_pictures_for_the_original_only(app, staff, stories, client):
    _login(client, staff["editor"])
    source = client.get(f"/newsroom/articles/{stories['other']}/sq/edit").get_data(as_text=True)
    assert 'data-picture-url="/newsroom/pictures"' in source and 'name="picture"' in source
    target = client.get(f"/newsroom/articles/{stories['other']}/mk/edit").get_data(as_text=True)
    assert 'name="picture"' not in target


def test_pictures_readers_would_not_see_are_named_on_save(app, staff, client):
    _login(client, staff["editor"])
    client.post(
        "/newsroom/articles/new",
        data={**ARTICLE, "body": "Hyrje.\n\n![Foto](https://elsewhere.example/a.jpg)"},
        content_type="multipart/form-data",
    )
    page = client.get("/newsroom/articles").get_data(as_text=True)
    assert "1 picture in the text is not shown to readers" in page


# --- the reading site ---------------------------------------------------------------------


def test_the_reading_site_shows_the_figure(app, staff, client):
    image = _stored(app)
    with app.app_context():
        editor = db.session.scalar(select(User).where(User.role == "editor"))
        article = service.create_article(source_locale="sq", author=editor)
        body = f'Hyrje.\n\n![Ura e Gurit](image:{image.stem} "Ura në mbrëmje")'
        version = service.save_translation(
            article, "sq", {"headline": "Ura e Gurit", "body": body}, user=editor
        )
        workflow.transition(version, "publish", user=editor)
        db.session.commit()
        slug = version.slug
    response = client.get(f"/sq/a/{slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<figcaption>Ura në mbrëmje</figcaption>" in html
    [img] = [i for i in _figures(html) if i.get("loading") == "lazy"]
    assert img["srcset"].startswith(f"/media/{image.stem}-480.jpg 480w")
    assert "style=" not in html
    picture = client.get(img["src"])
    assert picture.status_code == 200
    picture.close()


@pytest.mark.parametrize(
    ("ui", "legend"),
    [("sq", "Shtoni një fotografi në tekst"), ("mk", "Додајте фотографија во текстот")],
)
def test_the_picture_controls_speak_the_editors_language(app, staff, stories, client, ui, legend):
    _login(client, staff["editor"])
    client.post("/newsroom/account", data={"account-ui_locale": ui})
    page = client.get(f"/newsroom/articles/{stories['other']}/sq/edit").get_data(as_text=True)
    assert f"<legend>{legend}</legend>" in page


def test_the_segment_editor_names_the_picture_texts(app, staff, client):
    image = _stored(app)
    with app.app_context():
        editor = db.session.scalar(select(User).where(User.role == "editor"))
        article = service.create_article(source_locale="sq", author=editor)
        body = f'Hyrje.\n\n![Ura e Gurit](image:{image.stem} "Ura në mbrëmje")'
        service.save_translation(article, "sq", {"headline": "Ura", "body": body}, user=editor)
        db.session.commit()
        article_id = article.id
    _login(client, staff["editor"])
    page = client.get(f"/newsroom/articles/{article_id}/mk/translate").get_data(as_text=True)
    assert "Picture in the text: description (alt text)" in page
    assert "Picture in the text: caption" in page
    assert "Ura në mbrëmje" in page and f"image:{image.stem}" not in page
