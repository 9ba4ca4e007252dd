"""SQLite's search index is written in batches, from a backlog, not per article (issue 15).

Until now the insert trigger of 0014 wrote each article's trigrams into the FTS5 index in
the store transaction: one new index segment and one more commit's pages per article,
about 2.6 ms of CPU for a 4,000-character article (bench/ingest_throughput.py's pages,
with and without the trigger, 9 rounds), half of the store stage's CPU. Written for a
few dozen articles in one statement, the same trigrams cost about 1.4 ms an article.

So the triggers now keep a backlog instead: an inserted article's id goes into
``search_backlog`` (in the writer's own transaction, so no article is ever missed); an
update of title or text takes an indexed article's old trigrams out of the index and puts
it in the backlog; a delete takes them out, or the backlog row when it was never indexed
(FTS5 must never be told to delete what it does not hold). ``repository.index_backlog``
moves the backlog into the index under the write lock, so two of it at once index each
article once; the store stage runs it every few dozen articles and when a crawl or an
ingest ends, the daemon's upkeep after a crash. A search reads the index and scans the
backlog's few articles, so an article is found from the moment it is stored.

PostgreSQL keeps its pg_trgm indexes itself: nothing changes there.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 19:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

_NOT_PENDING = "NOT EXISTS (SELECT 1 FROM search_backlog WHERE article_id = old.id)"
UPGRADE = [
    "CREATE TABLE search_backlog (article_id INTEGER NOT NULL PRIMARY KEY)",
    "DROP TRIGGER articles_search_insert",
    "DROP TRIGGER articles_search_delete",
    "DROP TRIGGER articles_search_update",
    "CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN "
    "INSERT INTO search_backlog(article_id) VALUES (new.id); END",
    "CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_search(articles_search, rowid, title, text) "
    f"SELECT 'delete', old.id, old.title, old.text WHERE {_NOT_PENDING}; "
    "DELETE FROM search_backlog WHERE article_id = old.id; END",
    "CREATE TRIGGER articles_search_update AFTER UPDATE OF title, text ON articles BEGIN "
    "INSERT INTO articles_search(articles_search, rowid, title, text) "
    f"SELECT 'delete', old.id, old.title, old.text WHERE {_NOT_PENDING}; "
    "INSERT OR IGNORE INTO search_backlog(article_id) VALUES (new.id); END",
]
# 0014's triggers, after the backlog went into the index
DOWNGRADE = [
    "INSERT INTO articles_search(rowid, title, text) SELECT a.id, a.title, a.text "
    "FROM articles a JOIN search_backlog b ON b.article_id = a.id",
    "DROP TRIGGER articles_search_insert",
    "DROP TRIGGER articles_search_delete",
    "DROP TRIGGER articles_search_update",
    "DROP TABLE search_backlog",
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


def _run(statements: list[str]) -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for statement in statements:
            op.execute(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
