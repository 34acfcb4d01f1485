"""search terms: the folded words of the SQLite index, so a long prefix expands to its words

Revision ID: t5a9c3e7b1d2
Revises: p3e8b6d1f0a4
Create Date: 2026-12-02 18:50:00

"""
from alembic import op

revision = "t5a9c3e7b1d2"
down_revision = "p3e8b6d1f0a4"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL reads prefixes from its GIN index lazily
    op.execute("CREATE TABLE search_index_terms (term TEXT PRIMARY KEY) WITHOUT ROWID")
    # the words already indexed, from FTS5's own vocabulary of the folded columns
    op.execute("CREATE VIRTUAL TABLE temp.search_index_vocab USING fts5vocab(main, search_index, 'col')")
    op.execute(
        "INSERT OR IGNORE INTO search_index_terms (term) SELECT term FROM temp.search_index_vocab"
        " WHERE col IN ('headline_f', 'lede_f', 'body_f')"
    )
    op.execute("DROP TABLE temp.search_index_vocab")


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE search_index_terms")
