"""What an alert says: subject line, text and HTML bodies, and the webhook payload.

Every function is pure and takes an ``AlertMessage``. Scraped strings are never trusted:
the subject drops control characters and line breaks (no header injection), the HTML body
escapes every scraped string and links only http(s) URLs.

An alert reads in its watchlist's language (``msg.language``, ``alerts.wording``): tags by
name (Henan, 新能源汽车), the outlet by name (the article's own 来源 and the catalog's name
of the site), the time in China time with its offset, the snippet in whole sentences, and
a "Matched:" line saying which criteria held and with what words.

Webhook payload, version 1 (``webhook_payload``); receivers should check ``version``::

    {
      "version": 1,
      "type": "story.matched",
      "watchlist": "nev-henan",            # name of the watchlist that matched
      "story": {"id": 42, "copies": 3, "outlets": ["henan_daily", "dahe"]},
      "article": {
        "id": 1007,
        "title": "河南省委书记会见比亚迪董事长",
        "url": "https://example.cn/a/1007.html",
        "source_id": "henan_daily",
        "published_at": "2024-05-01T08:30:00Z",   # ISO 8601 UTC, or null if unknown
        "snippet": "the first sentences of the text, … if cut",
        "source_name": "河南日报",                  # the catalog's name; null if unknown
        "outlet": "河南日报",                       # the article's own 来源, or null
        "published_at_china": "2024-05-01T16:30:00+08:00"  # China time, or null
      },
      "tags": {
        "provinces_about": ["henan"],
        "provinces_mentioned": ["guangdong"],
        "sectors": ["nev", "batteries_storage"],
        "event": "leader_meeting"                  # or null
      },
      "tag_names": {                               # the tags' names in "language"
        "provinces_about": ["河南"], "provinces_mentioned": ["广东"],
        "sectors": ["新能源汽车", "动力电池与储能"], "event": "会见会谈"
      },
      "matched": [                                 # the watchlist's criteria that held
        {"criterion": "province", "values": ["henan"], "names": ["河南"], "note": "about"},
        {"criterion": "keywords", "values": ["比亚迪"], "names": ["比亚迪"], "note": ""}
      ],
      "matched_text": "省份 河南（涉及）；关键词 比亚迪",  # the same as one line
      "language": "zh",                            # the watchlist's: en or zh
      "delivery_id": 555                           # unique per delivery; use to dedupe
    }

A story that reports meetings (issue 18) puts its first meeting in one line at the top
(``wording.meeting_line``): the email subject and the first line of both bodies, each
digest item's second line; the payload (single alerts and digest items) gains::

      "meeting_line": "Henan Party Secretary Liu Ning met BYD Chairman Wang Chuanfu ...",
      "meetings": [{"summary_en": "...", "summary_zh": "...", "hosts": ["省委书记刘宁"],
                    "guests": ["BYD"], "topics": ["nev", "batteries_storage"]}]

(``meeting_line`` is "" and ``meetings`` [] for a story without one.)

``story`` also carries ``outlet_names`` (the catalog's names of ``outlets``, same order).
``source_name``, ``outlet``, ``published_at_china``, ``outlet_names``, ``tag_names``,
``matched``, ``matched_text`` and ``language`` were added in version 1 (issue 16); the
fields before them are unchanged (``published_at`` stays UTC).

Digests and rate-limit summaries (``alerts.digest_render.digest_payload``), same version, with
``X-Provwatch-Event: stories.digest`` or ``stories.summary``::

    {
      "version": 1,
      "type": "stories.digest",              # or "stories.summary"
      "id": "send-77",                       # unique per message; use to dedupe
      "watchlist": "nev-henan",              # null for a summary spanning watchlists
      "heading": "daily digest, 2026-11-21 08:00 to 2026-11-22 08:00 Asia/Shanghai",
      "sections": [{"group": "henan · nev", "group_name": "Henan · New energy vehicles",
                    "items": [<one alert's fields>, ...]}],
      "count": 12
    }

where each item is the single-alert payload without ``version`` and ``type``.

Fields are only ever added within a version; removing or changing one bumps ``version``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import datetime, timezone
from typing import Any

from provwatch.alerts import wording
from provwatch.alerts.message import AlertMessage, Reason

SUBJECT_PREFIX = "[provwatch]"
SUBJECT_MAX = 200
PAYLOAD_VERSION = 1
EVENT_TYPE = "story.matched"

_SPACES = re.compile(r"\s+")


def clean_line(value: str) -> str:
    """One line of text: control and separator characters become spaces, runs collapse."""
    chars = (" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in value)
    return _SPACES.sub(" ", "".join(chars)).strip()


def iso_utc(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z`` suffix; a naive datetime is taken to be UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    text = value.astimezone(timezone.utc).isoformat(timespec="seconds")
    return text.replace("+00:00", "Z")


def _tags(msg: AlertMessage) -> str:
    provinces = wording.names("province", msg.provinces_about or msg.provinces_mentioned,
                              msg.language)
    sectors = wording.names("sector", msg.sectors, msg.language)
    groups = [wording.joined([clean_line(t) for t in group], msg.language)
              for group in (provinces, sectors)]
    return " · ".join(g for g in groups if g)


def source_text(msg: AlertMessage) -> str:
    """The outlet line: ``河南日报 · 河南省人民政府·要闻`` (see ``wording.source_text``)."""
    return clean_line(wording.source_text(msg.source_name, msg.source_id, msg.outlet))


def match_text(msg: AlertMessage) -> str:
    """Why the watchlist matched, without its label: ``province Henan (about), ...``."""
    return clean_line(wording.match_line(msg.matched, msg.language, source_text(msg)))


def when_text(msg: AlertMessage, short: bool = False) -> str:
    """The publication time in China time with its offset, or "unknown"/"date unknown"."""
    return wording.china_time(msg.published_at, short) or wording.field(
        "unknown" if not short else "date unknown", msg.language)


def meeting_text(msg: AlertMessage) -> str:
    """The story's first meeting in one line (``wording.meeting_line``), or ""."""
    return clean_line(wording.meeting_line(msg.meetings, msg.language))


