"""wordpress import: what was imported (for re-runs) and the old addresses that redirect

Revision ID: w7d3a1c9e5b2
Revises: sc428c078340
Create Date: 2026-12-02 06:20:00

"""
import sqlalchemy as sa
from alembic import op

import bv.database

revision = "w7d3a1c9e5b2"
down_revision = "n5e79288431c"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "wordpress_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("old_url", sa.String(length=700), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("imported_at", bv.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "key"),
    )
    with op.batch_alter_table("wordpress_item") as batch:
        batch.create_index("ix_wordpress_item_old_url", ["old_url"], unique=False)
    op.create_table(
        "old_url",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=700), nullable=False),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("search_words", sa.String(length=200), nullable=False),
        sa.Column("origin", sa.String(length=40), nullable=False),
        sa.Column("created_at", bv.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("path"),
    )


def downgrade():
    op.drop_table("old_url")
    with op.batch_alter_table("wordpress_item") as batch:
        batch.drop_index("ix_wordpress_item_old_url")
    op.drop_table("wordpress_item")
