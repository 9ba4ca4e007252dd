"""Roster changes from the news (issue 18): personnel statements that touch a roster post
are read from a story, proposed once per story, listed, applied (then merged over the
roster by `provwatch leaders`) or dismissed; a watchlist on the personnel event is owed
such a story (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from _pages import page
from conftest import make_config
from typer.testing import CliRunner

import provwatch.crawler.cli.leaders  # noqa: F401  (registers `leaders`)
from provwatch.alerts.watchlist import validate
from provwatch.crawler import roster
from provwatch.crawler.cli.app import app, state
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.services import ingest as ingest_service
from provwatch.crawler.services import leaders as service
from provwatch.crawler.services import watchlists as watchlists_service
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database, transaction
from provwatch.pipelines.personnel import PersonnelChange, extract_personnel, personnel_rows

PUBLISHED = date(2024, 12, 5)


def _one(person, province, post, action, city=None):
    return (person, province, post, city, action)


# one case per statement family, written as the portals and wires write them
FAMILIES = [
    pytest.param("", "河南省十四届人大常委会第十三次会议决定，任命王凯为河南省人民政府副省长、"
                     "代理省长。", [_one("王凯", "henan", "governor", "acting")],
                 id="任命…为副省长、代理省长 is an acting governor"),
    pytest.param("", "中共中央决定：刘宁同志任河南省委委员、常委、书记。",
                 [_one("刘宁", "henan", "secretary", "appoint")],
                 id="中共中央决定 X同志任省委委员、常委、书记"),
    pytest.param("楼阳生任河南省委书记", "",
                 [_one("楼阳生", "henan", "secretary", "appoint")], id="headline X任省委书记"),
    pytest.param("", "会议决定：免去王凯的河南省省长职务。",
                 [_one("王凯", "henan", "governor", "remove")], id="免去X的省长职务"),
    pytest.param("", "楼阳生同志不再担任河南省委书记、常委、委员职务。",
                 [_one("楼阳生", "henan", "secretary", "remove")], id="X不再担任省委书记"),
    pytest.param("", "大会选举王凯为河南省人民政府省长。",
                 [_one("王凯", "henan", "governor", "elect")], id="选举X为省人民政府省长"),
    pytest.param("", "经投票表决，蓝天立当选为广西壮族自治区人民政府主席。",
                 [_one("蓝天立", "guangxi", "governor", "elect")], id="X当选为自治区人民政府主席"),
    pytest.param("", "陈吉宁同志任上海市委书记。",
                 [_one("陈吉宁", "shanghai", "secretary", "appoint")], id="a municipality's 市委书记"),
    pytest.param("", "任命龚正为上海市副市长、代理市长。",
                 [_one("龚正", "shanghai", "governor", "acting")],
                 id="a municipality's 代理市长 is its acting governor"),
    pytest.param("", "免去张三的郑州市市长职务，任命李四为郑州市人民政府代理市长。",
                 [_one("李四", "henan", "mayor", "acting", "zhengzhou"),
                  _one("张三", "henan", "mayor", "remove", "zhengzhou")],
                 id="a capital's mayor removed and an acting one appointed"),
    pytest.param("", "中共中央批准：张三同志任河南省委常委、郑州市委书记。",
                 [_one("张三", "henan", "secretary", "appoint", "zhengzhou")],
                 id="a capital's 市委书记 after a provincial 常委"),
    pytest.param("", "Liu Ning was appointed Party secretary of Henan Province, "
                     "according to a decision of the CPC Central Committee.",
                 [_one("Liu Ning", "henan", "secretary", "appoint")],
                 id="wire: X was appointed Party secretary of Y Province"),
    pytest.param("", "Wang Kai was elected governor of Henan Province on Tuesday.",
                 [_one("Wang Kai", "henan", "governor", "elect")], id="wire: X was elected governor"),
    pytest.param("", "Yin Yong has been appointed acting mayor of Beijing.",
                 [_one("Yin Yong", "beijing", "governor", "acting")],
                 id="wire: acting mayor of a municipality"),
]


@pytest.mark.parametrize("title,text,expected", FAMILIES)
def test_each_statement_family_gives_its_roster_change(title, text, expected):
    found = extract_personnel(title, text, PUBLISHED)
    assert sorted((c.person, c.province, c.post, c.city, c.action) for c in found) == \
        sorted(expected)
    assert all(c.day == PUBLISHED and c.sentence for c in found)


@pytest.mark.parametrize("text", [
    pytest.param("任命张三为河南省人民政府副省长。", id="副省长 only"),
    pytest.param("张三同志任河南省委副书记。", id="副书记"),
    pytest.param("孟凡利同志任广东省委委员、常委、副书记，提名为广东省省长候选人。",
                 id="a nomination is not an appointment"),
    pytest.param("免去张三的河南省政协主席职务。", id="政协主席"),
    pytest.param("任命张三为洛阳市人民政府市长。", id="a city that is not a capital"),
])
def test_a_post_not_on_the_roster_is_not_a_roster_change(text):
    assert extract_personnel("", text, PUBLISHED) == []


def test_statements_come_in_reading_order():
    text = "免去张三的郑州市市长职务，任命李四为郑州市人民政府代理市长。"
    assert [(c.person, c.action) for c in extract_personnel("", text, PUBLISHED)] == [
        ("张三", "remove"), ("李四", "acting")]


def test_a_day_written_in_the_sentence_wins_over_publication():
    text = "12月3日，中共中央决定：刘宁同志任河南省委书记。2023年3月1日，王凯当选为河南省省长。"
    days = {c.person: c.day for c in extract_personnel("", text, date(2025, 1, 2))}
    assert days == {"刘宁": date(2024, 12, 3), "王凯": date(2023, 3, 1)}


# ---- merged over the roster --------------------------------------------------------------

def _change(n, person, action, day, post="governor", province="henan", city=None):
    return service.Change(n, province, post, city, person, action, day)


def test_an_applied_appointment_ends_the_holder_and_adds_the_new_term():
    book = roster.load()
    before = book.holders("henan", date(2026, 12, 1))
    governor = next(e for e in before if e.post == "governor")
    merged = service.merged(book, [_change(1, "张三", "acting", date(2026, 11, 20))])
    now = {e.post: e for e in merged.holders("henan", date(2026, 12, 1))}
    assert now["governor"].name_zh == "张三" and now["governor"].end is None
    assert merged.resolve(governor.name_zh, on=date(2026, 12, 1), province="henan") == []
    assert merged.resolve(governor.name_zh, on=date(2026, 11, 19), province="henan")
    assert service.resolve(merged, "张三", on=date(2026, 12, 1))[0].post == "governor"


def test_electing_the_acting_holder_changes_nothing_and_a_removal_ends_the_term():
    book = service.merged(roster.load(), [_change(1, "张三", "acting", date(2026, 11, 20))])
    same = service.merged(book, [_change(2, "张三", "elect", date(2026, 11, 28))])
    assert same.entries == book.entries
    gone = service.merged(book, [_change(3, "张三", "remove", date(2026, 11, 30))])
    assert [e.post for e in gone.holders("henan", date(2026, 12, 1))
            if e.level == "province"] == ["secretary"]
    known = next(e for e in roster.history("henan") if e.end is not None)
    assert service.merged(book, [_change(4, known.name_zh, "remove", known.end)]
                          ).entries == book.entries  # the roster knows it already


# ---- stored, listed, applied, watched ----------------------------------------------------

STORY = ("刘宁同志任河南省委书记", ["中共中央决定：刘宁同志任河南省委委员、常委、书记；"
                                 "楼阳生同志不再担任河南省委书记、常委、委员职务。",
                                 "河南省领导干部会议在郑州召开，宣布了中央决定。"])


def _ingest(config, url, title, paras, date_="2024-12-05 09:30", source="gov"):
    line = json.dumps({"url": url, "html": page(title, paras, date=date_),
                       "source_id": source}) + "\n"
    return ingest_service.ingest(config, io.StringIO(line), "t", alert_old=True)


def test_a_story_proposes_once_and_applying_merges_it(tmp_path, database_url):
    config = make_config(tmp_path, database_url)
    _ingest(config, "https://gov.example/a/1.html", *STORY, date_="2024-12-31 20:00")
    _ingest(config, "https://paper.example/b/2.htm", "【要闻】" + STORY[0], STORY[1],
            date_="2024-12-31 21:00", source="paper")  # a syndicated copy proposes nothing more
    rows = service.list_changes(config)
    assert sorted((r["person"], r["post"], r["action"], r["status"]) for r in rows) == [
        ("刘宁", "secretary", "appoint", "proposed"), ("楼阳生", "secretary", "remove",
                                                     "proposed")]
    assert all(r["title"] == STORY[0] and r["url"] == "https://gov.example/a/1.html"
               and r["day"] == "2024-12-31" for r in rows)
    with transaction(open_database(config.database_url)) as session:  # a re-run
        again = repository.propose_roster_changes(
            session, rows[0]["story_id"], None, personnel_rows(STORY[0], STORY[1][0], None))
    assert again == 0 and len(service.list_changes(config)) == 2
    applied = service.set_status(config, [rows[0]["id"], rows[1]["id"]], "applied")
    assert {r["status"] for r in applied} == {"applied"} and all(r["applied_at"] for r in applied)
    assert service.list_changes(config, status="proposed") == []
    assert len(service.list_changes(config, since=date(2024, 12, 31))) == 2
    assert service.list_changes(config, since=date(2025, 1, 1)) == []
    with pytest.raises(ProvwatchError, match=r"^no roster change 999 "):
        service.set_status(config, [rows[0]["id"], 999], "dismissed")
    book = service.current_roster(config)
    assert roster.load().resolve("刘宁", on=date(2024, 12, 31))  # the roster knows it already
    assert book.entries == roster.load().entries  # so merging it changes nothing


def test_a_personnel_story_is_owed_to_a_watchlist_on_the_personnel_event(tmp_path,
                                                                        database_url):
    config = make_config(tmp_path, database_url)
    watchlists_service.add_watchlist(config, validate(
        "appointments", events=["personnel"], channels=["email:a@example.test"]))
    _ingest(config, "https://gov.example/a/1.html", *STORY)
    with open_database(config.database_url)() as session:
        owed = repository.deliveries(session)
        changes = repository.find_roster_changes(session)
    assert len(owed) == 1 and owed[0].story_id == changes[0][0].story_id


def test_the_cli_lists_applies_and_dismisses_in_one_line_errors(tmp_path, sqlite_url):
    config = make_config(tmp_path, sqlite_url)
    _ingest(config, "https://gov.example/a/1.html", "任命张三为郑州市人民政府代理市长",
            ["郑州市人大常委会决定，任命张三为郑州市人民政府副市长、代理市长。"])
    state._config = config
    runner = CliRunner()
    try:
        listed = runner.invoke(app, ["leaders", "changes", "--json"])
        assert listed.exit_code == 0, listed.output
        row = json.loads(listed.stdout)
        assert (row["person"], row["city"], row["post"], row["action"]) == (
            "张三", "zhengzhou", "mayor", "acting")
        table = runner.invoke(app, ["leaders", "changes"], env={"COLUMNS": "200"})
        assert "acting 张三: henan/zhengzhou mayor" in table.stdout
        assert runner.invoke(app, ["leaders", "changes", "--apply", str(row["id"])]
                             ).exit_code == 0
        now = runner.invoke(app, ["leaders", "--province", "henan", "--json"])
        assert "张三" in [json.loads(line)["name_zh"] for line in now.stdout.splitlines()]
        dismissed = runner.invoke(app, ["leaders", "changes", "--dismiss", str(row["id"]),
                                        "--json"])
        assert json.loads(dismissed.stdout)["status"] == "dismissed"
        for args, message in ((["--apply", "42"], "no roster change 42 "),
                              (["--status", "done"], "--status: 'done' is not one of"),
                              (["--apply", "x"], "--apply: 'x' is not a roster change id")):
            bad = runner.invoke(app, ["leaders", "changes", *args])
            assert isinstance(bad.exception, ProvwatchError), bad.output
            assert message in str(bad.exception) and "\n" not in str(bad.exception)
        assert runner.invoke(app, ["leaders", "changes", "--help"]).exit_code == 0
    finally:
        state._config = None


def test_a_change_is_a_frozen_value():
    change = extract_personnel("楼阳生任河南省委书记", "", PUBLISHED)[0]
    assert isinstance(change, PersonnelChange) and change.level == "province"
