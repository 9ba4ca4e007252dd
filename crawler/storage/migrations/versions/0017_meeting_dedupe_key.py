"""The web app's speed (issue 20): meetings keep their dedupe key (storage.meeting_key),
indexed with the story id, so the web's counts leave out a second report of one meeting in
the database, where before every meeting was read into Python to find them (a second at
10,000 meetings: bench/web_pages.py). Existing meetings get theirs here.

Revision ID: 0017
Revises: 0014b (given as 0012; chained after issue 20's 0014b, merged into this branch)
Create Date: 2026-12-06 11:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from provwatch.crawler.storage.meeting_key import meeting_key

revision = '0017'
down_revision = '0014b'
branch_labels = None
depends_on = None

_meetings = sa.table('meetings', sa.column('id', sa.Integer), sa.column('day', sa.Date),
                     sa.column('date_stated', sa.Boolean),
                     sa.column('dedupe_key', sa.String))
_hosts = sa.table('meeting_hosts', sa.column('meeting_id', sa.Integer),
                  sa.column('name', sa.String))
_guests = sa.table('meeting_guests', sa.column('meeting_id', sa.Integer),
                   sa.column('name', sa.String), sa.column('org', sa.String),
                   sa.column('org_id', sa.String))


def upgrade() -> None:
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dedupe_key', sa.String(length=40), nullable=True))
        batch_op.create_index('ix_meetings_dedupe_key', ['dedupe_key', 'story_id'])
    _backfill(op.get_bind())


def _backfill(conn) -> None:
    hosts: dict[int, list[dict]] = {}
    for mid, name in conn.execute(sa.select(_hosts.c.meeting_id, _hosts.c.name)):
        hosts.setdefault(mid, []).append({"name": name})
    guests: dict[int, list[dict]] = {}
    for mid, name, org, org_id in conn.execute(
            sa.select(_guests.c.meeting_id, _guests.c.name, _guests.c.org, _guests.c.org_id)):
        guests.setdefault(mid, []).append({"name": name, "org": org, "org_id": org_id})
    keys = [{"b_id": mid, "b_key": meeting_key(day, stated, hosts.get(mid, ()),
                                               guests.get(mid, ()))}
            for mid, day, stated in conn.execute(
                sa.select(_meetings.c.id, _meetings.c.day, _meetings.c.date_stated))]
    keys = [k for k in keys if k["b_key"] is not None]
    if keys:
        conn.execute(_meetings.update().where(_meetings.c.id == sa.bindparam('b_id'))
                     .values(dedupe_key=sa.bindparam('b_key')), keys)


def downgrade() -> None:
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_dedupe_key')
        batch_op.drop_column('dedupe_key')
