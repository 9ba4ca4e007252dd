"""SQLite's planner statistics are gathered by the daemon's upkeep job and when the web
app starts (repository/upkeep.py); a database the app may not write to is served with
one line saying the statistics were not refreshed."""

from __future__ import annotations

import io
import sqlite3

from _pages import HENAN_NEV, page
from conftest import make_config

from provwatch.crawler.daemon.scheduler import Daemon
from provwatch.crawler.services import ingest as ingest_service
from provwatch.crawler.storage.db import close_all, open_database
from provwatch.crawler.web.server import refresh_statistics


def _archive(tmp_path) -> str:
    import json

    url = f"sqlite:///{tmp_path}/stats.db"
    line = json.dumps({"url": "https://gov.example/a/1.html", "html": page(*HENAN_NEV),
                       "source_id": "archive"})
    report = ingest_service.ingest(make_config(tmp_path, url), io.StringIO(line + "\n"), "x")
    assert report.stored == 1
    return url


def _analysed(tmp_path) -> set[str]:
    with sqlite3.connect(tmp_path / "stats.db") as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            return set()
        return {t for (t,) in db.execute("SELECT DISTINCT tbl FROM sqlite_stat1")}


def test_the_daemons_upkeep_job_gathers_the_statistics(tmp_path):
    url = _archive(tmp_path)
    assert _analysed(tmp_path) == set()
    Daemon(make_config(tmp_path, url))._prune_job()
    close_all()
    assert {"articles", "tags", "attention_marks"} <= _analysed(tmp_path)


def test_the_web_app_gathers_them_as_it_starts_and_serves_a_read_only_copy_anyway(tmp_path):
    url = _archive(tmp_path)
    close_all()
    said: list[str] = []
    read_only = open_database(f"sqlite:///file:{tmp_path}/stats.db?mode=ro&uri=true",
                              create=False)
    refresh_statistics(read_only, said.append)
    close_all()
    assert len(said) == 1 and "not refreshed" in said[0] and "readonly" in said[0], said
    assert _analysed(tmp_path) == set()

    refresh_statistics(open_database(url, create=False), said.append)
    close_all()
    assert len(said) == 1
    assert {"articles", "attention_marks"} <= _analysed(tmp_path)
