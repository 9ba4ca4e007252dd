"""An error while building a message (a bug, the database) leaves its delivery to be
retried; only a message whose rows are gone is failed for good."""

from __future__ import annotations

from test_dispatch import NOW, SETTINGS, _status, _stories, _watchlist

import provwatch.alerts.dispatch as dispatcher
from provwatch.alerts.dispatch import dispatch
from provwatch.crawler.storage.db import open_database


def test_an_error_while_building_a_message_is_retried_not_failed(database_url, monkeypatch,
                                                                  webhook_receiver):
    sessions = open_database(database_url)
    hook = f"webhook:{webhook_receiver.url}"
    _stories(sessions, _watchlist(sessions, "nev", [hook]), [hook], 1)
    build = dispatcher.build_message

    def broken(session, delivery):
        raise RuntimeError("the database went away mid-build")

    monkeypatch.setattr(dispatcher, "build_message", broken)
    report = dispatch(sessions, SETTINGS, now=NOW, rate_limit=100)
    assert report.failed == 0 and report.retrying == 1
    assert _status(sessions) == {"pending": 1} and webhook_receiver.requests == []

    monkeypatch.setattr(dispatcher, "build_message", build)
    later = NOW.replace(year=NOW.year + 1)  # past any backoff
    dispatch(sessions, SETTINGS, now=later, rate_limit=100)
    assert _status(sessions) == {"sent": 1} and len(webhook_receiver.requests) == 1

