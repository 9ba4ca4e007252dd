"""What a chat message says: alerts, digests and notices as (title, body, format) per service.

Pure functions, no I/O and no apprise import; ``alerts.channels.chat`` hands the result to
apprise. A message says what an email says (``alerts.render``, ``alerts.wording``), in the
watchlist's language: tags and the outlet by name, China time with its offset, the
snippet in whole sentences, and the "Matched:" line. A ``Style`` says how one service,
in the format apprise will send, must be written to: the markup dialect scraped text is
neutralised for, the line break, and the message size limit; ``style_for(service,
format)`` picks it.

Scraped text is made inert by ``alerts.chat_safe`` (``safe``, ``web_url``), whose
names are re-exported here.

Limits (the message as apprise sends it; ``size`` measures in the service's own unit):

- Slack: a section block's text is at most 3,000 characters (Block Kit), the header block
  150; the legacy attachment text apprise uses by default is kept to the same 3,000.
  apprise entity-escapes ``& < >``, which the ``slack`` unit counts;
- Discord: ``content`` is at most 2,000 characters, title and body together;
- Feishu and Lark custom bots: the request body is at most 20 KB; DingTalk: 20,000 bytes.
  apprise's JSON escapes every CJK character as ``\\uXXXX`` (6 bytes), so the ``json``
  unit measures the JSON-encoded text; 18,000 leaves room for the envelope;
- WeCom group bot: text ``content`` is at most 2,048 bytes of UTF-8 (a CJK character is
  3), title included;
- Teams: a message (the Adaptive Card JSON) is at most about 28 KB; the body is kept to
  20,000 JSON bytes.

apprise's own ``body_maxlen`` counts characters (WeCom 2,048, Feishu/DingTalk 19,985), which
overshoots the byte limits above for Chinese text; and it splits or cuts wherever it falls.
Digests therefore list at most ``MAX_ITEMS`` stories and stop adding stories before the
limit, ending with "… and N more"; the channel sends with apprise's overflow set to
``upstream`` (unchanged).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from provwatch.alerts import digest_render, render, wording
from provwatch.alerts.chat_safe import DIALECTS, safe, web_url
from provwatch.alerts.message import AlertMessage, Digest
from provwatch.alerts.notice import Notice

MARKDOWN = "markdown"
TEXT = "text"
MAX_ITEMS = 30  # stories listed in one digest at most
TITLE_MAX = 120  # Slack's header block takes 150; every service's title is kept under it
STORY_TITLE_MAX = 200
SNIPPET_MAX = 160
OUTLETS_MAX = 5
NOTICE_LINES = 15
APP = "provwatch"  # also the keyword to configure on DingTalk/Feishu bots' keyword security

SERVICES = ("slack", "discord", "feishu", "lark", "dingtalk", "wecombot", "workflows")
# the format each service is asked for; apprise may resolve another (a ?format= override)
PREFERRED = {"slack": MARKDOWN, "discord": MARKDOWN, "dingtalk": MARKDOWN,
             "workflows": MARKDOWN, "feishu": TEXT, "lark": TEXT, "wecombot": TEXT}


@dataclass(frozen=True)
class Style:
    """How to write for one service in one format."""

    service: str
    format: str  # MARKDOWN or TEXT: what apprise is told the body is, and sends
    dialect: str  # how scraped text in the body is neutralised: a DIALECTS key
    title_dialect: str  # the same for the title
    newline: str  # between lines of the body ("\n\n" where one newline is no break)
    limit: int  # the most the message may measure, in ``unit``
    unit: str  # "chars" | "utf8" | "json" | "slack"
    joiner: str | None  # how apprise joins title and body into one field, if it does
    title_twice: bool = False  # DingTalk markdown: markdown.title and "# title" in text

    @property
    def markdown(self) -> bool:
        return self.format == MARKDOWN


_STYLES = {
    ("slack", MARKDOWN): Style("slack", MARKDOWN, "slack", "plain", "\n", 3000, "slack", None),
    ("slack", TEXT): Style("slack", TEXT, "plain", "plain", "\n", 3000, "slack", None),
    ("discord", MARKDOWN): Style("discord", MARKDOWN, "discord", "discord", "\n", 2000,
                                 "chars", "\r\n"),
    # Discord renders Markdown in "text" too: same escaping, a bare URL instead of a link
    ("discord", TEXT): Style("discord", TEXT, "discord", "discord", "\n", 2000, "chars",
                             "\r\n"),
    ("feishu", TEXT): Style("feishu", TEXT, "text", "text", "\n", 18000, "json", "\r\n"),
    ("lark", TEXT): Style("lark", TEXT, "text", "text", "\n", 18000, "json", "\n"),
    ("dingtalk", MARKDOWN): Style("dingtalk", MARKDOWN, "fold", "fold", "\n\n", 18000, "json",
                                  "\n", title_twice=True),
    ("dingtalk", TEXT): Style("dingtalk", TEXT, "text", "text", "\n", 18000, "json", "\r\n"),
    ("wecombot", TEXT): Style("wecombot", TEXT, "text", "text", "\n", 2000, "utf8", "\r\n"),
    ("workflows", MARKDOWN): Style("workflows", MARKDOWN, "fold", "fold", "\n\n", 20000,
                                   "json", "\n"),
}


def style_for(service: str, fmt: str | None = None) -> Style:
    """The style for ``service`` (a key of ``PREFERRED``) in format ``fmt`` (default: the
    preferred one); a format the service has no style for falls back to the preferred."""
    fmt = fmt or PREFERRED[service]
    return _STYLES.get((service, fmt)) or _STYLES[(service, PREFERRED[service])]


@dataclass(frozen=True)
class ChatMessage:
    title: str
    body: str
    format: str  # MARKDOWN or TEXT


def link(label: str, url: str | None, style: Style) -> list[str]:
    """The lines showing ``label`` (already safe) linked to ``url`` (from ``web_url``): a
    Markdown link, or in text the label and the bare URL below it."""
    if url is None:
        return [label]
    if style.markdown and style.dialect != "plain":
        return [f"[{label}]({url})"]
    return [label, url]


# --- sizes ----------------------------------------------------------------------------


def _joined(title: str, body: str, style: Style) -> str:
    if style.joiner is None:
        return body
    if style.title_twice:
        return f"{title}{style.joiner}# {title}{style.joiner}{body}"
    return f"{title}{style.joiner}{body}" if title else body


def size(title: str, body: str, style: Style) -> int:
    """How big the message is, as the service counts it (``Style.unit``)."""
    text = _joined(title, body, style)
    if style.unit == "utf8":
        return len(text.encode("utf-8"))
    if style.unit == "json":
        return len(json.dumps(text))
    if style.unit == "slack":  # apprise writes & < > as entities
        return len(text) + 3 * (text.count("<") + text.count(">")) + 4 * text.count("&")
    return len(text)


def fits(title: str, body: str, style: Style) -> bool:
    return size(title, body, style) <= style.limit


# --- pieces ---------------------------------------------------------------------------


def _when(value: datetime | None, short: bool = False) -> str:
    return wording.china_time(value, short)


_WORDS = {"en": {"source": "source", "copy": "copy", "copies": "copies",
                 "watchlist": "watchlist", "matched": "matched: "},
          "zh": {"source": "来源", "copy": "转载", "copies": "转载",
                 "watchlist": "关注清单", "matched": "命中："}}


def _word(key: str, msg: AlertMessage) -> str:
    return _WORDS[wording.lang_of(msg.language)][key]


def _matched(msg: AlertMessage, style: Style, limit: int = 300) -> str:
    text = render.match_text(msg)
    return f"{_word('matched', msg)}{safe(text, style.dialect, limit)}" if text else ""


def _title(text: str, style: Style) -> str:
    return safe(text, style.title_dialect, TITLE_MAX)


def _bold(text: str, style: Style) -> str:
    return f"**{text}**" if style.markdown and style.dialect != "plain" else text


def _story_title(msg: AlertMessage, style: Style, limit: int = STORY_TITLE_MAX) -> str:
    return safe(msg.title, style.dialect, limit) or wording.field(
        "untitled", msg.language).translate(DIALECTS[style.dialect])


def _alert_lines(msg: AlertMessage, style: Style, snippet: int, title: int) -> list[str]:
    s, lang = style.dialect, msg.language
    sep = "、" if wording.lang_of(lang) == wording.ZH else ", "
    meeting = render.meeting_text(msg)
    lines = [safe(meeting, s, 300)] if meeting else []
    lines += link(_story_title(msg, style, title), web_url(msg.url), style)
    provinces = wording.names("province", msg.provinces_about or msg.provinces_mentioned, lang)
    tags = [sep.join(safe(p, s, 40) for p in provinces),
            sep.join(safe(x, s, 40) for x in wording.names("sector", msg.sectors, lang)),
            safe(wording.tag_name("event", msg.event, lang) if msg.event else "", s, 40)]
    if any(tags):
        lines.append(" · ".join(t for t in tags if t))
    shown = msg.outlet_names or msg.outlets
    outlets = [safe(o, s, 40) for o in shown[:OUTLETS_MAX]]
    if len(shown) > OUTLETS_MAX:
        outlets.append(f"+{len(shown) - OUTLETS_MAX}")
    if wording.lang_of(lang) == wording.ZH:
        copies = f"{_word('copies', msg)} {msg.copies}"
    else:
        copies = f"{msg.copies} {_word('copy' if msg.copies == 1 else 'copies', msg)}"
    if outlets:
        copies += f" ({sep.join(outlets)})"
    facts = [f"{_word('source', msg)} {safe(render.source_text(msg), s, 80)}",
             _when(msg.published_at), copies]
    lines.append(" · ".join(f for f in facts if f))
    matched = _matched(msg, style)
    if matched:
        lines.append(matched)
    lines.append(f"{_word('watchlist', msg)} {safe(msg.watchlist, s, 60)}")
    if snippet and msg.snippet.strip():
        lines.append(safe(wording.cut_snippet(msg.snippet, snippet), s, 2 * snippet + 2))
    return lines


def alert(msg: AlertMessage, style: Style) -> ChatMessage:
    """One alert: the story title linked to the article, its tags, source, time, copies,
    watchlist and a short snippet; shortened (snippet, then title) to fit the limit."""
    title = _title(f"{APP} · {msg.watchlist}", style)
    body = ""
    for snippet, story_title in ((SNIPPET_MAX, STORY_TITLE_MAX), (60, STORY_TITLE_MAX),
                                 (0, STORY_TITLE_MAX), (0, 60)):
        body = style.newline.join(_alert_lines(msg, style, snippet, story_title))
        if fits(title, body, style):
            break
    return ChatMessage(title, body, style.format)


def _item_lines(msg: AlertMessage, style: Style) -> list[str]:
    s = style.dialect
    facts = " · ".join(f for f in (safe(render.source_text(msg), s, 60),
                                   _when(msg.published_at, True)) if f)
    label = _story_title(msg, style, 120)
    url = web_url(msg.url)
    matched = _matched(msg, style, 120)
    why = [f"  {matched}"] if matched else []
    meeting = render.meeting_text(msg)
    if meeting:
        why.insert(0, f"  {safe(meeting, s, 200)}")
    if style.markdown and style.dialect != "plain":
        head = f"[{label}]({url})" if url else label
        return [f"• {head} — {facts}"] + why
    return [f"• {label} — {facts}"] + ([f"  {url}"] if url else []) + why


def _more(n: int) -> str:
    return f"… and {n} more"


def digest(d: Digest, style: Style) -> ChatMessage:
    """A digest or summary: the heading, then the stories under their section headings
    (``digest_render.groups``), at most ``MAX_ITEMS`` and no more than fit the limit; the rest
    are counted in a last "… and N more" line."""
    n = len(d.items)
    what = f"{n} {'story' if n == 1 else 'stories'}"
    owner = f" · {d.watchlist}" if d.watchlist else ""
    title = _title(f"{APP} {d.kind} · {what}{owner}", style)
    lines = [safe(d.heading, style.dialect, 300)]
    listed = 0
    full = False
    lang = digest_render.digest_language(d)
    for name, items in digest_render.groups(d.items):
        heading = _bold(f"{safe(digest_render.group_name(name, lang), style.dialect, 80)} "
                        f"({len(items)})", style)
        started = False
        for msg in items:
            if listed >= MAX_ITEMS:
                full = True
                break
            candidate = ([] if started else [heading]) + _item_lines(msg, style)
            left = n - listed - 1
            trial = lines + candidate + ([_more(left)] if left else [])
            if not fits(title, style.newline.join(trial), style):
                full = True
                break
            lines += candidate
            listed += 1
            started = True
        if full:
            break
    if listed < n:
        lines.append(_more(n - listed))
    return ChatMessage(title, style.newline.join(lines), style.format)


def notice(notice: Notice, style: Style) -> ChatMessage:
    """An operator notice: its subject as the title, its text line by line (at most
    ``NOTICE_LINES``), every line neutralised like scraped text."""
    title = _title(f"{APP} · {notice.subject}", style)
    raw = [ln for ln in notice.body.splitlines() if ln.strip()]
    lines = [safe(ln, style.dialect, 300) for ln in raw[:NOTICE_LINES]]
    if len(raw) > NOTICE_LINES:
        lines.append(f"… {len(raw) - NOTICE_LINES} more lines")
    while len(lines) > 1 and not fits(title, style.newline.join(lines), style):
        lines = lines[:-2] + ["…"]
    return ChatMessage(title, style.newline.join(lines) or "-", style.format)