def subject(msg: AlertMessage) -> str:
    """``[provwatch] <title> — <provinces> · <sectors>``, one line, at most 200 chars;
    for a story reporting a meeting, ``[provwatch] <meeting line> — <title>``."""
    title = clean_line(msg.title) or wording.field("untitled", msg.language)
    tags = _tags(msg)
    suffix = f" — {tags}" if tags else ""
    if meeting_text(msg):
        title, suffix = meeting_text(msg), f" — {title[:60]}"
    room = SUBJECT_MAX - len(SUBJECT_PREFIX) - 1 - len(suffix)
    if room < 20:  # absurdly many tags: keep the title, cut the whole line
        suffix, room = "", SUBJECT_MAX - len(SUBJECT_PREFIX) - 1
    if len(title) > room:
        title = title[: room - 1].rstrip() + "…"
    return f"{SUBJECT_PREFIX} {title}{suffix}"[:SUBJECT_MAX]


def _fields(msg: AlertMessage) -> list[tuple[str, str]]:
    """The labelled lines both bodies show, in order, labels in the message's language;
    empty values are left out. "Mentions" lists the provinces named but not about."""
    lang = msg.language
    outlets = wording.joined(list(msg.outlet_names or msg.outlets), lang)
    copies = f"{msg.copies} ({outlets})" if outlets else str(msg.copies)
    mentioned = [p for p in msg.provinces_mentioned if p not in msg.provinces_about]
    rows = [
        ("matched", match_text(msg)),
        ("published", when_text(msg)),
        ("source", source_text(msg)),
        ("about", wording.joined(wording.names("province", msg.provinces_about, lang), lang)),
        ("mentions", wording.joined(wording.names("province", mentioned, lang), lang)),
        ("sectors", wording.joined(wording.names("sector", msg.sectors, lang), lang)),
        ("event", wording.tag_name("event", msg.event, lang) if msg.event else ""),
        ("copies", copies),
        ("watchlist", msg.watchlist),
    ]
    return [(wording.field(key, lang), clean_line(value)) for key, value in rows if value]


