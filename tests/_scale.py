"""Helpers of the scale-out tests: a PostgreSQL schema, the scheduler and workers as
processes, their environment, polling with a deadline."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import PG_URL, _pg_schema_url


@pytest.fixture
def pg_url() -> Iterator[str]:
    if PG_URL is None:
        pytest.skip("no PostgreSQL at 127.0.0.1:5432 and PROVWATCH_TEST_DATABASE_URL unset")
    yield from _pg_schema_url(PG_URL)


def write_catalog(tmp_path: Path, catalog: dict) -> str:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(catalog, allow_unicode=True), encoding="utf-8")
    return str(path)


def scale_env(tmp_path: Path, url: str, catalog: str, **extra: Any) -> dict[str, str]:
    """Settings for fast turns: 1 s heartbeats, a worker presumed dead after 3 s."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update({"PROVWATCH_DATABASE_URL": url, "PROVWATCH_QUEUE_URL": url,
                "PROVWATCH_CATALOG": catalog, "PROVWATCH_DATA_DIR": str(tmp_path),
                "PROVWATCH_DOWNLOAD_DELAY": "0", "PROVWATCH_OBEY_ROBOTS": "false",
                "PROVWATCH_DOWNLOAD_TIMEOUT": "30", "PROVWATCH_CRAWL_TIMEOUT": "120",
                "PROVWATCH_STOP_GRACE": "1", "PROVWATCH_HEARTBEAT": "1",
                "PROVWATCH_WORKER_STALL_TIMEOUT": "3", "PROVWATCH_QUEUE_TICK": "0.5",
                "PROVWATCH_HOST_BUSY_RETRY": "0.3", "PROVWATCH_ALERT_INTERVAL": "1",
                "PROVWATCH_CRAWLS_PER_HOST": "1", "PROVWATCH_LOG_FORMAT": "json",
                # one message per delivery: past 30 a minute on a channel (the default) the
                # overflow is folded into one summary, and how many crawls end within one
                # minute depends on the machine's speed
                "PROVWATCH_ALERT_RATE_LIMIT": "10000"})
    env.update({f"PROVWATCH_{k.upper()}": str(v) for k, v in extra.items()})
    return env


def start(env: dict[str, str], log_path: Path, *args: str) -> subprocess.Popen:
    log = open(log_path, "ab")  # noqa: SIM115 - the child writes to it until it exits
    try:
        return subprocess.Popen([sys.executable, "-m", "provwatch.crawler.cli", *args],
                                env=env, stdout=log, stderr=log)
    finally:
        log.close()


def stop_all(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def wait_for(condition: Callable[[], Any], timeout: float, what: str,
             procs: list[subprocess.Popen] = (),
             explain: Callable[[], str] | None = None) -> Any:
    """Poll ``condition`` until it is true; fail at the deadline, or at once when one of
    ``procs`` exited. ``explain`` says, in the failure, what the processes were doing."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        for proc in procs:
            if proc.poll() is not None:
                raise AssertionError(f"{proc.args[3:]} exited ({proc.returncode}) while "
                                     f"waiting for {what}{_explained(explain)}")
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:g}s waiting for {what}"
                         f"{_explained(explain)}")


def _explained(explain: Callable[[], str] | None) -> str:
    return f"\n{explain()}" if explain is not None else ""


def log_lines(paths: list[Path], *needles: str, limit: int = 40) -> str:
    """The processes' log lines that name any of ``needles``, the last ``limit`` of them."""
    lines = [f"{path.name}: {line}" for path in paths if path.exists()
             for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
             if any(n in line for n in needles)]
    return "\n".join(lines[-limit:])


def watch_everything(config, webhook_url: str) -> None:
    """A watchlist that matches every article, created before the test pages' date."""
    from provwatch.alerts.watchlist import validate
    from provwatch.crawler.services import watchlists

    spec = validate("all", channels=[f"webhook:{webhook_url}"])
    watchlists.add_watchlist(config, dataclasses.replace(
        spec, created_at=datetime(2026, 1, 1, tzinfo=timezone.utc)))
