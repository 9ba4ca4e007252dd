"""SQLite's search index is written in batches from a backlog (migration 0020): an article
is found from the moment it is stored; the store stage moves the backlog into the index
every batch and when it closes, the daemon's upkeep what a dead crawl left; updates and
deletes keep the index whole whether the article was indexed yet or not; processes moving
the backlog at once, at a barrier, index each article once. On PostgreSQL (pg_trgm) there
is no backlog, and the same searches find the same articles."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path

import pytest
from _barrier import at_barrier
from _pages import page
from alembic import command
from conftest import make_config
from sqlalchemy import delete, select, text, update

from provwatch.crawler.daemon.scheduler import Daemon
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import (
    alembic_config,
    close_all,
    make_engine,
    open_database,
    transaction,
)
from provwatch.crawler.storage.models import Article
from provwatch.pipelines import store
from provwatch.pipelines.chain import Chain
from provwatch.pipelines.items import ArticleItem

NOW = datetime(2026, 11, 18, 3, 0, tzinfo=timezone.utc)
PROCESSES = 4
BACKLOG = 60


def _word(n: int) -> str:
    return f"检索暗号第{n}号"


def _items(count: int, start: int = 0) -> list[ArticleItem]:
    """Articles each holding one word no other holds (``_word(n)``)."""
    items = []
    for n in range(start, start + count):
        html = page(f"示范省第{n}篇{_word(n)}报道",
                    [f"本文含有唯一的词{_word(n)}，用来检验全文索引的积压在批量写入后完整。",
                     "其余内容与检索无关，只为让正文足够长而被提取为正文内容，不含别的暗号。"])
        items.append(ArticleItem(url=f"https://backlog.example/{n}.html", source_id="test",
                                 body=html.encode(), fetched_at=NOW))
    return items


def _store(url: str, items: list[ArticleItem], *, close: bool) -> Chain:
    """Store through the ingest chain; ``close=False`` leaves its backlog unindexed, as a
    crawl that died before its end would."""
    chain = Chain(url)
    chain.__enter__()
    assert chain.run(items) == len(items)
    if close:
        chain.__exit__(None, None, None)
    return chain


def _found(sessions, term: str) -> list[str]:
    with sessions() as session:
        got = repository.search_articles(session, repository.SearchFilter((term,)))
        return [a.title for a in got]


def _backlog(sessions) -> int:
    with sessions() as session:
        return repository.search_backlog_size(session)


def _whole(sessions) -> None:
    """FTS5's own check of the index (it raises on a row indexed twice, a deleted row still
    indexed, stale trigrams): against the articles table when the backlog is empty (every
    article is then indexed), else of the index's own structure."""
    with sessions() as session:
        if session.get_bind().dialect.name == "sqlite":
            against_articles = int(repository.search_backlog_size(session) == 0)
            session.execute(text("INSERT INTO articles_search(articles_search, rank) "
                                 "VALUES ('integrity-check', :r)"), {"r": against_articles})


def _in_index(sessions, term: str) -> int:
    """Rows the FTS5 index itself holds for a term (the backlog left out)."""
    with sessions() as session:
        return session.execute(text("SELECT count(*) FROM articles_search WHERE "
                                    "articles_search MATCH :q"), {"q": f'"{term}"'}).scalar()


def test_an_article_is_found_from_the_moment_it_is_stored(database_url):
    sessions = open_database(database_url)
    chain = _store(database_url, _items(3), close=False)
    sqlite = database_url.startswith("sqlite")
    assert _backlog(sessions) == (3 if sqlite else 0)
    for n in range(3):
        assert _found(sessions, _word(n)) == [f"示范省第{n}篇{_word(n)}报道"]
    if sqlite:
        assert _in_index(sessions, _word(0)) == 0  # found by the backlog's scan

    chain.__exit__(None, None, None)
    assert _backlog(sessions) == 0
    _whole(sessions)
    for n in range(3):
        assert _found(sessions, _word(n)) == [f"示范省第{n}篇{_word(n)}报道"]
    if sqlite:
        assert _in_index(sessions, _word(0)) == 1


def test_the_store_stage_moves_the_backlog_every_batch_and_when_it_closes(sqlite_url,
                                                                         monkeypatch):
    monkeypatch.setattr(store, "SEARCH_BATCH", 3)
    sessions = open_database(sqlite_url)
    chain = _store(sqlite_url, _items(7), close=False)
    assert _backlog(sessions) == 1  # two batches of three went in; the seventh waits
    assert _in_index(sessions, _word(5)) == 1 and _in_index(sessions, _word(6)) == 0
    chain.__exit__(None, None, None)
    assert _backlog(sessions) == 0 and _in_index(sessions, _word(6)) == 1
    _whole(sessions)


def test_updates_and_deletes_keep_the_index_whole_indexed_or_not(sqlite_url):
    sessions = open_database(sqlite_url)
    _store(sqlite_url, _items(4), close=False)
    with transaction(sessions) as session:
        assert repository.index_backlog(session, batch=2) == 2  # 0 and 1 indexed; 2, 3 wait
    with transaction(sessions) as session:
        for n, title in ((0, "更新后的标题甲乙丙"), (2, "更新后的标题丁戊己")):
            session.execute(update(Article).where(Article.url.endswith(f"/{n}.html"))
                            .values(title=title))
        session.execute(delete(Article).where(Article.url.endswith("/1.html")
                                              | Article.url.endswith("/3.html")))
    _whole(sessions)
    assert _backlog(sessions) == 2  # the two updated: 0 left the index to be indexed again

    def check() -> None:
        assert _found(sessions, "标题甲乙丙") == ["更新后的标题甲乙丙"]
        assert _found(sessions, "标题丁戊己") == ["更新后的标题丁戊己"]
        assert _found(sessions, f"示范省第0篇{_word(0)}") == []  # the old title is gone
        for n in (1, 3):
            assert _found(sessions, _word(n)) == []  # deleted, indexed or not

    check()
    assert repository.index_whole_backlog(sessions) == 2
    assert _backlog(sessions) == 0
    _whole(sessions)
    check()


