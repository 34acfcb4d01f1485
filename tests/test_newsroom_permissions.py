"""Every /newsroom/ route × every role: exactly what the permission table allows."""

import re

import pytest
from sqlalchemy import select

from bv.accounts.models import User
from bv.accounts.permissions import PermissionDenied, can
from bv.articles import service, workflow
from bv.articles.models import Article, Revision
from bv.extensions import db
from bv.newsletter.models import NewsletterSubscriber

ROLES = (None, "admin", "editor", "translator", "author")
ALL = {"admin": 200, "editor": 200, "translator": 200, "author": 200}
EDITORS = {"admin": 200, "editor": 200, "translator": 403, "author": 403}
ADMIN = {"admin": 200, "editor": 403, "translator": 403, "author": 403}

# (method, url template, expected status per role); anonymous is checked separately
ROUTES = [
    ("GET", "/newsroom/", ALL),
    ("GET", "/newsroom/account", ALL),
    ("POST", "/newsroom/account", {r: 302 for r in ALL}),
    ("POST", "/newsroom/account/password", {r: 422 for r in ALL}),
    ("POST", "/newsroom/account/sessions/{session_id}/end", {r: 404 for r in ALL}),
    ("POST", "/newsroom/account/sessions/end-others", {r: 302 for r in ALL}),
    ("GET", "/newsroom/confirm-password", ALL),
    ("POST", "/newsroom/confirm-password", {r: 422 for r in ALL}),
    ("GET", "/newsroom/articles", ALL),
    ("GET", "/newsroom/articles/new", {**EDITORS, "author": 200}),
    ("POST", "/newsroom/articles/new", {"admin": 422, "editor": 422, "translator": 403, "author": 422}),
    ("GET", "/newsroom/articles/{own}", ALL),
    ("GET", "/newsroom/articles/{own}/mk/edit", {**EDITORS, "author": 200}),
    ("GET", "/newsroom/articles/{own}/sq/edit", {**ALL}),
    ("GET", "/newsroom/articles/{own}/en/edit", {**ALL}),
    ("GET", "/newsroom/articles/{other}/sq/edit", EDITORS),
    ("GET", "/newsroom/articles/{other}/mk/edit", {**EDITORS}),
    ("POST", "/newsroom/articles/{own}/mk/edit", {**{r: 422 for r in EDITORS}, "translator": 403}),
    ("GET", "/newsroom/articles/{own}/mk/history", ALL),
    ("POST", "/newsroom/articles/{own}/sq/submit", {r: 302 for r in ALL}),
    ("POST", "/newsroom/articles/{other}/sq/unpublish", {**{r: 302 for r in ("admin", "editor")}, "translator": 403, "author": 403}),
    ("POST", "/newsroom/articles/{own}/mk/publish", {**{r: 302 for r in ("admin", "editor")}, "translator": 403, "author": 403}),
    ("POST", "/newsroom/articles/{own}/mk/approve", {**{r: 302 for r in ("admin", "editor")}, "translator": 403, "author": 403}),
    ("POST", "/newsroom/articles/{own}/mk/return", {**{r: 302 for r in ("admin", "editor")}, "translator": 403, "author": 403}),
    ("POST", "/newsroom/articles/{own}/mk/schedule", {**{r: 302 for r in ("admin", "editor")}, "translator": 403, "author": 403}),
    ("POST", "/newsroom/articles/{own}/mk/unschedule", {**{r: 302 for r in ("admin", "editor")}, "translator": 403, "author": 403}),
    ("POST", "/newsroom/revisions/{own_revision}/restore", {**EDITORS, "author": 302, "admin": 302, "editor": 302}),
    ("POST", "/newsroom/preview", ALL),
    # no file chosen: refused with a message; translators may not add pictures
    ("POST", "/newsroom/pictures", {"admin": 400, "editor": 400, "translator": 403, "author": 400}),
    ("GET", "/newsroom/articles/{own}/sq/translate", ALL),
    ("GET", "/newsroom/articles/{own}/mk/translate", {r: 403 for r in ALL}),
    ("GET", "/newsroom/articles/{other}/mk/translate", {**EDITORS}),
    ("POST", "/newsroom/articles/{own}/sq/translate", {r: 409 for r in ALL}),
    # no JSON body: refused as unreadable by whoever may translate
    ("POST", "/newsroom/articles/{own}/sq/segment", {r: 400 for r in ALL}),
    ("POST", "/newsroom/articles/{own}/mk/segment", {r: 403 for r in ALL}),
    ("POST", "/newsroom/articles/{own}/sq/redraft", {"admin": 302, "editor": 302, "translator": 302, "author": 403}),
    ("GET", "/newsroom/articles/{own}/sq/preview", ALL),
    ("GET", "/newsroom/articles/{own}/mk/preview", {r: 403 for r in ALL}),
    ("GET", "/newsroom/articles/{own}/sq/export.xliff", ALL),
    ("POST", "/newsroom/articles/{own}/sq/import", {r: 302 for r in ALL}),
    ("POST", "/newsroom/articles/{own}/sq/machine-draft", {"admin": 302, "editor": 302, "translator": 302, "author": 403}),
    ("POST", "/newsroom/machine-draft-missing", {**EDITORS, "admin": 302, "editor": 302}),
    ("POST", "/newsroom/articles/{own}/sq/assignment", {**EDITORS, "admin": 302, "editor": 302}),
    ("GET", "/newsroom/dashboard", ALL),
    ("GET", "/newsroom/glossary", ALL),
    ("POST", "/newsroom/glossary", {**EDITORS, "admin": 422, "editor": 422}),
    ("POST", "/newsroom/glossary/{term_id}/delete", {**EDITORS, "admin": 302, "editor": 302}),
    ("GET", "/newsroom/jobs", ALL),
    ("GET", "/newsroom/jobs/{job_id}", EDITORS),
    ("GET", "/newsroom/jobs/{job_id}/status", EDITORS),
    ("POST", "/newsroom/jobs/{job_id}/cancel", {**EDITORS, "admin": 302, "editor": 302}),
    ("GET", "/newsroom/notifications", ALL),
    ("POST", "/newsroom/notifications/read", {r: 302 for r in ALL}),
    ("GET", "/newsroom/audit", EDITORS),
    ("GET", "/newsroom/users", ADMIN),
    ("GET", "/newsroom/users/new", ADMIN),
    ("POST", "/newsroom/users/new", {**ADMIN, "admin": 422}),
    ("GET", "/newsroom/users/{author_id}", ADMIN),
    ("POST", "/newsroom/users/{author_id}", {**ADMIN, "admin": 422}),
    ("GET", "/newsroom/settings", ADMIN),
    ("POST", "/newsroom/settings", {**ADMIN, "admin": 302}),
    ("GET", "/newsroom/wordpress", ADMIN),
    ("POST", "/newsroom/wordpress", {**ADMIN, "admin": 422}),
    # the job filler is a machine draft, not an import: the import page does not show it
    ("GET", "/newsroom/wordpress/{job_id}", {**ADMIN, "admin": 404}),
    ("GET", "/newsroom/categories", EDITORS),
    ("GET", "/newsroom/categories/new", EDITORS),
    ("POST", "/newsroom/categories/new", {**EDITORS, "admin": 422, "editor": 422}),
    ("GET", "/newsroom/categories/{category_id}", EDITORS),
    ("POST", "/newsroom/categories/{category_id}", {**EDITORS, "admin": 422, "editor": 422}),
    ("GET", "/newsroom/tags", EDITORS),
    ("GET", "/newsroom/tags/{tag_id}", EDITORS),
    ("POST", "/newsroom/tags/{tag_id}", {**EDITORS, "admin": 422, "editor": 422}),
    ("GET", "/newsroom/newsletter", EDITORS),
    ("POST", "/newsroom/newsletter/resume", {**EDITORS, "admin": 302, "editor": 302}),
    ("GET", "/newsroom/newsletter/outbox", EDITORS),
    ("GET", "/newsroom/newsletter/outbox/{message}", {**EDITORS, "admin": 404, "editor": 404}),
    ("GET", "/newsroom/newsletter/subscribers/{subscriber_id}/export.json", EDITORS),
    ("GET", "/newsroom/newsletter/subscribers/{subscriber_id}/export.csv", EDITORS),
    ("POST", "/newsroom/newsletter/subscribers/{subscriber_id}/delete", {**EDITORS, "admin": 302, "editor": 302}),
    ("POST", "/newsroom/logout", {r: 302 for r in ALL}),
]

