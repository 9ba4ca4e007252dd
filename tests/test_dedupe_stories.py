"""Syndicated copies fold into one story through the real pipeline; siblings stay apart."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import datetime, timezone

import opencc
from _pages import GUANGXI_AI, HENAN_NEV, page
from conftest import make_config
from sqlalchemy import select

from provwatch.alerts.watchlist import validate
from provwatch.crawler.services import articles as articles_service
from provwatch.crawler.services import ingest as ingest_service
from provwatch.crawler.services import watchlists as watchlists_service
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.storage.models import Delivery


def _before_the_articles(spec):
    """Watchlists here predate the test pages (the default holds back older articles)."""
    return dataclasses.replace(spec, created_at=datetime(2026, 1, 1, tzinfo=timezone.utc))


def _ingest(config, url, html, source="x"):
    line = json.dumps({"url": url, "html": html, "source_id": source}) + "\n"
    return ingest_service.ingest(config, io.StringIO(line), "t")


def _story_ids(config):
    return {r["url"]: r["story_id"] for r in articles_service.list_articles(config)}


def test_an_edited_copy_under_another_title_joins_the_story_and_owes_no_alert(
        tmp_path, database_url):
    config = make_config(tmp_path, database_url)
    watchlists_service.add_watchlist(config, _before_the_articles(validate("nev", provinces=["henan"], channels=["email:a@x.test"])))
    title, paras = HENAN_NEV
    edited = ["（记者 王某）" + paras[0], paras[1]]  # a byline added, the last paragraph cut
    _ingest(config, "https://gov.example/a/1.html", page(title, paras), "gov")
    _ingest(config, "https://paper.example/c/2.htm",
            page("【要闻】" + title + "_示范日报", edited, date="2026-11-18 15:00"), "paper")

    ids = _story_ids(config)
    with open_database(config.database_url)() as session:
        deliveries = session.scalars(select(Delivery)).all()
    assert len(set(ids.values())) == 1
    assert len(deliveries) == 1
    story = articles_service.show_story(config, next(iter(ids.values())))
    assert [c["source_id"] for c in story["copies"]] == ["gov", "paper"]
    assert story["copy_count"] == 2


def test_a_traditional_character_copy_joins_the_story(tmp_path, sqlite_url):
    config = make_config(tmp_path, sqlite_url)
    convert = opencc.OpenCC("s2t").convert
    title, paras = HENAN_NEV
    _ingest(config, "https://gov.example/a/1.html", page(title, paras))
    _ingest(config, "https://hk.example/b/1.html",
            page(convert(title), [convert(p) for p in paras], charset="utf-8"))
    assert len(set(_story_ids(config).values())) == 1


def test_the_same_template_in_another_province_is_another_story(tmp_path, database_url):
    config = make_config(tmp_path, database_url)
    base = ["{d}，{p}召开新春第一会，会议强调要加快建设现代化产业体系，推动高质量发展，"
            "全省上下要奋力开创新局面。",
            "会议指出，要深入学习贯彻中央经济工作会议精神，坚持稳中求进工作总基调，"
            "扎实推动经济持续回升向好，今年要完成{n}项重点任务。",
            "会议要求，各地各部门要狠抓落实，确保各项目标任务落到实处。"]
    henan = [s.format(d="1月5日", p="河南省", n="23") for s in base]
    yunnan = [s.format(d="1月5日", p="云南省", n="18") for s in base]
    _ingest(config, "https://henan.example/a.html", page("河南召开新春第一会", henan))
    _ingest(config, "https://yunnan.example/a.html", page("云南召开新春第一会", yunnan))
    assert len(set(_story_ids(config).values())) == 2


def test_a_copy_outside_the_syndication_window_is_a_new_story(tmp_path, sqlite_url):
    config = make_config(tmp_path, sqlite_url)
    title, paras = GUANGXI_AI
    _ingest(config, "https://gov.example/a/1.html", page(title, paras, date="2026-11-01 09:00"))
    _ingest(config, "https://gov.example/a/2.html",
            page("重温：" + title, paras[:2], date="2026-11-20 09:00"))
    assert len(set(_story_ids(config).values())) == 2


def test_story_command_lists_every_copy(tmp_path, sqlite_url):
    import os
    import subprocess
    import sys

    config = make_config(tmp_path, sqlite_url)
    title, paras = HENAN_NEV
    _ingest(config, "https://gov.example/a/1.html", page(title, paras), "gov")
    _ingest(config, "https://m.gov.example/a/1.html?utm_source=wx", page(title, paras), "gov")
    _ingest(config, "https://paper.example/c/2.htm", page(title + "_示范日报", paras), "paper")
    story_id = next(iter(_story_ids(config).values()))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update(PROVWATCH_DATABASE_URL=sqlite_url, PROVWATCH_DATA_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", "story", str(story_id),
                             "--json"], capture_output=True, text=True, env=env, timeout=120)
    story = json.loads(result.stdout)
    assert result.returncode == 0
    assert [c["source_id"] for c in story["copies"]] == ["gov", "paper"]  # mobile URL = same
