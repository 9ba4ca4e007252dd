"""Full-text search (migration 0014, repository/search.py) on SQLite (FTS5 trigram) and
PostgreSQL (pg_trgm): Chinese substrings, short terms by scan, Latin in any case, the
index following writes, and writers storing at once through real processes at a barrier."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pytest
from _barrier import at_barrier
from _pages import ENGLISH_HAINAN, GUANGXI_AI, HENAN_NEV, page
from conftest import make_config
from sqlalchemy import delete, select, text, update

from provwatch.crawler.services import ingest as ingest_service
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database, transaction
from provwatch.crawler.storage.models import Article

WRITERS = 4


def _line(url: str, title: str, paras: list[str]) -> str:
    return json.dumps({"url": url, "html": page(title, paras), "source_id": "demo_test"}) + "\n"


@pytest.fixture
def stored(tmp_path, database_url):
    config = make_config(tmp_path, database_url)
    lines = "".join(_line(f"https://site.example/{n}.html", title, paras)
                    for n, (title, paras) in enumerate((HENAN_NEV, GUANGXI_AI, ENGLISH_HAINAN)))
    report = ingest_service.ingest(config, io.StringIO(lines), "test")
    assert report.stored == 3
    return open_database(database_url)


def _titles(sessions, *terms: str, **filters) -> list[str]:
    with sessions() as session:
        found = repository.search_articles(session, repository.SearchFilter(terms, **filters))
        return [a.title for a in found]


def test_a_chinese_substring_of_three_characters_or_more_is_found(stored):
    assert _titles(stored, "动力电池") == [HENAN_NEV[0]]
    assert _titles(stored, "东盟人工智能") == [GUANGXI_AI[0]]
    assert _titles(stored, "量子计算机") == []


def test_a_term_shorter_than_a_trigram_is_found_by_a_scan(stored):
    assert _titles(stored, "东盟") == [GUANGXI_AI[0]]
    assert sorted(_titles(stored, "汽车")) == sorted([HENAN_NEV[0]])


def test_every_term_must_occur_and_filters_combine(stored):
    assert _titles(stored, "比亚迪", "储能") == [HENAN_NEV[0]]
    assert _titles(stored, "比亚迪", "东盟") == []
    assert _titles(stored, "人工智能", provinces=("guangxi",)) == [GUANGXI_AI[0]]
    assert _titles(stored, "人工智能", provinces=("henan",)) == []


def test_latin_terms_match_in_any_case(stored):
    assert _titles(stored, "HAIKOU") == [ENGLISH_HAINAN[0]]
    assert _titles(stored, "sanya", "charging") == [ENGLISH_HAINAN[0]]


def test_a_quote_or_operator_in_a_term_is_text_not_syntax(stored):
    assert _titles(stored, '"比亚迪') == []
    assert _titles(stored, "NEAR(a b)") == []
    assert _titles(stored, "OR比亚迪") == []


def test_the_index_follows_an_updated_and_a_deleted_article(stored):
    with transaction(stored) as session:
        session.execute(update(Article).where(Article.title == GUANGXI_AI[0])
                        .values(title="广西发布低空经济示范方案"))
    assert _titles(stored, "低空经济示范") == ["广西发布低空经济示范方案"]
    assert _titles(stored, "广西印发") == []  # the old title left the index
    with transaction(stored) as session:
        session.execute(delete(Article).where(Article.title == ENGLISH_HAINAN[0]))
    assert _titles(stored, "HAIKOU") == []


def _writer(database_url: str, data_dir: str, writer: int, barrier) -> None:
    from pathlib import Path

    config = make_config(Path(data_dir), database_url)
    for n in range(3):
        word = f"暗号{writer}号{n}段"
        line = _line(f"https://w{writer}.example/{n}.html", f"第{writer}路第{n}篇{word}",
                     [f"本文含有唯一的词{word}，用来检验全文索引在并发写入下同步。",
                      "其余内容与检索无关，只为让正文足够长而被提取为正文内容。"])
        barrier.wait(timeout=120)
        report = ingest_service.ingest(config, io.StringIO(line), "w")
        assert report.stored == 1, (writer, n, report)


def test_articles_stored_at_once_by_several_processes_are_all_searchable(tmp_path,
                                                                          database_url):
    open_database(database_url)  # migrated once, before the writers start
    at_barrier(_writer, lambda w: (database_url, str(tmp_path), w), WRITERS)

    sessions = open_database(database_url)
    with sessions() as session:
        stored = session.scalar(select(Article.id).order_by(Article.id.desc()).limit(1))
    assert stored is not None
    for w in range(WRITERS):
        for n in range(3):
            assert len(_titles(sessions, f"暗号{w}号{n}段")) == 1, (w, n)
    since = datetime(2000, 1, 1, tzinfo=timezone.utc)
    assert len(_titles(sessions, "暗号", since=since)) == WRITERS * 3
    with sessions() as session:  # each ingest indexed its own (SQLite) as it closed
        assert repository.search_backlog_size(session) == 0
        if session.get_bind().dialect.name == "sqlite":  # FTS5's check against articles
            session.execute(text("INSERT INTO articles_search(articles_search, rank) "
                                 "VALUES ('integrity-check', 1)"))


def test_the_sqlite_index_merges_sixteen_segments_at_a_time(tmp_path):
    """Migration 0018: fewer merges per stored article (bench/ingest_throughput.py)."""
    url = f"sqlite:///{tmp_path}/merge.db"
    with transaction(open_database(url)) as session:
        got = session.execute(text(
            "SELECT v FROM articles_search_config WHERE k = 'automerge'")).scalar()
    assert got == 16
