"""Articles record the precision of their publication time (day or minute).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('date_precision', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('date_precision')
