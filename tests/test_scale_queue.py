"""The crawl queue holds at most one crawl job per source, waiting or running."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from _barrier import SPAWN, at_barrier
from _farm import farm_catalog, start_farm
from _scale import pg_url, scale_env, write_catalog  # noqa: F401
from procrastinate import exceptions
from sqlalchemy import text

from provwatch.crawler.config import load_config
from provwatch.crawler.daemon.engine import QUEUE, TASK, Queue, lock_of, orphan_after
from provwatch.crawler.storage.db import open_database


@pytest.fixture
def env(tmp_path, pg_url):  # noqa: F811
    """Settings of a two-source catalog (farm00, farm01) on a migrated test schema."""
    farm = start_farm(2, 1, hold=0.1)
    open_database(pg_url)
    yield scale_env(tmp_path, pg_url, write_catalog(tmp_path, farm_catalog(farm)))
    farm.close()


def _open_queue(env: dict[str, str]) -> Queue:
    return Queue(load_config(env=env)).open()


def _live_jobs(env: dict[str, str]) -> list[str]:
    with open_database(env["PROVWATCH_DATABASE_URL"])() as session:
        return [s for (s,) in session.execute(text(
            "SELECT status::text FROM procrastinate_jobs WHERE lock = 'crawl:farm00' "
            "AND status IN ('todo', 'doing')"))]


def test_a_source_whose_crawl_runs_is_not_queued_again_and_its_busy_retry_goes_through(env):
    queue = _open_queue(env)
    manager = queue.app.job_manager
    try:
        assert queue.enqueue("farm00")
        worker = queue.call(manager.register_worker)
        job = queue.call(lambda: manager.fetch_job(queues=[QUEUE], worker_id=worker))
        assert job is not None and job.task_kwargs == {"source_id": "farm00"}
        assert not queue.enqueue("farm00")  # running: not queued a second time
        assert queue.depth() == {"waiting": 0, "running": 1}
        # the worker finds the host busy: the job waits again, as the only one of its source
        queue.call(lambda: manager.retry_job(job, retry_at=datetime.now(timezone.utc)))
        assert queue.depth() == {"waiting": 1, "running": 0}
        assert not queue.enqueue("farm00")
    finally:
        queue.close()


def _contend(role: str, env: dict[str, str], times: int, results, barrier) -> None:
    """``enqueue``: queue the source ``times`` times. ``flip``: a worker whose host stays
    busy: take the source's job and put it back ``times`` times, each move the engine's
    own (its fetch, then the retry HostBusy asks for)."""
    queue = _open_queue(env)
    manager = queue.app.job_manager
    try:
        worker = queue.call(manager.register_worker)
        barrier.wait(timeout=120)
        done = 0
        for _ in range(times):
            if role == "enqueue":
                done += queue.enqueue("farm00")
                continue
            job = queue.call(lambda: manager.fetch_job(queues=[QUEUE], worker_id=worker))
            if job is not None:  # None: the retry's moment has not come yet
                queue.call(lambda job=job: manager.retry_job(
                    job, retry_at=datetime.now(timezone.utc)))
                done += 1
        results.put((role, done))
    finally:
        queue.close()


@pytest.mark.parametrize("flipper", [False, True], ids=["enqueuers", "and_a_busy_worker"])
def test_processes_at_a_barrier_queue_one_crawl_of_a_source(env, flipper):
    """Four processes enqueue one source at once; in the second run one of them is a
    worker moving the source's job between running and waiting meanwhile. One job lives at
    the end, and every move back to waiting went through (with a second job under the
    source's lock it breaks the queueing lock's unique key, and the job runs for ever)."""
    results = SPAWN.Queue()
    if flipper:
        first = _open_queue(env)
        assert first.enqueue("farm00")
        first.close()
    at_barrier(_contend, lambda i: ("flip" if flipper and i == 0 else "enqueue", env,
                                    150, results))
    done = [results.get(timeout=10) for _ in range(4)]
    queued = sum(n for role, n in done if role == "enqueue")
    assert queued == (0 if flipper else 1)
    if flipper:
        assert next(n for role, n in done if role == "flip") > 0
    assert _live_jobs(env) == ["todo"]


def test_a_crawl_job_its_live_worker_lost_is_put_back_after_the_longest_crawl(env):
    """A worker that stays alive (its heartbeat fresh) but never finishes or retries its
    job, e.g. its "host busy" retry failed on a database error: the scheduler's pass puts
    the job back once it has run longer than any crawl can, and not before."""
    config = load_config(env=env)
    sessions = open_database(config.database_url)
    queue = Queue(config).open()
    manager = queue.app.job_manager
    try:
        assert queue.enqueue("farm00") and queue.enqueue("farm01")
        worker = queue.call(manager.register_worker)
        taken = [queue.call(lambda: manager.fetch_job(queues=[QUEUE], worker_id=worker))
                 for _ in range(2)]
        assert {j.task_kwargs["source_id"] for j in taken} == {"farm00", "farm01"}
        assert queue.rerun_stalled() == []  # running, and the worker is alive
        limit = orphan_after(config)
        lost = next(j for j in taken if j.task_kwargs["source_id"] == "farm00")
        with sessions() as session, session.begin():  # farm00 was taken long ago
            session.execute(text(
                "UPDATE procrastinate_events SET at = now() - make_interval(secs => :s) "
                "WHERE job_id = :job AND type = 'started'"), {"s": limit + 1, "job": lost.id})
        queue.call(lambda: manager.update_heartbeat(worker))  # still alive
        assert queue.rerun_stalled() == ["farm00"]
        assert queue.depth() == {"waiting": 1, "running": 1}
        assert queue.rerun_stalled() == []  # waiting now: nothing to put back
    finally:
        queue.close()


def test_a_queue_wedged_by_an_earlier_version_runs_again(env):
    """A queue left as the earlier enqueue left it: a job running under a dead worker and a
    twin waiting under the same lock (the retry of the first breaks the queueing lock's
    unique key). The scheduler's pass ends the first; the twin is taken."""
    sessions = open_database(env["PROVWATCH_DATABASE_URL"])
    queue = _open_queue(env)
    manager = queue.app.job_manager
    twin = queue.app.configure_task(TASK, lock=lock_of("farm00"),
                                    queueing_lock=lock_of("farm00"), queue=QUEUE)
    try:
        assert queue.enqueue("farm00")
        worker = queue.call(manager.register_worker)
        stuck = queue.call(lambda: manager.fetch_job(queues=[QUEUE], worker_id=worker))
        queue.call(lambda: twin.defer_async(source_id="farm00"))  # the earlier enqueue
        with pytest.raises(exceptions.UniqueViolation):  # the wedge
            queue.call(lambda: manager.retry_job(stuck, retry_at=datetime.now(timezone.utc)))
        with sessions() as session, session.begin():  # its worker died long ago
            session.execute(text("UPDATE procrastinate_workers SET last_heartbeat = "
                                 "now() - interval '1 hour' WHERE id = :w"), {"w": worker})
        assert queue.rerun_stalled() == ["farm00"]
        assert _live_jobs(env) == ["todo"]
        other = queue.call(manager.register_worker)
        taken = queue.call(lambda: manager.fetch_job(queues=[QUEUE], worker_id=other))
        assert taken is not None and taken.id != stuck.id
    finally:
        queue.close()
