"""Chat channels through apprise: Slack, Microsoft Teams, Discord, Feishu/Lark, DingTalk, WeCom.

A chat target is the apprise URL of a bot or incoming webhook (secrets in the URL; they
never appear in ``key``, errors or logs, which show apprise's privacy form)::

    slack://TokenA/TokenB/TokenC              incoming webhook (hooks.slack.com/services/A/B/C)
    slack://TokenA/TokenB/TokenC/#channel     ... posting to another channel
    slack://xoxb-1234-5678-abcdef/#channel    bot token (chat.postMessage)
    discord://WebhookID/WebhookToken          discord.com/api/webhooks/ID/TOKEN
    feishu://Token                            open.feishu.cn/open-apis/bot/v2/hook/TOKEN
    lark://Token                              open.larksuite.com/open-apis/bot/v2/hook/TOKEN
    dingtalk://AccessToken                    oapi.dingtalk.com/robot/send?access_token=TOKEN
    dingtalk://Secret@AccessToken             ... with the bot's signing secret (SEC…)
    wecombot://Key                            qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY
    workflows://HOST:443/WorkflowID/Signature Microsoft Teams, through a Power Automate
                                              "Post to a channel when a webhook request is
                                              received" workflow (add ?pa=yes for the
                                              .../powerautomate/automations/direct/... form)

Microsoft Teams: apprise 2.2.0 has no ``msteams://`` plugin (Office 365 connectors, the old
incoming webhooks, are retired); Teams is reached through a Workflows (Power Automate)
webhook, ``workflows://`` (alias ``workflow://``), which posts an Adaptive Card.

Query arguments are apprise's (``?format=``, ``?blocks=yes`` for Slack Block Kit,
``?flags=4`` to stop Discord unfurling links, ``?rto=``/``?cto=`` read/connect timeouts, …).
Without ``rto``/``cto`` the timeout is ``ChannelSettings.chat_timeout``; without
``redirect=`` redirects are not followed (a POST must not turn into a GET, and a redirect
must not carry the token elsewhere). DingTalk and Feishu bots with keyword security need
the keyword ``provwatch``: every message contains it. apprise cannot sign Feishu/Lark
requests, so Feishu/Lark bots must not use signature verification.

Error policy, as for webhooks: HTTP 3xx and 4xx other than 408/429 are permanent; 5xx,
408, 429, timeouts and connection failures are retryable; a failure with no HTTP status is
retryable. A service-level error in a 2xx JSON reply (below) is permanent unless it is a
rate limit or "system busy".

Where apprise falls short, and how this module fills the gap:

- **Error detail.** A plugin's ``notify()`` returns only a bool; the status is in a log
  line ("…error=404.") and the response text only at DEBUG (``Apprise.notify()``'s
  per-call result logs hold no more than the logger's level lets through, WARNING by
  default). ``apprise.LogCapture`` is not used:
  it attaches to the shared ``apprise`` logger, so concurrent sends (the dispatcher runs a
  thread per channel) read each other's lines, and its ``level=`` lowers that shared
  logger's level, so apprise's DEBUG lines, which carry the webhook URL with its token,
  would reach the application's root handlers. Instead a filter on the ``apprise`` logger
  takes the records emitted inside this module's send (a context variable marks it; other
  threads' records pass untouched) and keeps them out of the application log (urllib3's
  DEBUG request lines, which show DingTalk's and WeCom's tokens, likewise), and a thin
  wrapper on ``requests.Session.send``, inert outside such a send, records each response's
  status and first bytes, and each requests exception (timeout vs connection error). The
  error message is built from those: ``chat:<privacy url>: HTTP 404: <response text>``.
- **2xx replies that are errors.** Feishu/Lark (``{"code": 19024, "msg": …}``), DingTalk
  and WeCom (``{"errcode": 310000, "errmsg": …}``) answer HTTP 200 when they reject a
  message (bad keyword, bad signature, rate limited, unknown token); apprise counts any
  200 as sent. The recorded reply body is checked, and a non-zero code is an error; a
  Slack API ``{"ok": false}`` too.
- **Classification.** Permanent vs retryable comes from the recorded status or exception
  (apprise does not classify); no status at all is retryable.
- **Escaping.** apprise sends the body as given (Feishu, Lark, WeCom, DingTalk, Discord,
  Teams) or converts Markdown to Slack mrkdwn without escaping a raw ``<!channel>`` or
  ``<http://evil|x>``; Teams bodies are scanned for ``<at>…</at>`` and turned into real
  mentions. All scraped text is neutralised first (``alerts.chat_render``).
- **Discord mentions.** apprise never sets ``allowed_mentions`` (its ping option writes
  ``allow_mentions``, a key Discord ignores). This channel's Discord plugin instance posts
  ``"allowed_mentions": {"parse": []}`` (or the pings configured with ``?ping=``).
- **Sizes.** apprise measures limits in characters (WeCom 2,048, Feishu/DingTalk 19,985);
  the services count bytes, and a CJK character is 3 (UTF-8) or 6 (``\\uXXXX`` JSON).
  Messages are sized by ``alerts.chat_render`` per service and sent with overflow
  ``upstream`` so apprise neither splits nor cuts them.
- **Warnings.** Loading apprise's plugins imports the deprecated ``imghdr`` (via
  ``apprise.utils.pgp``); that DeprecationWarning is silenced once, at import.

apprise spaces consecutive messages of one plugin instance (5.5 s; Slack 1.2 s). The
dispatcher builds a channel per message, so that pacing does not come into play (the
dispatcher's per-channel rate limit does), except that apprise's Lark plugin throttles
twice per message, which made every Lark message wait 5.5 s: for Lark it is switched off.
"""

