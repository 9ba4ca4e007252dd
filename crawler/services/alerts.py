"""The outbox for the `provwatch alerts` commands: a dispatch pass, failed deliveries,
re-sending them, and a test message to every channel of a watchlist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from provwatch.alerts.channels import make_channel, settings_from_config
from provwatch.alerts.dispatch import DispatchReport, dispatch
from provwatch.alerts.errors import DeliveryError
from provwatch.alerts.message import AlertMessage
from provwatch.crawler.config import Config
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database


def send_alerts(config: Config) -> DispatchReport:
    """One dispatch pass over the outbox (`provwatch alerts send`)."""
    return dispatch(open_database(config.database_url), settings_from_config(config),
                    max_attempts=config.alert_max_attempts, rate_limit=config.alert_rate_limit)


def failed(config: Config, limit: int = 200) -> list[dict[str, Any]]:
    """Failed deliveries, newest first: what, where, how often tried, the last error."""
    sessions = open_database(config.database_url)
    with sessions() as session:
        rows = repository.failed_deliveries(session, limit)
        return [{"id": d.id, "watchlist": name, "channel": d.channel, "story_id": d.story_id,
                 "title": title, "attempts": d.attempts, "last_error": d.last_error,
                 "created_at": d.created_at.isoformat()} for d, name, title in rows]


def retry(config: Config, ids: list[int] | None) -> tuple[int, DispatchReport]:
    """Make failed deliveries (``ids``, or all with None) pending again with a fresh
    attempt count, then run one dispatch pass. Unknown or not-failed ids are an error."""
    sessions = open_database(config.database_url)
    with sessions() as session, session.begin():
        if ids is not None:
            found = repository.failed_delivery_ids(session, ids)
            missing = sorted(set(ids) - found)
            if missing:
                raise ProvwatchError(
                    f"no failed delivery with id {', '.join(map(str, missing))} "
                    f"(see `provwatch alerts failed`)")
        count = repository.requeue_failed(session, ids, datetime.now(timezone.utc))
    report = dispatch(sessions, settings_from_config(config),
                      max_attempts=config.alert_max_attempts, rate_limit=config.alert_rate_limit)
    return count, report


SAMPLE_TITLE = "provwatch test: 河南省委书记会见比亚迪董事长 (sample alert, not a real story)"


def sample_message(watchlist: str) -> AlertMessage:
    return AlertMessage(
        delivery_id=0, watchlist=watchlist, story_id=0, article_id=0, title=SAMPLE_TITLE,
        url="https://www.henan.gov.cn/", source_id="provwatch-test",
        published_at=datetime.now(timezone.utc),
        snippet="This is a test message from `provwatch alerts test`. If you can read it, "
                "this channel receives provwatch alerts.",
        provinces_about=("henan",), provinces_mentioned=("henan", "guangdong"),
        sectors=("nev",), event="leader_meeting", copies=1, outlets=("provwatch-test",))


@dataclass(frozen=True)
class TestResult:
    channel: str
    ok: bool
    error: str | None = None


def test_channels(config: Config, name: str) -> list[TestResult]:
    """Send the sample alert to each channel of watchlist ``name``; outside the outbox."""
    sessions = open_database(config.database_url)
    with sessions() as session:
        row = repository.get_watchlist(session, name)
        if row is None:
            raise ProvwatchError(f"no watchlist named {name!r} (see `provwatch watch list`)")
        channels = list(row.channels)
    settings = settings_from_config(config)
    results = []
    for spec in channels:
        try:
            make_channel(spec, settings).send(sample_message(name))
        except (DeliveryError, ValueError) as e:
            results.append(TestResult(spec, False, str(e)))
        except Exception as e:  # boundary: report, keep testing the other channels
            results.append(TestResult(spec, False, f"{e.__class__.__name__}: {e}"))
        else:
            results.append(TestResult(spec, True))
    return results
