"""Weekly check-ins: per tactic, ISO week and author, what was done, counts, confidence, blocker.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from outcomes.web.store.models import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tactic", sa.String(128), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("done", sa.Text(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=False),
        sa.Column("blocker", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("tactic", "week", "user_id", name="uq_checkins_tactic_week_user"),
    )
    op.create_index("ix_checkins_week", "checkins", ["week"])


def downgrade() -> None:
    op.drop_index("ix_checkins_week", "checkins")
    op.drop_table("checkins")
