"""Email and webhook channels against real loopback servers; target specs; rendering."""

from __future__ import annotations

import email
import email.policy
import json
import socket
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from provwatch.alerts import render
from provwatch.alerts.channels import ChannelSettings, make_channel, parse_target
from provwatch.alerts.channels.email import EmailChannel
from provwatch.alerts.channels.webhook import WebhookChannel, verify_signature
from provwatch.alerts.errors import DeliveryError
from provwatch.alerts.message import AlertMessage

TITLE = "河南省委书记会见比亚迪董事长"
MSG = AlertMessage(
    delivery_id=555,
    watchlist="nev-henan",
    story_id=42,
    article_id=1007,
    title=TITLE,
    url="https://example.cn/a/1007.html",
    source_id="henan_daily",
    published_at=datetime(2024, 5, 1, 8, 30, tzinfo=timezone.utc),
    snippet="省委书记会见比亚迪董事长，双方就新能源汽车合作交换意见。",
    provinces_about=("henan",),
    provinces_mentioned=("guangdong",),
    sectors=("nev", "batteries_storage"),
    event="leader_meeting",
    copies=3,
    outlets=("henan_daily", "dahe"),
)
TO = "ops@example.com"


def smtp_settings(server, **extra) -> ChannelSettings:
    return ChannelSettings(smtp_host=server.host, smtp_port=server.port, smtp_timeout=5, **extra)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- email ------------------------------------------------------------------------------


def test_an_email_arrives_with_text_and_html_parts_and_a_tagged_subject(smtp_server):
    EmailChannel(TO, smtp_settings(smtp_server)).send(MSG)

    [mail] = smtp_server.messages
    assert mail.mail_from == "provwatch@localhost"
    assert mail.rcpt_tos == [TO]
    m = mail.message
    assert m.get_content_type() == "multipart/alternative"
    assert m["Subject"] == f"[provwatch] {TITLE} — Henan · New energy vehicles, Batteries and energy storage"
    assert m["To"] == TO
    assert m["X-Provwatch-Story"] == "42"
    assert m["Message-ID"] and m["Date"]
    text = m.get_body(("plain",)).get_content()
    assert TITLE in text and MSG.url in text and "2024-05-01 16:30 +08:00" in text
    assert "Guangdong" in text and "Leader meeting" in text and "dahe" in text
    html = m.get_body(("html",)).get_content()
    assert TITLE in html and 'href="https://example.cn/a/1007.html"' in html


def test_a_title_with_a_crlf_cannot_inject_a_bcc_header(smtp_server):
    msg = replace(MSG, title="Alert\r\nBcc: evil@x\nX-Evil: 1")
    EmailChannel(TO, smtp_settings(smtp_server)).send(msg)

    [mail] = smtp_server.messages
    assert mail.rcpt_tos == [TO]
    assert mail.message["Bcc"] is None and mail.message["X-Evil"] is None
    assert b"\r\nBcc:" not in mail.raw and b"\nX-Evil:" not in mail.raw
    assert mail.message["Subject"].startswith("[provwatch] Alert Bcc: evil@x X-Evil: 1 — ")


def test_an_html_laden_title_is_escaped_in_the_html_part(smtp_server):
    msg = replace(MSG, title='<script>alert("x")</script><b>bold</b>', url="javascript:alert(1)")
    EmailChannel(TO, smtp_settings(smtp_server)).send(msg)

    html = smtp_server.messages[0].message.get_body(("html",)).get_content()
    assert "<script>" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'href="javascript' not in html


@pytest.mark.parametrize(
    ("reply", "permanent"),
    [("550 no such user", True), ("553 mailbox name not allowed", True), ("450 try later", False)],
    ids=["550-is-permanent", "553-is-permanent", "450-is-retryable"],
)
def test_a_refused_recipient_raises_with_the_smtp_code(smtp_server, reply, permanent):
    smtp_server.reject_with = reply
    with pytest.raises(DeliveryError) as info:
        EmailChannel(TO, smtp_settings(smtp_server)).send(MSG)
    assert info.value.permanent is permanent
    assert reply in str(info.value)
    assert f"{smtp_server.host}:{smtp_server.port}" in str(info.value)
    assert smtp_server.messages == []


