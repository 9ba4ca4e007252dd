"""A database failure under one of the daemon's recurring jobs is one line naming the job
and the reason, never a traceback; the job tries again at its next tick. A bug keeps its
traceback. (crawler/daemon/logs.py: failure_line, used by the scheduler's heartbeat,
dispatch and prune jobs, the queue's enqueue pass and the worker's heartbeat.)"""

from __future__ import annotations

import logging
import sqlite3

import pytest
from conftest import make_config

from provwatch.crawler.daemon.logs import database_failure, failure_line
from provwatch.crawler.daemon.scheduler import Daemon
from provwatch.crawler.storage.db import close_all


def _records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "provwatch.daemon"]


@pytest.fixture
def broken_daemon(tmp_path):
    """A daemon whose database lost the tables its jobs write (dropped by hand)."""
    url = f"sqlite:///{tmp_path}/daemon.db"
    daemon = Daemon(make_config(tmp_path, url))
    with sqlite3.connect(tmp_path / "daemon.db") as db:
        db.execute("DROP TABLE crawl_runs")
        db.execute("DROP TABLE daemon")
    yield daemon
    close_all()


@pytest.mark.parametrize("job, name, table", [
    ("_prune_job", "prune_failed", "crawl_runs"),
    ("_heartbeat_job", "heartbeat_failed", "daemon"),
])
def test_a_job_whose_table_is_gone_logs_one_line_without_a_traceback(
        broken_daemon, caplog, job, name, table):
    caplog.set_level(logging.INFO, logger="provwatch.daemon")
    getattr(broken_daemon, job)()  # returns: the scheduler calls it again at its next tick
    failed = [r for r in _records(caplog) if r.getMessage() == name]
    assert len(failed) == 1, [r.getMessage() for r in _records(caplog)]
    record = failed[0]
    assert record.levelno == logging.ERROR and record.exc_info is None
    assert "OperationalError" in record.fields["error"] and table in record.fields["error"]
    assert record.fields["next_try_seconds"] > 0


def test_a_bug_keeps_its_traceback(caplog):
    caplog.set_level(logging.INFO, logger="provwatch.daemon")
    try:
        {}["missing"]
    except KeyError as e:
        failure_line(logging.getLogger("provwatch.daemon"), e, doing="alert dispatch",
                     name="dispatch_failed", next_seconds=60)
    (record,) = _records(caplog)
    assert record.getMessage() == "alert dispatch failed; next try in 60s"
    assert record.exc_info is not None and record.exc_info[0] is KeyError


def test_the_postgresql_drivers_error_is_named_and_its_password_hidden():
    import psycopg

    try:
        psycopg.connect("postgresql://reader:s3cret-pass@127.0.0.1:1/test", connect_timeout=3)
    except psycopg.Error as e:
        line = database_failure(e)
    else:
        pytest.fail("a closed port accepted a connection")
    assert line is not None and line.startswith("OperationalError: ")
    assert "s3cret-pass" not in line and "\n" not in line
