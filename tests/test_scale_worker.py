"""`provwatch worker` and the queue-mode scheduler as processes: bad settings in one line,
a second scheduler refused with the reason, SIGTERM draining a worker, the status and
metrics of workers, and the advisory slots taken by processes at a barrier."""

from __future__ import annotations

import json
import multiprocessing
import signal
import socket
import subprocess
import sys
import urllib.request

import pytest
from _farm import farm_catalog, start_farm
from _scale import pg_url, scale_env, start, stop_all, wait_for, write_catalog  # noqa: F401
from sqlalchemy import select

from provwatch.crawler.config import load_config
from provwatch.crawler.errors import ConfigError
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.storage.models import CrawlRun, DaemonLock
from provwatch.crawler.storage.slots import Slots


def _cli(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def _one_clean_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "s3cret" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.mark.parametrize(("values", "message"), [
    ({"queue_url": "sqlite:///q.db"}, "the crawl queue (Procrastinate) needs PostgreSQL"),
    ({"queue_url": "redis://127.0.0.1:6379/0"}, "'redis' in redis://127.0.0.1:6379/0 is not"),
    ({"queue_url": "postgresql://u:s3cret@127.0.0.1/q"}, "database_url is SQLite"),
    ({"queue_url": "postgresql://u:s3cret@127.0.0.1/q", "database_url":
      "postgresql://u:s3cret@127.0.0.1/q", "heartbeat": 40}, "at least twice heartbeat"),
    ({"queue_tick": "0"}, "queue_tick"),
    ({"worker_stall_timeout": "soon"}, "worker_stall_timeout"),
])
def test_a_bad_queue_setting_is_one_line_naming_it_without_the_password(values, message):
    with pytest.raises(ConfigError) as e:
        load_config(env={}, overrides=values)
    assert message in str(e.value) and "s3cret" not in str(e.value)
    assert "\n" not in str(e.value)


def test_a_worker_without_a_queue_or_with_an_unreachable_one_says_so_in_one_line(tmp_path):
    env = scale_env(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", "")
    del env["PROVWATCH_QUEUE_URL"], env["PROVWATCH_CATALOG"]
    assert "needs a crawl queue: set queue_url" in _one_clean_line(_cli(env, "worker"))
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dead = f"postgresql://u:s3cret@127.0.0.1:{port}/q"
    env.update({"PROVWATCH_QUEUE_URL": dead, "PROVWATCH_DATABASE_URL": dead,
                "PROVWATCH_LOG_FORMAT": "text"})
    for command in ("worker", "run"):
        line = _one_clean_line(_cli(env, command))
        assert line.startswith("provwatch: error:") and str(port) in line, line


def _status(env) -> dict:
    done = _cli(env, "status", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_one_scheduler_refuses_a_second_and_sigterm_drains_a_worker_to_another(
        tmp_path, pg_url):  # noqa: F811
    farm = start_farm(2, 1, hold=0.2)
    held = "farm00"
    farm.blocked.add(held)
    catalog = write_catalog(tmp_path, farm_catalog(farm))
    sessions = open_database(pg_url)
    env = scale_env(tmp_path, pg_url, catalog)
    port = _free_port()
    procs = []
    try:
        scheduler = start(env, tmp_path / "scheduler.log", "run")
        first = start(env, tmp_path / "w1.log", "worker", "--metrics-port", str(port))
        procs += [scheduler, first]
        wait_for(lambda: held in farm.held_now, 120, "the held source crawled", procs)

        second = _cli(env, "run")  # the scheduler's lock: one line naming the first
        line = _one_clean_line(second)
        assert "another provwatch daemon runs on this database" in line
        assert f"pid {scheduler.pid}" in line

        status = wait_for(lambda: (s := _status(env))["workers"] and
                          s["workers"][0]["running_crawls"] and s, 30, "the worker in status")
        assert status["workers"][0]["pid"] == first.pid and status["workers"][0]["alive"]
        assert status["workers"][0]["running_crawls"] == [held]
        assert status["queue"]["running"] == 1
        text = _cli(env, "status").stdout
        assert f"worker: pid {first.pid}@" in text and f"crawling {held}" in text
        metrics = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read()
        assert b"provwatch_worker_running_crawls 1.0" in metrics

        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=30) == 0  # stop_grace 1 s, then the engine's own stop
        procs.remove(first)
        with sessions() as session:
            outcomes = session.scalars(select(CrawlRun.outcome).where(
                CrawlRun.source_id == held)).all()
            rows = session.scalars(select(DaemonLock.name).where(
                DaemonLock.name.startswith("worker:"))).all()
        assert outcomes == ["interrupted"] and rows == []  # recorded, and the row gone

        farm.release(held)
        procs.append(start(env, tmp_path / "w2.log", "worker"))
        wait_for(lambda: _ok(sessions, held), 120, "the drained source crawled by another",
                 procs)
    finally:
        stop_all(procs)
        farm.close()


def _ok(sessions, source: str) -> bool:
    with sessions() as session:
        return "ok" in session.scalars(select(CrawlRun.outcome).where(
            CrawlRun.source_id == source)).all()


def _take_at_barrier(url: str, source: str, host: str, per_host: int, barrier, results):
    slots = Slots(url)
    barrier.wait(timeout=60)
    busy = slots.take_all(source, [host], per_host)
    results.put(busy)
    barrier.wait(timeout=60)  # hold until every process has tried
    slots.close()


@pytest.mark.parametrize(("sources", "per_host", "winners"), [
    (["same"] * 5, 3, 1),  # one source: one crawl, whatever the host allows
    ([f"s{n}" for n in range(6)], 2, 2),  # six sources on one host: crawls_per_host
])
def test_processes_at_a_barrier_take_at_most_the_slots_there_are(pg_url, sources,  # noqa: F811
                                                                 per_host, winners):
    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(len(sources)), spawn.Queue()
    procs = [spawn.Process(target=_take_at_barrier,
                           args=(pg_url, s, "portal.gov.cn", per_host, barrier, results))
             for s in sources]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert outcomes.count(None) == winners
    assert set(outcomes) - {None} <= {"source", "portal.gov.cn"}


def test_a_queue_that_goes_away_costs_the_scheduler_one_line_a_pass_and_it_keeps_going(
        tmp_path, pg_url):  # noqa: F811
    import uuid

    import psycopg
    from conftest import PG_URL

    schema = f"q_{uuid.uuid4().hex[:12]}"
    admin = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    # a password the loopback server does not ask for: it must never be printed
    queue_url = (PG_URL.replace("postgres@", "postgres:s3cret@")
                 + f"?options=-csearch_path%3D{schema}")
    farm = start_farm(1, 1, hold=0.1)
    catalog = write_catalog(tmp_path, farm_catalog(farm))
    sessions = open_database(pg_url)
    env = scale_env(tmp_path, pg_url, catalog, queue_url=queue_url)
    log_path = tmp_path / "scheduler.log"
    procs = [start(env, log_path, "run")]
    try:
        wait_for(lambda: '"enqueued"' in log_path.read_text() or _queued(admin, schema), 60,
                 "the first source queued", procs)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        wait_for(lambda: '"enqueue_failed"' in log_path.read_text(), 30,
                 "the failed pass logged", procs)
        beat = _heartbeat(sessions)
        wait_for(lambda: _heartbeat(sessions) > beat, 30, "a heartbeat after the failure",
                 procs)
        procs[0].send_signal(signal.SIGTERM)
        assert procs[0].wait(timeout=30) == 0
    finally:
        stop_all(procs)
        farm.close()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    text = log_path.read_text()
    failed = [json.loads(line) for line in text.splitlines() if '"enqueue_failed"' in line]
    assert failed and "UndefinedTable" in failed[0]["error"]  # what went wrong, in one line
    assert "procrastinate_" in failed[0]["error"]
    assert "Traceback" not in text and "s3cret" not in text


def _queued(admin: str, schema: str) -> bool:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        return conn.execute(f'SELECT to_regclass(\'"{schema}".procrastinate_jobs\')'
                            ).fetchone()[0] is not None and conn.execute(
            f'SELECT count(*) FROM "{schema}".procrastinate_jobs').fetchone()[0] > 0


def _heartbeat(sessions):
    with sessions() as session:
        return session.scalar(select(DaemonLock.heartbeat_at).where(DaemonLock.name == "daemon"))


def test_status_shows_the_queue_and_check_says_when_crawls_wait_with_no_worker(
        tmp_path, pg_url):  # noqa: F811
    from provwatch.crawler.daemon.engine import Queue

    farm = start_farm(3, 1, hold=0.1)
    catalog = write_catalog(tmp_path, farm_catalog(farm))
    open_database(pg_url)
    env = scale_env(tmp_path, pg_url, catalog, log_format="text")
    queue = Queue(load_config(env=env)).open()
    try:
        assert [queue.enqueue(sid) for sid in ("farm00", "farm01", "farm00")] == [
            True, True, False]  # one waiting crawl per source: the queueing lock
        assert queue.depth() == {"waiting": 2, "running": 0}
    finally:
        queue.close()
        farm.close()
    assert _status(env)["queue"] == {"waiting": 2, "running": 0}
    assert "queue: 2 crawls waiting, 0 running" in _cli(env, "status").stdout
    done = _cli(env, "status", "--check")
    assert done.returncode == 1
    assert ("2 crawls wait in the queue and no worker is running; start `provwatch worker`"
            in done.stdout)


def test_a_crawl_job_skips_a_source_not_due_and_waits_for_a_busy_host(tmp_path, pg_url):  # noqa: F811
    import threading
    from datetime import datetime, timedelta, timezone

    from provwatch.crawler.catalog.sources import load_catalog
    from provwatch.crawler.daemon.engine import HostBusy
    from provwatch.crawler.daemon.worker_crawl import CrawlJob
    from provwatch.crawler.daemon.worker_metrics import WorkerMetrics
    from provwatch.crawler.storage import repository
    from provwatch.crawler.storage.db import transaction

    farm = start_farm(2, 1, hold=0.1)
    catalog = write_catalog(tmp_path, farm_catalog(farm))
    sessions = open_database(pg_url)
    config = load_config(env=scale_env(tmp_path, pg_url, catalog))
    sources = {s.id: s for s in load_catalog(catalog).enabled()}
    job = CrawlJob(config, sources, threading.Event(), WorkerMetrics(1))
    try:
        with transaction(sessions) as session:  # crawled a moment ago: due in an hour
            repository.source_state(session, "farm00").next_due_at = (
                datetime.now(timezone.utc) + timedelta(hours=1))
        assert job("farm00") == "not_due" and job("nowhere") == "unknown"
        held = Slots(pg_url)  # another worker's crawl holds the farm's only host slot
        assert held.take_host(farm.hosts[0], 1) == 0
        with pytest.raises(HostBusy):
            job("farm01")
        assert farm.feed_reads == {}  # neither was fetched
        held.close()
        assert job("farm01") == "ok" and farm.feed_reads == {"farm01": 1}
    finally:
        farm.close()


def test_a_worker_whose_queue_goes_away_says_so_in_one_line_and_resumes_when_it_is_back(
        tmp_path, pg_url):  # noqa: F811
    import uuid

    import psycopg
    from conftest import PG_URL

    schema = f"q_{uuid.uuid4().hex[:12]}"
    admin = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    queue_url = (PG_URL.replace("postgres@", "postgres:s3cret@")
                 + f"?options=-csearch_path%3D{schema}")
    farm = start_farm(1, 1, hold=0.1)
    catalog = write_catalog(tmp_path, farm_catalog(farm))
    open_database(pg_url)
    env = scale_env(tmp_path, pg_url, catalog, queue_url=queue_url)
    log_path = tmp_path / "worker.log"
    procs = [start(env, log_path, "worker")]

    def engine_workers() -> int:
        with psycopg.connect(admin, autocommit=True) as conn:
            if conn.execute(f"SELECT to_regclass('\"{schema}\".procrastinate_workers')"
                            ).fetchone()[0] is None:
                return 0
            return conn.execute(f'SELECT count(*) FROM "{schema}".procrastinate_workers'
                                ).fetchone()[0]

    try:
        wait_for(engine_workers, 60, "the worker registered with the engine", procs)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        wait_for(lambda: '"worker_restarting"' in log_path.read_text(), 60,
                 "the worker's one line about it", procs)
        with psycopg.connect(admin, autocommit=True) as conn:  # the database is back, empty
            conn.execute(f'CREATE SCHEMA "{schema}"')
        wait_for(engine_workers, 60, "the worker registered again", procs)
        procs[0].send_signal(signal.SIGTERM)
        assert procs[0].wait(timeout=30) == 0
    finally:
        stop_all(procs)
        farm.close()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    text = log_path.read_text()
    assert "Traceback" not in text and "s3cret" not in text
    restarting = [json.loads(line) for line in text.splitlines() if "worker_restarting" in line]
    assert restarting and "does not exist" in restarting[0]["error"] + text


def test_a_reachable_database_with_an_unreachable_queue_is_one_line_for_both_roles(
        tmp_path, pg_url):  # noqa: F811
    farm = start_farm(1, 1, hold=0.1)
    catalog = write_catalog(tmp_path, farm_catalog(farm))
    farm.close()
    open_database(pg_url)
    dead = f"postgresql://u:s3cret@127.0.0.1:{_free_port()}/q"
    env = scale_env(tmp_path, pg_url, catalog, queue_url=dead, log_format="text")
    for command in ("worker", "run"):
        done = _cli(env, command)
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert "s3cret" not in done.stderr
        line = done.stderr.strip().splitlines()[-1]  # `run` logs its stop before it
        assert line.startswith("provwatch: error: queue_url postgresql://u:***@127.0.0.1:"), line
        assert "Connection refused" in line
