"""reading indexes: keyset listings, sitemap pages, tags and bylines

Revision ID: p3e8b6d1f0a4
Revises: w7d3a1c9e5b2
Create Date: 2026-12-02 14:00:00

"""
from alembic import op

revision = "p3e8b6d1f0a4"
down_revision = "c4e8b2f1a7d3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("article_translation") as batch:
        # listings seek to a (published_at, id) cursor: the id makes ties an index range too
        batch.drop_index("ix_translation_listing")
        batch.create_index(
            "ix_translation_listing", ["locale", "status", "published_at", "id"], unique=False
        )
        # the news sitemap (every locale, newest first) and the sitemap index (by article)
        batch.create_index("ix_translation_recent", ["status", "published_at"], unique=False)
        batch.create_index(
            "ix_translation_sitemap", ["status", "article_id", "updated_at"], unique=False
        )
    with op.batch_alter_table("article_tag") as batch:
        # the primary key starts with the article; tag pages look up by tag
        batch.create_index("ix_article_tag_tag", ["tag_id", "article_id"], unique=False)
    with op.batch_alter_table("article") as batch:
        batch.create_index("ix_article_byline", ["byline"], unique=False)


def downgrade():
    with op.batch_alter_table("article") as batch:
        batch.drop_index("ix_article_byline")
    with op.batch_alter_table("article_tag") as batch:
        batch.drop_index("ix_article_tag_tag")
    with op.batch_alter_table("article_translation") as batch:
        batch.drop_index("ix_translation_sitemap")
        batch.drop_index("ix_translation_recent")
        batch.drop_index("ix_translation_listing")
        batch.create_index(
            "ix_translation_listing", ["locale", "status", "published_at"], unique=False
        )
