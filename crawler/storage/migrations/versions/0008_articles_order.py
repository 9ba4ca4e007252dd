"""An index in the order `provwatch articles` lists: newest first, undated last.

PostgreSQL reads ``ORDER BY published_at DESC NULLS LAST, id DESC ... LIMIT n`` straight
from this index instead of sorting the whole table (its plain ``published_at`` index,
read backwards, puts NULLs first and so cannot serve that order). SQLite needs none: its
DESC already puts NULLs last and its ``published_at`` index carries the rowid (= id).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 08:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

INDEX = 'ix_articles_published_order'


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index(INDEX, 'articles', [sa.text('published_at DESC NULLS LAST'),
                                            sa.text('id DESC')])


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index(INDEX, table_name='articles')
