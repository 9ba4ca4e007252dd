"""The application's operations, importable: each CLI command parses, calls one of these, prints."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from alerts.channels import settings_from_config
from alerts.dispatch import DispatchReport, dispatch
from alerts.watchlist import WatchlistSpec
from crawler.config import Config
from crawler.errors import ProvwatchError
from crawler.extract_api import extract_file, extract_lines, reextract  # noqa: F401
from crawler.sources import load_catalog
from crawler.storage import repository
from crawler.storage.db import open_database, transaction
from crawler.storage.models import Article
from crawler.warc import SourceIndex, WarcError, WarcTally, open_warc, read_warc
from pipelines.chain import Chain
from pipelines.items import ArticleItem


def send_alerts(config: Config) -> DispatchReport:
    return dispatch(open_database(config.database_url), settings_from_config(config),
                    max_attempts=config.alert_max_attempts)


# --- articles -------------------------------------------------------------------------


def article_json(article: Article) -> dict[str, Any]:
    tags = article.tags
    return {
        "id": article.id, "url": article.url, "canonical_url": article.canonical_url,
        "title": article.title,
        "published_at": _iso(article.published_at), "date_source": article.date_source,
        "date_precision": article.date_precision,
        "fetched_at": _iso(article.fetched_at), "source_id": article.source_id,
        "story_id": article.story_id, "lang": article.lang, "charset": article.charset,
        "provinces_about": [t.value for t in tags if t.kind == "province" and t.role == "about"],
        "provinces_mentioned": [t.value for t in tags if t.kind == "province"],
        "sectors": [t.value for t in tags if t.kind == "sector"],
        "event": next((t.value for t in tags if t.kind == "event"), None),
        "people": [t.value for t in tags if t.kind == "person"],
        "orgs": [t.value for t in tags if t.kind == "org"],
        "tags": [{"kind": t.kind, "value": t.value, "role": t.role, "score": t.score}
                 for t in tags],
        "document": (article.meta or {}).get("document"),
    }


def _iso(dt: datetime | None) -> str | None:
    return dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if dt else None


def list_articles(config: Config, **filters: Any) -> list[dict[str, Any]]:
    with open_database(config.database_url)() as session:
        return [article_json(a) for a in repository.list_articles(session, **filters)]


def show_article(config: Config, article_id: int) -> dict[str, Any]:
    with open_database(config.database_url)() as session:
        article = repository.get_article(session, article_id)
        if article is None:
            raise ProvwatchError(f"no article with id {article_id}")
        out = article_json(article)
        out["text"] = article.text
        out["author"] = article.author
        out["copies"] = repository.story_outlets(session, article.story_id)
        return out


def show_story(config: Config, story_id: int) -> dict[str, Any]:
    from crawler.storage.models import Story

    with open_database(config.database_url)() as session:
        story = session.get(Story, story_id)
        if story is None:
            raise ProvwatchError(f"no story with id {story_id}")
        copies = repository.story_copies(session, story_id)
        return {
            "id": story.id, "title": story.title, "first_seen_at": _iso(story.first_seen_at),
            "first_article_id": story.first_article_id, "copy_count": story.copy_count,
            "copies": [{"article_id": a.id, "source_id": a.source_id, "url": a.url,
                        "title": a.title, "published_at": _iso(a.published_at),
                        "fetched_at": _iso(a.fetched_at)} for a in copies],
        }


# --- ingest ---------------------------------------------------------------------------


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
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{name}:{n}"
        try:
            obj = json.loads(line)
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
        except json.JSONDecodeError as e:
            errors.append(f"{where}: not JSON: {e.msg}")
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
    """One WARC file's HTML responses through the ingest chain (crawler.warc reads it).

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

# --- watchlists -----------------------------------------------------------------------


def add_watchlist(config: Config, spec: WatchlistSpec) -> None:
    with transaction(open_database(config.database_url)) as session:
        if repository.get_watchlist(session, spec.name):
            raise ProvwatchError(f"watchlist {spec.name!r} exists; remove it first")
        repository.add_watchlist(session, **spec.to_row())


def list_watchlists(config: Config) -> list[WatchlistSpec]:
    from alerts.watchlist import from_row

    with open_database(config.database_url)() as session:
        return [from_row(w) for w in repository.watchlists(session)]


def remove_watchlist(config: Config, name: str) -> None:
    with transaction(open_database(config.database_url)) as session:
        if not repository.remove_watchlist(session, name):
            raise ProvwatchError(f"no watchlist named {name!r}")