SAMPLE_IDS = {k: 1 for k in ("own", "other", "own_revision", "author_id", "category_id", "tag_id", "job_id", "term_id", "session_id", "subscriber_id")}
# a message name the outbox folder does not hold: editors get a 404, everyone else a 403
SAMPLE_IDS["message"] = "0" * 32 + ".eml"

PUBLIC_NEWSROOM = {
    ("GET", "/newsroom/login"),
    ("POST", "/newsroom/login"),
    ("GET", "/newsroom/password/forgot"),
    ("POST", "/newsroom/password/forgot"),
    ("GET", "/newsroom/password/reset/<token>"),
    ("POST", "/newsroom/password/reset/<token>"),
}


def _ids(app, stories):
    from bv.articles.models import Category, Tag

    with app.app_context():
        author = db.session.scalar(select(User).where(User.role == "author"))
        own_revision = db.session.scalar(
            select(Revision.id).join(Revision.translation).where(
                Revision.number == 1,
            ).order_by(Revision.id)
        )
        from bv.jobs.models import Job
        from bv.translation.models import GlossaryTerm

        category = Category(key="local", position=0)
        tag = Tag(key="local", names={"sq": "Lokale"})
        editor = db.session.scalar(select(User).where(User.role == "editor"))
        job = Job(kind="machine_draft", article_id=stories["own"], user_id=editor.id, status="done", payload={"target": "sq"})
        term = GlossaryTerm(source_locale="sq", target_locale="mk", term="Tetova", translation="Тетово")
        subscriber = NewsletterSubscriber(email="reader@test.example", languages="sq",
                                          state="confirmed", ui_locale="sq")
        db.session.add_all([category, tag, job, term, subscriber])
        db.session.commit()
        return {
            **stories,
            "own_revision": own_revision,
            "author_id": author.id,
            "category_id": category.id,
            "tag_id": tag.id,
            "job_id": job.id,
            "term_id": term.id,
            # nobody's session: ending it is a 404 for everyone
            "session_id": 999_999,
            "subscriber_id": subscriber.id,
            "message": "0" * 32 + ".eml",
        }