def text_body(msg: AlertMessage) -> str:
    """The plain-text body."""
    lines = [clean_line(msg.title) or wording.field("untitled", msg.language),
             clean_line(msg.url), ""]
    if meeting_text(msg):
        lines.insert(0, meeting_text(msg))
    if msg.language == wording.ZH:  # wide characters: padding would not align them
        lines += [f"{label}：{value}" for label, value in _fields(msg)]
    else:
        width = max(len(label) for label, _ in _fields(msg)) + 1
        lines += [f"{label + ':':<{width}} {value}" for label, value in _fields(msg)]
    if msg.snippet.strip():
        lines += ["", msg.snippet.strip()]
    lines += ["", f"-- provwatch delivery {msg.delivery_id}, story {msg.story_id}"]
    return "\n".join(lines) + "\n"


def is_web_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def html_body(msg: AlertMessage) -> str:
    """The HTML body; every scraped string is escaped, only http(s) URLs are links."""
    esc = html.escape
    title = esc(clean_line(msg.title) or wording.field("untitled", msg.language))
    url = clean_line(msg.url)
    if is_web_url(url):
        heading = f'<a href="{esc(url)}">{title}</a>'
        link = f'<p><a href="{esc(url)}">{esc(url)}</a></p>'
    else:
        heading, link = title, f"<p>{esc(url)}</p>"
    rows = "\n".join(
        f'<tr><th align="left">{esc(label)}</th><td>{esc(value)}</td></tr>'
        for label, value in _fields(msg)
    )
    snippet = f"<blockquote>{esc(msg.snippet.strip())}</blockquote>" if msg.snippet.strip() else ""
    return (
        "<!DOCTYPE html>\n"
        '<html><head><meta charset="utf-8"><title>'
        f"{esc(subject(msg))}</title></head>\n<body>\n"
        + (f"<p><strong>{esc(meeting_text(msg))}</strong></p>\n" if meeting_text(msg)
           else "")
        + f"<h2>{heading}</h2>\n{link}\n<table>\n{rows}\n</table>\n{snippet}\n"
        f"<p><small>provwatch delivery {msg.delivery_id}, story {msg.story_id}</small></p>\n"
        "</body></html>\n"
    )


def webhook_payload(msg: AlertMessage) -> dict[str, Any]:
    """The versioned webhook payload documented in this module's docstring."""
    lang = msg.language
    return {
        "version": PAYLOAD_VERSION,
        "type": EVENT_TYPE,
        "watchlist": msg.watchlist,
        "story": {"id": msg.story_id, "copies": msg.copies, "outlets": list(msg.outlets),
                  "outlet_names": list(msg.outlet_names or msg.outlets)},
        "article": {
            "id": msg.article_id,
            "title": msg.title,
            "url": msg.url,
            "source_id": msg.source_id,
            "published_at": iso_utc(msg.published_at),
            "snippet": msg.snippet,
            "source_name": msg.source_name,
            "outlet": msg.outlet,
            "published_at_china": wording.china_iso(msg.published_at),
        },
        "tags": {
            "provinces_about": list(msg.provinces_about),
            "provinces_mentioned": list(msg.provinces_mentioned),
            "sectors": list(msg.sectors),
            "event": msg.event,
        },
        "tag_names": {
            "provinces_about": wording.names("province", msg.provinces_about, lang),
            "provinces_mentioned": wording.names("province", msg.provinces_mentioned, lang),
            "sectors": wording.names("sector", msg.sectors, lang),
            "event": wording.tag_name("event", msg.event, lang) if msg.event else None,
        },
        "matched": [{"criterion": r.criterion, "values": list(r.values),
                     "names": _reason_names(r, msg), "note": r.note} for r in msg.matched],
        "matched_text": match_text(msg),
        "language": lang,
        "meeting_line": meeting_text(msg),
        "meetings": [{"summary_en": m.summary_en, "summary_zh": m.summary_zh,
                      "hosts": list(m.hosts), "guests": list(m.guests),
                      "topics": list(m.topics)} for m in msg.meetings],
        "delivery_id": msg.delivery_id,
    }


def _reason_names(reason: Reason, msg: AlertMessage) -> list[str]:
    if reason.criterion in ("province", "sector", "event"):
        return wording.names(reason.criterion, reason.values, msg.language)
    if reason.criterion == "source":
        return [source_text(msg) if v == msg.source_id else v for v in reason.values]
    return list(reason.values)
