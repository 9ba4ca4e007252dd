"""No secret is ever shown: tokens in channel URLs, passwords and webhook secrets stay out
of every command's output, error, log line, notice and stored error (crawler.redact)."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from _servers import closed_port

from provwatch.alerts.channels import ChannelSettings, parse_target, send_notice
from provwatch.alerts.dispatch import dispatch
from provwatch.alerts.notice import Notice
from provwatch.crawler.config import load_config
from provwatch.crawler.daemon.logs import JsonFormatter, LineHandler, TextFormatter
from provwatch.crawler.errors import ConfigError
from provwatch.crawler.redact import MASK, redact, redact_url
from provwatch.crawler.storage.db import close_all, open_database
from provwatch.crawler.storage.models import Article, Delivery, Story, Tag, Watchlist

LOOPBACK = "127.0.0.1"
NOW = datetime.now(timezone.utc)

# --- the secrets: none of these may appear anywhere ---------------------------------------
HOOK_PASSWORD = "hookpass-Q1w2E3r4"
HOOK_TOKEN = "tokA-5f3e9c2b71d0"
HOOK_SIGN = "signB-77aa11bb22cc"
CLOSED_KEY = "keyC-0a0b0c0d0e0f"
OPS_TOKEN = "ops-TOKEN-99887766"
SMTP_PASSWORD = "smtp-Pa55word-XYZ"
WEBHOOK_SECRET = "whsec-Sup3rSecretValue"
TEAMS = ("9f1c2d3e4b5a69788796a5b4c3d2e1f0", "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1Gf0Ed")
SLACK = ("T9Z8Y7X6W", "B1A2B3C4D", "qwertyuiopasdfghjklzxcvb")
DINGTALK_SECRET = "SEC" + "d1e2f3a4b5c6d7e8f9a0" * 3 + "abcd"
DINGTALK_TOKEN = "abcdef0123456789abcdef0123456789"
WECOM_KEY = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
FEISHU_TOKEN = "c1b2c3d4-e5f6-7890-abcd-ef1234567890"
SECRETS = [HOOK_PASSWORD, HOOK_TOKEN, HOOK_SIGN, CLOSED_KEY, OPS_TOKEN, SMTP_PASSWORD,
           WEBHOOK_SECRET, *TEAMS, *SLACK, DINGTALK_SECRET, DINGTALK_TOKEN, WECOM_KEY,
           FEISHU_TOKEN]


def leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


# --- the function ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "shown"), [
    pytest.param("webhook:https://hooks.example.com/provwatch",
                 "webhook:https://hooks.example.com/provwatch", id="a plain URL is kept"),
    pytest.param("https://oapi.dingtalk.com/robot/send?access_token=abc123&x=1",
                 f"https://oapi.dingtalk.com/robot/send?access_token={MASK}&x=1",
                 id="a secret query parameter"),
    pytest.param("https://x.test/h?token=a&key=b&secret=c&sign=d&Signature=e&page=2",
                 f"https://x.test/h?token={MASK}&key={MASK}&secret={MASK}&sign={MASK}"
                 f"&Signature={MASK}&page=2", id="every secret parameter name"),
    pytest.param("https://user:pw123456@hooks.example.com/x",
                 f"https://user:{MASK}@hooks.example.com/x", id="a userinfo password"),
    pytest.param("https://tok123456@hooks.example.com/x", f"https://{MASK}@hooks.example.com/x",
                 id="a bare userinfo token"),
    pytest.param("postgresql://me:pw@db/x?password=y", f"postgresql://me:{MASK}@db/x?password={MASK}",
                 id="a database URL"),
    pytest.param("slack://T000/B000/XXXX/#policy", f"slack://{MASK}/{MASK}/{MASK}/#policy",
                 id="an apprise Slack URL keeps its shape and channel"),
    pytest.param("dingtalk://SECabc@token123", f"dingtalk://{MASK}@{MASK}",
                 id="an apprise DingTalk URL with its signing secret"),
    pytest.param("wecombot://key123?format=text", f"wecombot://{MASK}?format=text",
                 id="an apprise WeCom URL"),
    pytest.param("workflows://prod.logic.azure.com:443/wf1/sig1?pa=yes",
                 f"workflows://prod.logic.azure.com:443/{MASK}/{MASK}?pa=yes",
                 id="a Teams workflow keeps its host"),
    pytest.param("chat:slack://T...D/B...H/a...x/: HTTP 500",
                 "chat:slack://T...D/B...H/a...x/: HTTP 500", id="apprise's privacy form is kept"),
    pytest.param("https://hooks.slack.com/services/T00/B00/XXXX",
                 f"https://hooks.slack.com/services/{MASK}/{MASK}/{MASK}",
                 id="a Slack incoming webhook"),
    pytest.param("https://discord.com/api/webhooks/123/tok", f"https://discord.com/api/webhooks/"
                 f"{MASK}/{MASK}", id="a Discord webhook"),
    pytest.param("https://x.test/a/Ab3dEf6hIj9kLm2nOp5qRs8t/b", f"https://x.test/a/{MASK}/b",
                 id="a token-like path segment"),
    pytest.param("https://news.example/2024/05/t20240501_123.html",
                 "https://news.example/2024/05/t20240501_123.html", id="an article URL is kept"),
    pytest.param("https://www.gov.cn/zhengce/t20240501_1234567890123/index_2024050112",
                 "https://www.gov.cn/zhengce/t20240501_1234567890123/index_2024050112",
                 id="an article path of dates and numbers is kept"),
    pytest.param("login failed: password=hunter22 token: abc", f"login failed: password={MASK} "
                 f"token: {MASK}", id="name=value pairs outside a URL"),
    pytest.param("webhook:https://x.test/h?sign=s1: HTTP 500 (see https://x.test/?key=k2).",
                 f"webhook:https://x.test/h?sign={MASK}: HTTP 500 (see https://x.test/?key={MASK}).",
                 id="punctuation after a URL stays"),
    pytest.param("'webhook:http://example.com:99999/?key=k1'",
                 f"'webhook:http://example.com:99999/?key={MASK}'", id="a URL with a bad port"),
])
def test_redact_hides_the_secret_and_keeps_the_rest(text, shown):
    assert redact(text) == shown


def test_redact_hides_the_secrets_it_is_given_wherever_they_are():
    assert redact("auth as bob with hunter2hunter2 failed", ["hunter2hunter2", None, "x"]) \
        == f"auth as bob with {MASK} failed"
    assert redact_url("not a url") == "not a url"


# --- errors and notices, in process --------------------------------------------------------


def test_a_bad_channel_spec_error_shows_no_token():
    with pytest.raises(ValueError) as info:
        parse_target(f"webhook:ftp://u:{HOOK_PASSWORD}@x.test/?access_token={HOOK_TOKEN}")
    assert not leaks(str(info.value)) and "a webhook needs an http(s) URL" in str(info.value)



def test_notices_and_their_errors_carry_no_secret(webhook_receiver):
    closed = closed_port()
    targets = [f"webhook:http://{LOOPBACK}:{closed}/ops?token={OPS_TOKEN}",
               f"webhook:{webhook_receiver.url}"]
    notice = Notice(key="k", subject=f"source bad: https://x.test/feed?access_token={HOOK_TOKEN}",
                    body=f"Last error: GET https://u:{HOOK_PASSWORD}@x.test/feed failed",
                    data={"source": "x", "last_error": f"GET /feed?sign={HOOK_SIGN}: 403"})
    errors = send_notice(targets, notice, ChannelSettings(webhook_secret=WEBHOOK_SECRET,
                                                          webhook_timeout=5))
    assert len(errors) == 1 and "cannot connect" in errors[0] and not leaks(errors[0])
    (req,) = webhook_receiver.requests
    assert not leaks(req.body.decode("utf-8")) and MASK in req.json["subject"]


def test_dispatch_logs_reports_and_stored_errors_carry_no_secret(tmp_path, webhook_receiver,
                                                                    caplog):
    url = f"sqlite:///{tmp_path / 'd.db'}"
    webhook_receiver.statuses = [500] * 5
    channel = _hook_channel(webhook_receiver.url)
    sessions = open_database(url)
    _owed(sessions, channel)
    with caplog.at_level(logging.DEBUG):
        report = dispatch(sessions, ChannelSettings(webhook_secret=WEBHOOK_SECRET), now=NOW)
    assert report.retrying == 1 and report.messages
    assert not leaks("\n".join(report.messages)) and not leaks(caplog.text)
    with sessions() as session:
        (delivery,) = session.query(Delivery).all()
        assert "HTTP 500" in delivery.last_error and not leaks(delivery.last_error)
    close_all()


# --- every command, as an operator runs it ------------------------------------------------


def _hook_channel(receiver_url: str) -> str:
    return f"webhook:{receiver_url}?access_token={HOOK_TOKEN}&sign={HOOK_SIGN}"


def _owed(sessions, channel: str) -> None:
    """A stored story that owes watchlist ``owed`` an alert on ``channel``."""
    with sessions() as session, session.begin():
        w = Watchlist(name="owed", channels=[channel], created_at=NOW - timedelta(days=1))
        story = Story(title="河南新能源汽车", copy_count=1, first_seen_at=NOW)
        session.add_all([w, story])
        session.flush()
        article = Article(canonical_url="https://news.example/1.html",
                          url="https://news.example/1.html", source_id="prov_henan_news",
                          title="河南新能源汽车", text="正文。", content_hash="h1",
                          story_id=story.id, published_at=NOW, fetched_at=NOW)
        article.tags = [Tag(kind="province", value="henan", role="about")]
        session.add(article)
        session.flush()
        session.add(Delivery(watchlist_id=w.id, story_id=story.id, article_id=article.id,
                             channel=channel, status="pending", attempts=0,
                             next_attempt_at=NOW - timedelta(minutes=1)))


def test_no_command_shows_a_secret(tmp_path: Path, webhook_receiver):
    webhook_receiver.statuses = [500] * 20
    closed = closed_port()
    database = f"sqlite:///{tmp_path / 'p.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update({"PROVWATCH_DATABASE_URL": database, "PROVWATCH_DATA_DIR": str(tmp_path),
                "PROVWATCH_WEBHOOK_SECRET": WEBHOOK_SECRET, "PROVWATCH_WEBHOOK_TIMEOUT": "5",
                "PROVWATCH_SMTP_HOST": LOOPBACK, "PROVWATCH_SMTP_PORT": str(closed),
                "PROVWATCH_SMTP_USERNAME": "desk", "PROVWATCH_SMTP_PASSWORD": SMTP_PASSWORD,
                "PROVWATCH_ALERT_MAX_ATTEMPTS": "1",
                "COLUMNS": "300",  # a table must not fold a secret over two lines
                "PROVWATCH_OPERATOR_CHANNELS":
                    f"webhook:http://{LOOPBACK}:{closed}/ops?token={OPS_TOKEN}"})
    sessions = open_database(database)
    _owed(sessions, _hook_channel(webhook_receiver.url))
    close_all()
    shown: list[str] = []

    def cli(*args: str, ok: bool | None = True) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", *args], env=env,
                              capture_output=True, text=True, timeout=120)
        shown.append(f"{done.stdout}\n{done.stderr}")  # what the operator sees, not typed
        if ok is not None:
            assert (done.returncode == 0) == ok, f"{args[:2]}: {shown[-1]}"
        return done

    cli("watch", "add", "hooks", "--webhook", _hook_channel(webhook_receiver.url)[8:],
        "--webhook", f"http://{LOOPBACK}:{closed}/x?key={CLOSED_KEY}",
        "--email", "desk@example.com",
        "--chat", f"workflows://{LOOPBACK}:{closed}/{TEAMS[0]}/{TEAMS[1]}")
    cli("watch", "add", "chats",
        "--chat", "slack://{}/{}/{}/#policy".format(*SLACK),
        "--chat", f"dingtalk://{DINGTALK_SECRET}@{DINGTALK_TOKEN}",
        "--chat", f"wecombot://{WECOM_KEY}", "--chat", f"feishu://{FEISHU_TOKEN}",
        "--webhook", f"https://desk:{HOOK_PASSWORD}@hooks.example.test/in")
    cli("watch", "add", "bad", "--chat", f"dingtalk://{DINGTALK_TOKEN}/x y", ok=False)
    cli("watch", "add", "bad", "--webhook", f"ftp://u:{HOOK_PASSWORD}@x.test/", ok=False)
    listed = cli("watch", "list").stdout
    assert "slack://" in listed and "dingtalk://" in listed and "#policy" in listed
    assert "workflows://127.0.0.1" in listed
    cli("watch", "show", "hooks")
    assert "dingtalk://****@****" in cli("watch", "show", "chats").stdout
    tested = cli("alerts", "test", "hooks", ok=False)
    assert tested.stdout.count("failed") == 4 and "HTTP 500" in tested.stderr
    cli("alerts", "send", ok=None)
    failed = cli("alerts", "failed").stdout
    assert "HTTP 500" in failed
    assert json.loads(cli("alerts", "failed", "--json").stdout)[0]["last_error"]
    cli("alerts", "retry", "--all", ok=False)
    cli("config")
    cli("config", "--json")
    cli("status", ok=None)
    cli("status", "--json", ok=None)

    everything = "\n".join(shown)
    assert not leaks(everything), everything
    logs = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix in (".log", ".jsonl")]
    for path in logs:
        assert not leaks(path.read_text(encoding="utf-8", errors="replace")), path


@pytest.mark.parametrize("json_mode", [False, True])
def test_a_log_line_carries_no_secret(json_mode):
    stream = io.StringIO()
    handler = LineHandler(stream, JsonFormatter() if json_mode else TextFormatter(),
                          logging.INFO)
    logger = logging.getLogger("provwatch.test_secrets")
    logger.addHandler(handler)
    try:
        logger.warning("notice to %s failed", f"dingtalk://{DINGTALK_SECRET}@{DINGTALK_TOKEN}",
                       extra={"fields": {"url": f"https://x.test/?access_token={HOOK_TOKEN}"}})
    finally:
        logger.removeHandler(handler)
    line = stream.getvalue()
    assert "notice to dingtalk://****@**** failed" in line and not leaks(line)


def test_a_bad_setting_is_refused_without_showing_its_secret():
    with pytest.raises(ConfigError) as info:
        load_config(env={"PROVWATCH_OPERATOR_CHANNELS": f"webhook:ftp://x.test/?token={OPS_TOKEN}"})
    assert "PROVWATCH_OPERATOR_CHANNELS" in str(info.value) and not leaks(str(info.value))
