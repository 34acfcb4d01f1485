"""Every route in the URL map, for every role and for anonymous readers, from the route map itself.

A new route the walker cannot fill fails `test_every_rule_can_be_filled`, so none escapes it.
Counts are printed in the terminal summary ("security walk").
"""

from __future__ import annotations

import itertools
import re
from urllib.parse import quote, urlparse

import pytest
from sqlalchemy import select

from bv import create_app
from bv.accounts.models import User
from bv.accounts.permissions import SITE_ACTIONS, SYSTEM
from bv.articles import service, workflow
from bv.articles.models import Article, Category, Image, Revision, Tag
from bv.articles.slugs import byline_slug, tag_slugs
from bv.extensions import db
from bv.i18n import LOCALES
from bv.newsletter.models import NewsletterSubscriber
from bv.translation.files import FORMATS
from tests import security_counts
from tests.conftest import PASSWORD, fresh_app
from tests.security_counts import COUNTS
from tests.test_newsroom_permissions import ROUTES

ROLES = ("anonymous", "author", "translator", "editor", "admin")
STAFF_PREFIX = "/newsroom"
# what anonymous readers may open in the newsroom
# reachable without signing in: the sign-in page and the password reset it links to
PUBLIC_NEWSROOM = {"newsroom.login", "newsroom.forgot_password", "newsroom.reset_password"}
# endpoints behind one site-level permission: (method, endpoint) -> action in SITE_ACTIONS
SITE_GATES = {
    **{(m, "newsroom.users"): "manage_users" for m in ("GET",)},
    **{(m, "newsroom.user"): "manage_users" for m in ("GET", "POST")},
    **{(m, "newsroom.settings"): "manage_settings" for m in ("GET", "POST")},
    **{(m, "newsroom.categories"): "manage_categories" for m in ("GET",)},
    **{(m, "newsroom.category"): "manage_categories" for m in ("GET", "POST")},
    ("GET", "newsroom.tags"): "manage_categories",
    **{(m, "newsroom.tag"): "manage_categories" for m in ("GET", "POST")},
    **{(m, "newsroom.new_article"): "create_article" for m in ("GET", "POST")},
    ("GET", "newsroom.audit"): "view_audit",
    ("POST", "newsroom.glossary"): "manage_glossary",
    ("POST", "newsroom.delete_term"): "manage_glossary",
    ("POST", "newsroom.machine_draft_missing"): "manage_glossary",
}
# RFC 8058 one-click unsubscribe must accept a POST without a token (the signed link is the
# proof); the footer sign-up sits on cached public pages and checks Origin/Referer instead
CSRF_EXEMPT_ENDPOINTS: set[str] = {"newsletter.unsubscribe", "newsletter.subscribe"}
# signing out ends the walk of a role
LAST = {"newsroom.logout"}


@pytest.fixture(scope="module", autouse=True)
def _summary(request):
    security_counts.register(request.config)


