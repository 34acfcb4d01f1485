"""search index: FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL

Revision ID: s7f3a91c2d45
Revises: sc428c078340
Create Date: 2026-12-02 06:10:00

Run `flask --app bv search reindex` once after upgrading a database that already has
published articles: from then on publishing, unpublishing and live edits keep it current.
"""
from alembic import op

revision = "s7f3a91c2d45"
down_revision = "sc428c078340"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # the folded text is part of the document, so no unaccent extension (and no
        # superuser) is needed
        op.execute(
            "CREATE TABLE search_index ("
            " translation_id INTEGER PRIMARY KEY"
            " REFERENCES article_translation (id) ON DELETE CASCADE,"
            " locale VARCHAR(5) NOT NULL,"
            " document TSVECTOR NOT NULL)"
        )
        op.execute("CREATE INDEX ix_search_index_document ON search_index USING GIN (document)")
        op.execute("CREATE INDEX ix_search_index_locale ON search_index (locale)")
    else:
        # rowid is the version's id; written and folded copies of each field side by side
        op.execute(
            "CREATE VIRTUAL TABLE search_index USING fts5("
            " locale UNINDEXED, headline, lede, body, headline_f, lede_f, body_f,"
            " tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')"
        )


def downgrade():
    op.execute("DROP TABLE search_index")