from __future__ import annotations

import functools
import json
import re
import warnings
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import apprise
import requests
from apprise.manager_plugins import NotificationManager

from provwatch.alerts import chat_render
from provwatch.alerts.channels.base import CHAT_SCHEMES, ChannelSettings
from provwatch.alerts.channels.chat_tap import Exchange, Reply, capture
from provwatch.alerts.errors import DeliveryError
from provwatch.alerts.message import AlertMessage, Digest
from provwatch.alerts.notice import Notice
from provwatch.crawler.redact import redact

with warnings.catch_warnings():
    # apprise.utils.pgp imports imghdr (deprecated in Python 3.11, gone in 3.13) when the
    # plugins load; load them here, once, with that warning silenced.
    warnings.simplefilter("ignore", DeprecationWarning)
    NotificationManager().load_modules()

RETRYABLE_4XX = (408, 429)
# service codes in a 2xx reply that mean "slow down" or "busy", not "never"
RETRYABLE_CODES = {-1, 11232, 45009, 130101, 410100}
_RETRY_WORDS = re.compile(r"(?i)rate|limit|frequen|too (?:many|fast)|busy|timeout|timed out|"
                          r"try again|unavailable|internal|限流|频率|频繁|繁忙|稍后|超时")
# services that report errors in a 2xx JSON body
_BODY_CODES = ("slack", "feishu", "lark", "dingtalk", "wecombot")
_SERVICE = {scheme: scheme for scheme in CHAT_SCHEMES} | {"workflow": "workflows"}
_HARMLESS = {"yes", "no", "true", "false", "markdown", "text", "html", "upstream",
             "truncate", "split", "hook", "bot"}
ASSET = apprise.AppriseAsset(app_id="provwatch", app_desc="provwatch",
                             image_url_mask="", image_url_logo="")
# --- secrets --------------------------------------------------------------------------


def _secrets(url: str) -> list[str]:
    """The parts of a chat URL that may be secret (tokens, keys, ids, signatures), longest
    first: everything but the scheme, query keys and harmless values, and a Teams host."""
    try:
        parts = urlsplit(url)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return sorted({p for p in re.split(r"[/:@?&=#]+", url) if len(p) >= 4},
                      key=len, reverse=True)
    userinfo, _, hostport = parts.netloc.rpartition("@")
    pieces = re.split(r"[:@]", userinfo) + parts.path.split("/")
    if _SERVICE.get(parts.scheme.lower()) != "workflows":
        pieces += hostport.split(":")
    pieces += [v for _, v in pairs if v.lower() not in _HARMLESS]
    found = {p for raw in pieces for p in (raw, unquote(raw)) if len(p) >= 4}
    found = {p for p in found if not p.isdigit() or len(p) >= 6}  # a port is no secret
    return sorted(found, key=len, reverse=True)


