"""`provwatch articles` as a query tool: filters (any value within one, every one given),
China days, text and entity search, ids given by name, formats, one-line refusals."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from conftest import make_config

from provwatch.crawler.chinatime import SHANGHAI
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.services import articles as articles_service
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database, transaction

CHINA = SHANGHAI
# (title, text, source, published in China time, tags)
ARCHIVE = [
    ("河南省委书记会见比亚迪董事长一行", "双方就新能源汽车产业合作深入交流。", "henan_gov",
     datetime(2026, 11, 18, 9, 30, tzinfo=CHINA),
     [("province", "henan", "about", 1.0), ("sector", "nev", "", 1.0),
      ("event", "leader_meeting", "", 1.0), ("person", "Liu Ning (刘宁)", "", 1.0),
      ("org", "比亚迪股份有限公司", "", 1.0)]),
    ("广西印发人工智能产业发展行动方案", "推动 DeepSeek 等大模型在政务领域应用。", "gx_gov",
     datetime(2026, 11, 18, 23, 59, tzinfo=CHINA),
     [("province", "guangxi", "about", 1.0), ("sector", "ai", "", 1.0),
      ("event", "policy_document", "", 1.0)]),
    ("湖北召开新能源汽车产业推进会", "会议部署智能网联汽车发展。", "hubei_gov",
     datetime(2026, 11, 17, 10, 0, tzinfo=CHINA),
     [("province", "hubei", "about", 1.0), ("province", "henan", "mentioned", 1.0),
      ("sector", "nev", "", 1.0), ("event", "work_conference", "", 1.0),
      ("org", "东风汽车集团", "", 1.0)]),
    ("全省经济运行情况", "一季度地区生产总值同比增长5%。", "henan_gov",
     datetime(2026, 11, 19, 0, 0, tzinfo=CHINA),
     [("province", "henan", "about", 1.0), ("event", "statistics", "", 1.0)]),
    ("日期不明的旧闻", "没有日期。", "henan_gov", None, []),
]


def _seed(url: str) -> None:
    with transaction(open_database(url)) as session:
        for n, (title, text, source, published, tags) in enumerate(ARCHIVE):
            page = f"https://example.gov.cn/{source}/{n}.html"
            values = {"canonical_url": page, "url": page, "source_id": source, "title": title,
                      "text": text, "published_at": published, "date_source": "meta",
                      "content_hash": hashlib.sha256(text.encode()).hexdigest(), "meta": {}}
            repository.store_article(session, values, tags, fingerprint=None,
                                     closest=lambda _candidates: None)


@pytest.fixture
def archive(tmp_path, database_url):
    _seed(database_url)
    return make_config(tmp_path, database_url)


def _titles(config, **filters) -> list[str]:
    return [r["title"] for r in articles_service.list_articles(config, **filters)]


@pytest.mark.parametrize(("filters", "expected"), [
    pytest.param({}, ["全省经济运行情况", "广西印发人工智能产业发展行动方案",
                      "河南省委书记会见比亚迪董事长一行", "湖北召开新能源汽车产业推进会",
                      "日期不明的旧闻"], id="everything, newest first, undated last"),
    pytest.param({"provinces": ["hubei", "guangxi"]},
                 ["广西印发人工智能产业发展行动方案", "湖北召开新能源汽车产业推进会"],
                 id="two provinces: either"),
    pytest.param({"provinces": ["henan"], "sectors": ["nev"]},
                 ["河南省委书记会见比亚迪董事长一行", "湖北召开新能源汽车产业推进会"],
                 id="province and sector: both (henan as mentioned counts)"),
    pytest.param({"provinces": ["河南"], "events": ["statistics"]}, ["全省经济运行情况"],
                 id="province by its Chinese name, and an event"),
    pytest.param({"sectors": ["新能源汽车"], "sources": ["hubei_gov"]},
                 ["湖北召开新能源汽车产业推进会"], id="sector by name, and a source"),
    pytest.param({"sources": ["gx_gov", "hubei_gov"]},
                 ["广西印发人工智能产业发展行动方案", "湖北召开新能源汽车产业推进会"],
                 id="two sources: either"),
    pytest.param({"text": ["新能源汽车"]},
                 ["河南省委书记会见比亚迪董事长一行", "湖北召开新能源汽车产业推进会"],
                 id="Chinese text in the title or the body"),
    pytest.param({"text": ["deepseek"]}, ["广西印发人工智能产业发展行动方案"],
                 id="Latin text in any case"),
    pytest.param({"text": ["新能源汽车", "会见"]}, ["河南省委书记会见比亚迪董事长一行"],
                 id="two texts: both"),
    pytest.param({"orgs": ["比亚迪"]}, ["河南省委书记会见比亚迪董事长一行"],
                 id="organisation by part of its name"),
    pytest.param({"people": ["liu ning"]}, ["河南省委书记会见比亚迪董事长一行"],
                 id="person by part of the name, any case"),
    pytest.param({"orgs": ["100%"]}, [], id="a LIKE wildcard is a plain character"),
    pytest.param({"limit": 2}, ["全省经济运行情况", "广西印发人工智能产业发展行动方案"],
                 id="limit"),
])
def test_filters_select_articles(archive, filters, expected):
    assert _titles(archive, **filters) == expected


def test_since_and_until_are_whole_china_days(archive):
    from provwatch.crawler.cli.app import day_option, until_option

    day = _titles(archive, since=day_option("2026-11-18", "--since"),
                  until=until_option("2026-11-18", "--until"))
    # 23:59 China time on the 18th is in; 00:00 on the 19th is not
    assert day == ["广西印发人工智能产业发展行动方案", "河南省委书记会见比亚迪董事长一行"]
    assert until_option("2026-11-18", "--until") == datetime(2026, 11, 19, tzinfo=CHINA)
    assert until_option("2026-11-18T12:00+08:00", "--until") == datetime(
        2026, 11, 18, 12, tzinfo=timezone(timedelta(hours=8)))


@pytest.mark.parametrize(("filters", "message"), [
    pytest.param({"provinces": ["henna"]},
                 "unknown province id 'henna' (did you mean henan?)", id="province typo"),
    pytest.param({"sectors": ["evs"]}, "unknown sector id 'evs' (did you mean nev?)",
                 id="sector typo"),
    pytest.param({"events": ["policy_doc"]},
                 "unknown event id 'policy_doc' (did you mean policy_document?)",
                 id="event typo"),
    pytest.param({"sources": ["henan_go"]},
                 "unknown source id 'henan_go' (did you mean henan_gov?)", id="source typo"),
    pytest.param({"provinces": ["atlantis"]}, "unknown province id 'atlantis';",
                 id="nothing close"),
])
def test_an_unknown_id_is_refused_with_the_closest(archive, filters, message):
    with pytest.raises(ProvwatchError, match="^" + message.replace("(", r"\(")
                       .replace(")", r"\)").replace("?", r"\?")):
        articles_service.list_articles(archive, **filters)


def test_the_listing_order_is_read_from_an_index_on_postgresql(archive):
    """PostgreSQL reads `published_at DESC NULLS LAST, id DESC` from an index (0008),
    instead of sorting the whole table (its planner must not be offered a cheap sort)."""
    if not archive.database_url.startswith("postgresql"):
        pytest.skip("SQLite reads the order from ix_articles_published_at (rowid = id)")
    from sqlalchemy import select, text

    from provwatch.crawler.storage.models import Article

    query = (select(Article.id).order_by(Article.published_at.desc().nulls_last(),
                                         Article.id.desc()).limit(50))
    with open_database(archive.database_url)() as session:
        session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(r[0] for r in session.execute(
            text("EXPLAIN " + str(query.compile(session.get_bind(),
                                                compile_kwargs={"literal_binds": True})))))
    assert "ix_articles_published_order" in plan and "Sort" not in plan


# --- through the command ------------------------------------------------------------


def _run(args, url, tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update(PROVWATCH_DATABASE_URL=url, PROVWATCH_DATA_DIR=str(tmp_path), **extra)
    return subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", *args],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def archive_url(tmp_path, sqlite_url):
    _seed(sqlite_url)
    return sqlite_url


def test_the_table_shows_china_time_with_offset_and_cuts_titles_with_an_ellipsis(
        archive_url, tmp_path):
    with transaction(open_database(archive_url)) as session:
        page = "https://example.gov.cn/long.html"
        repository.store_article(session, {
            "canonical_url": page, "url": page, "source_id": "henan_gov",
            "title": "关于" + "加快推进" * 30 + "的通知", "text": "长标题。",
            "published_at": datetime(2026, 11, 20, 8, 0, tzinfo=CHINA),
            "content_hash": hashlib.sha256(b"long").hexdigest(), "meta": {}}, [], fingerprint=None,
            closest=lambda _c: None)
    result = _run(["articles", "--limit", "1"], archive_url, tmp_path, COLUMNS="300")
    assert result.returncode == 0, result.stderr
    assert "2026-11-20 08:00 +08:00" in result.stdout
    assert "关于" + "加快推进" * 14 + "加…" in result.stdout  # 59 characters and …
    assert "的通知" not in result.stdout


def test_json_keeps_iso_times_with_an_offset_and_csv_has_a_header(archive_url, tmp_path):
    as_json = _run(["articles", "--province", "Henan", "--format", "json"], archive_url,
                   tmp_path)
    as_csv = _run(["articles", "--province", "河南省", "--format", "csv"], archive_url,
                  tmp_path)
    rows = [json.loads(line) for line in as_json.stdout.splitlines()]
    table = list(csv.DictReader(io.StringIO(as_csv.stdout)))

    assert as_json.returncode == 0 and as_csv.returncode == 0, as_json.stderr + as_csv.stderr
    assert [r["published_at"] for r in rows][:2] == ["2026-11-18T16:00:00Z",
                                                     "2026-11-18T01:30:00Z"]
    assert [r["title"] for r in table] == [r["title"] for r in rows]
    assert table[1]["sectors"] == "nev" and table[1]["orgs"] == "比亚迪股份有限公司"


@pytest.mark.parametrize("args", [["--province", "henna"], ["--sector", "evs"],
                                  ["--source", "nowhere"]])
def test_an_unknown_id_on_the_command_line_is_one_line_and_exit_1(archive_url, tmp_path,
                                                                   args):
    result = _run(["articles", *args], archive_url, tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("provwatch: error: unknown ")
