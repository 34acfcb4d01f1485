"""user session token: cookies carry a revocable token, not the user id

Revision ID: 220d92992aa6
Revises: b1e7c2a94d10
Create Date: 2026-12-01 10:00:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "220d92992aa6"
down_revision = "b1e7c2a94d10"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("session_token", sa.String(64), nullable=True))
    # one random token per row, made in Python so it works the same on SQLite and PostgreSQL;
    # existing sessions (which carry the numeric id) end, everyone signs in once more
    users = sa.table("user", sa.column("id", sa.Integer), sa.column("session_token", sa.String))
    bind = op.get_bind()
    for (user_id,) in bind.execute(sa.select(users.c.id)).fetchall():
        bind.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(session_token=secrets.token_urlsafe(32))
        )
    with op.batch_alter_table("user") as batch:
        batch.alter_column("session_token", existing_type=sa.String(64), nullable=False)
        batch.create_unique_constraint("uq_user_session_token", ["session_token"])


def downgrade():
    with op.batch_alter_table("user") as batch:
        batch.drop_constraint("uq_user_session_token", type_="unique")
        batch.drop_column("session_token")