def _scrub(text: str, secrets: list[str]) -> str:
    """``text`` with this URL's ``secrets`` (found in any form apprise or requests wrote
    them) and every other secret (crawler.redact) hidden."""
    return redact(text, secrets)


def _masked(url: str) -> str:
    scheme, sep, _ = url.partition("://")
    return _scrub(url, _secrets(url)) if sep else "****"


# --- apprise plugins ------------------------------------------------------------------


def _instantiate(url: str) -> tuple[Any, list[str]]:
    """apprise's plugin for ``url`` (None if it cannot be built) and what apprise warned
    about while building it, secrets scrubbed."""
    with capture() as exchange:
        plugin = apprise.Apprise.instantiate(url, asset=ASSET)
    secrets = _secrets(url)
    return plugin, [_scrub(m, secrets) for m in exchange.messages()]


def _build(url: str) -> Any:
    """apprise's plugin for the chat URL ``url``, or a ValueError naming the URL (secrets
    masked) and why it cannot be used."""
    scheme, sep, _ = url.partition("://")
    shown = _masked(url)
    if not sep or scheme.lower() not in CHAT_SCHEMES:
        raise ValueError(
            f"chat URL {shown!r}: unknown scheme {scheme.lower()!r} (expected "
            f"{', '.join(s + '://' for s in CHAT_SCHEMES)})")
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        raise ValueError(f"chat URL {shown!r}: contains whitespace or control characters")
    plugin, problems = _instantiate(url)
    why = "; ".join(problems)
    if plugin is None:
        raise ValueError(f"chat URL {shown!r}: apprise cannot use it: "
                         f"{why or 'unparseable URL'}")
    if problems:  # built, but apprise dropped or ignored part of it
        raise ValueError(f"chat URL {_privacy(plugin)!r}: {why}")
    return plugin


def validate_chat_url(url: str) -> str:
    """``url`` (stripped) if it is a usable apprise URL of a supported chat service;
    otherwise a ValueError naming the URL (secrets masked) and why (unknown scheme,
    missing or malformed token, a part apprise would drop, …). apprise itself parses and
    validates: the URL is instantiated as the plugin that would send."""
    spec = url.strip()
    _build(spec)
    return spec


def _privacy(plugin: Any) -> str:
    """apprise's privacy form of the plugin's URL, without the query (the query lists
    defaults, and can hold template tokens apprise does not mask)."""
    return plugin.url(privacy=True).split("?", 1)[0]


def _quiet_discord(plugin: Any) -> None:
    """Make this Discord plugin instance post ``allowed_mentions`` (see module docstring)."""
    original = plugin._send

    def quiet(payload: Any) -> Any:
        if not isinstance(payload, dict):
            return payload
        allowed = payload.get("allow_mentions") or {"parse": []}
        rest = {k: v for k, v in payload.items() if k != "allow_mentions"}
        return {**rest, "allowed_mentions": allowed}

    @functools.wraps(original)
    def _send(*args: Any, **kwargs: Any) -> Any:
        if "payload" in kwargs:
            kwargs["payload"] = quiet(kwargs["payload"])
        elif args:
            args = (quiet(args[0]), *args[1:])
        return original(*args, **kwargs)

    plugin._send = _send


