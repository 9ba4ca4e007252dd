"""Meetings read from stories (issue 18): meetings, their hosts and their guests.

One set per story, keyed by (story_id, ordinal): syndicated copies give one meeting, and
re-deriving (``provwatch remeet``) replaces a story's set in one transaction.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from provwatch.crawler.storage.models import UTCDateTime

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'meetings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('story_id', sa.Integer(), nullable=False),
        sa.Column('ordinal', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=True),
        sa.Column('day', sa.Date(), nullable=True),
        sa.Column('date_stated', sa.Boolean(), nullable=False),
        sa.Column('province', sa.String(length=40), nullable=True),
        sa.Column('place', sa.String(length=200), nullable=False),
        sa.Column('verb', sa.String(length=20), nullable=False),
        sa.Column('topics', sa.String(length=300), nullable=False),
        sa.Column('sentence', sa.Text(), nullable=False),
        sa.Column('summary_en', sa.Text(), nullable=False),
        sa.Column('summary_zh', sa.Text(), nullable=False),
        sa.Column('derived_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['story_id'], ['stories.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('story_id', 'ordinal', name='uq_meeting_story_ordinal'),
    )
    op.create_index('ix_meetings_day', 'meetings', ['day'])
    op.create_index('ix_meetings_province_day', 'meetings', ['province', 'day'])
    op.create_table(
        'meeting_hosts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('ordinal', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('province', sa.String(length=40), nullable=True),
        sa.Column('level', sa.String(length=20), nullable=True),
        sa.Column('city', sa.String(length=40), nullable=True),
        sa.Column('post', sa.String(length=20), nullable=True),
        sa.Column('pinyin', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('meeting_id', 'ordinal', name='uq_meeting_host_ordinal'),
    )
    op.create_index('ix_meeting_hosts_name', 'meeting_hosts', ['name'])
    op.create_index('ix_meeting_hosts_post', 'meeting_hosts', ['province', 'post'])
    op.create_table(
        'meeting_guests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('ordinal', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('org', sa.String(length=300), nullable=False),
        sa.Column('org_id', sa.String(length=100), nullable=True),
        sa.Column('org_kind', sa.String(length=40), nullable=False),
        sa.Column('org_en', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('meeting_id', 'ordinal', name='uq_meeting_guest_ordinal'),
    )
    op.create_index('ix_meeting_guests_org_id', 'meeting_guests', ['org_id'])
    op.create_index('ix_meeting_guests_kind', 'meeting_guests', ['org_kind'])


def downgrade() -> None:
    op.drop_table('meeting_guests')
    op.drop_table('meeting_hosts')
    op.drop_table('meetings')
