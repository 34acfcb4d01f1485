"""translation assignment: an editor gives a language version to a translator, with a due date

Revision ID: a0177159b0a0
Revises: 220d92992aa6
Create Date: 2026-12-02 10:00:00

"""
import sqlalchemy as sa
from alembic import op

import bv.database

revision = "a0177159b0a0"
down_revision = "a7c1e0d94b21"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "translation_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("created_at", bv.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", bv.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["assignee_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["assigned_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("translation_assignment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_translation_assignment_article_id"), ["article_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_translation_assignment_assignee_id"), ["assignee_id"], unique=False
        )
        # one open assignment per version; finished ones stay as history
        batch_op.create_index(
            "uq_translation_assignment_open",
            ["article_id", "locale"],
            unique=True,
            sqlite_where=sa.text("completed_at IS NULL"),
            postgresql_where=sa.text("completed_at IS NULL"),
        )


def downgrade():
    with op.batch_alter_table("translation_assignment", schema=None) as batch_op:
        batch_op.drop_index("uq_translation_assignment_open")
        batch_op.drop_index(batch_op.f("ix_translation_assignment_assignee_id"))
        batch_op.drop_index(batch_op.f("ix_translation_assignment_article_id"))
    op.drop_table("translation_assignment")
