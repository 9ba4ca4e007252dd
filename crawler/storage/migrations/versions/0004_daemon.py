"""The daemon's state: source health and adaptive polling, backfill cursors, the daemon lock.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('health', sa.String(length=20), nullable=False,
                                      server_default='new'))
        batch_op.add_column(sa.Column('health_since', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reported_health', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('last_new_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_new_items', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('usual_gap', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('poll_interval', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('backfill', sa.JSON(), nullable=True))
    with op.batch_alter_table('crawl_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('already_seen', sa.Integer(), nullable=False,
                                      server_default='0'))
    op.create_table(
        'daemon',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('owner', sa.String(length=200), nullable=True),
        sa.Column('host', sa.String(length=200), nullable=True),
        sa.Column('pid', sa.Integer(), nullable=True),
        sa.Column('version', sa.String(length=40), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('info', sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint('name'),
    )


def downgrade() -> None:
    op.drop_table('daemon')
    with op.batch_alter_table('crawl_runs', schema=None) as batch_op:
        batch_op.drop_column('already_seen')
    with op.batch_alter_table('sources', schema=None) as batch_op:
        for column in ('backfill', 'poll_interval', 'usual_gap', 'last_new_items',
                       'last_new_at', 'reported_health', 'health_since', 'health'):
            batch_op.drop_column(column)
