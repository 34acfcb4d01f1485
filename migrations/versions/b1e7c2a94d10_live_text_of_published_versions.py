"""live text of published versions, pending changes

Revision ID: b1e7c2a94d10
Revises: db05e4f0833a
Create Date: 2026-11-28 15:40:00

"""
import sqlalchemy as sa
from alembic import op

import bv.database

revision = "b1e7c2a94d10"
down_revision = "db05e4f0833a"
branch_labels = None
depends_on = None

LIVE_COPIES = {
    "live_headline": "headline",
    "live_lede": "lede",
    "live_body_html": "body_html",
    "live_word_count": "word_count",
    "live_image_alt": "image_alt",
    "live_image_caption": "image_caption",
    "live_outdated_since": "outdated_since",
}


def upgrade():
    with op.batch_alter_table("article_translation") as batch:
        batch.add_column(sa.Column("live_headline", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("live_lede", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("live_body_html", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("live_word_count", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("live_image_alt", sa.String(300), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("live_image_caption", sa.String(500), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("live_revision_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("live_outdated_since", bv.database.UTCDateTime(), nullable=True))
        batch.add_column(
            sa.Column("has_pending_changes", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_foreign_key(
            "fk_translation_live_revision", "revision", ["live_revision_id"], ["id"]
        )
    # what was published until now is what readers saw
    assignments = ", ".join(f"{live} = {working}" for live, working in LIVE_COPIES.items())
    op.execute(
        f"UPDATE article_translation SET {assignments}, live_revision_id = ("
        " SELECT MAX(revision.id) FROM revision"
        " WHERE revision.translation_id = article_translation.id)"
        " WHERE status = 'published'"
    )


def downgrade():
    with op.batch_alter_table("article_translation") as batch:
        batch.drop_constraint("fk_translation_live_revision", type_="foreignkey")
        for column in (
            "has_pending_changes",
            "live_outdated_since",
            "live_revision_id",
            "live_image_caption",
            "live_image_alt",
            "live_word_count",
            "live_body_html",
            "live_lede",
            "live_headline",
        ):
            batch.drop_column(column)
