"""Alert dispatch in many workers at once: processes meeting at a barrier each run a full
dispatch pass over one outbox, on SQLite and PostgreSQL; every delivery is claimed by one
of them (compare-and-set, alerts.dispatch), sent once, and confirmed."""

from __future__ import annotations

import multiprocessing

from _servers import webhook_receiver  # noqa: F401
from test_dispatch import NOW, SETTINGS, Receiver, _status, _stories, _watchlist

from provwatch.alerts.dispatch import dispatch
from provwatch.crawler.storage.db import open_database

PROCESSES = 4


def _dispatch_at_barrier(url: str, barrier, results) -> None:
    sessions = open_database(url)
    barrier.wait(timeout=60)
    report = dispatch(sessions, SETTINGS, now=NOW, rate_limit=1000)
    results.put(report.sent)


def test_four_dispatchers_at_a_barrier_send_each_delivery_once(database_url,
                                                               webhook_receiver):  # noqa: F811
    receiver = Receiver(webhook_receiver)
    sessions = open_database(database_url)
    hook = f"webhook:{receiver.url}"
    wid = _watchlist(sessions, "nev", [hook])
    owed = _stories(sessions, wid, [hook], 40)
    spawn = multiprocessing.get_context("spawn")  # fresh interpreters, like many workers
    barrier, results = spawn.Barrier(PROCESSES), spawn.Queue()
    procs = [spawn.Process(target=_dispatch_at_barrier, args=(database_url, barrier, results))
             for _ in range(PROCESSES)]
    for p in procs:
        p.start()
    sent = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    ids = [b["delivery_id"] for b in receiver.bodies]
    assert len(ids) == len(set(ids)) == len(owed)  # each delivery received once
    assert sum(sent) == len(owed)  # and confirmed by exactly one of the dispatchers
    assert _status(sessions) == {"sent": len(owed)}
