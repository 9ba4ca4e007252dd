"""Roster changes read from stories (issue 18): proposed, applied or dismissed by hand.

Unique on (story_id, province, post, person, action): syndicated copies and re-runs
propose a change once.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 10:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from provwatch.crawler.storage.models import UTCDateTime

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'roster_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('story_id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=True),
        sa.Column('province', sa.String(length=40), nullable=False),
        sa.Column('post', sa.String(length=20), nullable=False),
        sa.Column('city', sa.String(length=40), nullable=True),
        sa.Column('person', sa.String(length=100), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('day', sa.Date(), nullable=True),
        sa.Column('sentence', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('applied_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['story_id'], ['stories.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('story_id', 'province', 'post', 'person', 'action',
                            name='uq_roster_change'),
    )
    op.create_index('ix_roster_changes_status_day', 'roster_changes', ['status', 'day'])


def downgrade() -> None:
    op.drop_table('roster_changes')
