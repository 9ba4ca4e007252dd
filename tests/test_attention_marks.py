"""Attention marks (repository/web_attention.py) are written in the store transaction: they
always equal what the stored copies and tags say, also when writer processes store copies
of one story at the same moment (a barrier), on SQLite and PostgreSQL; retag keeps them.
Migration 0019 puts their covering index in cell order on a database that has marks."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

from _barrier import at_barrier
from _pages import GUANGXI_AI, HENAN_NEV, page
from alembic import command
from conftest import make_config
from sqlalchemy import inspect, select, text

from provwatch.crawler.chinatime import SHANGHAI
from provwatch.crawler.services import ingest as ingest_service
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import alembic_config, make_engine, open_database, transaction
from provwatch.crawler.storage.models import Article, AttentionMark, Tag

WRITERS = 4
NOVEMBER = repository.AttentionWindow(datetime(2026, 11, 1, tzinfo=SHANGHAI),
                                      datetime(2026, 12, 1, tzinfo=SHANGHAI),
                                      date(2026, 11, 1), date(2026, 11, 30))


def _line(url: str, title: str, paras: list[str], day: str = "2026-11-18 09:30") -> str:
    return json.dumps({"url": url, "source_id": "demo_x",
                       "html": page(title, paras, date=day)}) + "\n"


def _expected(session) -> set[tuple]:
    """The marks recomputed from the articles and tags, the slow way."""
    rows = session.execute(select(Article.story_id, Article.published_at, Tag.kind, Tag.value,
                                  Tag.role).join(Tag, Tag.article_id == Article.id)).all()
    first: dict[int, datetime] = {}
    for a in session.execute(select(Article.story_id, Article.published_at)).all():
        if a.published_at is not None:
            first[a.story_id] = min(first.get(a.story_id, a.published_at), a.published_at)
    provinces: dict[int, dict[str, bool]] = {}
    sectors: dict[int, set[str]] = {}
    for story, _, kind, value, role in rows:
        if kind == "province":
            provinces.setdefault(story, {})
            provinces[story][value] = provinces[story].get(value, False) or role == "about"
        elif kind == "sector":
            sectors.setdefault(story, set()).add(value)
    out = set()
    for story, day in first.items():
        china = day.astimezone(SHANGHAI).date()
        for p, about in provinces.get(story, {}).items():
            for s in ("", *sectors.get(story, ())):
                out.add((story, p, s, china, about))
        if provinces.get(story):
            out.add((story, "", "", china, any(provinces[story].values())))
    return out


def _marks(session) -> set[tuple]:
    return {tuple(r) for r in session.execute(select(
        AttentionMark.story_id, AttentionMark.province, AttentionMark.sector, AttentionMark.day,
        AttentionMark.about)).all()}


def _store_copy(database_url: str, data_dir: str, writer: int, barrier) -> None:
    from pathlib import Path

    config = make_config(Path(data_dir), database_url)
    title, paras = HENAN_NEV
    barrier.wait(timeout=120)
    # each outlet's copy of one story, dated a day apart, one of them adding a province
    extra = ["广西代表团参加了签约仪式。"] if writer == 2 else []
    line = _line(f"https://outlet{writer}.example/a.html", title, [*paras, *extra],
                 day=f"2026-11-{18 + writer} 09:30")
    assert ingest_service.ingest(config, io.StringIO(line), "w").stored == 1


def test_copies_stored_at_once_leave_the_marks_the_copies_say(tmp_path, database_url):
    sessions = open_database(database_url)
    at_barrier(_store_copy, lambda w: (database_url, str(tmp_path), w), WRITERS)

    with sessions() as session:
        marks, expected = _marks(session), _expected(session)
        stories = {m[0] for m in marks}
        cells = dict(((p, s), n) for p, s, n in repository.attention_cells(session, NOVEMBER))
    assert marks == expected
    assert len(stories) == 1  # one story, counted once per cell however many copies
    assert cells[("henan", "nev")] == 1
    assert {m[3] for m in marks} == {date(2026, 11, 18)}  # the first copy's China day


def test_a_tag_change_in_a_transaction_moves_the_counts(tmp_path, database_url):
    config = make_config(tmp_path, database_url)
    lines = _line("https://a.example/1.html", *HENAN_NEV) + _line("https://a.example/2.html",
                                                                  *GUANGXI_AI)
    assert ingest_service.ingest(config, io.StringIO(lines), "t").stored == 2
    sessions = open_database(database_url)
    with transaction(sessions) as session:
        article = session.scalars(select(Article).where(Article.title == GUANGXI_AI[0])).one()
        for tag in article.tags:
            if tag.kind == "province" and tag.value == "guangxi":
                tag.value = "yunnan"
        session.flush()
        repository.refresh_marks(session, [article.story_id])
    with sessions() as session:
        totals, everything = repository.attention_province_totals(session, NOVEMBER)
        assert _marks(session) == _expected(session)
    assert "guangxi" not in totals and totals["yunnan"] == 1 and everything == 2


def test_the_migration_puts_the_marks_index_in_cell_order(tmp_path, database_url):
    """A database with marks (and, on SQLite, statistics) before 0019 keeps its marks and
    counts, read through the index in cell order: on SQLite grouped as read, no sort; two
    windows counted together count what each counts alone."""
    engine = make_engine(database_url)
    cfg = alembic_config(engine)
    command.upgrade(cfg, "0017")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO stories (id, first_seen_at, copy_count, title) VALUES "
                          "(1, :t, 1, 'a'), (2, :t, 1, 'b')"), {"t": datetime(2026, 11, 5)})
        conn.execute(text("INSERT INTO attention_marks (story_id, province, sector, day, about)"
                          " VALUES (:s, :p, :c, :d, :a)"),
                     [{"s": s, "p": p, "c": c, "d": date(2026, 11, d), "a": a}
                      for s, d, a in ((1, 5, True), (2, 20, False))
                      for p, c in (("henan", "nev"), ("henan", ""), ("", ""))])
        if engine.dialect.name == "sqlite":
            conn.execute(text("ANALYZE"))
    command.upgrade(cfg, "head")
    indexes = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes(
        "attention_marks")}
    plan = ""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM sqlite_stat1 WHERE idx = "
                                     "'ix_attention_marks_cell'")).scalar() == 1
            plan = " ".join(r[-1] for r in conn.execute(text(
                "EXPLAIN QUERY PLAN SELECT province, sector, count(*) FROM attention_marks "
                "WHERE day >= '2026-11-01' AND day <= '2026-11-30' AND about = 1 "
                "GROUP BY province, sector")))
    engine.dispose()
    assert indexes == {"ix_attention_marks_cell": ["province", "sector", "about", "day"]}
    if plan:
        assert "ix_attention_marks_cell" in plan and "TEMP B-TREE" not in plan
    with open_database(database_url)() as session:
        about = repository.attention_counts(session, NOVEMBER)
        mentioned = repository.attention_counts(
            session, repository.AttentionWindow(NOVEMBER.start, NOVEMBER.end, NOVEMBER.first,
                                                NOVEMBER.last, mentioned=True))
        halves = [repository.AttentionWindow(NOVEMBER.start, NOVEMBER.end, date(2026, 11, a),
                                             date(2026, 11, b), mentioned=True)
                  for a, b in ((1, 10), (11, 30))]
        both = repository.attention_counts_of(session, halves)  # one pass on PostgreSQL
        apart = [repository.attention_counts(session, w) for w in halves]
    assert about == {("henan", "nev"): 1, ("henan", ""): 1, ("", ""): 1}
    assert mentioned == {("henan", "nev"): 2, ("henan", ""): 2, ("", ""): 2}
    assert both == apart == [{("henan", "nev"): 1, ("henan", ""): 1, ("", ""): 1}] * 2
