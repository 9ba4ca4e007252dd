"""Pages from web archives: WARC files (Common Crawl, the Internet Archive, own crawls).

`provwatch ingest --warc` backfills from archives through the same pipeline as a crawl.
This module turns one WARC file into ArticleItems and nothing else:

* only ``response`` records are pages; request, revisit, metadata and other records are
  not, and are passed over without counting (an archive holds several per page);
* a response is taken when it is HTTP 200 with an HTML Content-Type (or none, and a body
  that starts like HTML); the others are counted by reason: ``http_<status>``,
  ``not_html``, ``not_http`` (dns: records and the like), ``too_large``;
* the item carries the URL (WARC-Target-URI), the capture time (WARC-Date, UTC), the
  HTTP payload with chunked and gzip transfer encodings undone (warcio does that), and
  the HTTP Content-Type header, which the charset rules read (GBK pages);
* the source is the catalog source on the same host (else the same registrable site),
  so the province and date/body selectors apply as in a crawl; otherwise ``warc``;
* a truncated or corrupt file raises WarcError naming the file, the record number and
  its byte offset (in the file as stored: compressed offsets for .warc.gz); what came
  before it has been yielded, and the chain commits each article on its own.
"""

from __future__ import annotations

import os
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataException
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeadersParserException
from warcio.timeutils import iso_date_to_datetime

from provwatch.crawler.catalog.sources import Source
from provwatch.crawler.errors import ProvwatchError
from provwatch.pipelines.items import ArticleItem
from provwatch.pipelines.urls import canonical_url
from provwatch.pipelines.urls import (
    site_of as registrable_site,  # one definition of "the same site"
)

HTML_TYPES = ("text/html", "application/xhtml+xml")
FALLBACK_SOURCE = "warc"
_CHUNK = 64 * 1024
# what warcio and zlib raise on a damaged archive (warcio itself swallows most)
_BROKEN = (ArchiveLoadFailed, StatusAndHeadersParserException, ChunkedDataException,
           zlib.error, EOFError, OSError, ValueError)
# on headers cut short, warcio can trip over the missing values themselves
_CUT_SHORT = (AttributeError, TypeError, IndexError)


class WarcError(ProvwatchError):
    """The archive is unreadable from some record on; the message says where."""


@dataclass
class WarcTally:
    """What reading one file came to, beside the items: the ingest report is built from it."""

    responses: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)  # records passed over, one line each


class SourceIndex:
    """Finds the catalog source an archived URL belongs to, by host, then by site."""

    def __init__(self, sources: Iterable[Source]) -> None:
        self._entries = [(_host(url), urlsplit(url).path, source)
                         for source in sources for url in source.urls]

    def find(self, url: str) -> Source | None:
        """The source on the same host (www./m. ignored), else on the same registrable site
        (a source on www.henan.gov.cn also owns the articles on news.henan.gov.cn); among
        several, the one whose catalog URL shares the longest path with the URL."""
        host, path = _host(url), urlsplit(url).path
        if not host:
            return None
        best, best_score = None, (False, -1)
        for entry_host, entry_path, source in self._entries:
            if entry_host != host and registrable_site(entry_host) != registrable_site(host):
                continue
            score = (entry_host == host, len(os.path.commonprefix([entry_path, path])))
            if score > best_score:
                best, best_score = source, score
        return best


def _host(url: str) -> str:
    """The host as canonical URLs spell it, so www.x.gov.cn and x.gov.cn are one host."""
    try:
        return urlsplit(canonical_url(url)).hostname or ""
    except ValueError:  # an unparsable URL (bad port, bad IPv6) belongs to no source
        return ""


def open_warc(path: str | Path) -> BinaryIO:
    """Open before any database work, so a mistyped path costs nothing."""
    try:
        return open(path, "rb")  # the caller closes it
    except OSError as e:
        raise WarcError(f"{path}: cannot read: {e.strerror or e}") from None


def read_warc(stream: BinaryIO, name: str, sources: SourceIndex, tally: WarcTally, *,
              max_bytes: int) -> Iterator[ArticleItem]:
    """Yield the HTML pages of a seekable .warc or .warc.gz stream; count the rest in
    ``tally``; raise WarcError at the first damaged record (``name`` is the file)."""
    records = ArchiveIterator(stream)
    number, end = 0, 0
    for number, record in enumerate(_records(records, name), 1):
        where = f"{name}: record {number} at offset {records.offset}"
        try:
            item = _page(record, sources, tally, max_bytes, where)
            _check_complete(record, records, where)
            end = records.get_record_offset() + records.get_record_length()
        except _BROKEN as e:
            raise WarcError(f"{where}: unreadable: {_reason(e)}") from None
        if item is not None:
            yield item
    _check_tail(stream, name, number + 1, end)