def test_a_closed_smtp_port_raises_a_retryable_error_naming_host_and_port():
    port = free_port()
    settings = ChannelSettings(smtp_host="127.0.0.1", smtp_port=port, smtp_timeout=2)
    with pytest.raises(DeliveryError) as info:
        EmailChannel(TO, settings).send(MSG)
    assert info.value.permanent is False
    assert f"127.0.0.1:{port}" in str(info.value)


def test_a_pickup_dir_gets_a_parseable_eml_file_and_nothing_is_sent(tmp_path):
    pickup = tmp_path / "outbox"
    settings = ChannelSettings(smtp_port=free_port(), smtp_pickup_dir=str(pickup))
    EmailChannel(TO, settings).send(MSG)

    assert [p.name for p in pickup.iterdir()] == ["555-42.eml"]
    m = email.message_from_bytes((pickup / "555-42.eml").read_bytes(), policy=email.policy.default)
    assert m["To"] == TO and m["X-Provwatch-Story"] == "42"
    assert TITLE in m["Subject"]
    assert TITLE in m.get_body(("plain",)).get_content()
    assert TITLE in m.get_body(("html",)).get_content()


# --- webhook ----------------------------------------------------------------------------


def test_a_webhook_posts_the_versioned_payload_signed_with_the_secret(webhook_receiver):
    settings = ChannelSettings(webhook_secret="s3cret", webhook_timeout=5)
    WebhookChannel(webhook_receiver.url, settings).send(MSG)

    [req] = webhook_receiver.requests
    assert req.path == "/hook"
    assert req.headers["Content-Type"] == "application/json; charset=utf-8"
    assert req.headers["X-Provwatch-Event"] == "story.matched"
    assert req.headers["X-Provwatch-Delivery"] == "555"
    assert req.headers["User-Agent"].startswith("provwatch/")
    assert TITLE.encode("utf-8") in req.body  # ensure_ascii=False
    assert req.json == render.webhook_payload(MSG)
    assert req.json["version"] == 1 and req.json["type"] == "story.matched"
    assert req.json["article"]["published_at"] == "2024-05-01T08:30:00Z"
    assert req.json["story"] == {"id": 42, "copies": 3, "outlets": ["henan_daily", "dahe"],
                                 "outlet_names": ["henan_daily", "dahe"]}
    signature = req.headers["X-Provwatch-Signature"]
    assert signature.startswith("sha256=")
    assert verify_signature("s3cret", req.body, signature)
    assert not verify_signature("s3cret", req.body.replace(b"555", b"556"), signature)
    assert not verify_signature("other", req.body, signature)


def test_a_webhook_without_a_secret_sends_no_signature(webhook_receiver):
    WebhookChannel(webhook_receiver.url, ChannelSettings(webhook_timeout=5)).send(MSG)
    assert "X-Provwatch-Signature" not in webhook_receiver.requests[0].headers


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(500, False), (503, False), (404, True), (410, True), (408, False), (429, False)],
)
def test_a_webhook_error_status_raises_naming_url_and_status(webhook_receiver, status, permanent):
    webhook_receiver.statuses = [status]
    with pytest.raises(DeliveryError) as info:
        WebhookChannel(webhook_receiver.url, ChannelSettings(webhook_timeout=5)).send(MSG)
    assert info.value.permanent is permanent
    assert f"HTTP {status}" in str(info.value)
    assert webhook_receiver.url in str(info.value)
    assert "from test receiver" in str(info.value)


def test_a_webhook_succeeds_after_the_receiver_recovers(webhook_receiver):
    webhook_receiver.statuses = [500]
    channel = WebhookChannel(webhook_receiver.url, ChannelSettings(webhook_timeout=5))
    with pytest.raises(DeliveryError):
        channel.send(MSG)
    channel.send(MSG)
    assert len(webhook_receiver.requests) == 2