def test_every_newsroom_route_is_in_the_matrix(app):
    rules = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/newsroom"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                rules.add((method, rule.rule))
    covered = set()
    for method, template, _ in ROUTES:
        covered.add((method, template))
    # a rule like /articles/<int:article_id>/<locale>/export.<fmt> matches the row's path
    patterns = set()
    for method, rule in rules:
        regex = re.compile(re.sub(r"<[^>]+>", "[^/]+", re.escape(rule)) + "$")
        for m, template in covered:
            if m == method and regex.match(template.format(**SAMPLE_IDS)):
                patterns.add((method, rule))
    missing = rules - patterns - PUBLIC_NEWSROOM
    assert not missing, f"routes without a permission row: {sorted(missing)}"


def test_anonymous_gets_the_login_page(app, stories):
    ids = _ids(app, stories)
    client = app.test_client()
    wrong = []
    for method, template, _expected in ROUTES:
        response = client.open(template.format(**ids), method=method)
        if response.status_code != 302 or "/newsroom/login" not in response.headers["Location"]:
            wrong.append((method, template, response.status_code))
    assert not wrong


@pytest.mark.parametrize("role", ROLES[1:])
def test_role_gets_exactly_what_it_may(app, staff, stories, role):
    ids = _ids(app, stories)
    client = app.test_client()
    client.post("/newsroom/login", data={"email": staff[role], "password": "correct horse battery"})
    wrong = []
    for method, template, expected in ROUTES:
        data = {"reason": ""} if method == "POST" else None
        if template.endswith("/schedule"):
            data = {"when": "2099-01-01T10:00"}
        response = client.open(template.format(**ids), method=method, data=data)
        if response.status_code != expected[role]:
            wrong.append((method, template, response.status_code, expected[role]))
    assert not wrong, wrong


ACTIONS = ["edit", "submit", "approve", "return", "publish", "unpublish", "schedule", "override"]
# role -> actions allowed on a translation into sq of an article the author wrote
MATRIX = {
    "admin": set(ACTIONS),
    "editor": set(ACTIONS),
    "translator": {"edit", "submit"},
    "author": {"edit", "submit"},
}


@pytest.mark.parametrize("role", MATRIX)
@pytest.mark.parametrize("action", ACTIONS)
def test_permission_table_role_by_action(app, staff, stories, role, action):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.role == role))
        article = db.session.get(Article, stories["own"])
        translation = article.translation("sq")
        assert can(user, action, translation) == (action in MATRIX[role])


