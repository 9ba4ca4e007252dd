"""Chat channels (Slack, Teams, Discord, Feishu/Lark, DingTalk, WeCom) through apprise,
against real loopback HTTP receivers; chat rendering; chat URL validation.

apprise's plugins post to hard-coded service endpoints (``NotifySlack.webhook_url``,
``NotifyDiscord.notify_url``, ``NotifyFeishu.notify_url``, ``NotifyLark.notify_url``,
``NotifyDingTalk.notify_url``, ``NotifyWeComBot.notify_url``). The tests point those class
attributes at a loopback receiver with monkeypatch. Teams (``workflows://``) takes its
host from the URL but always speaks HTTPS, so it gets a loopback HTTPS receiver whose
throwaway self-signed certificate is trusted through ``REQUESTS_CA_BUNDLE``. Everything
else (URL parsing, payload building, the HTTP exchange, status handling) is apprise's
real code. No test reaches the internet (conftest allows loopback only).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
import re
import socket
import ssl
import threading
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from _servers import read_body
from apprise.plugins.dingtalk import NotifyDingTalk
from apprise.plugins.discord import NotifyDiscord
from apprise.plugins.feishu import NotifyFeishu
from apprise.plugins.lark import NotifyLark
from apprise.plugins.slack import NotifySlack
from apprise.plugins.wecombot import NotifyWeComBot

from provwatch.alerts import chat_render, digest_render
from provwatch.alerts.channels import ChannelSettings, make_channel, parse_target
from provwatch.alerts.channels.chat import ChatChannel, validate_chat_url
from provwatch.alerts.errors import DeliveryError
from provwatch.alerts.message import AlertMessage, Digest
from provwatch.alerts.notice import Notice

LOOPBACK = "127.0.0.1"
ARTICLE = "https://example.cn/a/1007.html"
TITLE = "河南省委书记会见比亚迪董事长"
MSG = AlertMessage(
    delivery_id=555, watchlist="nev-henan", story_id=42, article_id=1007, title=TITLE,
    url=ARTICLE, source_id="henan_daily",
    published_at=datetime(2024, 5, 1, 8, 30, tzinfo=timezone.utc),
    snippet="省委书记会见比亚迪董事长，双方就新能源汽车合作交换意见。",
    provinces_about=("henan",), provinces_mentioned=("guangdong",),
    sectors=("nev", "batteries_storage"), event="leader_meeting", copies=3,
    outlets=("henan_daily", "dahe"),
)

# secrets: every one of these must stay out of keys and error messages
SLACK_T = ("T1234ABCD", "B5678EFGH", "abcdefghijklmnopqrstuvwx")
DISCORD_T = ("123456789012345678", "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789")
FEISHU_T = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
LARK_T = "b1b2c3d4-e5f6-7890-abcd-ef1234567890"
DINGTALK_T = "abcdef0123456789abcdef0123456789"
WECOM_T = "0123abcd-4567-89ef-0123-456789abcdef"
TEAMS_T = ("643e69f83c8944438d68119179a10a64", "KODuebWbDGYFr0z0eu6Rj8aUKz7108W3")

URLS = {
    "slack": "slack://{}/{}/{}".format(*SLACK_T),
    "discord": "discord://{}/{}".format(*DISCORD_T),
    "feishu": f"feishu://{FEISHU_T}",
    "lark": f"lark://{LARK_T}",
    "dingtalk": f"dingtalk://{DINGTALK_T}",
    "wecombot": f"wecombot://{WECOM_T}",
}
SECRETS = [*SLACK_T, *DISCORD_T, FEISHU_T, LARK_T, DINGTALK_T, WECOM_T, *TEAMS_T]
SERVICES = ["slack", "discord", "feishu", "lark", "dingtalk", "wecombot", "workflows"]


def settings(timeout: float = 5.0) -> ChannelSettings:
    return ChannelSettings(chat_timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


# --- loopback receivers -----------------------------------------------------------------


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    json: Any


@dataclass
class ChatReceiver:
    """Answers like the real services do when they accept a message (Slack ``ok``, Discord
    204, Feishu/Lark ``code 0``, DingTalk/WeCom ``errcode 0``, Workflows 202), unless
    ``replies`` holds (status, body) pairs, answered in order."""

    base: str = ""
    requests: list[Received] = field(default_factory=list)
    replies: list[tuple[int, bytes]] = field(default_factory=list)
    by_path: dict[str, tuple[int, bytes]] = field(default_factory=dict)  # path prefix ->

    def one(self) -> Received:
        assert len(self.requests) == 1, self.requests
        return self.requests[0]


def _accept(path: str) -> tuple[int, bytes]:
    if path.startswith("/services/"):
        return 200, b"ok"
    if path.startswith("/api/webhooks/"):
        return 204, b""
    if path.startswith("/open-apis/"):
        return 200, b'{"code":0,"msg":"success","data":{}}'
    if path.startswith(("/robot/", "/cgi-bin/")):
        return 200, b'{"errcode":0,"errmsg":"ok"}'
    return 202, b""  # workflows


def _handler(state: ChatReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body, parsed = read_body(self)
            parts = urlsplit(self.path)
            state.requests.append(Received(parts.path, parse_qs(parts.query),
                                           dict(self.headers), body, parsed))
            fixed = [r for prefix, r in state.by_path.items() if parts.path.startswith(prefix)]
            status, reply = (state.replies.pop(0) if state.replies else
                             fixed[0] if fixed else _accept(parts.path))
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8"
                             if reply.startswith(b"{") else "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return Handler


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 and its key (PEM files)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "provwatch test receiver")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address(LOOPBACK))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


def _serve(state: ChatReceiver, context: ssl.SSLContext | None) -> Iterator[int]:
    server = ThreadingHTTPServer((LOOPBACK, 0), _handler(state))
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def receiver(monkeypatch) -> Iterator[ChatReceiver]:
    """An HTTP receiver standing in for Slack, Discord, Feishu, Lark, DingTalk and WeCom."""
    state = ChatReceiver()
    for port in _serve(state, None):
        base = state.base = f"http://{LOOPBACK}:{port}"
        monkeypatch.setattr(NotifySlack, "webhook_url", f"{base}/services")
        monkeypatch.setattr(NotifyDiscord, "notify_url", f"{base}/api/webhooks")
        monkeypatch.setattr(NotifyFeishu, "notify_url",
                            f"{base}/open-apis/bot/v2/hook/{{token}}/")
        monkeypatch.setattr(NotifyLark, "notify_url", f"{base}/open-apis/bot/v2/hook/")
        monkeypatch.setattr(NotifyDingTalk, "notify_url",
                            f"{base}/robot/send?access_token={{token}}")
        monkeypatch.setattr(NotifyWeComBot, "notify_url",
                            f"{base}/cgi-bin/webhook/send?key={{key}}")
        yield state


@pytest.fixture
def teams(tls_files, monkeypatch) -> Iterator[ChatReceiver]:
    """An HTTPS receiver standing in for a Power Automate (Teams Workflows) endpoint."""
    cert, key = tls_files
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", cert)
    state = ChatReceiver()
    for port in _serve(state, context):
        state.base = f"workflows://{LOOPBACK}:{port}/{TEAMS_T[0]}/{TEAMS_T[1]}"
        yield state


@pytest.fixture
def chat(receiver, teams):
    """``chat(service)`` -> (a fresh ChatChannel for it, the receiver it posts to)."""

    def make(service: str, query: str = "", timeout: float = 5.0):
        if service == "workflows":
            url, where = teams.base, teams
        else:
            url, where = URLS[service], receiver
        return ChatChannel(url + query, settings(timeout)), where

    return make


def text_of(service: str, payload: dict) -> str:
    """The message text a service's payload shows (title and body)."""
    if service == "slack":
        att = payload["attachments"][0]
        if "blocks" in att:
            return "\n".join(b["text"]["text"] for b in att["blocks"] if "text" in b)
        return f"{att['title']}\n{att['text']}"
    if service == "discord":
        if "embeds" in payload:
            embed = payload["embeds"][0]
            fields = [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
            return "\n".join([embed["title"], embed["description"], *fields])
        return payload["content"]
    if service in ("feishu", "lark"):
        return payload["content"]["text"]
    if service == "dingtalk":
        return payload["markdown"]["text"] if "markdown" in payload \
            else payload["text"]["content"]
    if service == "wecombot":
        return payload["text"]["content"]
    blocks = payload["attachments"][0]["content"]["body"]
    return "\n".join(b["text"] for b in blocks if b["type"] == "TextBlock")


# --- payloads, service by service ---------------------------------------------------------


def test_slack_posts_an_incoming_webhook_payload_with_a_linked_title(chat):
    channel, rx = chat("slack")
    channel.send(MSG)

    req = rx.one()
    assert req.path == "/services/{}/{}/{}".format(*SLACK_T)
    assert req.headers["Content-Type"].startswith("application/json")
    payload = req.json
    assert payload["mrkdwn"] is True
    [att] = payload["attachments"]
    assert att["title"] == "provwatch · nev-henan"
    text = att["text"]
    assert f"<{ARTICLE}|{TITLE}>" in text  # Slack's link syntax, made by apprise
    assert "Henan · New energy vehicles, Batteries and energy storage · Leader meeting" in text
    assert "source henan_daily · 2024-05-01 16:30 +08:00 · 3 copies (henan_daily, dahe)" in text
    assert "watchlist nev-henan" in text
    assert "双方就新能源汽车合作交换意见" in text
    assert len(text) <= 3000


def test_slack_block_kit_payload_has_a_header_and_a_mrkdwn_section(chat):
    channel, rx = chat("slack", "?blocks=yes")
    channel.send(MSG)

    blocks = rx.one().json["attachments"][0]["blocks"]
    header, section = blocks[0], blocks[1]
    assert header["type"] == "header" and header["text"]["type"] == "plain_text"
    assert header["text"]["text"] == "provwatch · nev-henan"
    assert len(header["text"]["text"]) <= 150
    assert section["type"] == "section" and section["text"]["type"] == "mrkdwn"
    assert f"<{ARTICLE}|{TITLE}>" in section["text"]["text"]


def test_feishu_posts_msg_type_text_with_the_url_on_its_own_line(chat):
    channel, rx = chat("feishu")
    channel.send(MSG)

    req = rx.one()
    assert req.path == f"/open-apis/bot/v2/hook/{FEISHU_T}/"
    assert req.json["msg_type"] == "text"
    assert set(req.json) == {"msg_type", "content"} and set(req.json["content"]) == {"text"}
    lines = req.json["content"]["text"].splitlines()
    assert lines[0] == "provwatch · nev-henan"  # apprise puts the title first
    assert lines[1:3] == [TITLE, ARTICLE]
    assert "watchlist nev-henan" in lines


def test_lark_posts_msg_type_text_without_waiting(chat):
    channel, rx = chat("lark")
    started = time.monotonic()
    channel.send(MSG)

    assert time.monotonic() - started < 3  # apprise's Lark plugin would sleep 5.5 s

    req = rx.one()
    assert req.path == f"/open-apis/bot/v2/hook/{LARK_T}"
    assert req.json["msg_type"] == "text"
    assert req.json["content"]["text"].splitlines()[:3] == [
        "provwatch · nev-henan", TITLE, ARTICLE]


def test_dingtalk_posts_markdown_with_a_title_and_a_link(chat):
    channel, rx = chat("dingtalk")
    channel.send(MSG)

    req = rx.one()
    assert req.path == "/robot/send" and req.query["access_token"] == [DINGTALK_T]
    payload = req.json
    assert payload["msgtype"] == "markdown"
    assert payload["markdown"]["title"] == "provwatch · nev-henan"  # the chat-list preview
    text = payload["markdown"]["text"]
    assert text.startswith("# provwatch · nev-henan\n")
    assert f"[{TITLE}]({ARTICLE})" in text
    assert payload["at"] == {"atMobiles": [], "isAtAll": False}


def test_dingtalk_in_text_format_puts_the_url_on_its_own_line(chat):
    channel, rx = chat("dingtalk", "?format=text")
    channel.send(MSG)

    payload = rx.one().json
    assert payload["msgtype"] == "text"
    lines = payload["text"]["content"].splitlines()
    assert lines[1:3] == [TITLE, ARTICLE]


def test_wecom_posts_msgtype_text_within_2048_bytes(chat):
    channel, rx = chat("wecombot")
    channel.send(MSG)

    req = rx.one()
    assert req.path == "/cgi-bin/webhook/send" and req.query["key"] == [WECOM_T]
    assert req.json["msgtype"] == "text"
    content = req.json["text"]["content"]
    assert content.splitlines()[1:3] == [TITLE, ARTICLE]
    assert len(content.encode("utf-8")) <= 2048


def test_discord_posts_content_with_a_markdown_link_and_no_mentions_allowed(chat):
    channel, rx = chat("discord")
    channel.send(MSG)

    req = rx.one()
    assert req.path == "/api/webhooks/{}/{}".format(*DISCORD_T)
    payload = req.json
    assert payload["allowed_mentions"] == {"parse": []}
    assert "allow_mentions" not in payload
    content = payload["content"]
    assert content.startswith("provwatch · nev\\-henan\r\n")
    assert f"[{TITLE}]({ARTICLE})" in content
    assert len(content) <= 2000


def test_teams_workflow_posts_an_adaptive_card_over_https(chat):
    channel, rx = chat("workflows")
    channel.send(MSG)

    req = rx.one()
    assert req.path == f"/workflows/{TEAMS_T[0]}/triggers/manual/paths/invoke"
    assert req.query["sig"] == [TEAMS_T[1]]
    payload = req.json
    assert payload["type"] == "message"
    [att] = payload["attachments"]
    assert att["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = att["content"]
    assert card["type"] == "AdaptiveCard"
    title, body = [b for b in card["body"] if b["type"] == "TextBlock"]
    assert title["text"] == "provwatch · nev-henan"
    assert f"[{TITLE}]({ARTICLE})" in body["text"]
    assert "entities" not in card["msteams"]  # no Teams mention


def test_a_title_without_a_web_url_is_not_linked(chat):
    channel, rx = chat("discord")
    channel.send(replace(MSG, url="javascript:alert(1)"))

    content = rx.one().json["content"]
    assert "](" not in content and "javascript" not in content


def test_an_article_url_with_link_breaking_characters_is_percent_encoded():
    url = chat_render.web_url("https://example.cn/a b/(x)|<y>@z?q=[1]#f")
    assert url is None  # a space: not one URL
    url = chat_render.web_url("https://example.cn/a/(x)|<y>@z?q=[1]&r=2#f")
    assert url == "https://example.cn/a/%28x%29%7C%3Cy%3E%40z?q=%5B1%5D&r=2#f"
    assert chat_render.web_url("ftp://example.cn/x") is None
    assert chat_render.web_url("https://user:pw@example.cn/") is None


# --- hostile scraped text -------------------------------------------------------------------

HOSTILE = [
    "@channel @here @all @everyone @所有人 ＠here",
    "<!channel> <!here|here> <!everyone> <@U123ABC> <#C123|general> <!subteam^S1|team>",
    '<at user_id="all">所有人</at> <at id=all></at> <at>Everyone</at>',
    "<@&123456789> <@123456789> <#123456789> <t:1700000000:R> <:pwn:123456789>",
    "[click me](http://evil.example/x) ![img](http://evil.example/i.png) [ref]: http://e.x",
    "<http://evil.example|click> <https://evil.example> http://evil.example www.evil.example",
    "evil.example/path mailto:x@evil.example HTTPS://EVIL.EXAMPLE",
    "**bold** __under__ *it* _it_ ~~strike~~ ~s~ `code` ```block``` ||spoiler||",
    "# heading\n> quote\n- item\n1. item\n-# subtext",
    "line1\r\nline2\u2028line3\u2029line4\x0bline5\x85line6\x0c",
    "zero\u200bwidth\u200c\u200d\u2060\ufeff @\u200beveryone <\u200b!channel>",
    "<b>bold</b> <a href='http://evil.example'>x</a> &lt;!channel&gt; &amp; &#60;",
    "\u202eRLO override\u202c and \x00\x07\x1b[31m control",
    "\\*escaped\\* \\<!channel\\> \\[x\\](http://evil.example) \\\\",
    ":rotating_light: <a:x:1> {{app_body}} ${x} %s {0}",
]
# the characters that must not be live in a message, by dialect (chat_render.DIALECTS)
MARKUP = {
    "slack": "<>*_~`",  # & is there, as apprise's &amp;
    "plain": "<>&*_~`",
    "discord": "<>[]*_~`|",  # unless backslash-escaped
    "fold": "<>[]&*_~`|\\#",
    "text": "<>[]&*~`",
}
VARIANTS = [("slack", ""), ("slack", "?blocks=yes"), ("slack", "?format=text"),
            ("discord", ""), ("discord", "?format=text"), ("discord", "?format=markdown"),
            ("feishu", ""), ("lark", ""), ("dingtalk", ""), ("dingtalk", "?format=text"),
            ("wecombot", ""), ("workflows", "")]
_SLACK_LINK = re.compile(r"<(https://example\.cn/a/[\w.]+)\|([^<>]*)>")
_MD_LINK = re.compile(r"\[([^\n]*)\]\((https://example\.cn/a/[\w.]+)\)")
_BARE = re.compile(r"https://example\.cn/a/[\w.]+")
_OWN_BOLD = re.compile(r"(?m)^\*\*?(.*\(\d+\))\*\*?\r?$")


def _live(text: str, chars: str, backslash: bool) -> list[str]:
    """The characters of ``chars`` in ``text`` not escaped by a backslash (if the service
    has backslash escapes); an underscore between two letters or digits is inert."""
    found, i = [], 0
    while i < len(text):
        if backslash and text[i] == "\\":
            i += 2
            continue
        intraword = text[i] == "_" and 0 < i < len(text) - 1 and \
            text[i - 1].isalnum() and text[i + 1].isalnum()
        if text[i] in chars and not intraword:
            found.append(text[i])
        i += 1
    return found


def assert_inert(channel: ChatChannel, payload: dict, links: int) -> None:
    """The message has exactly ``links`` links, all to example.cn articles, and nothing
    else live: no mention, no other link or URL, no markup, no invisible character."""
    service, dialect = channel.service, channel.style.dialect
    text = text_of(service, payload)
    if dialect == "slack":
        rest, n = _SLACK_LINK.subn(r"\2", text)
        assert "<!" not in text and "<@" not in text and "<#" not in text
    elif dialect in ("discord", "fold") and channel.style.markdown:
        rest, n = _MD_LINK.subn(r"\1", text)
    else:
        rest, n = _BARE.subn("", text)
    assert n == links, text
    if service == "dingtalk" and channel.style.markdown:  # apprise's own "# title" line
        assert rest.startswith("# ")
        rest = rest[2:]
    rest = _OWN_BOLD.sub(r"\1", rest)  # a digest's section headings
    assert "@" not in rest
    assert "://" not in rest and "evil.example" not in rest.lower(), rest
    assert not _live(rest, MARKUP[dialect], backslash=dialect == "discord"), rest
    assert not [ch for ch in rest if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")
                and ch not in "\r\n"]
    if service == "discord":
        assert payload["allowed_mentions"] == {"parse": []}
        assert not re.search(r"(?<!\\):\w+:", rest)  # no :emoji: or <:custom:id>
    if service == "workflows":
        assert "entities" not in payload["attachments"][0]["content"]["msteams"]


@pytest.mark.parametrize("service,query", VARIANTS, ids=[s + q for s, q in VARIANTS])
@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_scraped_text_cannot_inject(chat, service, query, hostile):
    benign_channel, rx = chat(service, query)
    benign_channel.send(MSG)
    benign = text_of(service, rx.one().json)
    rx.requests.clear()
    channel, _ = chat(service, query)
    channel.send(replace(MSG, title=hostile, snippet=hostile, outlets=(hostile, "dahe"),
                         source_id=hostile, event=hostile, provinces_about=(hostile,),
                         sectors=(hostile, "nev"), watchlist=hostile))

    payload = rx.one().json
    assert_inert(channel, payload, links=1)
    # no extra line
    assert text_of(service, payload).count("\n") == benign.count("\n")


@pytest.mark.parametrize("service,query", VARIANTS, ids=[s + q for s, q in VARIANTS])
def test_hostile_titles_cannot_inject_into_a_digest(chat, service, query):
    channel, rx = chat(service, query)
    items = tuple(replace(MSG, delivery_id=i, title=hostile, source_id=hostile,
                          url=f"https://example.cn/a/{i}.html", sectors=(hostile,))
                  for i, hostile in enumerate(HOSTILE))
    channel.send_digest(Digest("digest", 1, HOSTILE[0] + HOSTILE[8], items, "nev-henan"))

    payload = rx.one().json
    text = text_of(service, payload)
    listed, more = _listed_and_more(text)
    assert listed + more == len(HOSTILE)
    assert_inert(channel, payload, links=listed)


@pytest.mark.parametrize("dialect", sorted(chat_render.DIALECTS))
@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_safe_makes_one_inert_line_in_every_dialect(dialect, hostile):
    out = chat_render.safe(hostile, dialect)
    assert "\n" not in out and "\r" not in out
    assert "@" not in out and "://" not in out
    assert not [ch for ch in out if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")]
    must_not_be_live = {"slack": "*_~`", "discord": "<>[]*_~`|:", "fold": "<>[]*_~`|&#\\",
                        "text": "<>[]&*~`", "plain": "*_~`"}[dialect]
    assert not _live(out, must_not_be_live, backslash=dialect in ("discord", "slack"))


def test_safe_keeps_ordinary_text_readable():
    assert chat_render.safe("增长3.5%，henan_daily", "fold") == "增长3.5%，henan_daily"
    assert chat_render.safe("see www.gov.cn", "text") == "see www［.］gov［.］cn"
    assert chat_render.safe("a" * 300, "text", 10) == "a" * 9 + "…"


# --- digests ----------------------------------------------------------------------------------

PROVINCES = ["henan", "guangdong", "hubei", "anhui"]
SECTORS = ["nev", "semiconductors", "other"]


def digest_of(n: int, title: str = TITLE * 3) -> Digest:
    items = tuple(
        replace(MSG, delivery_id=i, story_id=i, title=f"{title} {i}",
                url=f"https://example.cn/a/{i}.html",
                provinces_about=(PROVINCES[i % 4],), sectors=(SECTORS[i % 3],),
                published_at=datetime(2024, 5, 1, tzinfo=timezone.utc) + dt.timedelta(hours=i))
        for i in range(n))
    return Digest("digest", 9, "daily digest, 2024-05-01 08:00 to 2024-05-02 08:00 "
                  "Asia/Shanghai", items, "nev-henan")


def test_a_digest_lists_its_sections_in_order_with_the_heading(chat):
    channel, rx = chat("slack")
    channel.send_digest(digest_of(6, title="标题"))

    att = rx.one().json["attachments"][0]
    assert att["title"] == "provwatch digest · 6 stories · nev-henan"
    text = att["text"]
    lines = text.splitlines()
    assert lines[0] == "daily digest, 2024-05-01 08:00 to 2024-05-02 08:00 Asia/Shanghai"
    headings = [ln for ln in lines if ln.startswith("*")]
    expected = [(name, len(items)) for name, items in digest_render.groups(digest_of(6).items)]
    assert headings == [f"*{digest_render.group_name(name, 'en')} ({n})*" for name, n in expected]
    assert sum(ln.startswith("• ") for ln in lines) == 6
    assert "<https://example.cn/a/5.html|标题 5>" in text
    assert "more" not in text


def test_a_long_digest_lists_30_stories_and_counts_the_rest(chat):
    channel, rx = chat("slack", "?blocks=yes")
    channel.send_digest(digest_of(45, title="短标题"))

    text = rx.one().json["attachments"][0]["blocks"][1]["text"]["text"]
    assert sum(ln.startswith("• ") for ln in text.splitlines()) == 30
    assert text.splitlines()[-1] == "… and 15 more"
    assert len(text) <= 3000


def _listed_and_more(text: str) -> tuple[int, int]:
    lines = text.splitlines()
    listed = sum(ln.startswith("• ") for ln in lines)
    more = [ln for ln in lines if ln.startswith("… and ")]
    return listed, int(more[0].split()[2]) if more else 0


@pytest.mark.parametrize("service,limit", [
    ("slack", 3000), ("discord", 2000), ("feishu", 20000), ("lark", 20000),
    ("dingtalk", 20000), ("wecombot", 2048), ("workflows", 28000)])
def test_a_digest_stays_under_the_service_size_limit(chat, service, limit):
    channel, rx = chat(service)
    channel.send_digest(digest_of(80))  # 80 long Chinese titles: far too many to list

    req = rx.one()
    text = text_of(service, req.json)
    listed, more = _listed_and_more(text)
    assert 0 < listed <= 30 and listed + more == 80
    if service == "wecombot":
        assert len(text.encode("utf-8")) <= limit
    elif service in ("slack", "discord"):
        assert len(text) <= limit
    else:
        assert len(req.body) <= limit  # the whole request, as the service counts it


def test_a_summary_without_watchlist_names_its_kind(chat):
    channel, rx = chat("feishu")
    summary = replace(digest_of(2), kind="summary", watchlist=None,
                      heading="2 more alerts folded into one message")
    channel.send_digest(summary)

    lines = rx.one().json["content"]["text"].splitlines()
    assert lines[0] == "provwatch summary · 2 stories"
    assert lines[1] == "2 more alerts folded into one message"


# --- notices ----------------------------------------------------------------------------------


def test_a_notice_is_sent_line_by_line_with_its_subject(chat):
    channel, rx = chat("wecombot")
    notice = Notice("henan_gov:blocked", "source henan_gov is blocked",
                    "henan_gov: HTTP 403 on 5 runs\n<@everyone> [x](http://evil.example)\n")
    channel.send_notice(notice)

    content = rx.one().json["text"]["content"]
    lines = content.splitlines()
    assert lines[0] == "provwatch · source henan_gov is blocked"
    assert lines[1] == "henan_gov: HTTP 403 on 5 runs"
    assert "@" not in content and "<" not in content and "://" not in content


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("service,status,permanent", [
    ("feishu", 500, False), ("feishu", 404, True), ("slack", 400, True),
    ("slack", 503, False), ("discord", 429, False), ("discord", 403, True),
    ("wecombot", 408, False), ("dingtalk", 401, True), ("lark", 502, False),
    ("workflows", 500, False), ("workflows", 400, True), ("slack", 301, True)])
def test_http_errors_are_classified_and_carry_status_and_response_text(
        chat, service, status, permanent):
    channel, rx = chat(service)
    reply = f"test receiver says {status}".encode()
    rx.replies[:] = [(status, reply)] * 2  # apprise's Discord plugin retries a 429 once

    with pytest.raises(DeliveryError) as info:
        channel.send(MSG)

    err = info.value
    assert err.permanent is permanent
    assert f"HTTP {status}: test receiver says {status}" in str(err)
    assert str(err).startswith(channel.key + ":")
    assert not [s for s in SECRETS if s in str(err)]


def test_a_timeout_is_retryable_and_says_so(monkeypatch, silent_server):
    monkeypatch.setattr(NotifyFeishu, "notify_url",
                        f"http://{silent_server.host}:{silent_server.port}/hook/{{token}}/")
    channel = ChatChannel(URLS["feishu"], settings(timeout=0.3))

    started = time.monotonic()
    with pytest.raises(DeliveryError) as info:
        channel.send(MSG)

    assert time.monotonic() - started < 5
    assert info.value.permanent is False
    assert "timed out after 0.3s" in str(info.value)
    assert FEISHU_T not in str(info.value)


@pytest.mark.parametrize("service", ["dingtalk", "wecombot", "discord"])
def test_a_refused_connection_is_retryable_and_hides_the_token(monkeypatch, service):
    base = f"http://{LOOPBACK}:{free_port()}"
    monkeypatch.setattr(NotifyDingTalk, "notify_url", f"{base}/robot/send?access_token={{token}}")
    monkeypatch.setattr(NotifyWeComBot, "notify_url", f"{base}/cgi-bin/webhook/send?key={{key}}")
    monkeypatch.setattr(NotifyDiscord, "notify_url", f"{base}/api/webhooks")
    channel = ChatChannel(URLS[service], settings(timeout=2))

    with pytest.raises(DeliveryError) as info:
        channel.send(MSG)

    assert info.value.permanent is False
    assert "cannot connect" in str(info.value)
    assert not [s for s in SECRETS if s in str(info.value)]


@pytest.mark.parametrize("service,reply,permanent,words", [
    ("dingtalk", {"errcode": 310000, "errmsg": "keywords not in content"}, True,
     "errcode 310000: keywords not in content"),
    ("dingtalk", {"errcode": 410100, "errmsg": "send too fast"}, False, "errcode 410100"),
    ("wecombot", {"errcode": 45009, "errmsg": "api freq out of limit"}, False,
     "errcode 45009"),
    ("wecombot", {"errcode": 93000, "errmsg": "invalid webhook url"}, True, "errcode 93000"),
    ("feishu", {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"},
     True, "code 19021"),
    ("lark", {"code": 11232, "msg": "frequency limited psm[lark.oapi.app_platform_runtime]"},
     False, "code 11232"),
])
def test_errors_reported_in_a_200_reply_are_not_taken_for_success(
        chat, service, reply, permanent, words):
    channel, rx = chat(service)
    rx.replies[:] = [(200, json.dumps(reply).encode())]

    with pytest.raises(DeliveryError) as info:
        channel.send(MSG)

    assert info.value.permanent is permanent
    assert "HTTP 200 but" in str(info.value) and words in str(info.value)


def test_a_failure_without_an_http_reply_is_retryable_and_quotes_apprise(chat):
    channel, rx = chat("feishu")
    channel._plugin.enabled = False  # apprise refuses before any request

    with pytest.raises(DeliveryError) as info:
        channel.send(MSG)

    assert info.value.permanent is False
    assert "no HTTP reply" in str(info.value) and "disabled" in str(info.value)
    assert not rx.requests


def test_concurrent_sends_get_their_own_errors(chat):
    failing, rx = chat("feishu")
    fine, _ = chat("wecombot")
    rx.by_path["/open-apis/"] = (500, b"feishu is down")
    outcomes: dict[str, list[str]] = {"feishu": [], "wecombot": []}

    def run(channel: ChatChannel, name: str) -> None:
        for i in range(8):
            channel2 = ChatChannel(channel.url, settings())
            try:
                channel2.send(replace(MSG, delivery_id=i))
                outcomes[name].append("ok")
            except DeliveryError as e:
                outcomes[name].append(str(e))

    threads = [threading.Thread(target=run, args=(failing, "feishu")),
               threading.Thread(target=run, args=(fine, "wecombot"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert outcomes["wecombot"] == ["ok"] * 8
    assert len(outcomes["feishu"]) == 8
    assert all("HTTP 500: feishu is down" in e for e in outcomes["feishu"])


def test_no_apprise_or_urllib3_log_line_reaches_the_application(chat, caplog):
    caplog.set_level(logging.DEBUG)
    channel, rx = chat("dingtalk")
    rx.replies[:] = [(404, b"nope")]

    with pytest.raises(DeliveryError):
        channel.send(MSG)

    assert DINGTALK_T not in caplog.text
    assert not [r for r in caplog.records if r.name.startswith(("apprise", "urllib3"))]


# --- specs, validation, settings --------------------------------------------------------------

GOOD = [
    URLS["slack"], URLS["slack"] + "/#alerts", URLS["slack"] + "?blocks=yes",
    "slack://xoxb-1234-5678-abcdef/#alerts", URLS["discord"], URLS["discord"] + "?flags=4",
    URLS["feishu"], URLS["feishu"] + "?rto=5", URLS["lark"], URLS["dingtalk"],
    f"dingtalk://SEC0123456789abcdef@{DINGTALK_T}", f"dingtalk://{DINGTALK_T}/13800138000",
    URLS["wecombot"], "workflows://prod-01.westus.logic.azure.com:443/{}/{}".format(*TEAMS_T),
    "workflow://prod-01.westus.logic.azure.com/{}/{}?pa=yes".format(*TEAMS_T),
]


@pytest.mark.parametrize("url", GOOD)
def test_good_chat_urls_validate_and_route_to_a_chat_channel(url):
    assert validate_chat_url(f"  {url} ") == url
    assert parse_target(url) == ("chat", url)
    channel = make_channel(url, settings())
    assert isinstance(channel, ChatChannel)
    scheme = url.partition("://")[0]
    assert channel.key.partition("://")[0] in ("chat:" + scheme, "chat:" + scheme.rstrip("s"))
    assert not [s for s in SECRETS if s in channel.key]


BAD = [
    ("slack://{}/{}".format(*SLACK_T[:2]), "Slack (third) Token"),
    ("slack://T1234ABCD/B5678EFGH/bad!token", "Slack"),
    (f"discord://{DISCORD_T[0]}", "Discord Webhook Token"),
    ("feishu://", "Feishu token"),
    ("lark://bad+token!", "Lark"),
    ("dingtalk://abcdefBAD!token0123", "DingTalk API Token"),
    (f"dingtalk://{DINGTALK_T}/123", "phone"),
    (f"wecombot://{WECOM_T}!x", "WeCom"),
    ("workflows://prod-01.westus.logic.azure.com/onlyworkflow", "Signature"),
    ("msteams://aaaa/bbbb/cccc", "unknown scheme 'msteams'"),
    ("telegram://123456:ABCDEF/987654", "unknown scheme 'telegram'"),
    ("slack:/T1234ABCD", "unknown scheme"),
    (URLS["feishu"] + " x", "whitespace"),
]


@pytest.mark.parametrize("url,why", BAD)
def test_bad_chat_urls_are_refused_with_a_reason_and_no_secret(url, why):
    with pytest.raises(ValueError) as info:
        validate_chat_url(url)

    text = str(info.value)
    assert why in text
    assert not [s for s in [*SECRETS, "abcdefBAD!token0123", "bad!token", "bad+token!"]
                if s in text]


def test_a_bad_chat_url_in_a_target_spec_names_the_spec():
    with pytest.raises(ValueError, match="chat URL 'feishu://"):
        parse_target("feishu://")


def test_the_chat_timeout_applies_unless_the_url_sets_one():
    channel = ChatChannel(URLS["feishu"], ChannelSettings(chat_timeout=3))
    assert channel._plugin.socket_read_timeout == 3
    assert channel._plugin.socket_connect_timeout == 3
    assert channel._plugin.redirects is False
    own = ChatChannel(URLS["feishu"] + "?rto=7&cto=2", ChannelSettings(chat_timeout=3))
    assert (own._plugin.socket_read_timeout, own._plugin.socket_connect_timeout) == (7, 2)


def test_the_key_is_the_privacy_url():
    channel = ChatChannel(URLS["dingtalk"], settings())
    assert channel.key == "chat:dingtalk://a...9//"