def test_a_receiver_that_never_answers_times_out_as_retryable(silent_server):
    channel = WebhookChannel(silent_server.url, ChannelSettings(webhook_timeout=0.3))
    with pytest.raises(DeliveryError) as info:
        channel.send(MSG)
    assert info.value.permanent is False
    assert "timed out" in str(info.value)


def test_a_closed_webhook_port_raises_a_retryable_error():
    url = f"http://127.0.0.1:{free_port()}/hook"
    with pytest.raises(DeliveryError) as info:
        WebhookChannel(url, ChannelSettings(webhook_timeout=2)).send(MSG)
    assert info.value.permanent is False
    assert url in str(info.value)


# --- target specs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("email:ops@example.com", ("email", "ops@example.com")),
        (" EMAIL: ops@example.com ", ("email", "ops@example.com")),
        ("webhook:https://hooks.example.com/p?x=1", ("webhook", "https://hooks.example.com/p?x=1")),
        ("webhook:http://127.0.0.1:8080/hook", ("webhook", "http://127.0.0.1:8080/hook")),
    ],
)
def test_a_good_target_spec_splits_into_kind_and_target(spec, expected):
    assert parse_target(spec) == expected


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("ops@example.com", "must look like"),
        ("sms:+8613800000000", "unknown kind 'sms'"),
        ("email:ops.example.com", "not an email address"),
        ("email:a@b@c", "not an email address"),
        ("email:", "not an email address"),
        ("email:a@b.com, evil@x.com", "not an email address"),
        ("email:a@b.com\r\nBcc: x@y", "not an email address"),
        ("webhook:ftp://example.com/x", "http(s)"),
        ("webhook:example.com/hook", "http(s)"),
        ("webhook:https://", "http(s)"),
        ("webhook:http://example.com:99999/", "bad URL"),
    ],
)
def test_a_bad_target_spec_raises_a_value_error_naming_it(spec, reason):
    with pytest.raises(ValueError) as info:
        parse_target(spec)
    assert reason in str(info.value)
    assert repr(spec) in str(info.value)


def test_make_channel_builds_the_channel_the_spec_names():
    settings = ChannelSettings()
    assert isinstance(make_channel("email:ops@example.com", settings), EmailChannel)
    hook = make_channel("webhook:https://h.example.com/x", settings)
    assert isinstance(hook, WebhookChannel) and hook.key == "webhook:https://h.example.com/x"


def test_an_unknown_smtp_security_mode_is_refused():
    with pytest.raises(ValueError, match="smtp_security"):
        ChannelSettings(smtp_security="tls")


# --- rendering --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, f"[provwatch] {TITLE} — Henan · New energy vehicles, Batteries and energy storage"),
        ({"provinces_about": ()},
         f"[provwatch] {TITLE} — Guangdong · New energy vehicles, Batteries and energy storage"),
        ({"provinces_about": (), "provinces_mentioned": (), "sectors": ()}, f"[provwatch] {TITLE}"),
        ({"title": " a\tb\x00c\u2028d ", "sectors": ()}, "[provwatch] a b c d — Henan"),
        ({"title": "", "language": "zh"}, "[provwatch] （无标题） — 河南 · 新能源汽车、动力电池与储能"),
    ],
)
def test_the_subject_is_one_clean_line_of_title_and_tags(changes, expected):
    assert render.subject(replace(MSG, **changes)) == expected


def test_a_long_title_is_cut_so_the_subject_stays_within_200_chars():
    line = render.subject(replace(MSG, title="长" * 500))
    assert len(line) == 200
    assert line.endswith("… — Henan · New energy vehicles, Batteries and energy storage")


def test_the_payload_has_null_published_at_when_the_date_is_unknown():
    payload = render.webhook_payload(replace(MSG, published_at=None, event=None))
    assert payload["article"]["published_at"] is None and payload["tags"]["event"] is None
    json.dumps(payload)
