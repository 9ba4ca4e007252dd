"""The web app's speed (issue 20): attention_marks' covering index in cell order,
(province, sector, about, day) instead of (province, day, sector, about).

A window's counts group by (province, sector). In the old order SQLite read the window's
marks province by province, day by day, and sorted them all into a temporary B-tree to
group them: 0.3 s of CPU for a two-year window at 1.5 million marks (/attention?since=
2025-01-01 took 0.4 s). In cell order it reads each cell's marks in a row, only those of
the scope (``about`` is an equality in the default scope), days as a range, and groups them
as they come, with no sort: 0.06 s. The stories behind a cell are a range of it too (cell,
scope, days newest first); a province's marks (province page) a range per sector.
One index replaces the other, so the store transaction writes the same index rows; they
land in a range per cell instead of one per province, about 0.03 ms more per new story at
1.5 million marks (0.097 -> 0.125 ms for a story's marks in their own transaction;
bench/ingest_throughput.py's ratio unchanged, 0.65-0.67 before and after).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 16:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_attention_marks_cell', 'attention_marks',
                    ['province', 'sector', 'about', 'day'])
    op.drop_index('ix_attention_marks_province', table_name='attention_marks')
    _restat()


def downgrade() -> None:
    op.create_index('ix_attention_marks_province', 'attention_marks',
                    ['province', 'day', 'sector', 'about'])
    op.drop_index('ix_attention_marks_cell', table_name='attention_marks')
    _restat()


def _restat() -> None:
    """SQLite: a database whose statistics cover the table (``ANALYZE`` was run on it) gets
    them for the new index too. With them, a short window's counts are a skip-scan over
    the leading columns (a range of days per cell); without any, SQLite reads the whole
    index, still in group order. A database never analysed is left so: statistics taken
    on a new, empty table would mislead the planner once it fills. PostgreSQL keeps its
    own (autovacuum)."""
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    has_stats = bind.execute(sa.text(
        "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first() and bind.execute(
        sa.text("SELECT 1 FROM sqlite_stat1 WHERE tbl = 'attention_marks'")).first()
    if has_stats:
        op.execute('ANALYZE attention_marks')
