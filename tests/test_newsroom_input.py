"""Hostile or incomplete input to newsroom forms: a clean 4xx or a message, never a 500."""

from sqlalchemy import select

from bv.accounts.permissions import SYSTEM
from bv.articles.models import Article, Tag
from bv.extensions import db
from tests.test_newsroom_writing import ARTICLE, _create, _login

HUGE = "99999999999999999999"


def test_huge_ids_in_paths_and_queries_are_not_found_not_errors(app, staff, client, stories):
    _login(client, staff["admin"])
    for url in (
        f"/newsroom/articles/{HUGE}",
        f"/newsroom/articles/{HUGE}/sq/edit",
        f"/newsroom/articles/{2**31}",
        f"/newsroom/users/{HUGE}",
        f"/newsroom/jobs/{HUGE}",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/newsroom/audit?article={HUGE}&user={2**31}&page={HUGE}",
        f"/newsroom/articles/{stories['own']}/mk/history?a={HUGE}&b=-5",
        f"/newsroom/dashboard?category={HUGE}",
    ):
        assert client.get(url).status_code in (200, 302), url
    response = client.post("/newsroom/machine-draft-missing", data={"article": [HUGE]})
    assert response.status_code == 302


def test_nul_bytes_in_a_form_are_refused_before_the_database(app, staff, client):
    response = client.post("/newsroom/login", data={"email": "a\x00@b.example", "password": "x"})
    assert response.status_code == 400
    _login(client, staff["editor"])
    response = _create(client, headline="Наслов\x00")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Article).where(Article.byline == ARTICLE["byline"])) is None


def test_a_form_without_the_byline_field_saves(app, staff, client):
    _login(client, staff["editor"])
    data = {k: v for k, v in ARTICLE.items() if k != "byline"}
    response = client.post("/newsroom/articles/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        article = db.session.scalars(select(Article)).all()[-1]
        assert article.byline in ("", "Editor"), "the byline falls back, never NULL"


def test_a_long_tag_name_fits_its_column(app, staff, client):
    _login(client, staff["editor"])
    name = "Македонски " * 20  # transliterates to far more than the 60-character key
    response = _create(client, tags=name.strip())
    assert response.status_code == 302
    with app.app_context():
        assert all(len(tag.key) <= 60 for tag in db.session.scalars(select(Tag)))


def test_the_article_list_is_paginated(app, staff, client):
    from bv.articles import service
    from bv.newsroom.articles import ARTICLES_PER_PAGE

    with app.app_context():
        for n in range(ARTICLES_PER_PAGE + 3):
            article = service.create_article(source_locale="sq")
            service.save_translation(article, "sq", {"headline": f"Lajmi numër {n}"}, user=SYSTEM)
        db.session.commit()
        db.session.commit()
    _login(client, staff["editor"])
    first = client.get("/newsroom/articles").get_data(as_text=True)
    second = client.get("/newsroom/articles?page=2").get_data(as_text=True)
    assert "Lajmi numër 52<" in first and "Lajmi numër 0<" not in first
    assert "Lajmi numër 0<" in second and 'rel="prev"' in second
    assert client.get(f"/newsroom/articles?page={HUGE}").status_code == 200


def test_a_long_macedonian_section_name_fits_its_slug_column(app, staff, client):
    from bv.articles.models import CategoryName

    _login(client, staff["editor"])
    long_mk = ("Жичани шишиња " * 6)[:80]  # ж, ч, ш grow to two letters each
    response = client.post(
        "/newsroom/categories/new",
        data={"key": "x" * 60, "name_sq": "Shishe", "name_mk": long_mk, "name_en": "Bottles"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert all(len(n.slug) <= 100 for n in db.session.scalars(select(CategoryName)))
