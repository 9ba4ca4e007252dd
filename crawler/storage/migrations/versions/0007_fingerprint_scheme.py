"""Each fingerprint records the MinHash scheme it was made with.

Signatures of two schemes cannot be compared (datasketch 2.0's default scheme matched
1.x's on none of 185 texts), so near-duplicate candidates are only those of the scheme in
use, and a later migration or `reextract` can find the rows of an older one. Existing rows
were made with the scheme provwatch owns now (datasketch 1.x's): ``crc32-universal-v1``.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 07:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('fingerprints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scheme', sa.String(length=40), nullable=False,
                                      server_default='crc32-universal-v1'))


def downgrade() -> None:
    with op.batch_alter_table('fingerprints', schema=None) as batch_op:
        batch_op.drop_column('scheme')
