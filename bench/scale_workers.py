"""Sources crawled per minute with 1, 2 and 3 workers on one loopback farm, and the crawl
queue's own cost per job (README "Running on several machines").

    PYTHONPATH=... python bench/scale_workers.py [--hold 30] [--per-worker 3]

The farm (tests/_farm.py): 60 feeds on 20 hosts, each feed held ``--hold`` seconds, so the
farm, not the CPU, is the limit (a crawl child costs about a second and a half of CPU; with
workers of ``--concurrency 1`` three crawls overlap on two cores). For each worker count N
a fresh PostgreSQL schema, one scheduler and N workers; the rate is ``N * per-worker``
crawls over the time from the first crawl's start to the last one's end. Printed as ratios
against one worker, measured in the same run (target: 3 workers >= 2.5x one).

Queue overhead: with one idle worker, a no-op job deferred and polled until done, one at a
time (enqueue -> done latency, median and p95), then 300 no-op jobs at once (the cost per
job); both as a share of the median crawl's duration.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from _farm import farm_catalog, start_farm  # noqa: E402

PG = os.environ.get("PROVWATCH_TEST_DATABASE_URL",
                    "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def schema_url() -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG else "?"
    return schema, f"{PG}{sep}options=-csearch_path%3D{schema}"


def drop(schema: str) -> None:
    with psycopg.connect(PG.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def env_for(url: str, catalog: str, data: str, hold: float = 0.0) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update({"PROVWATCH_DATABASE_URL": url, "PROVWATCH_QUEUE_URL": url,
                "PROVWATCH_CATALOG": catalog, "PROVWATCH_DATA_DIR": data,
                "PROVWATCH_DOWNLOAD_DELAY": "0", "PROVWATCH_OBEY_ROBOTS": "false",
                "PROVWATCH_CRAWL_TIMEOUT": str(hold + 120),
                "PROVWATCH_DOWNLOAD_TIMEOUT": str(hold + 30), "PROVWATCH_HEARTBEAT": "1",
                "PROVWATCH_WORKER_STALL_TIMEOUT": "5", "PROVWATCH_QUEUE_TICK": "0.5",
                "PROVWATCH_HOST_BUSY_RETRY": "0.5", "PROVWATCH_CRAWLS_PER_HOST": "1",
                "PROVWATCH_LOG_LEVEL": "warning"})
    return env


def spawn(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "provwatch.crawler.cli", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def pg(url: str) -> psycopg.Connection:
    from provwatch.crawler.storage.slots import conninfo

    return psycopg.connect(conninfo(url), autocommit=True)


def crawl_rate(workers: int, per_worker: int, hold: float, folder: Path) -> tuple[float, list]:
    """Crawls a minute with ``workers`` workers, and the crawls' durations."""
    from provwatch.crawler.storage.db import open_database

    farm = start_farm(60, 20, hold=hold)
    catalog = folder / f"catalog{workers}.yaml"
    catalog.write_text(yaml.safe_dump(farm_catalog(farm)), encoding="utf-8")
    schema, url = schema_url()
    open_database(url)  # migrated before the processes start
    env = env_for(url, str(catalog), str(folder), hold)
    want = workers * per_worker
    procs = [spawn(env, "run")] + [spawn(env, "worker") for _ in range(workers)]
    try:
        with pg(url) as conn:
            deadline = time.monotonic() + 600
            rows: list = []
            while time.monotonic() < deadline:
                rows = conn.execute("SELECT started_at, finished_at FROM crawl_runs WHERE "
                                    "outcome = 'ok' ORDER BY finished_at").fetchall()
                if len(rows) >= want:
                    break
                time.sleep(0.5)
    finally:
        stop(procs)
        farm.close()
        drop(schema)
    rows = rows[:want]
    first = min(r[0] for r in rows)
    last = max(r[1] for r in rows)
    span = (last - first).total_seconds()
    return want / span * 60, [(r[1] - r[0]).total_seconds() for r in rows]


def queue_overhead(folder: Path, jobs: int = 300, probes: int = 40) -> tuple[list, float]:
    from provwatch.crawler.config import load_config
    from provwatch.crawler.daemon.engine import NOOP, Queue
    from provwatch.crawler.storage.db import open_database

    farm = start_farm(1, 1, hold=0.1)
    catalog = folder / "catalog-noop.yaml"
    catalog.write_text(yaml.safe_dump(farm_catalog(farm)), encoding="utf-8")
    schema, url = schema_url()
    open_database(url)
    env = env_for(url, str(catalog), str(folder))
    config = load_config(env=env)
    queue = Queue(config).open()
    worker = spawn(env, "worker")
    try:
        with pg(url) as conn:
            def left() -> int:
                return conn.execute("SELECT count(*) FROM procrastinate_jobs WHERE status IN "
                                    "('todo', 'doing')").fetchone()[0]

            def done(job_id: int) -> bool:
                return conn.execute("SELECT count(*) FROM procrastinate_jobs WHERE id = %s "
                                    "AND status IN ('todo', 'doing')", (job_id,)
                                    ).fetchone()[0] == 0

            queue.defer(NOOP)  # the worker's first job warms it up
            while left():
                time.sleep(0.01)
            latencies = []
            for _ in range(probes):
                t0 = time.perf_counter()
                job_id = queue.defer(NOOP)
                while not done(job_id):
                    time.sleep(0.001)
                latencies.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            for _ in range(jobs):
                queue.defer(NOOP)
            while left():
                time.sleep(0.005)
            per_job = (time.perf_counter() - t0) / jobs
    finally:
        stop([worker])
        queue.close()
        farm.close()
        drop(schema)
    return latencies, per_job


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hold", type=float, default=30.0, help="seconds each feed is held")
    parser.add_argument("--per-worker", type=int, default=3, help="crawls counted per worker")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="scale-bench-"))
    rates, durations = {}, []
    for n in (1, 2, 3):
        rates[n], took = crawl_rate(n, args.per_worker, args.hold, folder)
        durations += took
        print(f"{n} worker(s): {rates[n]:.1f} sources crawled per minute "
              f"({rates[n] / rates[1]:.2f}x one worker)", flush=True)
    crawl = statistics.median(durations)
    latencies, per_job = queue_overhead(folder)
    latencies.sort()
    median, p95 = statistics.median(latencies), latencies[int(len(latencies) * 0.95) - 1]
    print(f"median crawl: {crawl:.2f} s (feed held {args.hold:g} s)")
    print(f"queue: enqueue -> done of a no-op job: median {median * 1000:.1f} ms, p95 "
          f"{p95 * 1000:.1f} ms ({median / crawl:.2%} of a crawl)")
    print(f"queue: a no-op job costs {per_job * 1000:.1f} ms in a stream of 300 "
          f"({per_job / crawl:.2%} of a crawl)")
    ok = rates[3] >= 2.5 * rates[1]
    print(f"3 workers / 1 worker = {rates[3] / rates[1]:.2f} (target >= 2.5): "
          f"{'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
