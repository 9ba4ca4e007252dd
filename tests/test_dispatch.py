"""The dispatcher against real receivers on loopback: rate limit and summaries, digests,
quiet hours, retries and failure, independent channels, concurrent dispatchers, a
dispatcher killed between sending and confirming, and the `alerts` commands."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from _servers import WebhookReceiver, silent_server, smtp_server, webhook_receiver  # noqa: F401
from sqlalchemy import func, select

from provwatch.alerts.channels import ChannelSettings
from provwatch.alerts.channels.webhook import verify_signature
from provwatch.alerts.dispatch import dispatch
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.storage.models import Article, Delivery, Send, Story, Tag, Watchlist

UTC = timezone.utc
SECRET = "s3cret"
SETTINGS = ChannelSettings(webhook_secret=SECRET, webhook_timeout=2.0, smtp_timeout=5.0)
NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


# --- the loopback receiver (tests/_servers.py), read as this file needs it ---------------


@dataclass
class Receiver:
    """``webhook_receiver`` with the views these tests read: bodies, headers, events, and
    how many requests failed the HMAC check."""

    server: WebhookReceiver

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [r.json for r in self.server.requests]

    @property
    def headers(self) -> list[dict[str, str]]:
        return [r.headers for r in self.server.requests]

    @property
    def bad_signatures(self) -> int:
        return sum(not verify_signature(SECRET, r.body, r.headers.get("X-Provwatch-Signature", ""))
                   for r in self.server.requests)

    def events(self) -> list[str]:
        return [h["X-Provwatch-Event"] for h in self.headers]


@pytest.fixture
def receiver(webhook_receiver) -> Receiver:  # noqa: F811
    return Receiver(webhook_receiver)


# --- stored rows, made directly: the dispatcher reads only the database -------------------


def _watchlist(sessions, name: str, channels: list[str], **fields: Any) -> int:
    with sessions() as session, session.begin():
        row = Watchlist(name=name, channels=channels, created_at=NOW - timedelta(days=30),
                        **fields)
        session.add(row)
        session.flush()
        return row.id


def _stories(sessions, watchlist_id: int, channels: list[str], n: int, *,
             due: datetime = NOW, provinces=("henan",), sectors=("nev",),
             title: str = "河南新能源汽车项目 {i}") -> list[int]:
    """``n`` one-article stories tagged with ``provinces``/``sectors``, each owing
    ``watchlist_id`` a delivery on every channel; returns the delivery ids."""
    ids = []
    with sessions() as session, session.begin():
        base = session.scalar(select(func.count(Article.id))) or 0
        for i in range(base, base + n):
            story = Story(title=title.format(i=i), copy_count=1, first_seen_at=NOW)
            session.add(story)
            session.flush()
            article = Article(
                canonical_url=f"https://news.example/{i}.html",
                url=f"https://news.example/{i}.html", source_id="henan_gov",
                title=title.format(i=i), text=f"正文 {i}", content_hash=f"h{i}",
                story_id=story.id, published_at=NOW - timedelta(minutes=i), fetched_at=NOW)
            article.tags = ([Tag(kind="province", value=p, role="about") for p in provinces]
                            + [Tag(kind="sector", value=s) for s in sectors])
            session.add(article)
            session.flush()
            for channel in channels:
                d = Delivery(watchlist_id=watchlist_id, story_id=story.id,
                             article_id=article.id, channel=channel, status="pending",
                             attempts=0, next_attempt_at=due)
                session.add(d)
                session.flush()
                ids.append(d.id)
    return ids


def _status(sessions) -> dict[str, int]:
    with sessions() as session:
        return dict(session.execute(
            select(Delivery.status, func.count()).group_by(Delivery.status)).all())


@pytest.fixture
def sessions(database_url):
    return open_database(database_url)


# --- rate limit ---------------------------------------------------------------------------


def test_over_the_rate_limit_the_overflow_is_folded_into_one_summary_never_dropped(
        sessions, receiver):
    hook = f"webhook:{receiver.url}"
    wid = _watchlist(sessions, "nev", [hook])
    _stories(sessions, wid, [hook], 35)

    report = dispatch(sessions, SETTINGS, now=NOW, rate_limit=30)

    assert receiver.bad_signatures == 0
    assert len(receiver.bodies) == 30  # the limit: 29 alerts and one summary
    assert receiver.events().count("story.matched") == 29
    summary = receiver.bodies[-1]
    assert summary["type"] == "stories.summary" and summary["count"] == 6
    assert "30 messages a minute" in summary["heading"]
    assert receiver.headers[-1]["X-Provwatch-Delivery"] == summary["id"]
    folded = [i["delivery_id"] for s in summary["sections"] for i in s["items"]]
    alerted = [b["delivery_id"] for b in receiver.bodies[:-1]]
    assert sorted(folded + alerted) == list(range(1, 36))  # every story, once
    assert (report.sent, report.messages_sent, report.folded) == (35, 30, 6)
    assert _status(sessions) == {"sent": 35}


def test_with_the_window_full_new_alerts_wait_for_it_and_then_go(sessions, receiver):
    hook = f"webhook:{receiver.url}"
    wid = _watchlist(sessions, "nev", [hook])
    _stories(sessions, wid, [hook], 3)
    dispatch(sessions, SETTINGS, now=NOW, rate_limit=3)
    _stories(sessions, wid, [hook], 2, due=NOW + timedelta(seconds=10))

    held = dispatch(sessions, SETTINGS, now=NOW + timedelta(seconds=10), rate_limit=3)
    assert (held.sent, held.deferred, len(receiver.bodies)) == (0, 2, 3)
    assert _status(sessions) == {"sent": 3, "pending": 2}

    later = dispatch(sessions, SETTINGS, now=NOW + timedelta(seconds=61), rate_limit=3)
    assert later.sent == 2 and len(receiver.bodies) == 5
    assert _status(sessions) == {"sent": 5}


# --- digests and quiet hours --------------------------------------------------------------


def test_a_daily_digest_goes_once_at_its_slot_grouped_by_province_and_sector(
        sessions, receiver):
    hook = f"webhook:{receiver.url}"
    wid = _watchlist(sessions, "daily", [hook],
                     schedule={"every": "daily", "at": "08:00", "tz": "Asia/Shanghai"})
    slot = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # 08:00 in Beijing
    _stories(sessions, wid, [hook], 2, due=slot, provinces=("henan",), sectors=("nev",))
    _stories(sessions, wid, [hook], 1, due=slot, provinces=("hainan",), sectors=("ai",))

    early = dispatch(sessions, SETTINGS, now=slot - timedelta(minutes=1))
    assert early.sent == 0 and receiver.bodies == []

    report = dispatch(sessions, SETTINGS, now=slot + timedelta(seconds=5))

    assert report.messages_sent == 1 and report.sent == 3
    (digest,) = receiver.bodies
    assert digest["type"] == "stories.digest" and digest["watchlist"] == "daily"
    assert digest["heading"] == ("daily digest, 2026-11-22 08:00 to 2026-11-23 08:00 "
                                 "Asia/Shanghai")
    assert [(s["group"], len(s["items"])) for s in digest["sections"]] == [
        ("hainan · ai", 1), ("henan · nev", 2)]
    assert receiver.headers[0]["X-Provwatch-Event"] == "stories.digest"
    assert dispatch(sessions, SETTINGS, now=slot + timedelta(hours=1)).sent == 0


def test_quiet_hours_hold_alerts_until_they_end(sessions, receiver):
    hook = f"webhook:{receiver.url}"
    wid = _watchlist(sessions, "night", [hook],
                     quiet_hours={"start": "22:00", "end": "07:00", "tz": "Asia/Shanghai"})
    night = datetime(2026, 11, 22, 15, 30, tzinfo=UTC)  # 23:30 in Beijing
    _stories(sessions, wid, [hook], 2, due=night)

    held = dispatch(sessions, SETTINGS, now=night)
    assert (held.sent, held.deferred, receiver.bodies) == (0, 2, [])
    with sessions() as session:
        due = set(session.scalars(select(Delivery.next_attempt_at)))
    assert due == {datetime(2026, 11, 22, 23, 0, tzinfo=UTC)}  # 07:00 in Beijing

    assert dispatch(sessions, SETTINGS, now=night + timedelta(hours=3)).sent == 0
    morning = dispatch(sessions, SETTINGS, now=datetime(2026, 11, 22, 23, 0, 1, tzinfo=UTC))
    assert morning.sent == 2 and len(receiver.bodies) == 2


# --- failures: retry, give up, re-send ----------------------------------------------------


def test_a_500_then_200_is_retried_with_backoff_and_sent_once(sessions, receiver):
    hook = f"webhook:{receiver.url}"
    wid = _watchlist(sessions, "nev", [hook])
    _stories(sessions, wid, [hook], 1)
    receiver.server.statuses = [500]

    first = dispatch(sessions, SETTINGS, now=NOW)
    assert (first.sent, first.retrying) == (0, 1)
    assert "HTTP 500" in first.messages[0]
    with sessions() as session:
        d = session.scalars(select(Delivery)).one()
        assert d.status == "pending" and d.attempts == 1 and "HTTP 500" in d.last_error
        assert timedelta(seconds=45) < d.next_attempt_at - NOW < timedelta(seconds=75)
    assert dispatch(sessions, SETTINGS, now=NOW + timedelta(seconds=30)).sent == 0

    second = dispatch(sessions, SETTINGS, now=NOW + timedelta(minutes=2))
    assert second.sent == 1 and len(receiver.bodies) == 2
    assert receiver.bodies[0]["delivery_id"] == receiver.bodies[1]["delivery_id"]
    assert _status(sessions) == {"sent": 1}


def test_a_webhook_that_times_out_is_retried_later(sessions, silent_server):  # noqa: F811
    hook = f"webhook:{silent_server.url}"
    wid = _watchlist(sessions, "nev", [hook])
    _stories(sessions, wid, [hook], 1)

    report = dispatch(sessions, SETTINGS, now=NOW)

    assert report.retrying == 1 and "timed out after 2s" in report.messages[0]
    assert _status(sessions) == {"pending": 1}


def test_one_channel_down_costs_one_timeout_and_never_holds_up_the_others(
        sessions, receiver, silent_server):  # noqa: F811
    good, down = f"webhook:{receiver.url}", f"webhook:{silent_server.url}"
    wid = _watchlist(sessions, "both", [good, down])
    _stories(sessions, wid, [good, down], 5)

    report = dispatch(sessions, SETTINGS, now=NOW)

    assert len(receiver.bodies) == 5 and report.sent == 5
    assert report.retrying == 1  # the down channel was tried once, not five times
    with sessions() as session:
        rows = session.scalars(select(Delivery).where(Delivery.channel == down)).all()
    assert sorted(d.attempts for d in rows) == [0, 0, 0, 0, 1]
    assert {d.status for d in rows} == {"pending"}


def test_after_the_last_attempt_a_delivery_is_failed_listed_and_retry_resends_it(
        tmp_path, sessions, database_url, receiver):
    hook = f"webhook:{receiver.url}"
    wid = _watchlist(sessions, "nev", [hook])
    _stories(sessions, wid, [hook], 2)
    receiver.server.statuses = [503, 503, 503, 503]
    for i in range(4):  # a failing channel is tried once a pass: 2 deliveries x 2 attempts
        dispatch(sessions, SETTINGS, now=NOW + timedelta(days=i), max_attempts=2)
    assert _status(sessions) == {"failed": 2}

    env = _cli_env(tmp_path, database_url)
    listed = _cli(env, "alerts", "failed", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["watchlist"], r["attempts"]) for r in rows] == [("nev", 2), ("nev", 2)]
    assert "HTTP 503" in rows[0]["last_error"] and rows[0]["channel"] == hook

    first_id = rows[-1]["id"]
    one = _cli(env, "alerts", "retry", str(first_id))
    assert one.returncode == 0, one.stderr
    assert "sent 1" in one.stdout and _status(sessions) == {"sent": 1, "failed": 1}
    again = _cli(env, "alerts", "retry", str(first_id))
    assert again.returncode == 1 and f"no failed delivery with id {first_id}" in again.stderr
    rest = _cli(env, "alerts", "retry", "--all")
    assert rest.returncode == 0 and _status(sessions) == {"sent": 2}
    assert len(receiver.bodies) == 4 + 2


# --- concurrency and crashes ----------------------------------------------------------------


def test_two_dispatchers_at_once_send_each_alert_once(sessions, receiver):
    hook = f"webhook:{receiver.url}"
    wid = _watchlist(sessions, "nev", [hook])
    _stories(sessions, wid, [hook], 12)
    barrier = threading.Barrier(2)

    def run():
        barrier.wait()
        dispatch(sessions, SETTINGS, now=NOW, rate_limit=100)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    ids = [b["delivery_id"] for b in receiver.bodies]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 12
    assert _status(sessions) == {"sent": 12}


def _cli_env(tmp_path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update({"PROVWATCH_DATABASE_URL": database_url, "PROVWATCH_DATA_DIR": str(tmp_path),
                "PROVWATCH_WEBHOOK_SECRET": SECRET, "PROVWATCH_WEBHOOK_TIMEOUT": "5"})
    return env


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_dispatcher_killed_between_send_and_confirm_resends_that_message_once(
        tmp_path, sessions, database_url, receiver):
    """The receiver kills `provwatch alerts send` (SIGKILL) the moment the first message
    arrives: the channel has it, the database does not know. The next run sends it again
    with the same delivery id, once; nothing is lost and nothing is sent a third time."""
    hook = f"webhook:{receiver.url}"
    wid = _watchlist(sessions, "nev", [hook])
    _stories(sessions, wid, [hook], 3, due=datetime.now(UTC) - timedelta(seconds=1))
    env = _cli_env(tmp_path, database_url)
    cmd = [sys.executable, "-m", "provwatch.crawler.cli", "alerts", "send"]
    victim = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    killed = threading.Event()

    def kill_once():
        if not killed.is_set():
            killed.set()
            os.kill(victim.pid, signal.SIGKILL)
            time.sleep(0.2)  # answer after the client is gone

    receiver.server.on_request = kill_once
    victim.communicate(timeout=60)
    assert victim.returncode == -signal.SIGKILL
    assert len(receiver.bodies) == 1
    assert _status(sessions) == {"sending": 1, "pending": 2}

    receiver.server.on_request = None
    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr
    third = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert third.returncode == 0, third.stderr

    ids = [b["delivery_id"] for b in receiver.bodies]
    first = ids[0]
    assert ids.count(first) == 2  # re-sent exactly once, with the same id
    assert sorted(set(ids)) == sorted(ids[1:])  # everything else once
    assert len(set(ids)) == 3 and _status(sessions) == {"sent": 3}
    with sessions() as session:
        assert session.scalar(select(func.count(Send.id)).where(Send.status == "sent")) == 3


# --- email through aiosmtpd -----------------------------------------------------------------


def test_an_email_digest_has_text_and_html_sections_and_escapes_hostile_titles(
        sessions, smtp_server):  # noqa: F811
    to = "email:desk@example.com"
    wid = _watchlist(sessions, "weekly", [to],
                     schedule={"every": "weekly", "at": "08:00", "weekday": "mon",
                               "tz": "Asia/Shanghai"})
    slot = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # Monday 08:00 in Beijing
    _stories(sessions, wid, [to], 1, due=slot,
             title='<script>alert(1)</script> **bold** @all \r\nBcc: evil@example.com {i}')
    settings = ChannelSettings(smtp_host=smtp_server.host, smtp_port=smtp_server.port)

    report = dispatch(sessions, settings, now=slot)

    assert report.sent == 1
    (mail,) = smtp_server.messages
    msg = mail.message
    assert mail.rcpt_tos == ["desk@example.com"] and msg["Bcc"] is None
    assert msg["Subject"].startswith("[provwatch] 1 story — weekly digest")
    assert msg["X-Provwatch-Event"] == "stories.digest"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "== Henan · New energy vehicles (1)" in text
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_an_smtp_server_that_drops_the_connection_mid_message_is_retried(sessions):
    """A real SMTP conversation cut off after DATA: a retryable failure, kept pending."""
    import socket

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve():
        conn, _ = listener.accept()
        f = conn.makefile("rwb")
        f.write(b"220 test ESMTP\r\n")
        f.flush()
        while line := f.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                f.write(b"250 test\r\n")
            elif verb == b"DATA":
                f.write(b"354 go ahead\r\n")
                f.flush()
                f.readline()  # the first line of the message, then hang up
                break
            else:
                f.write(b"250 OK\r\n")
            f.flush()
        conn.close()
        listener.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    to = "email:desk@example.com"
    wid = _watchlist(sessions, "nev", [to])
    _stories(sessions, wid, [to], 1)

    report = dispatch(sessions, ChannelSettings(smtp_host="127.0.0.1", smtp_port=port,
                                                smtp_timeout=5), now=NOW)

    assert report.retrying == 1 and "disconnected" in report.messages[0]
    assert _status(sessions) == {"pending": 1}
    thread.join(5)


def test_an_smtp_5xx_rejection_fails_the_delivery_at_once(sessions, smtp_server):  # noqa: F811
    smtp_server.reject_with = "550 5.1.1 no such user"
    to = "email:nobody@example.com"
    wid = _watchlist(sessions, "nev", [to])
    _stories(sessions, wid, [to], 1)

    report = dispatch(sessions, ChannelSettings(smtp_host=smtp_server.host,
                                                smtp_port=smtp_server.port), now=NOW)

    assert report.failed == 1 and "550 5.1.1 no such user" in report.messages[0]
    assert _status(sessions) == {"failed": 1}


# --- alerts test ----------------------------------------------------------------------------


def test_alerts_test_sends_a_sample_to_each_channel_and_prints_the_exact_error(
        tmp_path, sqlite_url, receiver):
    sessions = open_database(sqlite_url)
    closed = "webhook:http://127.0.0.1:9/hook"
    _watchlist(sessions, "nev", [f"webhook:{receiver.url}", closed])
    env = _cli_env(tmp_path, sqlite_url)
    result = _cli(env, "alerts", "test", "nev")

    assert result.returncode == 1
    assert f"ok     webhook:{receiver.url}" in result.stdout
    assert f"failed {closed}" in result.stdout
    assert "cannot connect" in result.stderr and "Connection refused" in result.stderr
    (sample,) = receiver.bodies
    assert sample["article"]["title"].startswith("provwatch test:")
    assert receiver.bad_signatures == 0
    missing = _cli(env, "alerts", "test", "nope")
    assert missing.returncode == 1 and "no watchlist named 'nope'" in missing.stderr


def test_aiosmtpd_dropping_the_connection_after_the_message_leaves_it_pending(sessions):
    """aiosmtpd takes the whole message, then closes the connection instead of replying:
    the client cannot know whether it was accepted, so the delivery is retried."""
    from _servers import _Controller

    class Dropper:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            server.transport.close()
            return "250 never sent"

    controller = _Controller(Dropper(), hostname="127.0.0.1", port=0)
    controller.start()
    try:
        to = "email:desk@example.com"
        wid = _watchlist(sessions, "nev", [to])
        _stories(sessions, wid, [to], 1)
        report = dispatch(sessions, ChannelSettings(smtp_host="127.0.0.1",
                                                    smtp_port=controller.port,
                                                    smtp_timeout=5), now=NOW)
    finally:
        controller.stop()

    assert report.retrying == 1 and "disconnected" in report.messages[0]
    assert _status(sessions) == {"pending": 1}
