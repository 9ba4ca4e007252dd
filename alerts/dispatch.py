"""The dispatcher: send what the outbox owes, and record what each message carried.

One pass (``dispatch``):

1. **Recover** messages a dead dispatcher claimed but never confirmed (``sends`` rows still
   ``sending`` whose claimer's pid is gone on this host, or older than ``CLAIM_LEASE``
   elsewhere): they are sent again exactly as they were, with the same id.
2. **Quiet hours**: a due delivery whose watchlist is in its quiet hours is moved to the
   end of them.
3. **Group** the rest per channel: each immediate delivery is one message; a digest
   watchlist's due deliveries (enqueued for its next slot) are one digest.
4. **Rate limit**: a channel takes at most ``rate_limit`` messages a minute (counted in
   ``sends``, across passes and processes). What would exceed it is folded into one
   summary message, never dropped; with no room left at all, it waits for the window.
5. **Send**, each message in its own claim -> send -> confirm cycle: the ``sends`` row
   and the claimed deliveries (status ``sending``) are committed *before* the channel is
   called, the outcome after.

Delivery guarantee: at least once, and in practice once. A process killed after the
channel accepted a message but before the confirm commits leaves the message ``sending``;
the next pass sends it again, once, with the same id (``X-Provwatch-Delivery``, the email
``Message-ID``) so a receiver can drop the repeat. Nothing is lost: a delivery leaves the
outbox only as ``sent`` or ``failed`` (kept, visible in ``provwatch alerts failed``).

Channels are independent: each channel's messages go in their own worker thread, and a
channel that fails with a retryable error is not tried again in the same pass, so one
outage costs one timeout per pass and never holds up another channel, another
watchlist or the crawl (which only writes the outbox).
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from threading import Lock

from sqlalchemy.orm import Session, sessionmaker

from provwatch.alerts.channels import ChannelSettings, make_channel
from provwatch.alerts.compose import build_message, source_names
from provwatch.alerts.errors import DeliveryError, RowsGone
from provwatch.alerts.message import AlertMessage, Digest
from provwatch.alerts.outbox import after_failure
from provwatch.alerts.schedule import (
    Schedule,
    parse_quiet,
    parse_schedule,
    period_start,
    quiet_until,
    zone,
)
from provwatch.crawler.processes import host_id, pid_alive
from provwatch.crawler.redact import redact
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.models import Delivery, Send

log = logging.getLogger(__name__)
RATE_WINDOW = timedelta(minutes=1)
CLAIM_LEASE = timedelta(minutes=10)  # a claim from another host is presumed dead after this
CHANNEL_WORKERS = 4


@dataclass
class DispatchReport:
    sent: int = 0  # deliveries confirmed sent
    retrying: int = 0
    failed: int = 0
    messages_sent: int = 0  # messages (an alert, a digest, a summary)
    folded: int = 0  # deliveries folded into a rate-limit summary
    deferred: int = 0  # held for quiet hours or a full rate window
    resent: int = 0  # unconfirmed messages of a dead dispatcher sent again
    messages: list[str] = field(default_factory=list)
    _lock: Lock = field(default_factory=Lock, repr=False, compare=False)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)

    def error(self, text: str) -> None:
        with self._lock:
            self.messages.append(text)


def claimer() -> str:
    return f"{host_id()}:{os.getpid()}"


def _claimer_dead(claimed_by: str | None, created_at: datetime, now: datetime) -> bool:
    host, _, pid = (claimed_by or "").rpartition(":")
    if host == host_id() and pid.isdigit():
        if int(pid) == os.getpid():  # ours: in flight in another thread, unless long stuck
            return now - created_at > CLAIM_LEASE
        return not pid_alive(int(pid))
    return now - created_at > CLAIM_LEASE


# --- building messages from stored rows (one alert: alerts.compose) ----------------------


def _local(value: datetime, tz: str) -> str:
    return value.astimezone(zone(tz)).strftime("%Y-%m-%d %H:%M")


def digest_heading(schedule: Schedule, slot: datetime) -> str:
    start = period_start(schedule, slot)
    return (f"{schedule.every} digest, {_local(start, schedule.tz)} to "
            f"{_local(slot, schedule.tz)} {schedule.tz}")


def summary_heading(n: int, rate_limit: int) -> str:
    return (f"{n} more {'alert' if n == 1 else 'alerts'} folded into one message: this "
            f"channel's limit of {rate_limit} messages a minute was reached")


def _content(session: Session, send: Send, deliveries: list[Delivery],
             names: dict[str, tuple[str, str]] | None = None) -> AlertMessage | Digest:
    # a few queries for the whole message, however many alerts a digest holds
    rows = repository.message_rows(session, [d.article_id for d in deliveries],
                                   [d.story_id for d in deliveries])
    ids = {d.watchlist_id for d in deliveries}
    if send.watchlist_id is not None:
        ids.add(send.watchlist_id)
    watchlists = repository.watchlists_by_id(session, ids)
    items = tuple(build_message(d, rows, watchlists, names) for d in deliveries)
    if send.kind == "alert":
        return items[0]
    watchlist = watchlists.get(send.watchlist_id) if send.watchlist_id else None
    heading = send.heading or f"{len(items)} alerts in one message"
    return Digest(send.kind, send.id, heading, items,
                  watchlist.name if watchlist is not None else None)


# --- one message: claim, send, confirm ---------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    kind: str  # alert | digest | summary
    delivery_ids: tuple[int, ...]
    watchlist_id: int | None
    heading: str | None = None  # of a digest or summary, kept on the send row


def _claim(sessions: sessionmaker[Session], channel: str, unit: _Unit, me: str,
           now: datetime) -> int | None:
    """Create the send row and move its deliveries pending -> sending, atomically; None if
    another dispatcher claimed one of them first."""
    with sessions() as session, session.begin():
        send = repository.add_send(
            session, channel=channel, kind=unit.kind, watchlist_id=unit.watchlist_id,
            status="sending", items=len(unit.delivery_ids), claimed_by=me, created_at=now,
            heading=unit.heading)
        claimed = repository.claim_deliveries(session, send.id, unit.delivery_ids)
        if claimed != len(unit.delivery_ids):
            session.rollback()
            return None
        return send.id


def _deliver(sessions: sessionmaker[Session], settings: ChannelSettings, send_id: int, *,
             max_attempts: int, now: datetime, report: DispatchReport) -> bool:
    """Send one claimed message and record the outcome; False if the channel failed in a
    way worth retrying (the caller stops using the channel this pass)."""
    with sessions() as session:
        send = repository.get_send(session, send_id)
        deliveries = repository.send_deliveries(session, send_id)
        if send is None or not deliveries:
            return True
        channel = send.channel
        error: Exception | None = None
        content: AlertMessage | Digest | None = None
        gone = False
        try:
            content = _content(session, send, deliveries, source_names(settings.catalog))
        except RowsGone as e:  # nothing left to send: failed for good
            log.warning("message %s cannot be built: %s", send_id, e)
            gone = True
        except Exception as e:  # a bug or the database: worth a retry, not a lost alert
            log.exception("message %s could not be built", send_id)
            error = DeliveryError(f"building the message failed: {e.__class__.__name__}: {e}")
    if content is not None:
        try:
            target = make_channel(channel, settings)
            if isinstance(content, Digest):
                target.send_digest(content)
            else:
                target.send(content)
        except (DeliveryError, ValueError) as e:
            error = e
        except Exception as e:  # boundary: a broken channel must not stop the dispatcher
            log.exception("message %s to %s crashed", send_id, redact(channel))
            error = DeliveryError(f"{e.__class__.__name__}: {e}")
    sent_at = datetime.now(timezone.utc)
    with sessions() as session, session.begin():
        send = repository.get_send(session, send_id)
        assert send is not None  # read above, and send rows are never deleted
        rows = repository.claimed_deliveries(session, send_id)
        if gone:
            send.status, send.error = "failed", "the alert's rows are gone"
            for d in rows:
                d.status, d.last_error = "failed", send.error
            return True
        if error is None:
            send.status, send.sent_at, send.error = "sent", sent_at, None
            for d in rows:
                d.attempts += 1
                d.status, d.sent_at, d.last_error = "sent", sent_at, None
            report.add(sent=len(rows), messages_sent=1)
            return True
        permanent = getattr(error, "permanent", True)  # a bad channel spec never heals
        send.status, send.error = "failed", str(error)[:2000]
        for d in rows:
            d.attempts += 1
            d.status, d.next_attempt_at = after_failure(d.attempts, max_attempts, permanent, now)
            d.last_error = str(error)[:2000]
            report.add(failed=d.status == "failed", retrying=d.status == "pending")
    shown = redact(channel)  # a channel spec holds its tokens; the error is redacted
    report.error(f"message {send_id} ({shown}, {len(rows)} alert(s)): {error}")
    if permanent:
        why = "permanent"
    elif any(d.status == "pending" for d in rows):
        why = "will retry"
    else:  # retryable, but every attempt allowed (alert_max_attempts) is used up
        why = f"gave up after {max_attempts} attempt{'s' if max_attempts != 1 else ''}"
    log.warning("message %s to %s failed (%s): %s", send_id, shown, why, error)
    return permanent  # a permanent error is this message's; the channel may still work


# --- the pass ----------------------------------------------------------------------------


def _recover(sessions: sessionmaker[Session], now: datetime) -> list[tuple[str, int]]:
    """(channel, send id) of unconfirmed messages whose dispatcher died."""
    with sessions() as session, session.begin():
        stale = [s for s in repository.unconfirmed_sends(session)
                 if _claimer_dead(s.claimed_by, s.created_at, now)]
        me = claimer()
        return [(s.channel, s.id) for s in stale
                if repository.reclaim_send(session, s.id, s.claimed_by, me)]


def _plan(sessions: sessionmaker[Session], now: datetime, limit: int, rate_limit: int,
          report: DispatchReport) -> dict[str, list[_Unit]]:
    """Due deliveries -> messages per channel, after quiet hours and the rate limit."""
    with sessions() as session, session.begin():
        due = list(repository.due_deliveries(session, now, limit))
        watchlists = repository.watchlists_by_id(session, {d.watchlist_id for d in due})
        quiet = {wid: quiet_until(parse_quiet(w.quiet_hours), now)
                 for wid, w in watchlists.items()}  # once per watchlist, not per delivery
        by_channel: dict[str, list[Delivery]] = defaultdict(list)
        for d in due:
            until = quiet.get(d.watchlist_id)
            if until is not None:
                d.next_attempt_at = until
                report.add(deferred=1)
                continue
            by_channel[d.channel].append(d)
        plans: dict[str, list[_Unit]] = {}
        for channel, rows in by_channel.items():
            units: list[_Unit] = []
            digests: dict[int, list[Delivery]] = defaultdict(list)
            for d in rows:
                w = watchlists.get(d.watchlist_id)
                if w is not None and w.schedule:
                    digests[d.watchlist_id].append(d)
                else:
                    units.append(_Unit("alert", (d.id,), d.watchlist_id))
            units = [_Unit("digest", tuple(d.id for d in ds), wid, digest_heading(
                parse_schedule(watchlists[wid].schedule), max(d.next_attempt_at for d in ds)))
                for wid, ds in digests.items()] + units
            recent, oldest = repository.sends_in_window(session, channel, now - RATE_WINDOW)
            room = rate_limit - recent
            if len(units) <= room:
                plans[channel] = units
                continue
            if room <= 0:  # the window is full: wait for its oldest message to age out
                wake = (oldest or now) + RATE_WINDOW
                for d in rows:
                    d.next_attempt_at = wake
                report.add(deferred=len(rows))
                continue
            keep, fold = units[: room - 1], units[room - 1:]
            ids = tuple(i for u in fold for i in u.delivery_ids)
            plans[channel] = keep + [_Unit("summary", ids, None,
                                           summary_heading(len(ids), rate_limit))]
            report.add(folded=len(ids))
        return plans


def _channel_worker(sessions: sessionmaker[Session], settings: ChannelSettings, channel: str,
                    units: list[_Unit], resend: list[int], *, max_attempts: int,
                    now: datetime, report: DispatchReport,
                    should_stop: Callable[[], bool] | None) -> None:
    me = claimer()
    for send_id in resend:
        if should_stop is not None and should_stop():
            return
        report.add(resent=1)
        if not _deliver(sessions, settings, send_id, max_attempts=max_attempts, now=now,
                        report=report):
            return
    for unit in units:
        if should_stop is not None and should_stop():
            return  # the daemon is stopping: the rest stay pending for the next start
        claimed = _claim(sessions, channel, unit, me, now)
        if claimed is None:
            continue
        if not _deliver(sessions, settings, claimed, max_attempts=max_attempts, now=now,
                        report=report):
            return  # this channel is down: the rest wait for the next pass


def dispatch(sessions: sessionmaker[Session], settings: ChannelSettings, *,
             max_attempts: int = 5, now: datetime | None = None, limit: int = 1000,
             rate_limit: int = 30,
             should_stop: Callable[[], bool] | None = None) -> DispatchReport:
    """One pass over the outbox; see the module docstring."""
    now = now or datetime.now(timezone.utc)
    report = DispatchReport()
    resend: dict[str, list[int]] = defaultdict(list)
    for channel, send_id in _recover(sessions, now):
        resend[channel].append(send_id)
    plans = _plan(sessions, now, limit, rate_limit, report)
    channels = sorted(set(plans) | set(resend))
    if not channels:
        return report
    work = [(c, plans.get(c, []), resend.get(c, [])) for c in channels]
    if len(work) == 1:
        c, units, again = work[0]
        _channel_worker(sessions, settings, c, units, again, max_attempts=max_attempts,
                        now=now, report=report, should_stop=should_stop)
        return report
    with ThreadPoolExecutor(min(CHANNEL_WORKERS, len(work)),
                            thread_name_prefix="provwatch-send") as pool:
        futures = [pool.submit(_channel_worker, sessions, settings, c, units, again,
                               max_attempts=max_attempts, now=now, report=report,
                               should_stop=should_stop) for c, units, again in work]
        for f in futures:
            try:
                f.result()
            except Exception:  # boundary: a database hiccup in one channel's thread
                log.exception("a channel's dispatch failed; its messages stay in the outbox")
    return report
