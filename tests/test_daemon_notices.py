"""Operator notices never hold up the heartbeat: with a webhook that does not answer, the
heartbeat still returns and is recorded; the notice goes out once the receiver answers."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

from conftest import make_config
from sqlalchemy import select

from provwatch.crawler.catalog.sources import parse_catalog
from provwatch.crawler.daemon import lock
from provwatch.crawler.daemon.scheduler import Daemon
from provwatch.crawler.storage.db import open_database, transaction
from provwatch.crawler.storage.models import DaemonLock, SourceState

BAD = ("gov_a", "gov_b", "gov_c")


def test_a_webhook_that_does_not_answer_never_holds_up_the_heartbeat(
        tmp_path, database_url, webhook_receiver):
    release = threading.Event()
    arrived = threading.Event()

    def hold():  # the receiver keeps the notice's request open until told
        arrived.set()
        release.wait(120)

    webhook_receiver.on_request = hold
    config = make_config(tmp_path, database_url, webhook_timeout=120,
                         operator_channels=f"webhook:{webhook_receiver.url}")
    catalog = parse_catalog({"sources": [
        {"id": sid, "name": sid, "kind": "feed", "urls": [f"https://{sid}.example/f.xml"],
         "province": "henan", "language": "zh", "interval": "10m"} for sid in BAD]}, "test")
    sessions = open_database(database_url)
    now = datetime.now(timezone.utc)
    with transaction(sessions) as session:
        session.add_all(SourceState(id=sid, validators={}, health="unreachable",
                                    health_since=now, consecutive_failures=2,
                                    last_error="dns") for sid in BAD)
    daemon = Daemon(config, catalog)
    lock.acquire(daemon.sessions, daemon.me, stale=timedelta(seconds=60))
    try:
        beat = threading.Thread(target=daemon._heartbeat_job)
        beat.start()
        beat.join(60)
        held = not release.is_set()
        assert not beat.is_alive() and held, "the heartbeat waited on the operator webhook"
        with sessions() as session:
            row = session.get(DaemonLock, lock.LOCK_NAME)
            assert row.owner == daemon.me.owner and row.heartbeat_at >= now

        assert arrived.wait(60), "the notice never left"
        release.set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with sessions() as session:
                told = session.scalars(select(SourceState.reported_health)).all()
            if told == ["unreachable"] * len(BAD):
                break
            time.sleep(0.05)  # polling with a deadline, not ordering
        assert told == ["unreachable"] * len(BAD)
    finally:
        release.set()
        daemon.stopping.set()
        daemon.notices.shutdown(wait=True)
        lock.release(daemon.sessions, daemon.me, {})
