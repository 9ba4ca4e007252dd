"""Feed spider: RSS/Atom/RDF via feedparser, with conditional GET and a body hash, so an
unchanged feed costs one small request and no parsing.

A feed holds only its latest entries, so a backfill (``since``/``until``) cannot reach
further back than it does: entries dated outside the window are skipped, undated ones
kept. Such a run keeps no new validators: a later ordinary crawl must read the feed
again for the entries the window left out.
"""

from __future__ import annotations

import calendar
import hashlib
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import feedparser

from provwatch.crawler.chinatime import SHANGHAI, china_day, in_window
from provwatch.pipelines.datetext import parse_date_text
from provwatch.pipelines.decoding import DecodeError, decode_html
from provwatch.spiders.base import SourceSpider
from provwatch.spiders.window import FEED_NOTE


def entry_time(entry) -> datetime | None:
    """The entry's date, aware. A date written without a zone is China time (feedparser's
    ``*_parsed`` would read it as UTC, eight hours late): the written text is read first,
    as RFC 822 or any form pipelines.datetext knows, and feedparser's value is the last
    resort."""
    for key in ("published", "updated", "created"):
        written = _written_time(entry.get(key))
        if written is not None:
            return written
        value = entry.get(f"{key}_parsed")
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def _written_time(text: str | None) -> datetime | None:
    if not text or not isinstance(text, str):
        return None
    try:
        dt = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        found = parse_date_text(text)
        return found[0] if found else None
    return dt if dt.tzinfo else dt.replace(tzinfo=SHANGHAI)


def entry_link(entry, base: str) -> str | None:
    """The entry's http(s) link: its link, else an id that is one (an RSS guid that is a
    permalink, an Atom id that is a URL); None when it has none (urn:, tag:, mailto:)."""
    for candidate in (entry.get("link"), entry.get("id")):
        if candidate and isinstance(candidate, str):
            url = urljoin(base, candidate.strip())
            if urlsplit(url).scheme in ("http", "https"):
                return url
    return None


class FeedSpider(SourceSpider):
    async def start(self):
        if self.since is not None or self.until is not None:
            self.logger.info("source %s: %s", self.source.id, FEED_NOTE)
        for url in self.source.urls:
            old = self.validators.get(url, {})
            headers = {}
            if old.get("etag"):
                headers["If-None-Match"] = old["etag"]
            if old.get("last_modified"):
                headers["If-Modified-Since"] = old["last_modified"]
            yield self.entry_request(url, self.parse_feed, headers=headers, dont_filter=True)

    def parse_feed(self, response):
        old = self.validators.get(response.url, {})
        if response.status == 304:
            self.entry_ok += 1
            self.not_modified += 1
            self.crawler.stats.inc_value("provwatch/not_modified")
            return
        digest = hashlib.sha256(response.body).hexdigest()
        windowed = self.since is not None or self.until is not None
        if not windowed:
            self.remember(response.url, etag=_header(response, "ETag"),
                          last_modified=_header(response, "Last-Modified"), hash=digest)
        if old.get("hash") == digest:
            self.entry_ok += 1
            self.not_modified += 1
            self.crawler.stats.inc_value("provwatch/not_modified")
            return
        parsed = feedparser.parse(response.body, response_headers={
            "content-type": feed_content_type(response.body, _header(response, "Content-Type")),
            "content-location": response.url,
        })
        if not parsed.entries and (parsed.bozo or not parsed.version):
            self.new_validators.pop(response.url, None)
            why = parsed.get("bozo_exception") or "no RSS/Atom/RDF structure found"
            self.unusable_entry("malformed_feed",
                                     f"feed {response.url}: not a usable feed: {why}")
            return
        self.entry_ok += 1
        if parsed.bozo:
            self.logger.warning("source %s: feed %s is ill-formed (%s); using its %d entries",
                                self.source.id, response.url, parsed.get("bozo_exception"),
                                len(parsed.entries))
        for entry in parsed.entries:
            link = entry_link(entry, response.url)
            if link is None:
                # counted and told; the entries after it are still read
                self.drop("feed_entry_without_link",
                          f"feed {response.url}: entry {entry.get('title', '')[:60]!r} has no "
                          f"http(s) link (link {entry.get('link')!r}, id {entry.get('id')!r})")
                continue
            published = entry_time(entry)
            if windowed and published is not None and not in_window(
                    china_day(published), self.since, self.until):
                self.crawler.stats.inc_value("provwatch/dropped/outside_window")
                continue
            yield self.article_request(link, title=entry.get("title"),
                                       published=published, summary=entry.get("summary"))


def feed_content_type(body: bytes, content_type: str | None) -> str:
    """The Content-Type to hand feedparser: the header's type with the charset that really
    decodes the feed (pipelines.decoding's rules: a header or declaration that does not
    decode is not believed, and a Western default such as ISO-8859-1 is the server's
    habit more often than the truth; feedparser would believe it and make mojibake)."""
    mime = (content_type or "application/xml").split(";")[0].strip() or "application/xml"
    try:
        _, charset = decode_html(body, content_type)
    except DecodeError:
        return content_type or "application/xml"  # feedparser's own recovery, then
    return f"{mime}; charset={charset}"


def _header(response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