@pytest.fixture(scope="module")
def world(demo_app):
    """The demo newsroom plus one account per role and the two stories of the permission table."""
    from bv.accounts.service import create_user
    from bv.jobs.models import Job
    from bv.translation.models import GlossaryTerm

    emails = {role: f"walk-{role}@test.example" for role in ROLES[1:]}
    with demo_app.app_context():
        users = {
            role: create_user(
                email, PASSWORD, role=role, display_name=role.title(), ui_locale="en",
                languages=("sq", "en") if role == "translator" else (),
            )
            for role, email in emails.items()
        }
        db.session.flush()
        own = service.create_article(source_locale="mk", author=users["author"])
        service.save_translation(
            own, "mk", {"headline": "Нов парк", "lede": "Општината гради парк.", "body": "Текст."},
            user=users["author"],
        )
        service.save_translation(own, "sq", {"headline": "Park i ri", "lede": "Komuna."}, user=SYSTEM)
        other = service.create_article(source_locale="sq", author=users["editor"])
        published = service.save_translation(
            other, "sq", {"headline": "Buxheti", "lede": "Këshilli voton.", "body": "Teksti."},
            user=users["editor"],
        )
        workflow.transition(published, "publish", user=users["editor"])
        # the table's job belongs to an editor: translators and authors may not open it
        job = Job(kind="machine_draft", article_id=own.id, user_id=users["editor"].id,
                  status="done", payload={"target": "sq"})
        db.session.add(job)
        subscriber = NewsletterSubscriber(email="walk-reader@test.example", languages="sq",
                                          state="confirmed", ui_locale="sq")
        db.session.add(subscriber)
        db.session.commit()
        image = db.session.scalars(select(Image)).first()
        category = db.session.scalars(select(Category).order_by(Category.id)).first()
        term = db.session.scalars(select(GlossaryTerm).order_by(GlossaryTerm.id)).first()
        slugs = {t.locale: t.slug for a in db.session.scalars(select(Article))
                 for t in a.translations if t.is_published}
        all_tags = db.session.scalars(select(Tag)).all()
        demo_tag = next(t for t in all_tags if t.key == "municipality")
        published_bylines = sorted({a.byline for a in db.session.scalars(select(Article))
                                    if a.byline and any(t.is_published for t in a.translations)})
        ids = {
            "own": own.id,
            "other": other.id,
            "own_revision": db.session.scalar(
                select(Revision.id).where(Revision.translation_id == own.translation("mk").id)
            ),
            "author_id": users["author"].id,
            "category_id": category.id,
            "tag_id": demo_tag.id,
            "job_id": job.id,
            "term_id": term.id,
            "image": f"{image.stem}-{image.widths[0]}.{image.extension}",
            "article_slugs": slugs,
            "category_slugs": {n.locale: n.slug for n in category.names},
            # tag and author pages: one demo tag and one byline, each published in every language
            "tag_slugs": {tag_slugs(all_tags, code)[demo_tag.id] for code in LOCALES},
            "author_slugs": {byline_slug(published_bylines[0])},
            # nobody's session: ending another's must answer as if it did not exist
            "session_id": 999_999,
            "subscriber_id": subscriber.id,
            "message": "0" * 32 + ".eml",
        }
        db.session.commit()
    return {"emails": emails, "ids": ids}


# -- filling the route map ---------------------------------------------------------------------

MISSING_ID, TOO_LARGE = "999999", str(2**31)


def fillers(ids: dict) -> dict[str, tuple[list[str], list[str]]]:
    """Per path argument: (values that reach real objects, hostile or missing values)."""
    return {
        "lang_code": (["sq", "mk", "en"], ["de", "SQ"]),
        "slug": (
            sorted(
                set(ids["article_slugs"].values())
                | set(ids["category_slugs"].values())
                | set(ids.get("tag_slugs", ()))
                | set(ids.get("author_slugs", ()))
            ),
            ["no-such-page", "%00", "..", "a" * 300, quote("<script>")],
        ),
        "article_id": ([str(ids["own"]), str(ids["other"])], ["0", MISSING_ID, TOO_LARGE, "-1"]),
        "locale": (["sq", "mk", "en"], ["xx", quote("../", safe=""), "..%2F"]),
        "action": (sorted(workflow.TRANSITIONS), ["override", "delete"]),
        "fmt": (sorted(FORMATS), ["exe", "xliff.zip"]),
        "job_id": ([str(ids["job_id"])], [MISSING_ID, TOO_LARGE]),
        "term_id": ([str(ids["term_id"])], [MISSING_ID]),
        "category_id": ([str(ids["category_id"])], [MISSING_ID, TOO_LARGE]),
        "tag_id": ([str(ids.get("tag_id", 1))], [MISSING_ID, TOO_LARGE]),
        "user_id": ([str(ids["author_id"])], [MISSING_ID, "0"]),
        "revision_id": ([str(ids["own_revision"])], [MISSING_ID]),
        "name": ([ids["image"]], ["nothing.jpg", "..%2Fsecret_key", "%2e%2e"]),
        "filename": (["site.css", "editor.js"], ["missing.css", "..%2F..%2Fpyproject.toml"]),
        # staff sessions belong to whoever signed in; another's is a 404 like a missing one
        "session_id": ([str(ids.get("session_id", 999_999))], [MISSING_ID, TOO_LARGE, "0"]),
        "token": (["not-a-signed-token"], ["a" * 500, "%00", quote("../", safe="")]),
        "subscriber_id": ([str(ids.get("subscriber_id", 1))], [MISSING_ID, TOO_LARGE, "0"]),
        # the first article id of a sitemap page
        "first": (["1"], [MISSING_ID, TOO_LARGE, "0"]),
        "message": ([ids.get("message", "0" * 32 + ".eml")], ["..%2Fsecret_key", "x.eml", "%00", "a" * 300]),
    }


ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def rule_urls(rule, table: dict) -> list[tuple[str, bool]]:
    """Concrete URLs for one rule: every combination of real values, then each hostile value
    of one argument with the others real. Fails for an argument nobody knows how to fill."""
    names = ARGUMENT.findall(rule.rule)
    unknown = [n for n in names if n not in table]
    if unknown:
        raise LookupError(f"{rule.rule}: no values for {unknown}; add them to fillers()")

    def build(values: dict) -> str:
        return ARGUMENT.sub(lambda m: values[m.group(1)], rule.rule)

    urls = []
    for combo in itertools.product(*(table[n][0] for n in names)):
        urls.append((build(dict(zip(names, combo, strict=True))), False))
    first = {n: table[n][0][0] for n in names}
    for name in names:
        for bad in table[name][1]:
            urls.append((build({**first, name: bad}), True))
    return urls


