"""Meeting hosts resolve against the roster with applied roster changes merged over it:
an appointment read from the news and applied (`leaders changes --apply`) makes its
person the post's holder for the meetings stored after it, for `remeet`, and for
`extract_meetings` given the merged roster (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
from datetime import date

from _pages import page
from conftest import make_config

from provwatch.crawler import roster
from provwatch.crawler.roster.changes import Change, merged
from provwatch.crawler.services import ingest as ingest_service
from provwatch.crawler.services import leaders
from provwatch.crawler.services import meetings as service
from provwatch.pipelines.meetings import extract_meetings

APPOINTMENT = ("任命张三为郑州市人民政府代理市长",
               ["11月20日，郑州市人大常委会决定，任命张三为郑州市人民政府副市长、代理市长。"])


GUESTS = {1: ("比亚迪股份有限公司董事长王传福", "新能源汽车产业合作", "比亚迪郑州基地二期"),
          2: ("宁德时代新能源科技股份有限公司董事长曾毓群", "动力电池和储能",
              "宁德时代在豫电池项目"),
          3: ("华为技术有限公司副董事长徐直军", "人工智能和算力", "鲲鹏生态")}


def _meeting_story(n: int) -> tuple[str, list[str]]:
    """A story of the new mayor meeting on November 2n; distinct texts are distinct stories."""
    guest, topic, project = GUESTS[n]
    return (f"张三会见{guest}一行",
            [f"11月2{n}日，郑州市代市长张三在郑州会见{guest}一行，双方就{topic}进行交流。",
             f"张三表示，郑州将为{project}做好服务保障，欢迎企业扩大在郑投资。"])


def _ingest(config, url, title, paras, when):
    line = json.dumps({"url": url, "html": page(title, paras, date=when),
                       "source_id": "gov"}) + "\n"
    return ingest_service.ingest(config, io.StringIO(line), "t", alert_old=True)


def _hosts(config, day: str):
    [m] = [m for m in service.list_meetings(config, service.Filters(), limit=None)
           if m["day"] == day]
    return [(h["name"], h["province"], h["city"], h["post"]) for h in m["hosts"]]


def test_an_applied_appointment_resolves_the_new_holder_as_host(tmp_path, database_url):
    config = make_config(tmp_path, database_url)
    _ingest(config, "https://gov.example/renshi/1.html", *APPOINTMENT, "2026-11-20 18:00")
    _ingest(config, "https://gov.example/a/1.html", *_meeting_story(1), "2026-11-21 20:00")
    assert _hosts(config, "2026-11-21") == [("张三", None, None, None)]  # not on the roster yet

    [change] = leaders.list_changes(config)
    assert (change["person"], change["city"], change["post"]) == ("张三", "zhengzhou", "mayor")
    leaders.set_status(config, [change["id"]], "applied")

    # a story stored after the change is applied: the store stage resolves its host
    _ingest(config, "https://gov.example/a/2.html", *_meeting_story(2), "2026-11-22 20:00")
    assert _hosts(config, "2026-11-22") == [("张三", "henan", "zhengzhou", "mayor")]
    # the story stored before it: `remeet` derives it again against the merged roster
    report = service.remeet(config)
    assert report.changed == 1
    assert _hosts(config, "2026-11-21") == [("张三", "henan", "zhengzhou", "mayor")]
    assert service.remeet(config).changed == 0


def test_the_extractor_resolves_against_the_roster_it_is_given():
    title, paras = _meeting_story(3)
    text = "\n".join(paras)
    book = merged(roster.load(), [Change(1, "henan", "mayor", "zhengzhou", "张三", "acting",
                                         date(2026, 11, 20))])
    [bundled] = extract_meetings(title, text, date(2026, 11, 23), "henan")
    [given] = extract_meetings(title, text, date(2026, 11, 23), "henan", book)
    assert (bundled.hosts[0].name, bundled.hosts[0].post) == ("张三", None)
    h = given.hosts[0]
    assert (h.name, h.province, h.level, h.city, h.post) == (
        "张三", "henan", "capital", "zhengzhou", "mayor")
    # the day before the change, the roster's own holder stands and 张三 holds nothing
    [early] = extract_meetings(title, text.replace("11月23日", "11月19日"),
                               date(2026, 11, 19), "henan", book)
    assert early.hosts[0].post is None
