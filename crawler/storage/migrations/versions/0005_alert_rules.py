"""Precise watchlists, digests and an outbox that knows what each message carried.

Watchlists gain the province scope (about | mentioned), event kinds, all-of and none-of
keywords (``keywords`` stays the any-of list), sources, the minimum story size, a digest
schedule, quiet hours and the days of backfill asked for at creation.

``sends`` records every message handed to a channel (one alert, a digest, or a rate-limit
summary): the rate limit counts them, and a message claimed but not confirmed (the
dispatcher died between sending and committing) is sent again with the same id.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 14:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_WATCHLIST_COLUMNS = ('backfill_days', 'quiet_hours', 'schedule', 'min_copies', 'sources',
                      'keywords_none', 'keywords_all', 'events', 'province_scope')


def upgrade() -> None:
    with op.batch_alter_table('watchlists', schema=None) as batch_op:
        batch_op.add_column(sa.Column('province_scope', sa.String(length=10), nullable=False,
                                      server_default='about'))
        for column in ('events', 'keywords_all', 'keywords_none', 'sources'):
            batch_op.add_column(sa.Column(column, sa.JSON(), nullable=False,
                                          server_default='[]'))
        batch_op.add_column(sa.Column('min_copies', sa.Integer(), nullable=False,
                                      server_default='1'))
        batch_op.add_column(sa.Column('schedule', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('quiet_hours', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('backfill_days', sa.Integer(), nullable=False,
                                      server_default='0'))
    op.create_table(
        'sends',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=1000), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('watchlist_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('items', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('claimed_by', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('heading', sa.Text(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_sends_channel_created', 'sends', ['channel', 'created_at'])
    op.create_index('ix_sends_status', 'sends', ['status'])
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('send_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_deliveries_send_id', ['send_id'])


def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_send_id')
        batch_op.drop_column('send_id')
    op.drop_index('ix_sends_status', table_name='sends')
    op.drop_index('ix_sends_channel_created', table_name='sends')
    op.drop_table('sends')
    with op.batch_alter_table('watchlists', schema=None) as batch_op:
        for column in _WATCHLIST_COLUMNS:
            batch_op.drop_column(column)
