"""Digests as people and machines read them: items grouped by province and sector, in
the watchlist's language, as plain text, HTML and the webhook's JSON. One alert's parts
(subject, source, time, why it matched) come from alerts/render.py, so an item reads in a
digest as it does alone."""

from __future__ import annotations

import html
from datetime import datetime, timezone
from typing import Any

from provwatch.alerts import wording
from provwatch.alerts.message import AlertMessage, Digest
from provwatch.alerts.render import (
    PAYLOAD_VERSION,
    SUBJECT_MAX,
    SUBJECT_PREFIX,
    clean_line,
    is_web_url,
    match_text,
    meeting_text,
    source_text,
    webhook_payload,
    when_text,
)


def group_key(msg: AlertMessage) -> tuple[str, str]:
    """(province, sector) a digest files an alert under: the first province it is about
    (else the first it mentions), the first sector; "other" where there is none."""
    province = (msg.provinces_about or msg.provinces_mentioned or ("other",))[0]
    sector = (msg.sectors or ("other",))[0]
    return province, sector


def group_name(name: str, language: str | None) -> str:
    """A section's ids (``henan · nev``) by name: ``Henan · New energy vehicles``."""
    province, _, sector = name.partition(" · ")
    other = {"en": "other", "zh": "其他"}[wording.lang_of(language)]
    shown = [other if p == "other" else wording.tag_name(kind, p, language)
             for kind, p in (("province", province), ("sector", sector))]
    return " · ".join(shown)


def digest_language(digest: Digest) -> str:
    """The language a digest is written in: its alerts' (the first one's, for a summary
    spanning watchlists)."""
    return digest.items[0].language if digest.items else wording.EN


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
        "sections": [{"group": name, "group_name": group_name(name, digest_language(digest)),
                      "items": [item(m) for m in msgs]}
                     for name, msgs in groups(digest.items)],
        "count": len(digest.items),
    }


def _copies(msg: AlertMessage) -> str:
    if msg.copies <= 1:
        return ""
    return f"，转载 {msg.copies}" if msg.language == wording.ZH else f", {msg.copies} copies"


def _digest_line(msg: AlertMessage) -> str:
    title = clean_line(msg.title) or wording.field("untitled", msg.language)
    return f"{title} ({source_text(msg)}, {when_text(msg)}{_copies(msg)})"


def _matched_line(msg: AlertMessage) -> str:
    """``Matched: ...`` for a digest item; "" when the reasons are not known."""
    text = match_text(msg)
    colon = "：" if msg.language == wording.ZH else ": "
    return f"{wording.field('matched', msg.language)}{colon}{text}" if text else ""


def digest_text(digest: Digest) -> str:
    """The plain-text body of a digest or summary: sections, one line and a link each."""
    lines = [clean_line(digest.heading), ""]
    lang = digest_language(digest)
    for name, msgs in groups(digest.items):
        lines += [f"== {clean_line(group_name(name, lang))} ({len(msgs)})", ""]
        for msg in msgs:
            lines += [f"- {_digest_line(msg)}"]
            lines += [f"  {meeting_text(msg)}"] if meeting_text(msg) else []
            lines += [f"  {clean_line(msg.url)}"]
            matched = _matched_line(msg)
            if matched:
                lines.append(f"  {matched}")
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
    lang = digest_language(digest)
    for name, msgs in groups(digest.items):
        parts.append(f"<h3>{esc(clean_line(group_name(name, lang)))} ({len(msgs)})</h3>\n<ul>")
        for msg in msgs:
            title = esc(clean_line(msg.title) or wording.field("untitled", msg.language))
            url = clean_line(msg.url)
            head = f'<a href="{esc(url)}">{title}</a>' if is_web_url(url) else title
            matched = _matched_line(msg)
            why = f"<br><small>{esc(matched)}</small>" if matched else ""
            if meeting_text(msg):
                why = f"<br>{esc(meeting_text(msg))}{why}"
            parts.append(f"<li>{head} <small>({esc(source_text(msg))}, "
                         f"{esc(when_text(msg))}{esc(_copies(msg))})</small>{why}</li>")
        parts.append("</ul>")
    parts += [f"<p><small>provwatch {esc(digest.delivery_id)}</small></p>", "</body></html>"]
    return "\n".join(parts) + "\n"
