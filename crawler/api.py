"""The application's operations, importable: each CLI command parses, calls one of these, prints."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from dataclasses import replace as replace_fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.orm import Session

from alerts.channels import settings_from_config
from alerts.dispatch import DispatchReport, dispatch
from alerts.errors import WatchlistError
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
                    max_attempts=config.alert_max_attempts, rate_limit=config.alert_rate_limit)


# --- articles -------------------------------------------------------------------------


def article_json(article: Article) -> dict[str, Any]:
    tags = article.tags
    meta = article.meta or {}
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
        "document": meta.get("document"), "content_source": meta.get("content_source"),
        "column": meta.get("column"), "gov": meta.get("gov"),
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


def known_sources(config: Config, session: Session) -> set[str]:
    """Source ids a watchlist may name: the catalog's, and those stored articles carry
    (pages ingested under their own source id)."""
    return {s.id for s in load_catalog(config.catalog)} | repository.source_ids(session)


def _source_problems(config: Config, session: Session,
                     specs: Iterable[WatchlistSpec]) -> list[WatchlistError]:
    """A WatchlistError per watchlist naming a source id neither catalog nor store knows."""
    from alerts.watchlist import check_sources

    specs = [s for s in specs if s.sources]
    if not specs:
        return []
    known = known_sources(config, session)
    problems = []
    for spec in specs:
        try:
            check_sources(spec, known)
        except WatchlistError as e:
            problems.append(e)
    return problems


def add_watchlist(config: Config, spec: WatchlistSpec) -> int:
    """Store a new watchlist; with ``backfill_days``, enqueue at once the stored stories
    first seen that many days back that match it. Returns how many deliveries that made."""
    with transaction(open_database(config.database_url)) as session:
        if repository.get_watchlist(session, spec.name):
            raise ProvwatchError(f"watchlist {spec.name!r} exists; remove it first")
        problems = _source_problems(config, session, [spec])
        if problems:
            raise problems[0]
        return _create(session, spec)


def _create(session: Session, spec: WatchlistSpec) -> int:
    from alerts.watchlist import from_row
    from pipelines.store import owe_recent

    row = repository.add_watchlist(session, **spec.to_row())
    return owe_recent(session, from_row(row), datetime.now(timezone.utc))


def list_watchlists(config: Config) -> list[WatchlistSpec]:
    from alerts.watchlist import from_row

    with open_database(config.database_url)() as session:
        return [from_row(w) for w in repository.watchlists(session)]


def remove_watchlist(config: Config, name: str) -> None:
    with transaction(open_database(config.database_url)) as session:
        if not repository.remove_watchlist(session, name):
            raise ProvwatchError(f"no watchlist named {name!r}")


@dataclass
class ImportReport:
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    backfilled: int  # deliveries enqueued for new watchlists' backfill_days
    dry_run: bool


def import_watchlists(config: Config, text: str, where: str, *, replace: bool = False,
                      dry_run: bool = False) -> ImportReport:
    """Store the watchlists of a YAML file (alerts.watchfile), all or none.

    Every entry is checked (format, ids, sources against the catalog, names taken) before
    anything is stored, in one transaction. A watchlist whose name exists is updated only
    with ``replace``: it keeps its id, creation time and deliveries (its backfill is not
    run again). ``dry_run`` does the same work and rolls it back. Raises WatchfileError
    listing every problem.
    """
    from alerts.watchfile import WatchfileError, loads
    from alerts.watchlist import from_row

    specs = loads(text, where)
    report = ImportReport([], [], [], 0, dry_run)
    with open_database(config.database_url)() as session:  # closing uncommitted: rollback
        problems = [f"{where}: {e}" for e in _source_problems(config, session, specs)]
        rows = {spec.name: repository.get_watchlist(session, spec.name) for spec in specs}
        if not replace:
            problems += [f"{where}: watchlist {name!r} exists (use --replace to update it)"
                         for name, row in rows.items() if row is not None]
        if problems:
            raise WatchfileError(problems)
        for spec in specs:
            row = rows[spec.name]
            if row is None:
                report.backfilled += _create(session, spec)
                report.added.append(spec.name)
                continue
            if from_row(row) == replace_fields(spec, id=row.id, created_at=row.created_at):
                report.unchanged.append(spec.name)
            else:
                values = spec.to_row()
                values.pop("created_at", None)
                repository.update_watchlist(session, row, **values)
                report.updated.append(spec.name)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    return report


def export_watchlists(config: Config, names: Iterable[str] = ()) -> str:
    """The watchlists (all, or those named) as a YAML document (alerts.watchfile)."""
    from alerts.watchfile import dumps

    specs = list_watchlists(config)
    wanted = list(names)
    if wanted:
        by_name = {s.name: s for s in specs}
        missing = [n for n in wanted if n not in by_name]
        if missing:
            raise ProvwatchError(f"no watchlist named {missing[0]!r}")
        specs = [by_name[n] for n in wanted]
    return dumps(specs)
