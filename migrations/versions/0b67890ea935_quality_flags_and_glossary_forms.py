"""quality flags on translated segments, inflected forms on glossary terms

Revision ID: 0b67890ea935
Revises: w7d3a1c9e5b2
Create Date: 2026-12-02 13:55:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0b67890ea935"
down_revision = "w7d3a1c9e5b2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("translated_segment") as batch:
        batch.add_column(sa.Column("flags", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("machine_signals", sa.JSON(), nullable=True))
    with op.batch_alter_table("glossary_term") as batch:
        batch.add_column(sa.Column("forms", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("glossary_term") as batch:
        batch.drop_column("forms")
    with op.batch_alter_table("translated_segment") as batch:
        batch.drop_column("machine_signals")
        batch.drop_column("flags")
