"""Status that costs the same on day 1 and day 300: each source's last outcome on its row,
indexes for what status and pruning read, old crawl runs prunable.

``sources.last_outcome`` is written with every crawl run (status read it by ranking every
``crawl_runs`` row: 6.6 s at 2M runs on PostgreSQL); existing databases get it from their
newest run here. ``crawl_runs(started_at)`` serves pruning and ``crawl_runs(source_id,
started_at)`` a source's history; ``deliveries(status, sent_at)`` the 24 hours' sent count.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 06:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_outcome', sa.String(length=20), nullable=True))
    op.execute(
        "UPDATE sources SET last_outcome = (SELECT r.outcome FROM crawl_runs r "
        "WHERE r.source_id = sources.id ORDER BY r.started_at DESC, r.id DESC LIMIT 1)")
    op.create_index('ix_crawl_runs_started', 'crawl_runs', ['started_at'])
    op.create_index('ix_crawl_runs_source_started', 'crawl_runs', ['source_id', 'started_at'])
    op.create_index('ix_deliveries_status_sent', 'deliveries', ['status', 'sent_at'])


def downgrade() -> None:
    op.drop_index('ix_deliveries_status_sent', table_name='deliveries')
    op.drop_index('ix_crawl_runs_source_started', table_name='crawl_runs')
    op.drop_index('ix_crawl_runs_started', table_name='crawl_runs')
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.drop_column('last_outcome')
