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

    def broken(delivery, rows, watchlists):
        raise RuntimeError("the database went away mid-build")

    monkeypatch.setattr(dispatcher, "build_message", broken)
    report = dispatch(sessions, SETTINGS, now=NOW, rate_limit=100)
    assert report.failed == 0 and report.retrying == 1
    assert _status(sessions) == {"pending": 1} and webhook_receiver.requests == []

    monkeypatch.setattr(dispatcher, "build_message", build)
    later = NOW.replace(year=NOW.year + 1)  # past any backoff
    dispatch(sessions, SETTINGS, now=later, rate_limit=100)
    assert _status(sessions) == {"sent": 1} and len(webhook_receiver.requests) == 1



def test_a_fifty_alert_digest_is_built_in_a_handful_of_queries(database_url):
    """It took five queries per alert (article, tags, story, watchlist, outlets)."""
    from sqlalchemy import event

    from provwatch.alerts.dispatch import _content
    from provwatch.crawler.storage import repository
    from provwatch.crawler.storage.models import Send

    sessions = open_database(database_url)
    hook = "webhook:http://127.0.0.1:9/hook"
    ids = _stories(sessions, _watchlist(sessions, "nev", [hook]), [hook], 50)
    with sessions() as session:
        deliveries = repository.deliveries(session, limit=100)
        assert sorted(d.id for d in deliveries) == sorted(ids)
        send = Send(channel=hook, kind="digest", watchlist_id=deliveries[0].watchlist_id,
                    heading="daily digest")
        statements = []

        def count(conn, cursor, statement, *rest):
            statements.append(statement)

        event.listen(session.get_bind(), "before_cursor_execute", count)
        digest = _content(session, send, list(deliveries))
        event.remove(session.get_bind(), "before_cursor_execute", count)
    assert len(digest.items) == 50 and all(i.outlets == ("henan_gov",) for i in digest.items)
    assert len(statements) <= 6, statements
