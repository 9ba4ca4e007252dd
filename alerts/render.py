"""What an alert says: subject line, text and HTML bodies, and the webhook payload.

Every function is pure and takes an ``AlertMessage``. Scraped strings are never trusted:
the subject drops control characters and line breaks (no header injection), the HTML body
escapes every scraped string and links only http(s) URLs.

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
        "snippet": "first few hundred characters of the text"
      },
      "tags": {
        "provinces_about": ["henan"],
        "provinces_mentioned": ["guangdong"],
        "sectors": ["nev", "batteries_storage"],
        "event": "leader_meeting"                  # or null
      },
      "delivery_id": 555                           # unique per delivery; use to dedupe
    }

Digests and rate-limit summaries (``digest_payload``), same version, with
``X-Provwatch-Event: stories.digest`` or ``stories.summary``::

    {
      "version": 1,
      "type": "stories.digest",              # or "stories.summary"
      "id": "send-77",                       # unique per message; use to dedupe
      "watchlist": "nev-henan",              # null for a summary spanning watchlists
      "heading": "daily digest, 2026-11-21 08:00 to 2026-11-22 08:00 Asia/Shanghai",
      "sections": [{"group": "henan · nev", "items": [<one alert's fields>, ...]}],
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

from provwatch.alerts.message import AlertMessage, Digest

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
    provinces = msg.provinces_about or msg.provinces_mentioned
    groups = [", ".join(clean_line(t) for t in group) for group in (provinces, msg.sectors)]
    return " · ".join(g for g in groups if g)


def subject(msg: AlertMessage) -> str:
    """``[provwatch] <title> — <provinces> · <sectors>``, one line, at most 200 chars."""
    title = clean_line(msg.title) or "(untitled)"
    tags = _tags(msg)
    suffix = f" — {tags}" if tags else ""
    room = SUBJECT_MAX - len(SUBJECT_PREFIX) - 1 - len(suffix)
    if room < 20:  # absurdly many tags: keep the title, cut the whole line
        suffix, room = "", SUBJECT_MAX - len(SUBJECT_PREFIX) - 1
    if len(title) > room:
        title = title[: room - 1].rstrip() + "…"
    return f"{SUBJECT_PREFIX} {title}{suffix}"[:SUBJECT_MAX]


def _fields(msg: AlertMessage) -> list[tuple[str, str]]:
    """The labelled lines both bodies show, in order; empty values are left out."""
    outlets = ", ".join(msg.outlets)
    copies = f"{msg.copies} ({outlets})" if outlets else str(msg.copies)
    rows = [
        ("Published", iso_utc(msg.published_at) or "unknown"),
        ("Source", msg.source_id),
        ("About", ", ".join(msg.provinces_about)),
        ("Mentions", ", ".join(msg.provinces_mentioned)),
        ("Sectors", ", ".join(msg.sectors)),
        ("Event", msg.event or ""),
        ("Copies", copies),
        ("Watchlist", msg.watchlist),
    ]
    return [(label, clean_line(value)) for label, value in rows if value]


def text_body(msg: AlertMessage) -> str:
    """The plain-text body."""
    lines = [clean_line(msg.title) or "(untitled)", clean_line(msg.url), ""]
    width = max(len(label) for label, _ in _fields(msg)) + 1
    lines += [f"{label + ':':<{width}} {value}" for label, value in _fields(msg)]
    if msg.snippet.strip():
        lines += ["", msg.snippet.strip()]
    lines += ["", f"-- provwatch delivery {msg.delivery_id}, story {msg.story_id}"]
    return "\n".join(lines) + "\n"


def _is_web_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def html_body(msg: AlertMessage) -> str:
    """The HTML body; every scraped string is escaped, only http(s) URLs are links."""
    esc = html.escape
    title = esc(clean_line(msg.title) or "(untitled)")
    url = clean_line(msg.url)
    if _is_web_url(url):
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
        f"<h2>{heading}</h2>\n{link}\n<table>\n{rows}\n</table>\n{snippet}\n"
        f"<p><small>provwatch delivery {msg.delivery_id}, story {msg.story_id}</small></p>\n"
        "</body></html>\n"
    )


def webhook_payload(msg: AlertMessage) -> dict[str, Any]:
    """The versioned webhook payload documented in this module's docstring."""
    return {
        "version": PAYLOAD_VERSION,
        "type": EVENT_TYPE,
        "watchlist": msg.watchlist,
        "story": {"id": msg.story_id, "copies": msg.copies, "outlets": list(msg.outlets)},
        "article": {
            "id": msg.article_id,
            "title": msg.title,
            "url": msg.url,
            "source_id": msg.source_id,
            "published_at": iso_utc(msg.published_at),
            "snippet": msg.snippet,
        },
        "tags": {
            "provinces_about": list(msg.provinces_about),
            "provinces_mentioned": list(msg.provinces_mentioned),
            "sectors": list(msg.sectors),
            "event": msg.event,
        },
        "delivery_id": msg.delivery_id,
    }


