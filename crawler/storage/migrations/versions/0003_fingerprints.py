"""Near-duplicate fingerprints and their LSH band index.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 12:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import provwatch.crawler.storage.models

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'fingerprints',
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('story_id', sa.Integer(), nullable=False),
        sa.Column('signature', sa.LargeBinary(), nullable=False),
        sa.Column('numbers', sa.Text(), nullable=False),
        sa.Column('places', sa.Text(), nullable=False),
        sa.Column('title_key', sa.Text(), nullable=False),
        sa.Column('published_at', provwatch.crawler.storage.models.UTCDateTime(timezone=True),
                  nullable=True),
        sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('article_id'),
    )
    with op.batch_alter_table('fingerprints', schema=None) as batch_op:
        batch_op.create_index('ix_fingerprints_story_id', ['story_id'], unique=False)
    op.create_table(
        'fingerprint_bands',
        sa.Column('band_key', sa.BigInteger(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('published_at', provwatch.crawler.storage.models.UTCDateTime(timezone=True),
                  nullable=True),
        sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('band_key', 'article_id'),
    )
    with op.batch_alter_table('fingerprint_bands', schema=None) as batch_op:
        batch_op.create_index('ix_fingerprint_bands_key_time', ['band_key', 'published_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('fingerprint_bands', schema=None) as batch_op:
        batch_op.drop_index('ix_fingerprint_bands_key_time')
    op.drop_table('fingerprint_bands')
    with op.batch_alter_table('fingerprints', schema=None) as batch_op:
        batch_op.drop_index('ix_fingerprints_story_id')
    op.drop_table('fingerprints')
