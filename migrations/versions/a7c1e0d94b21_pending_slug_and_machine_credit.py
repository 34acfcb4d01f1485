"""pending slug of published versions, and machine drafts credited to their provider

Revision ID: a7c1e0d94b21
Revises: 220d92992aa6
Create Date: 2026-12-02 06:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "a7c1e0d94b21"
down_revision = "220d92992aa6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("article_translation") as batch:
        batch.add_column(sa.Column("pending_slug", sa.String(220), nullable=True))
        batch.add_column(sa.Column("updated_via", sa.String(80), nullable=True))


def downgrade():
    with op.batch_alter_table("article_translation") as batch:
        batch.drop_column("updated_via")
        batch.drop_column("pending_slug")
