"""Plan revisions (the plan's full text at each save) and sponsors' approvals of them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from outcomes.web.store.models import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_revisions",
        sa.Column("number", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("parent", sa.Integer(), sa.ForeignKey("plan_revisions.number"), nullable=True),
        sa.Column("author", sa.String(128), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
    )
    op.create_table(
        "plan_approvals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("revision", sa.Integer(), sa.ForeignKey("plan_revisions.number"), nullable=False),
        sa.Column("approver", sa.String(64), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_plan_approvals_revision", "plan_approvals", ["revision"])


def downgrade() -> None:
    op.drop_index("ix_plan_approvals_revision", "plan_approvals")
    op.drop_table("plan_approvals")
    op.drop_table("plan_revisions")
