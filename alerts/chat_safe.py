"""Scraped text in a chat message: one inert line, in the service's markup dialect.

Scraped text (titles, snippets, source ids, outlet names, tags, notice text) is hostile.
Every scraped string goes through ``safe``, which makes it one inert line:

1. ``render.clean_line``: control, format (zero-width, bidi overrides) and line/paragraph
   separator characters become spaces, so nothing scraped can start a new line, and no
   markup can hide behind an invisible character;
2. every ``@`` becomes a fullwidth ``＠``, so no ``@channel``/``@here``/``@all``/
   ``@everyone``/``@所有人`` mention can form anywhere;
3. web addresses are defanged (``http[:]//evil[.]com``) so no client auto-links them: the
   article URL is the only link a message carries, and only if it is http(s);
4. the service's markup is neutralised (``DIALECTS``); an underscore between two letters
   or digits (``henan_daily``) cannot start emphasis anywhere and is kept:

   - ``slack``: the body is CommonMark that apprise converts to Slack mrkdwn, so ``<``,
     ``>``, brackets, parentheses, ``!`` and ``#`` are backslash-escaped (apprise turns
     ``\\<`` into ``&lt;``; a raw ``<!channel>`` it would pass through live) and ``&`` is
     left to apprise (``&amp;``). Slack mrkdwn has no escape for ``* _ ~ `` ` and ``\\``:
     those become their fullwidth forms;
   - ``discord`` (in either format: Discord renders Markdown in plain content too):
     Discord's markdown honours a backslash before any punctuation, so every markup
     character (``\\ * _ ~ ` | < > [ ] ( ) : # -``) is backslash-escaped; this also
     breaks ``<@id>``, ``<@&role>``, ``<#channel>``, ``<t:…>`` and ``:emoji:`` tokens;
   - ``fold`` (Markdown in DingTalk and Teams): these renderers document no escape
     character, so the markup characters ``\\ * _ ~ ` | < > [ ] # &`` become their
     fullwidth forms (``＜at＞`` is not a Teams mention); fullwidth punctuation is
     ordinary in Chinese text;
   - ``text`` (Feishu, Lark, WeCom, DingTalk text): no Markdown, but tags (Feishu's
     ``<at user_id="all">``, ``<b>``, ``<a href>``), ``[label](url)`` links and possibly
     ``**``/``~~``/`` ` `` styles: ``< > [ ] & * ~ ` `` are folded;
   - ``plain`` (Slack titles, and Slack bodies in text format): no links there, and
     apprise would entity-escape ``& < >`` (a title could grow past the header block's
     150): ``* _ ~ `` ` ``\\ < > &`` are folded.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

from provwatch.alerts import render

__all__ = ["DIALECTS", "safe", "web_url"]

_FULLWIDTH = {ord(c): chr(ord(c) + 0xFEE0) for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"}


def _fold(chars: str) -> dict[int, str]:
    return {ord(c): _FULLWIDTH[ord(c)] for c in chars}


def _backslash(chars: str) -> dict[int, str]:
    return {ord(c): "\\" + c for c in chars}


DIALECTS: dict[str, dict[int, str]] = {
    "slack": {**_backslash("<>[]()!#"), **_fold("\\*_~`")},
    "discord": _backslash("\\*_~`|<>[]():#-"),
    "fold": _fold("\\*_~`|<>[]#&"),
    "text": _fold("<>[]&*~`"),
    "plain": _fold("\\*_~`<>&"),
}
# an underscore between two letters/digits (henan_daily) cannot open or close emphasis in
# CommonMark, Slack or Discord; it is kept as it is
_INTRAWORD_UNDERSCORE = re.compile(r"(?<=[^\W_])_(?=[^\W_])")
_KEEP = "\x00"  # placeholder: clean_line has removed every control character

_SCHEME = re.compile(r"://")
# a dot between a letter/digit and a name of two or more characters starting with a letter:
# evil.com, www.gov.cn, Node.js; not 3.5, e.g., U.S., No.1
_DOMAIN_DOT = re.compile(r"(?<=[^\W_])\.(?=[^\W\d_][\w-]*[^\W_])")


def _defang(text: str) -> str:
    return _DOMAIN_DOT.sub("[.]", _SCHEME.sub("[:]//", text))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def safe(text: str, dialect: str, limit: int | None = None) -> str:
    """Scraped ``text`` as one inert line for ``dialect`` (see the module docstring), cut
    to ``limit`` characters (before escaping) with an ellipsis."""
    line = render.clean_line(text)
    if limit:
        line = _cut(line, limit)
    line = _INTRAWORD_UNDERSCORE.sub(_KEEP, _defang(line.replace("@", "＠")))
    return line.translate(DIALECTS[dialect]).replace(_KEEP, "_")


def web_url(url: str) -> str | None:
    """``url`` fit to be the one link of a message: http(s) with a host and no user info,
    every character that could end a Markdown/Slack link or start a mention
    percent-encoded (non-ASCII too, an IDN host in punycode); None if it is not that."""
    text = render.clean_line(url)
    if not re.match(r"(?i)https?://", text) or " " in text:
        return None
    try:
        parts = urlsplit(text)
        host, port = parts.hostname, parts.port
        if not host or parts.username is not None or parts.password is not None:
            return None
        host = host.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        return None
    if ":" in host:  # IPv6 literal: brackets would need escaping in every dialect
        return None
    netloc = f"{host}:{port}" if port else host
    keep = "/%-._~!$&'+,;=:"
    return urlunsplit((parts.scheme.lower(), netloc, quote(parts.path, safe=keep),
                       quote(parts.query, safe=keep + "?"),
                       quote(parts.fragment, safe=keep + "?")))
