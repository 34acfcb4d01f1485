"""content version for the page cache

Revision ID: c4e8b2f1a7d3
Revises: w7d3a1c9e5b2
Create Date: 2026-12-02 14:00:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "c4e8b2f1a7d3"
down_revision = "m3c5e8a1f7d2"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "content_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # one row, always there: readers' pages are keyed by its token
    op.bulk_insert(table, [{"id": 1, "token": secrets.randbits(62)}])


def downgrade():
    op.drop_table("content_version")