def walk_plan(app, ids) -> list[tuple[str, str, str, bool]]:
    """(method, endpoint, url, hostile) for every rule and method; sign-out comes last."""
    table = fillers(ids)
    plan = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for url, hostile in rule_urls(rule, table):
                plan.append((method, rule.endpoint, url, hostile))
    return sorted(plan, key=lambda row: row[1] in LAST)


def test_every_rule_can_be_filled(demo_app, world):
    rules = list(demo_app.url_map.iter_rules())
    table = fillers(world["ids"])
    for rule in rules:
        assert rule_urls(rule, table), rule.rule
    assert {r.endpoint for r in rules} == {row[1] for row in walk_plan(demo_app, world["ids"])}


def test_a_new_rule_with_an_unknown_argument_is_refused(tmp_path, world):
    # an app of its own that touches no database: on PostgreSQL a fresh app would empty the
    # demo newsroom the walk below uses
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'unused.sqlite3'}"})
    app.add_url_rule("/newsroom/things/<int:thing_id>", "newsroom.thing", lambda thing_id: "")
    with pytest.raises(LookupError, match="thing_id"):
        walk_plan(app, world["ids"])


# -- the walk ----------------------------------------------------------------------------------


def _client(app, world, role):
    client = app.test_client()
    if role != "anonymous":
        response = client.post(
            "/newsroom/login", data={"email": world["emails"][role], "password": PASSWORD}
        )
        assert response.status_code == 302, role
    return client


def _is_staff(url: str) -> bool:
    return url == STAFF_PREFIX or url.startswith(STAFF_PREFIX + "/")


@pytest.mark.parametrize("role", ROLES[1:])
def test_the_permission_table_holds(demo_app, world, role):
    """The known table (tests/test_newsroom_permissions.py) on the demo newsroom: who gets 403."""
    client = _client(demo_app, world, role)
    wrong = []
    for method, template, expected in ROUTES:
        if template.endswith("/logout"):
            continue
        data = {"when": "2099-01-01T10:00"} if template.endswith("/schedule") else {}
        response = client.open(template.format(**world["ids"]), method=method, data=data)
        COUNTS["permission_checks"] += 1
        if (response.status_code == 403) != (expected[role] == 403):
            wrong.append((method, template, response.status_code, expected[role]))
    assert not wrong, wrong


