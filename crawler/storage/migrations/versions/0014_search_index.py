"""Full-text search over article titles and bodies that works for Chinese (issue 20).

Chinese is written without spaces, so word tokenizers index whole sentences as one token;
both indexes here work on character trigrams instead, which find any substring of three
characters or more in any script:

- SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34+), external-content over
  ``articles`` (it stores only the index), kept in sync by triggers on insert, update of
  title or text, and delete, in the writer's own transaction. A later migration that
  rebuilds ``articles`` with batch_alter_table must create the triggers again.
- PostgreSQL: pg_trgm GIN indexes on title and text, which serve ``ILIKE '%term%'``;
  PostgreSQL keeps an index in sync itself. The extension is made in ``public`` when no
  schema has it yet (it is one per database), and the operator class is named with the
  schema that has it.

Terms shorter than three characters have no trigram: the repository searches them with a
plain substring scan (repository/search.py says how).

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-06 11:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0012'
branch_labels = None
depends_on = None

SQLITE = [
    "CREATE VIRTUAL TABLE articles_search USING fts5(title, text, content='articles', "
    "content_rowid='id', tokenize='trigram')",
    "INSERT INTO articles_search(articles_search) VALUES ('rebuild')",
    "CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_search(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_search(articles_search, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); END",
    "CREATE TRIGGER articles_search_update AFTER UPDATE OF title, text ON articles BEGIN "
    "INSERT INTO articles_search(articles_search, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); "
    "INSERT INTO articles_search(rowid, title, text) VALUES (new.id, new.title, new.text); END",
]
PG_INDEXES = ('ix_articles_title_trgm', 'ix_articles_text_trgm')


def _trgm_schema(bind) -> str:
    found = bind.execute(sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'")).scalar()
    if found is None:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
        found = 'public'
    return found


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for statement in SQLITE:
            op.execute(statement)
        return
    schema = _trgm_schema(bind)
    for index, column in zip(PG_INDEXES, ('title', 'text'), strict=True):
        op.execute(f'CREATE INDEX {index} ON articles USING gin ({column} "{schema}".gin_trgm_ops)')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for trigger in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER IF EXISTS articles_search_{trigger}')
        op.execute('DROP TABLE IF EXISTS articles_search')
        return
    for index in PG_INDEXES:
        op.drop_index(index, table_name='articles')