def _records(records: ArchiveIterator, name: str) -> Iterator[ArcWarcRecord]:
    """warcio's records, with its parse errors turned into WarcError saying where."""
    number = 0
    while True:
        number += 1
        offset = records.offset
        try:
            record = next(records, None)
        except _BROKEN as e:
            raise WarcError(f"{name}: record {number} at offset {offset}: not a valid WARC "
                            f"record: {_reason(e)}") from None
        except _CUT_SHORT:
            raise WarcError(f"{name}: record {number} at offset {offset}: its headers are "
                            "incomplete (the file ends or breaks inside them)") from None
        if record is None:
            return
        if record.format != "warc":
            raise WarcError(f"{name}: record {number} at offset {offset}: an ARC record; "
                            "only WARC files are read")
        yield record


def _reason(e: Exception) -> str:
    text = " ".join(str(e).split())
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def _page(record: ArcWarcRecord, sources: SourceIndex, tally: WarcTally, max_bytes: int,
          where: str) -> ArticleItem | None:
    """The item for a usable response record; None (counted) for anything else."""
    if record.rec_type != "response":
        return None
    tally.responses += 1
    http = record.http_headers
    if http is None:
        _skip(tally, "not_http")
        return None
    status = http.get_statuscode()
    if status != "200":
        _skip(tally, f"http_{status}")
        return None
    content_type = http.get_header("Content-Type")
    if content_type and not _is_html_type(content_type):
        _skip(tally, "not_html")
        return None
    body = _read_capped(record.content_stream(), max_bytes)
    if body is None:
        _skip(tally, "too_large")
        return None
    if not content_type and not _looks_like_html(body):
        _skip(tally, "not_html")
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    fetched_at = _warc_date(record.rec_headers.get_header("WARC-Date"))
    if not url or fetched_at is None:
        tally.errors.append(f"{where}: no {'WARC-Target-URI' if not url else 'valid WARC-Date'}")
        return None
    source = sources.find(url)
    return ArticleItem(
        url=url, source_id=source.id if source else FALLBACK_SOURCE, body=body,
        fetched_at=fetched_at, content_type=content_type,
        source_province=source.province if source else None,
        source_language=source.language if source else None,
        date_selector=source.selectors.get("date") if source else None,
        body_selector=source.selectors.get("body") if source else None)


def _skip(tally: WarcTally, reason: str) -> None:
    tally.skipped[reason] += 1
    return None


def _is_html_type(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() in HTML_TYPES


def _looks_like_html(body: bytes) -> bool:
    """Old servers often sent no Content-Type; a body opening like HTML is taken as HTML."""
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<!--"))


def _read_capped(stream, limit: int) -> bytes | None:
    """The payload, or None when it is longer than ``limit`` (read no further than that)."""
    parts, size = [], 0
    while size <= limit:
        chunk = stream.read(min(_CHUNK, limit + 1 - size))
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    return None if size > limit else b"".join(parts)


def _warc_date(value: str | None) -> datetime | None:
    """WARC-Date (ISO 8601 UTC, seconds or finer) as an aware datetime; None if unusable."""
    if not value:
        return None
    try:
        return iso_date_to_datetime(value.strip(), tz_aware=True)
    except (ValueError, TypeError):
        return None


def _check_complete(record: ArcWarcRecord, records: ArchiveIterator, where: str) -> None:
    """A record must carry its Content-Length, hold that many bytes, and be followed by
    the blank lines that end a record; warcio only warns (or says nothing) otherwise."""
    length = record.rec_headers.get_header("Content-Length")
    if not (length or "").strip().isdigit():
        raise WarcError(f"{where}: no valid Content-Length header (the file is damaged)")
    stream = record.raw_stream
    while stream.read(_CHUNK):
        pass
    missing = getattr(stream, "limit", 0)
    if missing:
        raise WarcError(f"{where}: truncated: {missing} of its {length.strip()} bytes are "
                        "missing (the file ends or breaks inside it)")
    errors_before = records.err_count
    records.get_record_offset()  # reads up to the next record, checking the separator
    if records.err_count > errors_before:
        raise WarcError(f"{where}: its Content-Length does not match its content "
                        "(the file is damaged)")


def _check_tail(stream: BinaryIO, name: str, number: int, end: int) -> None:
    """warcio ends quietly when a file breaks inside a record's headers; whatever follows
    the last whole record must be blank."""
    stream.seek(end)
    skipped = 0
    while chunk := stream.read(_CHUNK):
        rest = chunk.lstrip(b"\r\n \t")
        if rest:
            raise WarcError(f"{name}: record {number} at offset "
                            f"{end + skipped + len(chunk) - len(rest)}: incomplete "
                            "(the file ends inside its headers)")
        skipped += len(chunk)
