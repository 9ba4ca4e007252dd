"""Watchlists gain meeting criteria: host posts, guest kinds, guest organisations.

A watchlist with any of them matches only stories with a stored meeting that meets them
(issue 18); existing watchlists get empty lists and match as before.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 09:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

COLUMNS = ('meeting_hosts', 'meeting_guest_kinds', 'meeting_orgs')


def upgrade() -> None:
    with op.batch_alter_table('watchlists', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.JSON(), nullable=False,
                                          server_default='[]'))
        # entry of meeting_orgs -> the organisation knowledge base's id
        batch_op.add_column(sa.Column('meeting_org_ids', sa.JSON(), nullable=False,
                                      server_default='{}'))


def downgrade() -> None:
    with op.batch_alter_table('watchlists', schema=None) as batch_op:
        batch_op.drop_column('meeting_org_ids')
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
