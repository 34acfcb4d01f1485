"""outbox: e-mails are rows first; jobs remember how often they were queued again

Revision ID: o4c81e2b9d57
Revises: 220d92992aa6
Create Date: 2026-12-02 09:00:00

"""
import sqlalchemy as sa
from alembic import op

import bv.database

revision = "o4c81e2b9d57"
down_revision = "a0177159b0a0"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox_email",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("requeued", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", bv.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", bv.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", bv.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", bv.database.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outbox_email") as batch:
        batch.create_index("ix_outbox_email_due", ["status", "next_attempt_at"], unique=False)
    with op.batch_alter_table("job") as batch:
        batch.add_column(sa.Column("requeued", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("next_attempt_at", bv.database.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("job") as batch:
        batch.drop_column("next_attempt_at")
        batch.drop_column("requeued")
    with op.batch_alter_table("outbox_email") as batch:
        batch.drop_index("ix_outbox_email_due")
    op.drop_table("outbox_email")
