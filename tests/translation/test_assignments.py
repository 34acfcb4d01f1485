"""Translators' open work ("My work", the dashboard's queues) and assigning versions to them."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bv import events
from bv.accounts.models import User
from bv.accounts.service import create_user
from bv.articles import service, workflow
from bv.articles.models import Article
from bv.audit.models import AuditEvent
from bv.extensions import db
from bv.notifications.models import Notification
from bv.translation import assignments, queues, review, sync
from bv.translation.models import TranslationAssignment
from tests.conftest import PASSWORD
from tests.translation.fake_providers import point_at
from tests.translation.stories import editor, login, run_draft, write


@pytest.fixture
def mt_app(app, fake, staff):
    app.config.update(point_at(fake))
    with app.app_context():
        # editors read the newsroom in English here; the translator keeps Albanian
        for user in db.session.scalars(select(User).where(User.role != "translator")):
            user.ui_locale = "en"
        db.session.commit()
    return app


def _user(role):
    return db.session.scalar(select(User).where(User.role == role))


def _section(html: str, heading: str) -> str:
    """The part of a page from an <h2> heading to the next one."""
    start = html.index(heading)
    end = html.find("<h2", start)
    return html[start : end if end != -1 else None]


def _work(app, user_id):
    with app.app_context():
        queue = queues.open_work(db.session.get(User, user_id))
        return [(i.article.id, i.locale, i.reason, i.need) for i in queue.items]


def _ids(app):
    with app.app_context():
        return {role: _user(role).id for role in ("admin", "editor", "translator", "author")}


def _assign(client, article_id, locale, translator_id, due_on=""):
    return client.post(
        f"/newsroom/articles/{article_id}/{locale}/assignment",
        data={"translator": str(translator_id), "due_on": due_on},
    )


def _outbox(app) -> list[email.message.EmailMessage]:
    folder = Path(app.instance_path) / "outbox"
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted(folder.glob("*.eml"))
    ]


def test_a_waiting_machine_draft_is_in_the_translators_work_not_the_editors_drafts(mt_app, staff):
    article_id = write(mt_app, ["Kuvendi miratoi buxhetin."], headline="Buxheti i Tetovës")
    assert run_draft(mt_app, article_id, target="en").status == "done"
    translator, editor_client = mt_app.test_client(), mt_app.test_client()
    login(translator, staff["translator"])
    login(editor_client, staff["editor"])

    mine = translator.get("/newsroom/").get_data(as_text=True)
    to_translate = _section(mine, "Për përkthim")  # "To translate", in the translator's Albanian
    assert "Buxheti i Tetovës" in to_translate
    assert "Skicë automatike për rishikim" in to_translate
    assert f"/newsroom/articles/{article_id}/en/translate" in to_translate

    drafts = _section(editor_client.get("/newsroom/").get_data(as_text=True), "My drafts")
    assert "Buxheti i Tetovës" not in drafts, "the machine's draft is not the editor's draft"
    # the dashboard's queue for the translator comes from the same definition
    dashboard = editor_client.get("/newsroom/dashboard").get_data(as_text=True)
    queue = _section(dashboard, "Translators' queues")
    assert "Buxheti i Tetovës" in queue and "Machine draft to review" in queue


def test_open_work_is_missing_machine_drafts_and_outdated_into_their_languages(mt_app, staff):
    ids = _ids(mt_app)
    sq_source = write(mt_app, ["Qyteti ka park të ri."], headline="Park")
    with mt_app.app_context():
        author = _user("author")
        mk_article = service.create_article(source_locale="mk", author=author)
        t = service.save_translation(mk_article, "mk", {"headline": "Нов мост", "lede": "Мост."}, user=author)
        workflow.transition(t, "publish", user=editor())
        draft_only = service.create_article(source_locale="sq", author=author)
        service.save_translation(draft_only, "sq", {"headline": "Ende skicë"}, user=author)
        mk_id, draft_id = mk_article.id, draft_only.id
        db.session.commit()
    work = _work(mt_app, ids["translator"])
    # sq is the first article's source: never listed; the translator does not translate into mk
    assert (sq_source, "en", "missing", "missing") in work
    assert not any(a == sq_source and loc in ("sq", "mk") for a, loc, *_ in work)
    assert (mk_id, "sq", "missing", "missing") in work and (mk_id, "en", "missing", "missing") in work
    assert not any(a == draft_id for a, *_ in work), "a draft original is not ready to translate"

    # a reviewed, approved translation is done; once its original changes it is outdated
    run_draft(mt_app, sq_source, target="en")
    assert (sq_source, "en", "machine_draft", "machine_draft") in _work(mt_app, ids["translator"])
    with mt_app.app_context():
        article = db.session.get(Article, sq_source)
        done = sync.translated_segments(article.translation("en"))
        review.save_review(
            article, "en", {k: r.target_text for k, r in done.items()}, set(done),
            user=editor(), expected_revision=None,
        )
        workflow.transition(article.translation("en"), "submit", user=editor())
        workflow.transition(article.translation("en"), "approve", user=editor())
        db.session.commit()
    assert not any(a == sq_source for a, *_ in _work(mt_app, ids["translator"]))
    with mt_app.app_context():
        service.save_translation(db.session.get(Article, sq_source), "sq", {"headline": "Park i madh"}, user=editor())
        db.session.commit()
    assert (sq_source, "en", "outdated", "outdated") in _work(mt_app, ids["translator"])


def test_assignment_reaches_my_work_the_dashboard_the_inbox_and_the_mail(mt_app, staff):
    ids = _ids(mt_app)
    article_id = write(mt_app, ["Kuvendi miratoi buxhetin."], headline="Buxheti i Tetovës")
    editor_client = mt_app.test_client()
    login(editor_client, staff["editor"])
    with mt_app.app_context():
        due = assignments.newsroom_today() + timedelta(days=7)

    response = _assign(editor_client, article_id, "en", ids["translator"], due.isoformat())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/newsroom/articles/{article_id}#assignments")

    with mt_app.app_context():
        row = db.session.scalar(select(TranslationAssignment))
        assert (row.article_id, row.locale, row.assignee_id, row.assigned_by_id, row.due_on) == (
            article_id, "en", ids["translator"], ids["editor"], due,
        )
        assert row.completed_at is None
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "translation.assign"))
        assert audit.user_id == ids["editor"] and audit.detail["due_on"] == due.isoformat()
        note = db.session.scalar(select(Notification).where(Notification.user_id == ids["translator"]))
        assert note.kind == "translation_assigned"
        assert note.payload["due_on"] == due.isoformat()

    assert _work(mt_app, ids["translator"]) == [(article_id, "en", "assigned", "missing")]
    translator = mt_app.test_client()
    login(translator, staff["translator"])
    # the translator's newsroom is in Albanian (their saved language)
    mine = translator.get("/newsroom/").get_data(as_text=True)
    assert "Buxheti i Tetovës" in mine and "Caktuar" in mine and "nga Editor" in mine
    page = editor_client.get(f"/newsroom/articles/{article_id}").get_data(as_text=True)
    assert "Translator" in _section(page, "Who translates") and "End the assignment" in page
    queue = _section(editor_client.get("/newsroom/dashboard").get_data(as_text=True), "Translators' queues")
    assert "Buxheti i Tetovës" in queue and "Assigned" in queue

    inbox = translator.get("/newsroom/notifications").get_data(as_text=True)
    assert "Një përkthim për ju: Buxheti i Tetovës" in inbox
    mails = _outbox(mt_app)
    assert len(mails) == 1
    mail = mails[0]
    assert mail["To"] == staff["translator"]
    assert mail["Subject"] == "Një përkthim për ju: Buxheti i Tetovës"
    body = mail.get_content()
    assert "Editor ju kërkoi të përktheni „Buxheti i Tetovës“ në anglisht deri më" in body
    month = ["janar", "shkurt", "mars", "prill", "maj", "qershor", "korrik", "gusht", "shtator", "tetor", "nëntor", "dhjetor"][due.month - 1]
    assert f"{due.day} {month} {due.year}" in body
    assert f"/newsroom/articles/{article_id}/en/translate" in body


def test_reassign_new_due_date_and_clear_keep_history(mt_app, staff):
    ids = _ids(mt_app)
    article_id = write(mt_app, ["Kuvendi miratoi buxhetin."], headline="Buxheti")
    with mt_app.app_context():
        other = create_user("second@test.example", PASSWORD, role="translator", languages=("en",), display_name="Second", ui_locale="mk")
        db.session.commit()
        second = other.id
    editor_client = mt_app.test_client()
    login(editor_client, staff["editor"])
    assert _assign(editor_client, article_id, "en", ids["translator"]).status_code == 302
    assert _assign(editor_client, article_id, "en", second).status_code == 302
    assert not any(a == article_id for a, *_ in _work(mt_app, ids["translator"])), "assigned to someone else"
    assert _work(mt_app, second) == [(article_id, "en", "assigned", "missing")]
    with mt_app.app_context():
        tomorrow = assignments.newsroom_today() + timedelta(days=1)
    assert _assign(editor_client, article_id, "en", second, tomorrow.isoformat()).status_code == 302
    with mt_app.app_context():
        rows = db.session.scalars(select(TranslationAssignment).order_by(TranslationAssignment.id)).all()
        assert [(r.assignee_id, r.outcome, r.completed_at is None) for r in rows] == [
            (ids["translator"], "reassigned", False),
            (second, None, True),
        ]
        assert rows[1].due_on == tomorrow
        # each assignment and the new due date told the translator concerned
        kinds = db.session.execute(
            select(Notification.user_id, func.count()).where(Notification.kind == "translation_assigned").group_by(Notification.user_id)
        ).all()
        assert dict(kinds) == {ids["translator"]: 1, second: 2}
    # the second translator reads the mail in Macedonian
    subjects = [m["Subject"] for m in _outbox(mt_app) if m["To"] == "second@test.example"]
    assert subjects and all(s.startswith("Превод за вас: ") for s in subjects)

    response = editor_client.post(f"/newsroom/articles/{article_id}/en/assignment", data={"clear": "1"})
    assert response.status_code == 302
    with mt_app.app_context():
        rows = db.session.scalars(select(TranslationAssignment).order_by(TranslationAssignment.id)).all()
        assert [r.outcome for r in rows] == ["reassigned", "cleared"]
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "translation.unassign")) == 1
    # unassigned again: back in both translators' work as a missing version
    assert (article_id, "en", "missing", "missing") in _work(mt_app, ids["translator"])
    assert (article_id, "en", "missing", "missing") in _work(mt_app, second)


def test_finished_work_leaves_my_work_and_completes_the_assignment(mt_app, staff):
    ids = _ids(mt_app)
    article_id = write(mt_app, ["Kuvendi miratoi buxhetin."], headline="Buxheti")
    run_draft(mt_app, article_id, target="en")
    with mt_app.app_context():
        article = db.session.get(Article, article_id)
        assignments.assign(article, "en", db.session.get(User, ids["translator"]), user=editor())
        db.session.commit()
    assert _work(mt_app, ids["translator"]) == [(article_id, "en", "assigned", "machine_draft")]
    with mt_app.app_context():
        article = db.session.get(Article, article_id)
        done = sync.translated_segments(article.translation("en"))
        translator = db.session.get(User, ids["translator"])
        review.save_review(
            article, "en", {k: r.target_text for k, r in done.items()}, set(done),
            user=translator, expected_revision=None,
        )
        workflow.transition(article.translation("en"), "submit", user=translator)
        db.session.commit()
    # submitted for review: still the translator's until an editor approves it
    assert _work(mt_app, ids["translator"]) == [(article_id, "en", "assigned", None)]
    with mt_app.app_context():
        workflow.transition(db.session.get(Article, article_id).translation("en"), "approve", user=editor())
        db.session.commit()
    assert _work(mt_app, ids["translator"]) == []
    # the workflow's status event completes the assignment, which stays as history
    with mt_app.app_context():
        translation = db.session.get(Article, article_id).translation("en")
        events.status_changed.send(translation, user=editor(), action="approve", detail={})
        db.session.commit()
        row = db.session.scalar(select(TranslationAssignment))
        assert row.outcome == "done" and row.completed_at is not None
        # an approved, up-to-date version has nothing left to assign
        with pytest.raises(assignments.AssignmentError) as error:
            assignments.assign(db.session.get(Article, article_id), "en", db.session.get(User, ids["translator"]), user=editor())
        assert error.value.code == "nothing_to_do"


def test_queue_sorts_overdue_then_due_date_then_oldest(mt_app, staff):
    ids = _ids(mt_app)
    first = write(mt_app, ["Një."], headline="E para")
    second = write(mt_app, ["Dy."], headline="E dyta")
    third = write(mt_app, ["Tre."], headline="E treta")
    fourth = write(mt_app, ["Katër."], headline="E katërta")
    fifth = write(mt_app, ["Pesë."], headline="E pesta")
    sixth = write(mt_app, ["Gjashtë."], headline="E gjashta")
    with mt_app.app_context():
        translator = db.session.get(User, ids["translator"])
        today = assignments.newsroom_today()
        # a due date that has passed since the assignment was made
        assignments.assign(db.session.get(Article, fourth), "en", translator, user=editor(), due_on=today - timedelta(days=2), today=today - timedelta(days=5))
        assignments.assign(db.session.get(Article, third), "en", translator, user=editor(), due_on=today + timedelta(days=3))
        assignments.assign(db.session.get(Article, second), "en", translator, user=editor(), due_on=today + timedelta(days=1))
        db.session.commit()
        assignments.assign(db.session.get(Article, fifth), "en", translator, user=editor())
        db.session.commit()
        items = queues.open_work(translator).items
        assert [(i.article.id, i.reason, i.overdue) for i in items] == [
            (fourth, "assigned", True),
            (second, "assigned", False),
            (third, "assigned", False),
            (fifth, "assigned", False),
            (first, "missing", False),
            (sixth, "missing", False),
        ]
    login(client := mt_app.test_client(), staff["translator"])
    html = client.get("/newsroom/").get_data(as_text=True)
    assert "Vonuar që nga" in html  # "overdue since", in the translator's Albanian


def test_my_work_and_the_dashboard_use_bounded_queries(mt_app, staff, count_queries):
    ids = _ids(mt_app)
    client = mt_app.test_client()
    login(client, staff["translator"])
    editor_client = mt_app.test_client()
    login(editor_client, staff["editor"])

    def add(n):
        made = [write(mt_app, [f"Paragrafi {i}."], headline=f"Lajmi {i}") for i in range(n)]
        with mt_app.app_context():
            for article_id in made[: n // 2]:
                assignments.assign(db.session.get(Article, article_id), "en", db.session.get(User, ids["translator"]), user=editor())
            db.session.commit()

    def count(url, c):
        with count_queries(mt_app) as counter:
            assert c.get(url).status_code == 200
        return counter.count

    add(2)
    # the first pages check the queue's health once (then it is cached): not part of the count
    client.get("/newsroom/")
    editor_client.get("/newsroom/dashboard")
    small = (count("/newsroom/", client), count("/newsroom/dashboard", editor_client))
    add(8)
    large = (count("/newsroom/", client), count("/newsroom/dashboard", editor_client))
    assert large == small
    work = _work(mt_app, ids["translator"])
    assert len(work) == 10 and [r for _, _, r, _ in work].count("assigned") == 5


@pytest.mark.parametrize(
    ("url_article", "locale", "data", "status"),
    [
        (999_999, "en", {"translator": "T"}, 404),
        ("A", "xx", {"translator": "T"}, 404),
        ("A", "en", {"translator": "abc"}, 404),
        ("A", "en", {"translator": "999999"}, 404),
        ("A", "en", {"translator": "99999999999"}, 404),
        ("A", "en", {"translator": "-3"}, 404),
    ],
)
def test_bad_ids_are_not_found(mt_app, staff, url_article, locale, data, status):
    ids = _ids(mt_app)
    article_id = write(mt_app, ["Një."])
    client = mt_app.test_client()
    login(client, staff["editor"])
    data = {k: str(ids["translator"]) if v == "T" else v for k, v in data.items()}
    url = f"/newsroom/articles/{article_id if url_article == 'A' else url_article}/{locale}/assignment"
    assert client.post(url, data=data).status_code == status
    with mt_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TranslationAssignment)) == 0


def test_impossible_assignments_say_why_and_save_nothing(mt_app, staff):
    ids = _ids(mt_app)
    article_id = write(mt_app, ["Një."])
    published = write(mt_app, ["Dy."], headline="Gati")
    with mt_app.app_context():
        today = assignments.newsroom_today()
        t = service.save_translation(db.session.get(Article, published), "en", {"headline": "Ready"}, user=editor())
        t.status, t.outdated_since = "approved", None  # test shortcut past review
        db.session.commit()
        db.session.commit()
    client = mt_app.test_client()
    login(client, staff["editor"])
    cases = [
        (article_id, "mk", ids["translator"], "", "does not translate into this language"),
        (article_id, "sq", ids["translator"], "", "original language needs no translation"),
        (article_id, "en", ids["author"], "", "does not translate into this language"),
        (article_id, "en", ids["editor"], "", "does not translate into this language"),
        (article_id, "en", ids["translator"], (today - timedelta(days=1)).isoformat(), "from today on"),
        (article_id, "en", ids["translator"], (today + timedelta(days=800)).isoformat(), "within the next two years"),
        (article_id, "en", ids["translator"], "2027-02-30", "Enter the due date as a date"),
        (article_id, "en", "", "", "Choose a translator"),
        (published, "en", ids["translator"], "", "nothing to assign"),
    ]
    for article, locale, translator, due, message in cases:
        response = client.post(
            f"/newsroom/articles/{article}/{locale}/assignment",
            data={"translator": str(translator), "due_on": due},
            follow_redirects=True,
        )
        assert response.status_code == 200, (locale, translator, due)
        assert message in response.get_data(as_text=True), message
    cleared = client.post(f"/newsroom/articles/{article_id}/en/assignment", data={"clear": "1"}, follow_redirects=True)
    assert "not assigned to anyone" in cleared.get_data(as_text=True)
    with mt_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TranslationAssignment)) == 0
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
    # an inactive translator cannot be given work either
    with mt_app.app_context():
        db.session.get(User, ids["translator"]).active = False
        db.session.commit()
    response = _assign(client, article_id, "en", ids["translator"])
    with mt_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TranslationAssignment)) == 0
    assert response.status_code == 302


def test_only_editors_may_assign(mt_app, staff):
    ids = _ids(mt_app)
    article_id = write(mt_app, ["Një."])
    for role in ("translator", "author"):
        client = mt_app.test_client()
        login(client, staff[role])
        assert _assign(client, article_id, "en", ids["translator"]).status_code == 403
        page = client.get(f"/newsroom/articles/{article_id}").get_data(as_text=True)
        assert 'id="assignments"' in page and 'name="translator"' not in page
    with mt_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TranslationAssignment)) == 0