def _mover(database_url: str, out: str, n: int, barrier) -> None:
    sessions = open_database(database_url)
    moved = 0
    barrier.wait(timeout=120)
    while True:
        with transaction(sessions) as session:
            got = repository.index_backlog(session, batch=5)
        moved += got
        if got == 0:
            break
    Path(out, f"moved_{n}").write_text(str(moved))


def test_processes_moving_the_backlog_at_once_index_each_article_once(tmp_path,
                                                                      database_url):
    sessions = open_database(database_url)
    _store(database_url, _items(BACKLOG), close=False)
    close_all()  # the movers open their own connections
    at_barrier(_mover, lambda n: (database_url, str(tmp_path), n), PROCESSES)

    moved = [int((tmp_path / f"moved_{n}").read_text()) for n in range(PROCESSES)]
    sessions = open_database(database_url)
    sqlite = database_url.startswith("sqlite")
    assert sum(moved) == (BACKLOG if sqlite else 0), moved
    assert _backlog(sessions) == 0
    _whole(sessions)
    for n in range(BACKLOG):
        assert len(_found(sessions, _word(n))) == 1, n
        if sqlite:
            assert _in_index(sessions, _word(n)) == 1, n


def test_a_failed_move_is_one_line_and_keeps_the_articles_searchable(sqlite_url, caplog):
    sessions = open_database(sqlite_url)
    chain = _store(sqlite_url, _items(2), close=False)
    with transaction(sessions) as session:  # the index out of reach for a moment
        session.execute(text("ALTER TABLE articles_search RENAME TO articles_search_away"))
    with caplog.at_level(logging.WARNING, logger="provwatch.pipelines.store"):
        chain.__exit__(None, None, None)
    said = [r.getMessage() for r in caplog.records if r.name == "provwatch.pipelines.store"]
    assert len(said) == 1 and "no such table: articles_search" in said[0], said
    assert "\n" not in said[0] and "Traceback" not in said[0]
    assert _backlog(sessions) == 2
    with transaction(sessions) as session:
        session.execute(text("ALTER TABLE articles_search_away RENAME TO articles_search"))
    assert _found(sessions, _word(1)) == [f"示范省第1篇{_word(1)}报道"]
    assert repository.index_whole_backlog(sessions) == 2
    _whole(sessions)


def test_the_daemons_upkeep_indexes_what_a_dead_crawl_left(tmp_path, sqlite_url):
    sessions = open_database(sqlite_url)
    _store(sqlite_url, _items(2), close=False)
    Daemon(make_config(tmp_path, sqlite_url))._prune_job()
    assert _backlog(sessions) == 0 and _in_index(sessions, _word(1)) == 1
    _whole(sessions)


@pytest.mark.parametrize("pending", [0, 2])
def test_going_back_to_0019_indexes_the_backlog_and_its_triggers(sqlite_url, pending):
    _store(sqlite_url, _items(3), close=False)
    sessions = open_database(sqlite_url)
    with transaction(sessions) as session:
        repository.index_backlog(session, batch=3 - pending)
    close_all()
    engine = make_engine(sqlite_url)
    cfg = alembic_config(engine)
    command.downgrade(cfg, "0019")
    with engine.begin() as conn:  # 0014's triggers index a write at once again
        assert conn.execute(text("SELECT count(*) FROM sqlite_master WHERE name = "
                                 "'search_backlog'")).scalar() == 0
        conn.execute(update(Article).where(Article.url.endswith("/0.html"))
                     .values(title="回退后的标题庚辛壬"))
        conn.execute(text("INSERT INTO articles_search(articles_search, rank) "
                          "VALUES ('integrity-check', 1)"))
        for term in ("回退后的标题庚辛壬", _word(1), _word(2)):
            assert conn.execute(text("SELECT count(*) FROM articles_search WHERE "
                                     "articles_search MATCH :q"), {"q": f'"{term}"'}
                                ).scalar() == 1, term
    command.upgrade(cfg, "head")
    engine.dispose()
    sessions = open_database(sqlite_url)
    assert _backlog(sessions) == 0
    _whole(sessions)
    with sessions() as session:
        assert session.scalar(select(Article.title).where(Article.url.endswith("/0.html"))
                              ) == "回退后的标题庚辛壬"


def test_a_search_reads_the_backlog_by_its_rows_not_every_article(sqlite_url):
    """The backlog's few rows drive its scan, each article read by its key: a join let
    SQLite's planner scan every article and probe the backlog (163 ms against 2.5 ms for
    a search at 100,000 articles, bench/web_pages.py)."""
    sessions = open_database(sqlite_url)
    _store(sqlite_url, _items(12), close=True)
    with transaction(sessions) as session:
        session.execute(text("ANALYZE"))  # an empty backlog, many articles: the risky case
    with sessions() as session:
        query = (select(Article.id)
                 .where(repository.search._term(session, _word(3), 0)))
        compiled = query.compile(dialect=session.get_bind().dialect,
                                 compile_kwargs={"literal_binds": True})
        plan = [row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))]
    assert "SCAN search_backlog" in plan, plan
