"""staff sessions: one revocable, expiring row per signed-in browser

Revision ID: sc428c078340
Revises: 220d92992aa6
Create Date: 2026-12-10 10:00:00

"""
import sqlalchemy as sa
from alembic import op

import bv.database

revision = "sc428c078340"
down_revision = "o4c81e2b9d57"
branch_labels = None
depends_on = None


def upgrade():
    # cookies from before this revision name no session row: everyone signs in once more
    op.create_table(
        "staff_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", bv.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("authenticated_at", bv.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", bv.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=False),
        sa.Column("user_agent", sa.String(length=60), nullable=False),
        sa.Column("remember", sa.Boolean(), nullable=False),
        sa.Column("revoked_at", bv.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("staff_session") as batch:
        batch.create_index(batch.f("ix_staff_session_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("staff_session") as batch:
        batch.drop_index(batch.f("ix_staff_session_user_id"))
    op.drop_table("staff_session")