def test_translator_is_limited_to_their_target_languages(app, staff, stories):
    with app.app_context():
        translator = db.session.scalar(select(User).where(User.role == "translator"))
        article = db.session.get(Article, stories["own"])
        assert can(translator, "edit", article.translation("sq"))
        assert not can(translator, "edit", article.translation("mk")), "mk is the source"
        other = db.session.get(Article, stories["other"])
        assert not can(translator, "edit", other.translation("sq")), "sq is that article's source"
        with pytest.raises(PermissionDenied):
            workflow.transition(article.translation("sq"), "publish", user=translator)
        with pytest.raises(PermissionDenied):
            service.save_translation(article, "mk", {"headline": "x"}, user=translator)
        db.session.commit()
        db.session.commit()


def test_author_cannot_touch_other_peoples_articles(app, staff, stories):
    with app.app_context():
        author = db.session.scalar(select(User).where(User.role == "author"))
        other = db.session.get(Article, stories["other"])
        assert not can(author, "edit", other.translation("sq"))
        with pytest.raises(PermissionDenied):
            service.save_translation(other, "sq", {"headline": "x"}, user=author)
        db.session.commit()
        db.session.commit()


def test_inactive_accounts_can_do_nothing(app, staff):
    with app.app_context():
        editor = db.session.scalar(select(User).where(User.role == "editor"))
        editor.active = False
        db.session.commit()
    client = app.test_client()
    response = client.post("/newsroom/login", data={"email": staff["editor"], "password": "correct horse battery"})
    assert response.status_code == 401


def test_nobody_may_do_anything_and_the_system_everything(app, staff, stories):
    from bv.accounts.permissions import ALL_ACTIONS, SYSTEM

    with app.app_context():
        article = db.session.get(Article, stories["own"])
        for action in sorted(ALL_ACTIONS):
            for obj in (None, article, article.translation("sq")):
                assert not can(None, action, obj, locale="sq"), action
                assert can(SYSTEM, action, obj, locale="sq"), action


def _by_role(role):
    return db.session.scalar(select(User).where(User.role == role))


def test_who_may_start_a_language_version(app, staff, stories):
    with app.app_context():
        own = db.session.get(Article, stories["own"])  # mk source, by the author
        other = db.session.get(Article, stories["other"])  # sq source, by the editor
        author, translator = _by_role("author"), _by_role("translator")  # translator: sq, en
        assert can(author, "start_translation", own, locale="en")
        assert not can(author, "start_translation", other, locale="en"), "not their article"
        assert can(translator, "start_translation", own, locale="en")
        assert not can(translator, "start_translation", own, locale="mk"), "never the source"
        assert not can(translator, "start_translation", other, locale="mk"), "not their language"
        assert not can(translator, "start_translation", other, locale="sq"), "that article's source"
        for role in ("admin", "editor"):
            assert can(_by_role(role), "start_translation", other, locale="en")


def test_who_may_edit_the_shared_fields(app, staff, stories):
    with app.app_context():
        own = db.session.get(Article, stories["own"])
        other = db.session.get(Article, stories["other"])
        for role in ("admin", "editor"):
            assert can(_by_role(role), "edit_shared_fields", own)
            assert can(_by_role(role), "edit_shared_fields", other.translation("sq"))
        assert can(_by_role("author"), "edit_shared_fields", own)
        assert not can(_by_role("author"), "edit_shared_fields", other)
        assert not can(_by_role("translator"), "edit_shared_fields", own)
        assert not can(_by_role("editor"), "edit_shared_fields", None), "always about an article"


def test_who_may_see_a_job(app, staff, stories):
    from bv.jobs.models import Job

    with app.app_context():
        translator = _by_role("translator")
        theirs = Job(kind="machine_draft", article_id=stories["own"], user_id=translator.id)
        editors = Job(kind="machine_draft", article_id=stories["own"], user_id=_by_role("editor").id)
        db.session.add_all([theirs, editors])
        db.session.flush()
        assert can(translator, "view_job", theirs)
        assert not can(translator, "view_job", editors)
        assert not can(_by_role("author"), "view_job", editors)
        for role in ("admin", "editor"):
            assert can(_by_role(role), "view_job", theirs)
        for action in ("view_all_jobs", "machine_draft_missing"):
            assert {r for r in MATRIX if can(_by_role(r), action)} == {"admin", "editor"}