def _body_error(body: bytes) -> tuple[str, bool] | None:
    """A service error reported in a 2xx JSON reply: (detail, permanent), or None."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    code: int | None = None
    if data.get("ok") is False:
        detail = f"error {data.get('error') or 'unknown'}"
    else:
        for code_key, text_key in (("errcode", "errmsg"), ("code", "msg"),
                                   ("StatusCode", "StatusMessage")):
            value = data.get(code_key)
            if isinstance(value, int) and not isinstance(value, bool) and value != 0:
                code, detail = value, f"{code_key} {value}: {data.get(text_key) or ''}"
                break
        else:
            return None
    retry = code in RETRYABLE_CODES or bool(_RETRY_WORDS.search(detail))
    return detail.strip().rstrip(":"), not retry


def _text(body: bytes) -> str:
    return " ".join(body.decode("utf-8", "replace").split())[:200]


class ChatChannel:
    """Posts alerts, digests and notices to one chat target through apprise."""

    def __init__(self, url: str, settings: ChannelSettings) -> None:
        self.url = url.strip()
        self.settings = settings
        self._secrets = _secrets(self.url)
        plugin = _build(self.url)
        self.service = _SERVICE[self.url.partition("://")[0].lower()]
        self.key = f"chat:{_privacy(plugin)}"
        query = {k.lower() for k, _ in parse_qsl(urlsplit(self.url).query)}
        if not {"rto", "cto"} & query:
            plugin.socket_read_timeout = plugin.socket_connect_timeout = settings.chat_timeout
        if "redirect" not in query:
            plugin.redirects = False
        if self.service == "discord":
            _quiet_discord(plugin)
        if self.service == "lark":  # it throttles twice per message: 5.5 s before each
            plugin.request_rate_per_sec = 0
        self._plugin = plugin
        preferred = chat_render.PREFERRED[self.service]
        self.style = chat_render.style_for(self.service, plugin.resolve_format(preferred).value)

    def send(self, msg: AlertMessage) -> None:
        self._post(chat_render.alert(msg, self.style))

    def send_digest(self, digest: Digest) -> None:
        self._post(chat_render.digest(digest, self.style))

    def send_notice(self, notice: Notice) -> None:
        self._post(chat_render.notice(notice, self.style))

    def _post(self, message: chat_render.ChatMessage) -> None:
        with capture() as exchange:
            try:
                ok = self._plugin.notify(body=message.body, title=message.title,
                                         body_format=apprise.NotifyFormat(message.format),
                                         overflow=apprise.OverflowMode.UPSTREAM)
            except Exception as exc:  # apprise refused the call itself
                raise DeliveryError(
                    f"{self.key}: apprise failed: {self._scrub(repr(exc))}") from None
        error = self._error(bool(ok), exchange)
        if error is not None:
            raise error

    def _scrub(self, text: str) -> str:
        return _scrub(text, self._secrets)

    def _error(self, ok: bool, exchange: Exchange) -> DeliveryError | None:
        """The DeliveryError the exchange amounts to, or None if the message was taken."""
        said = self._scrub("; ".join(exchange.messages()))[:300]
        last = exchange.events[-1] if exchange.events else None
        if isinstance(last, requests.Timeout):
            p = self._plugin
            which = p.socket_connect_timeout if isinstance(
                last, requests.ConnectTimeout) else p.socket_read_timeout
            return DeliveryError(f"{self.key}: timed out after {which:g}s")
        if isinstance(last, requests.RequestException):
            reason = self._scrub(str(last))[:300]
            return DeliveryError(f"{self.key}: cannot connect: {reason}")
        if isinstance(last, Reply):
            status, text = last.status, self._scrub(_text(last.body))
            detail = f": {text}" if text else ""
            if status >= 300 or (not ok and status < 200):
                permanent = 300 <= status < 500 and status not in RETRYABLE_4XX
                return DeliveryError(f"{self.key}: HTTP {status}{detail}", permanent=permanent)
            found = _body_error(last.body) if self.service in _BODY_CODES else None
            if found is not None:
                what, permanent = found
                return DeliveryError(f"{self.key}: HTTP {status} but {self._scrub(what)}",
                                     permanent=permanent)
            if not ok:
                return DeliveryError(f"{self.key}: HTTP {status} not accepted{detail}"
                                     + (f" (apprise: {said})" if said else ""))
            return None
        if not ok:
            return DeliveryError(f"{self.key}: not sent, no HTTP reply"
                                 + (f" (apprise: {said})" if said else ""))
        return None