@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_every_role(demo_app, world, role):
    """No 5xx ever; anonymous readers never reach staff content; site-level gates hold."""
    demo_app.config["PROPAGATE_EXCEPTIONS"] = False
    client = _client(demo_app, world, role)
    plan = walk_plan(demo_app, world["ids"])
    user_role = None if role == "anonymous" else role
    errors, leaks, gates, signed_out = [], [], [], []
    for method, endpoint, url, hostile in plan:
        response = client.open(url, method=method, data={})
        response.close()
        status = response.status_code
        COUNTS["requests"] += 1
        COUNTS["bad_inputs"] += hostile
        if status >= 500:
            COUNTS["server_errors"] += 1
            errors.append((method, url, status))
            continue
        location = urlparse(response.headers.get("Location", "")).path
        if user_role is None and _is_staff(url) and endpoint not in PUBLIC_NEWSROOM:
            # staff content is a 2xx; the only redirects are to the sign-in page, or the
            # router's own 308 that normalizes a path (which then leads there in turn)
            redirect_elsewhere = status in (301, 302, 303, 307) and location != "/newsroom/login"
            if status < 300 or redirect_elsewhere:
                leaks.append((method, url, status))
        if user_role is not None and endpoint not in LAST and location == "/newsroom/login":
            signed_out.append((method, url))
        gate = SITE_GATES.get((method, endpoint))
        if user_role is not None and gate and status != 404:
            if (status == 403) == (user_role in SITE_ACTIONS[gate]):
                gates.append((method, url, status))
    rules = {(m, e) for m, e, _, _ in plan}
    COUNTS["rule_roles"] += len(rules)
    COUNTS["rules"] = len(list(demo_app.url_map.iter_rules()))
    print(f"\n{role}: {len(rules)} route/method pairs, {len(plan)} requests, {len(errors)} 5xx")
    assert not errors, errors
    assert not leaks, leaks
    assert not gates, gates
    assert not signed_out, signed_out


# -- CSRF ---------------------------------------------------------------------------------------


def test_every_post_route_refuses_a_post_without_a_csrf_token(tmp_path, migrated_template):
    """With CSRF on (as in production), a POST without a token changes nothing: 400."""
    with fresh_app(tmp_path, migrated_template, WTF_CSRF_ENABLED=True) as app:
        from flask_wtf.csrf import CSRFError

        from bv.accounts.service import create_user

        refusals = []

        @app.errorhandler(CSRFError)
        def noted(error):
            # the more specific handler: proves the refusal came from the CSRF check itself
            refusals.append(error.description)
            return "refused", 400

        with app.app_context():
            create_user("csrf-admin@test.example", PASSWORD, role="admin", ui_locale="en")
            db.session.commit()
        client = app.test_client()
        page = client.get("/newsroom/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post("/newsroom/login", data={
            "email": "csrf-admin@test.example", "password": PASSWORD, "csrf_token": token,
        })
        assert response.status_code == 302, "signing in with the token works"
        ids = {k: "1" for k in ("own", "other")}
        table = {name: (good[:1], []) for name, (good, _) in fillers({
            **ids, "own_revision": 1, "author_id": 1, "category_id": 1, "job_id": 1,
            "term_id": 1, "image": "x.jpg", "article_slugs": {"sq": "x"},
            "category_slugs": {"sq": "y"},
        }).items()}
        refused, accepted = 0, []
        for rule in app.url_map.iter_rules():
            if "POST" not in rule.methods or rule.endpoint in CSRF_EXEMPT_ENDPOINTS:
                continue
            url = rule_urls(rule, table)[0][0]
            refusals.clear()
            response = client.post(url, data={"email": "x", "reason": "x"})
            said = list(refusals)
            if response.status_code == 400 and said == ["The CSRF token is missing."]:
                refused += 1
            else:
                accepted.append((url, response.status_code, said))
        # signing out without a token was refused too: the session still works
        still_in = client.get("/newsroom/articles")
        with app.app_context():
            admin = db.session.scalar(select(User).where(User.email == "csrf-admin@test.example"))
            assert admin.active
    COUNTS["csrf_posts"] = refused
    print(f"\nCSRF: {refused} POST routes refused without a token")
    assert not accepted, accepted
    assert refused >= 20
    assert still_in.status_code == 200
