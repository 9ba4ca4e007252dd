"""Meetings stored: the store stage reads a new story's meetings in its transaction,
syndicated copies give one meeting, `remeet` re-derives idempotently, queries filter and
count, and the CLI lists them (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
import threading
from datetime import date

from _pages import page
from conftest import make_config
from typer.testing import CliRunner

from provwatch.crawler.cli import meetings as meetings_cli  # noqa: F401  (registers commands)
from provwatch.crawler.cli.app import app, state
from provwatch.crawler.services import ingest as ingest_service
from provwatch.crawler.services import meetings as service
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database, transaction

BYD = ("刘宁会见比亚迪股份有限公司董事长王传福一行",
       ["2月25日，省委书记刘宁在郑州会见比亚迪股份有限公司董事长王传福一行。"
        "双方就新能源汽车、动力电池等领域深化合作进行交流。",
        "刘宁对王传福一行的到来表示欢迎。他说，比亚迪郑州基地建设跑出了加速度，希望企业继续扩大"
        "在豫投资，共同打造新能源汽车产业集群。王传福表示，将持续加大在河南的投资力度。"])
HUANENG = ("信长星会见中国华能集团有限公司董事长温枢刚",
           ["5月20日，省委书记信长星在南京会见中国华能集团有限公司董事长温枢刚一行。"
            "双方围绕海上风电、新型储能等合作深入交流。",
            "信长星表示，江苏正加快建设新型能源体系，欢迎华能集团在海上风电和储能领域加大投入。"
            "温枢刚表示，华能将持续深化与江苏的合作。"])
TSINGHUA = ("王浩会见清华大学校长李路明",
            ["6月12日，省委书记王浩在杭州会见清华大学校长李路明一行，双方就深化校地合作、"
             "人才培养和科技成果转化进行交流。",
             "王浩表示，浙江将与清华大学在人才培养、科技创新等方面加强合作，共同推动成果转化。"])


def _ingest(config, url, title, paras, date_="2025-02-26 09:30", source="gov"):
    line = json.dumps({"url": url, "html": page(title, paras, date=date_),
                       "source_id": source}) + "\n"
    return ingest_service.ingest(config, io.StringIO(line), "t")


def _all(config):
    return service.list_meetings(config, service.Filters(), limit=None)


def test_a_new_story_stores_its_meeting_and_a_syndicated_copy_adds_none(tmp_path,
                                                                        database_url):
    config = make_config(tmp_path, database_url)
    _ingest(config, "https://gov.example/a/1.html", *BYD)
    _ingest(config, "https://paper.example/b/2.htm", "【要闻】" + BYD[0], BYD[1],
            date_="2025-02-26 15:00", source="paper")
    meetings = _all(config)
    assert len(meetings) == 1
    m = meetings[0]
    assert m["day"] == "2025-02-25" and m["province"] == "henan" and m["date_stated"]
    assert [(h["name"], h["post"], h["pinyin"]) for h in m["hosts"]] == [
        ("刘宁", "secretary", "Liu Ning")]
    assert [(g["name"], g["org_id"], g["org_kind"]) for g in m["guests"]] == [
        ("王传福", "byd", "private_company")]
    assert m["topics"][:2] == ["nev", "batteries_storage"]
    assert m["summary_en"].startswith("Henan Party Secretary Liu Ning met BYD Chairman Wang Chuanfu")


def test_remeet_is_idempotent_and_replaces_a_story_whole(tmp_path, database_url):
    config = make_config(tmp_path, database_url)
    _ingest(config, "https://gov.example/a/1.html", *BYD)
    first = _all(config)
    report = service.remeet(config)
    assert (report.stories, report.changed, report.meetings) == (1, 0, 1)
    assert _all(config) == first
    sessions = open_database(config.database_url)
    story = first[0]["story_id"]
    with transaction(sessions) as session:  # as an older extractor would have left it
        repository.replace_meetings(session, story, None, [
            {"day": date(2025, 2, 24), "verb": "会见", "hosts": [{"name": "某"}], "guests": []},
            {"day": date(2025, 2, 24), "verb": "会见", "hosts": [], "guests": []}])
    report = service.remeet(config, since=date(2025, 1, 1))
    assert (report.stories, report.changed) == (1, 1)
    again = _all(config)
    assert [(m["day"], m["hosts"], m["guests"]) for m in again] == [
        (m["day"], m["hosts"], m["guests"]) for m in first]
    assert service.remeet(config, since=date(2025, 3, 1)).stories == 0


def test_concurrent_rederiving_of_one_story_leaves_one_set(tmp_path, database_url):
    config = make_config(tmp_path, database_url)
    _ingest(config, "https://gov.example/a/1.html", *BYD)
    story = _all(config)[0]["story_id"]
    sessions = open_database(config.database_url)
    rows = [{"day": date(2025, 2, 25), "verb": "会见", "hosts": [{"name": "刘宁"}],
             "guests": [{"name": "王传福", "org": "比亚迪"}]}] * 2
    errors = []

    def derive():
        try:
            for _ in range(5):
                with transaction(sessions) as session:
                    repository.replace_meetings(session, story, None, rows)
        except Exception as e:  # the test reports any writer's failure
            errors.append(e)

    threads = [threading.Thread(target=derive) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with sessions() as session:
        assert [m.ordinal for m in repository.story_meetings(session, story)] == [0, 1]


def test_filters_and_stats(tmp_path, database_url):
    config = make_config(tmp_path, database_url)
    _ingest(config, "https://gov.example/a/1.html", *BYD)
    _ingest(config, "https://js.example/a/2.html", *HUANENG, date_="2025-05-21 10:00")
    _ingest(config, "https://zj.example/a/3.html", *TSINGHUA, date_="2025-06-13 10:00")
    F = service.Filters

    def hosts(**kw):
        return [m["hosts"][0]["name"] for m in service.list_meetings(config, F(**kw))]

    assert hosts() == ["王浩", "信长星", "刘宁"]  # newest day first
    assert hosts(province="河南") == ["刘宁"]
    assert hosts(host="Xin Changxing") == ["信长星"]
    assert hosts(post="secretary", since=date(2025, 5, 1), until=date(2025, 5, 31)) == ["信长星"]
    assert hosts(post="governor") == []
    assert hosts(guest_kind="soe-central") == ["信长星"]
    assert hosts(org="1211.HK") == hosts(org="BYD") == hosts(org="比亚迪") == ["刘宁"]
    assert hosts(sector="nev") == ["刘宁"]
    assert hosts(sector="talent_education") == ["王浩"]

    by_kind = service.meeting_stats(config, F(), by="guest-kind")
    assert {r["key"]: (r["meetings"], r["share"]) for r in by_kind} == {
        "private_company": (1, 0.333), "soe_central": (1, 0.333), "university": (1, 0.333)}
    by_host = service.meeting_stats(config, F(post="secretary"), by="host")
    assert {r["key"]: r["by_guest_kind"] for r in by_host}["刘宁"] == {"private_company": 1}
    by_org = service.meeting_stats(config, F(), by="org")
    assert {r["key"]: (r["provinces"], r["province_share"]) for r in by_org}["byd"] == (1, 0.333)


def test_the_cli_lists_counts_and_remeets(tmp_path, sqlite_url):
    config = make_config(tmp_path, sqlite_url)
    _ingest(config, "https://gov.example/a/1.html", *BYD)
    state._config = config
    runner = CliRunner()
    try:
        listed = runner.invoke(app, ["meetings", "--province", "henan", "--json"])
        assert listed.exit_code == 0, listed.output
        assert json.loads(listed.stdout.splitlines()[0])["guests"][0]["org_id"] == "byd"
        as_csv = runner.invoke(app, ["meetings", "--csv"])
        assert as_csv.stdout.splitlines()[0].startswith("day,province,hosts")
        stats = runner.invoke(app, ["meetings", "stats", "--by", "province", "--json"])
        assert json.loads(stats.stdout)["key"] == "henan"
        table = runner.invoke(app, ["meetings"])
        assert "Liu Ning" in table.stdout
        again = runner.invoke(app, ["remeet"])
        assert "1 stories read, 0 changed" in again.stdout
        bad = runner.invoke(app, ["meetings", "--post", "mayor"])
        assert bad.exit_code != 0
        for args in (["meetings", "--help"], ["meetings", "stats", "--help"], ["remeet", "--help"]):
            assert runner.invoke(app, args).exit_code == 0
    finally:
        state._config = None


def _row(story, day, host, org, stated=True):
    return {"story_id": story, "day": day, "date_stated": stated, "province": "henan",
            "hosts": [{"name": host}],
            "guests": [{"org_id": org, "org": org, "name": "", "org_kind": "private_company"}],
            "topics": []}


def test_one_meeting_two_outlets_wrote_up_on_their_own_counts_once():
    rows = [_row(7, "2025-02-25", "刘宁", "byd"), _row(3, "2025-02-25", "刘宁", "byd"),
            _row(5, "2025-02-25", "王凯", "byd"), _row(9, "2025-02-26", "刘宁", "byd", False),
            _row(8, "2025-02-26", "刘宁", "byd", False)]
    assert [r["story_id"] for r in service.distinct(rows)] == [3, 5, 9, 8]
    stats = service.stats_of(service.distinct(rows), "province")
    assert (stats[0]["key"], stats[0]["meetings"], stats[0]["by_guest_kind"],
            stats[0]["guest_kind_share"]) == ("henan", 4, {"private_company": 4},
                                              {"private_company": 1.0})
