"""machine usage: requests, characters and tokens per machine draft, article and provider

Revision ID: m3c5e8a1f7d2
Revises: w7d3a1c9e5b2
Create Date: 2026-12-02 14:00:00

"""
import sqlalchemy as sa
from alembic import op

import bv.database

revision = "m3c5e8a1f7d2"
down_revision = "0b67890ea935"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "machine_usage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("provider", sa.String(length=40), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("characters", sa.Integer(), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("created_at", bv.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("machine_usage") as batch:
        batch.create_index("ix_machine_usage_article_id", ["article_id"], unique=False)
        batch.create_index("ix_machine_usage_created_at", ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("machine_usage") as batch:
        batch.drop_index("ix_machine_usage_created_at")
        batch.drop_index("ix_machine_usage_article_id")
    op.drop_table("machine_usage")
