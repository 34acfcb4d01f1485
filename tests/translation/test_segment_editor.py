"""The segment editor: one segment saved as JSON with its own lock, chips for markup, filters,
failed segments drafted again, the reader's preview, and job pages that follow the job."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bv.accounts.models import User
from bv.articles.categories import save_category
from bv.articles.models import Article
from bv.articles.service import update_shared_fields
from bv.extensions import db
from bv.jobs.models import Job
from bv.translation import inline, sync
from tests.conftest import PASSWORD, fresh_app
from tests.translation.fake_providers import article as paragraphs
from tests.translation.stories import english_desk, run_draft
from tests.translation.stories import login as _login
from tests.translation.stories import segments as _segments
from tests.translation.stories import write as _write


@pytest.fixture
def mt_app(app, fake, staff):
    return english_desk(app, fake)


@pytest.fixture
def drafted(mt_app):
    """An sq story (headline, lede, two paragraphs with links and emphasis) drafted into mk."""
    article_id = _write(mt_app, paragraphs(2))
    job = run_draft(mt_app, article_id)
    assert job.status == "done", job.error
    return article_id


def _chips(app, article_id, key) -> inline.Chips:
    with app.app_context():
        article = db.session.get(Article, article_id)
        source = next(s for s in sync.source_segments(article) if s.key == key)
        return inline.to_chips(source.source_text)


def _page(client, article_id, query=""):
    response = client.get(f"/newsroom/articles/{article_id}/mk/translate{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _token(html, key):
    return re.search(rf'id="t-{key}"[^>]*data-token="([^"]+)"', html).group(1)


def _shown_text(html, key):
    import html as html_module

    raw = re.search(rf'id="t-{key}"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    return html_module.unescape(raw)


def _save(client, article_id, **body):
    return client.post(f"/newsroom/articles/{article_id}/mk/segment", json=body)


# chips


def test_chips_round_trip_and_refuse_broken_tags():
    source = "Më shumë në [raportin zyrtar](https://example.org/r) dhe **e-Albania** [1]."
    chips = inline.to_chips(source)
    assert chips.text == "Më shumë në [1]raportin zyrtar[/1] dhe [2]e-Albania[/2] [3/]."
    assert "https://example.org/r" not in chips.text, "the address is behind the chip"
    target = "Повеќе во [официјалниот извештај](https://example.org/r) и **e-Albania** [1]."
    shown = inline.chip_target(target, chips)
    assert shown == "Повеќе во [1]официјалниот извештај[/1] и [2]e-Albania[/2] [3/]."
    assert inline.from_chips(shown, chips) == target
    moved = "[2]e-Albania[/2]: [1]извештај[/1] [3/]"
    assert inline.from_chips(moved, chips) == "**e-Albania**: [извештај](https://example.org/r) [1]"
    for typed, code, named in [
        ("[1]извештај [2]e[/2] [3/]", "missing", ["[/1]"]),
        ("[1]a[/1] [2]e[/2] [3/] [3/]", "duplicated", ["[3/]"]),
        ("[/1]a[1] [2]e[/2] [3/]", "order", ["[/1]"]),
        ("[1]a[2]e[/1][/2] [3/]", "order", ["[/1]"]),
        ("[1]a[/1] [2]e[/2] [3/] [7]", "unknown", ["[7]"]),
    ]:
        with pytest.raises(inline.ChipError) as caught:
            inline.from_chips(typed, chips)
        assert (caught.value.code, caught.value.chips) == (code, named), typed
    assert inline.from_chips("", chips) == "", "an empty segment needs no tags"


# saving one segment


def test_a_segment_saves_alone_as_json_and_its_markup_comes_back(mt_app, drafted, staff):
    before = _segments(mt_app, drafted)
    client = mt_app.test_client()
    _login(client, staff["translator"])
    html = _page(client, drafted)
    version = int(html.split('name="version" value="')[1].split('"')[0])
    shown = _shown_text(html, "b1")
    assert "](" not in shown and re.search(r"\[\d+\]", shown), "markup shows as chips"
    chips = _chips(mt_app, drafted, "b1")
    typed = "Нов пасус: " + " ".join(
        f"[{t.id}]збор[/{t.id}]" if t.paired else f"[{t.id}/]" for t in chips.tags.values()
    )
    response = _save(client, drafted, key="b1", text=typed, reviewed=True, token=_token(html, "b1"))
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["ok"] and data["reviewed"] and data["message"] == "Saved."
    assert data["version"] == version + 1
    assert data["token"] != _token(html, "b1")
    after = _segments(mt_app, drafted)
    assert after["b1"] == inline.from_chips(typed, chips)
    assert after["b1"].startswith("Нов пасус: ") and "**збор**" in after["b1"]
    assert {k: v for k, v in after.items() if k != "b1"} == {
        k: v for k, v in before.items() if k != "b1"}
    # the page's whole-form save still works after a segment save, with the new version
    response = client.post(f"/newsroom/articles/{drafted}/mk/translate",
                           data={"version": str(data["version"]), "t-headline": "Наслов"})
    assert response.status_code == 302


def test_a_stale_segment_is_a_conflict_and_nothing_is_overwritten(mt_app, drafted, staff):
    client = mt_app.test_client()
    _login(client, staff["translator"])
    html = _page(client, drafted)
    token = _token(html, "headline")
    first = _save(client, drafted, key="headline", text="Првиот наслов", reviewed=False, token=token)
    assert first.status_code == 200
    second = _save(client, drafted, key="headline", text="Вториот наслов", reviewed=False,
                   token=token)
    assert second.status_code == 409
    data = second.get_json()
    assert data["text"] == "Првиот наслов", "the server's text comes back"
    assert "Someone else changed this segment" in data["message"]
    assert _segments(mt_app, drafted)["headline"] == "Првиот наслов"
    # a deliberate save with the token the conflict returned goes through
    third = _save(client, drafted, key="headline", text="Вториот наслов", reviewed=False,
                  token=data["token"])
    assert third.status_code == 200


def test_broken_tags_are_refused_and_the_text_kept(mt_app, drafted, staff):
    before = _segments(mt_app, drafted)
    client = mt_app.test_client()
    _login(client, staff["translator"])
    html = _page(client, drafted)
    response = _save(client, drafted, key="b1", text="Без ознаки.", reviewed=False,
                     token=_token(html, "b1"))
    assert response.status_code == 422
    assert "Tags missing" in response.get_json()["message"]
    typed = "[1]два пати[/1] [1]два пати[/1]"
    response = client.post(f"/newsroom/articles/{drafted}/mk/translate", data={
        "version": html.split('name="version" value="')[1].split('"')[0], "t-b2": typed,
        "t-headline": "Друг наслов",
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "broken tags" in page and "Tags used more than once: [1]" in page
    assert _shown_text(page, "b2") == typed, "what was typed is kept"
    assert _shown_text(page, "headline") == "Друг наслов"
    assert 'href="#seg-b2"' in page, "the message links to the segment"
    assert _segments(mt_app, drafted) == before


def test_bad_requests_and_permissions(mt_app, drafted, staff):
    client = mt_app.test_client()
    _login(client, staff["translator"])
    html = _page(client, drafted)
    token = _token(html, "lede")
    assert client.post(f"/newsroom/articles/{drafted}/mk/segment", data="x").status_code == 400
    assert _save(client, drafted, key="lede", text=5, reviewed=False, token=token).status_code == 400
    assert _save(client, drafted, key="b99", text="x", reviewed=False, token=token).status_code == 404
    # a translator into sq may not save mk segments
    other = mt_app.test_client()
    _login(other, staff["author"])
    refused = _save(other, drafted, key="lede", text="Туѓ текст", reviewed=False, token=token)
    assert refused.status_code == 403
    assert other.post(f"/newsroom/articles/{drafted}/mk/redraft", data={"key": "b1"}).status_code == 403
    assert "Туѓ текст" not in _segments(mt_app, drafted).values()


def test_a_segment_save_needs_the_csrf_header(tmp_path, migrated_template):
    with fresh_app(tmp_path, migrated_template, WTF_CSRF_ENABLED=True) as app:
        from bv.accounts.service import create_user
        from bv.articles import service

        with app.app_context():
            editor = create_user("e@test.example", PASSWORD, role="editor", ui_locale="en")
            article = service.create_article(source_locale="sq", author=editor)
            service.save_translation(article, "sq", {"headline": "Titulli", "lede": "Hyrja."},
                                     user=editor)
            db.session.commit()
            article_id = article.id
        client = app.test_client()
        login_page = client.get("/newsroom/login").get_data(as_text=True)
        token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post("/newsroom/login", data={"email": "e@test.example", "password": PASSWORD,
                                             "csrf_token": token})
        html = client.get(f"/newsroom/articles/{article_id}/mk/translate").get_data(as_text=True)
        csrf = html.split('data-csrf="')[1].split('"')[0]
        body = {"key": "headline", "text": "Наслов", "reviewed": False,
                "token": _token(html, "headline")}
        url = f"/newsroom/articles/{article_id}/mk/segment"
        assert client.post(url, json=body).status_code == 400
        with app.app_context():
            assert db.session.get(Article, article_id).translation("mk") is None
        response = client.post(url, json=body, headers={"X-CSRFToken": csrf})
        assert response.status_code == 200, response.get_data(as_text=True)


# filters and the gate


def test_filters_work_without_javascript(mt_app, drafted, staff):
    client = mt_app.test_client()
    _login(client, staff["editor"])
    html = _page(client, drafted)
    tokens = {k: _token(html, k) for k in ("headline", "lede")}
    _save(client, drafted, key="headline", text="Наслов", reviewed=True, token=tokens["headline"])
    keys = lambda page: re.findall(r'<tr id="seg-([\w-]+)"', page)  # noqa: E731
    assert keys(_page(client, drafted)) == ["headline", "lede", "b1", "b2"]
    assert keys(_page(client, drafted, "?show=unreviewed")) == ["lede", "b1", "b2"]
    assert keys(_page(client, drafted, "?show=outdated")) == []
    assert keys(_page(client, drafted, "?show=nonsense")) == ["headline", "lede", "b1", "b2"]
    page = _page(client, drafted, "?show=unreviewed")
    assert 'aria-current="page">Not reviewed' in page
    assert re.search(r'href="/newsroom/articles/\d+/mk/translate#seg-lede"', page), \
        "the gate's list links to the segments it names"
    assert "Alt+N" in page
    # the source changes: the edited paragraph is outdated
    with mt_app.app_context():
        from bv.articles import service

        article = db.session.get(Article, drafted)
        source = article.source
        body = source.body.split("\n\n")
        service.save_translation(article, "sq", {"headline": source.headline, "lede": source.lede,
                                 "body": "\n\n".join([body[0], "Paragraf krejt i ri."])},
                                 user=db.session.scalar(select(User).where(User.role == "editor")))
        db.session.commit()
    assert keys(_page(client, drafted, "?show=outdated")) == ["b2"]


# a failed segment, drafted again


def test_a_failed_segment_says_why_and_can_be_drafted_again(mt_app, fake, staff):
    article_id = _write(mt_app, paragraphs(2))
    fake.placeholders = "drop"
    job = run_draft(mt_app, article_id)
    assert job.status == "done"
    assert set(job.result["failed_keys"]) == {"b1", "b2"}
    assert "damaged protected markup" in job.result["failed_reasons"]["b1"]
    client = mt_app.test_client()
    _login(client, staff["translator"])
    page = _page(client, article_id)
    assert page.count("The machine draft could not translate this segment") == 2
    assert 'name="key" value="b1"' in page and "Try again" in page
    assert re.findall(r'<tr id="seg-([\w-]+)"', _page(client, article_id, "?show=problems")
                      )[-2:] == ["b1", "b2"]
    editor = mt_app.test_client()
    _login(editor, staff["editor"])
    job_page = editor.get(f"/newsroom/jobs/{job.id}").get_data(as_text=True)
    assert "damaged protected markup" in job_page and "#seg-b1" in job_page
    fake.placeholders = None
    response = client.post(f"/newsroom/articles/{article_id}/mk/redraft", data={"key": "b1"})
    assert response.status_code == 302
    with mt_app.app_context():
        again = db.session.scalar(select(Job).order_by(Job.id.desc()))
        assert again.payload["keys"] == ["b1"] and again.status == "done"
        assert again.total == 1, "only that segment went to the service"
    texts = _segments(mt_app, article_id)
    assert texts["b1"].strip() and not texts.get("b2", "").strip()
    page = _page(client, article_id)
    assert page.count("The machine draft could not translate this segment") == 1
    assert 'name="key" value="b2"' in page
    # a segment the original does not have is refused with a message
    response = client.post(f"/newsroom/articles/{article_id}/mk/redraft", data={"key": "zz"})
    assert response.status_code == 302 and "/translate" in response.headers["Location"]


# the reader's preview


def test_the_preview_shows_the_saved_text_as_readers_would_and_is_never_indexed(
    mt_app, drafted, staff
):
    client = mt_app.test_client()
    _login(client, staff["translator"])
    html = _page(client, drafted)
    _save(client, drafted, key="headline", text="Наслов за преглед", reviewed=False,
          token=_token(html, "headline"))
    with mt_app.app_context():
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        section = save_category(None, key="preview-desk", user=admin,
                                names={"sq": "Tavolina", "mk": "Деск", "en": "Desk"})
        update_shared_fields(db.session.get(Article, drafted), user=admin, category=section,
                             byline="", tags_text="")
        db.session.commit()
    response = client.get(f"/newsroom/articles/{drafted}/mk/preview")
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response.headers["Cache-Control"]
    page = response.get_data(as_text=True)
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "<h1>Наслов за преглед</h1>" in page
    assert '<html lang="mk"' in page, "the reader's page speaks the article's language"
    assert "<strong>" in page or "<em>" in page
    assert "Preview" in page or "Преглед" in page
    with mt_app.app_context():
        article = db.session.get(Article, drafted)
        assert article.translation("mk").live_headline == "", "nothing went live"
    # a preview loads no menu: the section's name comes from the article itself
    assert '<p class="kicker"><a href="/mk/c/desk/">Деск</a></p>' in page
    assert client.get(f"/newsroom/articles/{drafted}/en/preview").status_code == 404


# job pages


def test_job_pages_follow_the_job_and_name_the_article(mt_app, drafted, staff):
    client = mt_app.test_client()
    _login(client, staff["editor"])
    with mt_app.app_context():
        article = db.session.get(Article, drafted)
        editor = db.session.scalar(select(User).where(User.role == "editor"))
        queued = Job(kind="machine_draft", status="queued", article_id=drafted,
                     user_id=editor.id, payload={"target": "en"})
        db.session.add(queued)
        db.session.commit()
        queued_id, headline = queued.id, article.source.headline
    page = client.get(f"/newsroom/jobs/{queued_id}").get_data(as_text=True)
    assert "Waiting in the queue" in page and headline in page
    assert client.get(f"/newsroom/jobs/{queued_id}/status").get_json()["label"] == \
        "Waiting in the queue"
    with mt_app.app_context():
        db.session.get(Job, queued_id).status = "running"
        db.session.commit()
    assert client.get(f"/newsroom/jobs/{queued_id}/status").get_json()["label"] == "Running"
    assert "Running" in client.get(f"/newsroom/jobs/{queued_id}").get_data(as_text=True)
    with mt_app.app_context():
        db.session.get(Job, queued_id).status = "failed"
        db.session.commit()
    assert "Failed" in client.get(f"/newsroom/jobs/{queued_id}").get_data(as_text=True)
    # all missing languages: the jobs page follows the drafts with one progress bar
    response = client.post("/newsroom/machine-draft-missing", data={"article": str(drafted)})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "/newsroom/jobs?batch=" in location
    page = client.get(location).get_data(as_text=True)
    assert 'id="batch-progress"' in page and headline in page
    ids = location.split("batch=")[1].split("%2C")
    assert len(re.findall(r'<tr class="job-progress"', page)) == len(ids) == 1


def test_chips_of_any_source_restore_it_exactly():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    pieces = st.sampled_from([
        "Tetova ", "Тетово ", "[lidhja](https://example.org/a_b) ", "**fort** ", "*pjerrët* ",
        "_theks_ ", "`kod` ", "https://example.org/x ", "[1] ", "{2} ", "\\* ", "<b> ", "a\nb ",
        "[teksti][ref] ", "**[brenda](https://e.org)** ", "e-Albania, ", "MEK. ",
    ])

    @settings(max_examples=200, deadline=None)
    @given(st.lists(pieces, min_size=1, max_size=8))
    def round_trip(parts):
        source = "".join(parts).strip()
        chips = inline.to_chips(source)
        assert inline.from_chips(chips.text, chips) == source
        assert inline.chip_target(source, chips) == chips.text

    round_trip()


def test_the_article_page_links_to_the_segments_that_stop_approval(mt_app, drafted, staff):
    from bv.articles import workflow

    client = mt_app.test_client()
    _login(client, staff["editor"])
    with mt_app.app_context():
        translation = db.session.get(Article, drafted).translation("mk")
        workflow.transition(translation, "submit",
                            user=db.session.scalar(select(User).where(User.role == "editor")))
        db.session.commit()
    page = client.get(f"/newsroom/articles/{drafted}").get_data(as_text=True)
    for key in ("headline", "lede", "b1", "b2"):
        assert f'/newsroom/articles/{drafted}/mk/translate#seg-{key}"' in page, key
    html = _page(client, drafted)
    for key in ("headline", "lede"):
        response = _save(client, drafted, key=key, text=_shown_text(html, key), reviewed=True,
                         token=_token(html, key))
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["reviewed"], response.get_json()
    page = client.get(f"/newsroom/articles/{drafted}").get_data(as_text=True)
    unreviewed = page.split('class="gate-keys"')[1].split("</p>")[0].split("blocking check")[0]
    assert "2 segments are not reviewed" in unreviewed
    assert "#seg-headline" not in unreviewed and "#seg-b1" in unreviewed, unreviewed
