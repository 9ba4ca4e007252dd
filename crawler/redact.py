"""Secrets out of text: the one place that hides tokens, keys and passwords before provwatch
shows, logs or stores text for people to read.

``redact(text)`` rewrites every URL and ``name=value`` pair in ``text`` (a whole line, an
error, a log message); ``redact_url(url)`` one URL. What is hidden becomes ``****``:

- a URL's password (``https://user:****@host``, ``postgresql://me:****@db/x``), and a
  bare userinfo of a web URL (``https://****@host``: a token);
- query parameters whose name says secret (``SECRET_PARAMS``: ``access_token``, ``token``,
  ``key``, ``secret``, ``sign``, ``password``, ...), wherever they appear, also outside a
  URL (``token=abc`` in an error);
- every part of a chat URL (``CHAT_SCHEMES``: ``slack://``, ``dingtalk://``,
  ``wecombot://``, ...), whose host and path *are* the tokens; its shape, a ``#channel``,
  a port, a Teams host and apprise's privacy forms stay: ``slack://****/****/****/#policy``,
  ``dingtalk://****@****``;
- a path segment of a web URL that looks like a token: 24 or more letters, digits, ``-``
  and ``_``, with at least four letters and four digits; on the incoming-webhook hosts of
  Slack, Discord, Feishu, Lark and Teams, the whole path after its marker
  (``hooks.slack.com/services/****/****/****``, ``discord.com/api/webhooks/****/****``);
- any of the ``secrets`` the caller names (an SMTP password, a webhook signing secret).

The rest of a URL stays exactly as written, and so do placeholders of help texts and
values hidden already (``PASSWORD``, ``TOKEN``, ``***``, ``<redacted>``).

Ground floor: standard library only, so every floor can use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "****"
CHAT_SCHEMES = frozenset({"slack", "discord", "feishu", "lark", "dingtalk", "wecombot",
                          "workflows", "workflow", "msteams", "tgram", "json", "jsons"})
SECRET_PARAMS = frozenset({
    "access_token", "token", "key", "secret", "sign", "signature", "sig", "password",
    "passwd", "pass", "pwd", "apikey", "api_key", "auth", "authorization", "client_secret",
    "refresh_token", "id_token", "webhook_secret", "smtp_password", "private_key",
})

_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^\s'\"<>`]+")
# name=value (also name: value in "password: x") outside URLs, for a secret name only
_PAIR = re.compile(
    r"(?i)(?<![\w-])(" + "|".join(sorted(SECRET_PARAMS, key=len, reverse=True))
    + r"|[A-Za-z][\w-]*_(?:token|secret|password|key))(\s*[=:]\s*)([^\s&;,'\"<>)]+)")
_TOKENISH = re.compile(r"[A-Za-z0-9_\-]{24,}")
# incoming-webhook hosts whose path after the marker segment is all credentials
_HOOK_HOSTS = ("slack.com", "discord.com", "discordapp.com", "feishu.cn", "larksuite.com",
               "office.com", "logic.azure.com")
_HOOK_MARKERS = {"services", "webhooks", "hook", "workflows"}


def _secret_name(name: str) -> bool:
    low = name.lower()
    return low in SECRET_PARAMS or low.endswith(("_token", "_secret", "_password", "_key"))


def _tokenish(segment: str) -> bool:
    """A path segment that looks like a credential, not an article's name: 24 or more of
    ``[A-Za-z0-9_-]`` with at least four letters and four digits."""
    return bool(_TOKENISH.fullmatch(segment)) \
        and sum(c.isdigit() for c in segment) >= 4 \
        and sum(c.isalpha() for c in segment) >= 4


# a value that is not a secret but stands for one (help texts, already hidden text)
_PLACEHOLDER = re.compile(r"(?:ACCESS_|WEBHOOK_)?(?:PASSWORD|PASS|SECRET|TOKEN|KEY|SIGNATURE)"
                          r"|\*+|<redacted>|…")


def _hidden(value: str) -> str:
    return value if _PLACEHOLDER.fullmatch(value) else MASK


def _query(query: str) -> str:
    out = []
    for part in query.split("&"):
        name, eq, value = part.partition("=")
        out.append(f"{name}={_hidden(value)}" if eq and value and _secret_name(name) else part)
    return "&".join(out)


_PRIVACY = re.compile(r"[^/@:]\.\.\.[^/@:]")  # apprise's privacy form of a token: T...D


def _chat_url(url: str) -> str:
    """A chat URL with each token hidden; separators, a ``#channel``, a Teams host, a port
    and apprise's own privacy forms (``T...D``) stay, so the URL keeps its shape."""
    scheme, _, rest = url.partition("://")
    rest, q, query = rest.partition("?")
    body, hash_, fragment = rest.partition("#")
    workflows = scheme.lower() in ("workflows", "workflow")
    shown = []
    for t in re.split(r"([/@:])", body):
        keep = (not t or t in "/@:" or t == MASK or _PRIVACY.fullmatch(t)
                or (t.isdigit() and len(t) <= 5) or (workflows and "." in t))
        shown.append(t if keep else _hidden(t))
    return f"{scheme}://{''.join(shown)}{hash_}{fragment}{q}{_query(query)}"


def redact_url(url: str) -> str:
    """``url`` with its secrets hidden (see the module docstring); the rest exactly as
    written."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    if scheme.lower() in CHAT_SCHEMES:
        return _chat_url(url)
    cut = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    netloc, tail = rest[:cut], rest[cut:]
    before, hash_, fragment = tail.partition("#")
    path, q, query = before.partition("?")
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        name, colon, password = user.partition(":")
        if colon:
            netloc = f"{name}:{_hidden(password)}@{host}"
        elif scheme.lower() in ("http", "https"):  # https://TOKEN@host: a credential
            netloc = f"{_hidden(user)}@{host}"
    host = netloc.rpartition("@")[2].rpartition(":")[0] or netloc.rpartition("@")[2]
    hook = any(host.lower() == h or host.lower().endswith("." + h) for h in _HOOK_HOSTS)
    segments, after_marker = [], False
    for seg in path.split("/"):
        segments.append(_hidden(seg) if seg and (after_marker or _tokenish(seg)) else seg)
        after_marker = after_marker or (hook and seg.lower() in _HOOK_MARKERS)
    return f"{scheme}://{netloc}{'/'.join(segments)}{q}{_query(query)}{hash_}{fragment}"


def _url_in_text(m: re.Match[str]) -> str:
    """A URL found in running text: punctuation after it (``url: HTTP 500``) is text."""
    url = m.group(0)
    body = url.rstrip(".,:;!?)]}'")
    return redact_url(body) + url[len(body):]


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every secret hidden: URLs, ``name=value`` pairs with a secret name,
    and each of ``secrets`` (values of four characters or more) wherever it occurs."""
    if not text:
        return text
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _URL.sub(_url_in_text, text)
    return _PAIR.sub(_pair, text)


def _pair(m: re.Match[str]) -> str:
    name, sep, value = m.groups()
    if value.startswith(MASK):  # already hidden (in a URL)
        return m.group(0)
    kept = value.rstrip(".,:;!?)]}'\"")
    return f"{name}{sep}{MASK}{value[len(kept):]}"
