"""newsletter: subscribers with double opt-in, mailings, per-recipient deliveries, list state

The unused `subscriber` table of the initial schema is replaced by `newsletter_subscriber`.

Revision ID: n5e79288431c
Revises: sc428c078340
Create Date: 2026-12-02 06:30:00

"""
import sqlalchemy as sa
from alembic import op

import bv.database

revision = "n5e79288431c"
down_revision = "s7f3a91c2d45"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table("subscriber")
    op.create_table(
        "newsletter_subscriber",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("languages", sa.String(length=20), nullable=False),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("ui_locale", sa.String(length=5), nullable=False),
        sa.Column("created_at", bv.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", bv.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("bounced_at", bv.database.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    with op.batch_alter_table("newsletter_subscriber") as batch:
        batch.create_index("ix_newsletter_subscriber_state", ["state"], unique=False)
    op.create_table(
        "newsletter_mailing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("translation_id", sa.Integer(), nullable=True),
        sa.Column("translation_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", bv.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", bv.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["translation_id"], ["article_translation.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "newsletter_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mailing_id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=True),
        sa.Column("recipient_hash", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", bv.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("tried_at", bv.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", bv.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["mailing_id"], ["newsletter_mailing.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["subscriber_id"], ["newsletter_subscriber.id"], ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mailing_id", "recipient_hash"),
    )
    with op.batch_alter_table("newsletter_delivery") as batch:
        batch.create_index("ix_newsletter_delivery_mailing_id", ["mailing_id"], unique=False)
        batch.create_index("ix_newsletter_delivery_subscriber_id", ["subscriber_id"], unique=False)
        batch.create_index("ix_newsletter_delivery_state", ["state"], unique=False)
    op.create_table(
        "newsletter_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("failures_in_a_row", sa.Integer(), nullable=False),
        sa.Column("paused_at", bv.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade():
    op.drop_table("newsletter_list")
    with op.batch_alter_table("newsletter_delivery") as batch:
        batch.drop_index("ix_newsletter_delivery_state")
        batch.drop_index("ix_newsletter_delivery_subscriber_id")
        batch.drop_index("ix_newsletter_delivery_mailing_id")
    op.drop_table("newsletter_delivery")
    op.drop_table("newsletter_mailing")
    with op.batch_alter_table("newsletter_subscriber") as batch:
        batch.drop_index("ix_newsletter_subscriber_state")
    op.drop_table("newsletter_subscriber")
    op.create_table(
        "subscriber",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("confirmed_at", bv.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", bv.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
        sa.UniqueConstraint("token"),
    )
