"""Meetings and roster changes are decided in the store transaction: writer processes that
store copies of one story at the same moment, or derive its meetings and propose its roster
changes again at once, leave one set of meetings and one proposal per change. Real
processes meet at a barrier, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json

from _barrier import at_barrier
from _pages import page
from conftest import make_config
from sqlalchemy import func, select

from provwatch.crawler.services import ingest as ingest_service
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database, transaction
from provwatch.crawler.storage.models import Article, Meeting, RosterChange, Story

WRITERS = 4
MEETING = ("刘宁会见比亚迪股份有限公司董事长王传福一行",
           ["2月25日，省委书记刘宁在郑州会见比亚迪股份有限公司董事长王传福一行，双方就加快新能源"
            "汽车和动力电池产业发展深入交流。", "刘宁表示，欢迎企业扩大在豫投资。"])
APPOINTMENT = ("河南省人大常委会任命王凯为河南省人民政府副省长、代理省长",
               ["2月25日，河南省第十四届人民代表大会常务委员会举行会议，决定任命王凯为河南省人民"
                "政府副省长、代理省长。"])


def _line(n: int, title: str, paras: list[str], writer: int) -> str:
    return json.dumps({"url": f"https://outlet{writer}.example/{n}.html",
                       "html": page(title, paras, date="2025-02-26 09:30"),
                       "source_id": f"outlet{writer}"}) + "\n"


def _store_copies(database_url: str, data_dir: str, writer: int, barrier) -> None:
    """One ingest process: each story's copy is stored as the other writers store theirs."""
    from pathlib import Path

    config = make_config(Path(data_dir), database_url)
    for n, (title, paras) in enumerate((MEETING, APPOINTMENT)):
        barrier.wait(timeout=120)
        report = ingest_service.ingest(config, io.StringIO(_line(n, title, paras, writer)), "w")
        assert report.stored == 1, (writer, n, report)


def _derive_again(database_url: str, story_id: int, barrier) -> None:
    """One process re-deriving the story's meetings and proposing its change again."""
    sessions = open_database(database_url)
    meeting = {"day": None, "verb": "会见", "hosts": [{"name": "刘宁"}],
               "guests": [{"name": "王传福", "org": "比亚迪"}]}
    change = {"province": "henan", "post": "governor", "person": "王凯", "action": "acting",
              "sentence": APPOINTMENT[0]}
    for _ in range(3):
        barrier.wait(timeout=120)
        with transaction(sessions) as session:
            repository.replace_meetings(session, story_id, None, [meeting, meeting])
            repository.propose_roster_changes(session, story_id, None, [change])


def _run(target, args_of) -> None:
    at_barrier(target, args_of, WRITERS)


def test_copies_stored_at_once_give_one_meeting_and_one_proposal(tmp_path, database_url):
    open_database(database_url)  # migrated once, before the writers start
    _run(_store_copies, lambda w: (database_url, str(tmp_path), w))

    with open_database(database_url)() as session:
        articles = session.scalar(select(func.count(Article.id)))
        stories = session.scalar(select(func.count(Story.id)))
        meetings = session.execute(select(Meeting.story_id, Meeting.ordinal)).all()
        changes = session.execute(select(RosterChange.person, RosterChange.post)).all()
    assert (articles, stories) == (2 * WRITERS, 2)
    assert len(meetings) == 1
    assert changes == [("王凯", "governor")]


def test_deriving_again_at_once_leaves_one_set_and_one_proposal(tmp_path, database_url):
    config = make_config(tmp_path, database_url)
    ingest_service.ingest(config, io.StringIO(_line(0, *MEETING, 0)), "t")
    with open_database(database_url)() as session:
        story_id = session.scalar(select(Story.id))
    _run(_derive_again, lambda w: (database_url, story_id))

    with open_database(database_url)() as session:
        ordinals = session.scalars(select(Meeting.ordinal).where(Meeting.story_id == story_id)
                                   .order_by(Meeting.ordinal)).all()
        proposals = session.scalar(select(func.count(RosterChange.id)))
    assert ordinals == [0, 1]
    assert proposals == 1
