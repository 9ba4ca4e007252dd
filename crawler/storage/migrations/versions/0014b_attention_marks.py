"""Attention marks: what the web app's attention heatmaps count (issue 20).

models.AttentionMark, repository/web_attention.py: per story, one row per (province,
sector) its copies are tagged with, plus (province, "") and ("", ""), with the story's
day (the China day of its first dated copy). Made here for the stories already stored;
then kept by the store transaction, retag and re-extraction. Read through one covering
index (province, day, sector, about), so a window's counts never join articles and tags.

Revision ID: 0014b
Revises: 0014
Create Date: 2026-12-06 11:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014b'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'attention_marks',
        sa.Column('story_id', sa.Integer(), nullable=False),
        sa.Column('province', sa.String(length=40), nullable=False),
        sa.Column('sector', sa.String(length=40), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('about', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['story_id'], ['stories.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('story_id', 'province', 'sector'))
    op.create_index('ix_attention_marks_province', 'attention_marks',
                    ['province', 'day', 'sector', 'about'])
    # lazy: the repository's own rule fills the table for the stories already stored
    from sqlalchemy.orm import Session

    from provwatch.crawler.storage.repository.web_attention import refresh_marks

    bind = op.get_bind()
    session = Session(bind=bind)
    ids = [row[0] for row in bind.execute(sa.text('SELECT id FROM stories ORDER BY id'))]
    for start in range(0, len(ids), 1000):
        refresh_marks(session, ids[start:start + 1000])
    session.flush()


def downgrade() -> None:
    op.drop_table('attention_marks')
