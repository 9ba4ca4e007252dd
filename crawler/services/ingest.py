"""Ingest: pages fetched elsewhere (JSON lines, WARC archives) through the crawl's pipeline."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

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
        raise ValueError(f"{where}: fetched_at {value!r} is not an ISO 8601 time") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def read_pages(lines: Iterable[str], name: str, errors: list[str]) -> Iterator[ArticleItem]:
    """JSON lines {url, html | html_base64, source_id?, fetched_at?} -> items; bad lines noted."""
    for where, obj in json_lines(lines, name, errors):
        try:
            if not isinstance(obj, dict) or not obj.get("url"):
                raise ValueError(f"{where}: needs at least 'url' and 'html'")
            if "html_base64" in obj:
                body = base64.b64decode(obj["html_base64"])
            elif isinstance(obj.get("html"), str):
                body = obj["html"].encode("utf-8")
            else:
                raise ValueError(f"{where}: field 'html' missing or not a string")
            yield ArticleItem(url=obj["url"], source_id=str(obj.get("source_id") or "ingest"),
                              body=body, fetched_at=_parse_time(obj.get("fetched_at"), where),
                              content_type="text/html; charset=utf-8"
                              if "html" in obj and "html_base64" not in obj else None)
        except ValueError as e:
            errors.append(str(e))


def ingest(config: Config, stream: TextIO, name: str, *, alert_old: bool = False
           ) -> IngestReport:
    """``alert_old``: alert also on articles published before the watchlist was created."""
    errors: list[str] = []
    report = IngestReport(errors=errors)
    with Chain(config.database_url, config.keep_raw_html, alert_old=alert_old) as chain:
        for item in read_pages(stream, name, errors):
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