def group_key(msg: AlertMessage) -> tuple[str, str]:
    """(province, sector) a digest files an alert under: the first province it is about
    (else the first it mentions), the first sector; "other" where there is none."""
    province = (msg.provinces_about or msg.provinces_mentioned or ("other",))[0]
    sector = (msg.sectors or ("other",))[0]
    return province, sector


def groups(items: tuple[AlertMessage, ...] | list[AlertMessage]
           ) -> list[tuple[str, list[AlertMessage]]]:
    """A digest's sections: ``("henan · nev", [alerts...])``, provinces in alphabetical
    order with "other" last, sectors likewise within a province; alerts newest first."""
    buckets: dict[tuple[str, str], list[AlertMessage]] = {}
    for msg in items:
        buckets.setdefault(group_key(msg), []).append(msg)

    def order(key: tuple[str, str]) -> tuple:
        return (key[0] == "other", key[0], key[1] == "other", key[1])

    oldest = datetime.min.replace(tzinfo=timezone.utc)
    return [(f"{province} · {sector}",
             sorted(buckets[(province, sector)],
                    key=lambda m: m.published_at or oldest, reverse=True))
            for province, sector in sorted(buckets, key=order)]


def digest_title(digest: Digest) -> str:
    """One line: ``[provwatch] 12 stories — daily digest … (watchlist nev-henan)``."""
    n = len(digest.items)
    what = f"{n} {'story' if n == 1 else 'stories'}"
    owner = f" (watchlist {clean_line(digest.watchlist)})" if digest.watchlist else ""
    return f"{SUBJECT_PREFIX} {what} — {clean_line(digest.heading)}{owner}"[:SUBJECT_MAX]


DIGEST_EVENTS = {"digest": "stories.digest", "summary": "stories.summary"}


def digest_payload(digest: Digest) -> dict[str, Any]:
    """The webhook body of a digest or summary (see this module's docstring)."""
    def item(msg: AlertMessage) -> dict[str, Any]:
        body = webhook_payload(msg)
        del body["version"], body["type"]
        return body

    return {
        "version": PAYLOAD_VERSION,
        "type": DIGEST_EVENTS[digest.kind],
        "id": digest.delivery_id,
        "watchlist": digest.watchlist,
        "heading": digest.heading,
        "sections": [{"group": name, "items": [item(m) for m in msgs]}
                     for name, msgs in groups(digest.items)],
        "count": len(digest.items),
    }


def _digest_line(msg: AlertMessage) -> str:
    when = iso_utc(msg.published_at) or "date unknown"
    extra = f", {msg.copies} copies" if msg.copies > 1 else ""
    return f"{clean_line(msg.title) or '(untitled)'} ({clean_line(msg.source_id)}, {when}{extra})"


def digest_text(digest: Digest) -> str:
    """The plain-text body of a digest or summary: sections, one line and a link each."""
    lines = [clean_line(digest.heading), ""]
    for name, msgs in groups(digest.items):
        lines += [f"== {clean_line(name)} ({len(msgs)})", ""]
        for msg in msgs:
            lines += [f"- {_digest_line(msg)}", f"  {clean_line(msg.url)}"]
        lines.append("")
    ids = ", ".join(str(m.delivery_id) for m in digest.items)
    lines.append(f"-- provwatch {digest.delivery_id}, deliveries {ids}")
    return "\n".join(lines) + "\n"


def digest_html(digest: Digest) -> str:
    """The HTML body of a digest or summary; every scraped string escaped."""
    esc = html.escape
    parts = ["<!DOCTYPE html>", '<html><head><meta charset="utf-8"><title>'
             f"{esc(digest_title(digest))}</title></head>", "<body>",
             f"<p>{esc(clean_line(digest.heading))}</p>"]
    for name, msgs in groups(digest.items):
        parts.append(f"<h3>{esc(clean_line(name))} ({len(msgs)})</h3>\n<ul>")
        for msg in msgs:
            title = esc(clean_line(msg.title) or "(untitled)")
            url = clean_line(msg.url)
            head = f'<a href="{esc(url)}">{title}</a>' if _is_web_url(url) else title
            when = esc(iso_utc(msg.published_at) or "date unknown")
            extra = f", {msg.copies} copies" if msg.copies > 1 else ""
            parts.append(f"<li>{head} <small>({esc(clean_line(msg.source_id))}, {when}"
                         f"{extra})</small></li>")
        parts.append("</ul>")
    parts += [f"<p><small>provwatch {esc(digest.delivery_id)}</small></p>", "</body></html>"]
    return "\n".join(parts) + "\n"
