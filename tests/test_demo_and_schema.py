"""Demo content shape, the demo command, and migrations matching the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from bv.articles.models import Article, ArticleTranslation, Category
from bv.extensions import db
from bv.search.schema import include_name


def test_demo_command_loads_a_real_newsroom(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        articles = db.session.scalars(select(Article)).all()
        assert len(articles) >= 8
        assert db.session.scalar(select(func.count(Category.id))) >= 3
        sources = {a.source_locale for a in articles}
        assert {"sq", "mk"} <= sources
        complete = [a for a in articles if len(a.translations) == 3]
        partial = [a for a in articles if len(a.translations) < 3]
        assert len(complete) > len(partial) > 0
        for a in articles:
            assert a.source is not None and a.source.is_published
            for t in a.translations:
                assert t.revisions, "every saved version has a revision"
                if t.locale != a.source_locale:
                    assert t.source_revision_id == a.source.revisions[-1].id
    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output
    refused = runner.invoke(args=["demo"])
    assert refused.exit_code != 0


def test_demo_bodies_are_rendered_and_sanitized_at_save_time(app, runner):
    runner.invoke(args=["demo"])
    with app.app_context():
        for t in db.session.scalars(select(ArticleTranslation)):
            assert t.body_html.startswith("<")
            assert "<script" not in t.body_html
            assert "<h2>" in t.body_html
            assert t.word_count > 50


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        # the search index belongs to its migration, not to a model
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        diff = compare_metadata(context, db.metadata)
    assert diff == []
