"""A holder is judged by its pid only in its own PID namespace: two containers may share a
hostname and a pid, and a live daemon in another one must not be taken over."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from provwatch.crawler.daemon import lock
from provwatch.crawler.processes import host_id
from provwatch.crawler.storage.db import open_database

NOW = datetime(2026, 12, 6, 6, tzinfo=timezone.utc)


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def test_the_host_id_names_the_host_and_its_pid_namespace():
    assert host_id().split("#")[0] == socket.gethostname()


@pytest.mark.skipif("#" not in host_id(), reason="no PID namespaces on this system")
def test_a_holder_in_another_namespace_is_not_judged_by_its_pid(database_url):
    sessions = open_database(database_url)
    pid = _dead_pid()
    elsewhere = lock.Holder(f"{socket.gethostname()}#1:{pid}:aa",
                            f"{socket.gethostname()}#1", pid, "0.1.0")
    lock.acquire(sessions, elsewhere, timedelta(seconds=60), now=NOW)
    with pytest.raises(lock.LockHeld):
        lock.acquire(sessions, lock.Holder.me("0.1.0"), timedelta(seconds=60),
                     now=NOW + timedelta(seconds=5))


def test_a_dead_holder_here_is_replaced_at_once(database_url):
    sessions = open_database(database_url)
    pid = _dead_pid()
    here = lock.Holder(f"{host_id()}:{pid}:bb", host_id(), pid, "0.1.0")
    lock.acquire(sessions, here, timedelta(seconds=60), now=NOW)
    me = lock.Holder.me("0.1.0")
    lock.acquire(sessions, me, timedelta(seconds=60), now=NOW + timedelta(seconds=5))
    assert lock.current(sessions).owner == me.owner
