"""Ingest: pages fetched elsewhere (JSON lines, WARC archives) through the crawl's pipeline."""

from __future__ import annotations

import base64
import binascii
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.config import Config
from provwatch.crawler.services.lines import json_lines
from provwatch.crawler.services.warc import SourceIndex, WarcError, WarcTally, open_warc, read_warc
from provwatch.pipelines.chain import Chain
from provwatch.pipelines.items import ArticleItem


@dataclass
class IngestReport:
    read: int = 0
    stored: int = 0
    dropped: dict[str, int] | None = None
    errors: list[str] | None = None


def _parse_time(value: Any, where: str) -> datetime:
    if not value:
        return datetime.now(timezone.utc)
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{where}: field 'fetched_at': {value!r} is not an ISO 8601 time "
                         "(e.g. 2026-11-18T09:30:00+08:00)") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def _url(value: Any, where: str) -> str:
    url = value.strip() if isinstance(value, str) else ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        raise ValueError(f"{where}: field 'url': {value!r} is not an http(s) URL "
                         "(e.g. https://www.henan.gov.cn/2024/01-02/1.html)")
    return url


def _body(obj: dict[str, Any], where: str) -> bytes:
    if "html_base64" in obj:
        encoded = obj["html_base64"]
        try:
            if not isinstance(encoded, str):
                raise ValueError
            return base64.b64decode("".join(encoded.split()), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"{where}: field 'html_base64': not valid base64 (give the "
                             "page's bytes base64-encoded, or its text as 'html')") from None
    if isinstance(obj.get("html"), str):
        return obj["html"].encode("utf-8")
    raise ValueError(f"{where}: field 'html' missing or not a string")


def read_pages(lines: Iterable[str | bytes], name: str, errors: list[str]
               ) -> Iterator[ArticleItem]:
    """JSON lines {url, html | html_base64, source_id?, fetched_at?} -> items; each bad line
    is noted in ``errors`` as ``name:line: field: why`` and skipped."""
    for where, obj in json_lines(lines, name, errors):
        try:
            if not isinstance(obj, dict) or not obj.get("url"):
                raise ValueError(f"{where}: needs at least 'url' and 'html'")
            url = _url(obj["url"], where)
            body = _body(obj, where)
            yield ArticleItem(url=url, source_id=str(obj.get("source_id") or "ingest"),
                              body=body, fetched_at=_parse_time(obj.get("fetched_at"), where),
                              content_type="text/html; charset=utf-8"
                              if "html" in obj and "html_base64" not in obj else None)
        except ValueError as e:
            errors.append(str(e))


def ingest(config: Config, stream: Iterable[str | bytes], name: str, *,
           alert_old: bool = False) -> IngestReport:
    """``alert_old``: alert also on articles published before the watchlist was created.

    The database is opened at the first good line: input with none changes nothing."""
    errors: list[str] = []
    report = IngestReport(errors=errors, dropped={})
    pages = read_pages(stream, name, errors)
    first = next(pages, None)
    if first is None:
        return report
    with Chain(config.database_url, config.keep_raw_html, alert_old=alert_old) as chain:
        for item in itertools.chain([first], pages):
            report.read += 1
            report.stored += chain.process(item) is not None
        report.dropped = dict(chain.dropped)
    return report


def ingest_warc(config: Config, path: str | Path, *, alert_old: bool = False) -> IngestReport:
    """One WARC file's HTML responses through the ingest chain (crawler.services.warc reads it).

    ``read`` counts response records; ``dropped`` holds the skipped ones by reason
    (http_404, not_html, too_large, ...) beside the chain's drops. A damaged file raises
    WarcError after the articles before the break are stored, and says how many were.
    """
    with open_warc(path) as stream:
        sources = SourceIndex(load_catalog(config.catalog))
        tally = WarcTally()
        report = IngestReport(errors=tally.errors)
        with Chain(config.database_url, config.keep_raw_html, alert_old=alert_old) as chain:
            pages = read_warc(stream, str(path), sources, tally, max_bytes=config.max_page_bytes)
            try:
                for item in pages:
                    report.stored += chain.process(item) is not None
            except WarcError as e:
                raise WarcError(f"{e}; the {report.stored} articles stored before it "
                                "are kept") from None
            report.read = tally.responses
            report.dropped = {**tally.skipped, **chain.dropped}
    return report
