"""Extraction operations: a page to JSON, JSON lines to JSON lines, stored pages re-extracted.

All go through pipelines.extraction.extract, the pipeline's own path.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from provwatch.crawler.config import Config
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database, transaction
from provwatch.crawler.storage.models import Article
from provwatch.pipelines.decoding import DecodeError
from provwatch.pipelines.extraction import Extracted, extract, has_body
from provwatch.pipelines.fingerprint import fingerprint
from provwatch.pipelines.minhash import SCHEME
from provwatch.pipelines.store import EXTRACTED_META, extracted_meta
from provwatch.pipelines.textnorm import content_hash

_BATCH = 100


def _iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def extracted_json(got: Extracted, url: str) -> dict[str, Any]:
    return {
        "url": url, "title": got.title, "published_at": _iso(got.published_at),
        "date_source": got.date_source, "date_precision": got.date_precision,
        "text": got.text, "language": got.lang, "charset": got.charset, "author": got.author,
        "document": got.document.to_dict() if got.document else None,
        "content_source": got.content_source, "column": got.column,
        "gov": got.gov.to_dict() if got.gov else None,
    }


def extract_page(body: bytes, url: str = "", where: str = "page",
                 now: datetime | None = None) -> dict[str, Any]:
    """One page's bytes to the JSON object `provwatch extract` prints."""
    try:
        got = extract(body, url, fetched_at=now or datetime.now(timezone.utc))
    except DecodeError as e:
        raise ProvwatchError(f"{where}: cannot decode the page: {e}") from None
    return extracted_json(got, url)


def extract_file(path: Path, url: str = "") -> dict[str, Any]:
    try:
        body = path.read_bytes()
    except OSError as e:
        raise ProvwatchError(f"{path}: cannot read: {e.strerror or e}") from None
    return extract_page(body, url, str(path))


def extract_lines(lines: Iterable[str], name: str, base: Path) -> Iterator[dict[str, Any]]:
    """JSON lines {id, html | html_path, url?} -> one object per line, with the same id; a
    line that cannot be used gives {id, error} (id null when the line has none)."""
    now = datetime.now(timezone.utc)
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{name}:{n}"
        pid = None
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("a line must be a JSON object")
            pid = obj.get("id")
            body = _page_bytes(obj, base)
            yield {"id": pid, **extract_page(body, str(obj.get("url") or ""), where, now)}
        except json.JSONDecodeError as e:
            yield {"id": None, "error": f"{where}: not JSON: {e.msg}"}
        except (ValueError, ProvwatchError) as e:
            yield {"id": pid, "error": f"{where}: {e}"}


def _page_bytes(obj: dict[str, Any], base: Path) -> bytes:
    if isinstance(obj.get("html"), str):
        return obj["html"].encode("utf-8")
    if isinstance(obj.get("html_path"), str):
        path = base / obj["html_path"]
        try:
            return path.read_bytes()
        except OSError as e:
            raise ValueError(f"{path}: cannot read: {e.strerror or e}") from None
    raise ValueError("needs 'html' (a string) or 'html_path'")


# --- re-extraction --------------------------------------------------------------------


@dataclass
class ReextractReport:
    seen: int = 0
    changed: int = 0
    errors: list[str] = field(default_factory=list)
    refingerprinted: int = 0  # fingerprints made again (text changed, or an older scheme)


_FIELDS = ("title", "text", "published_at", "date_source", "date_precision", "lang", "charset",
           "author")


def reextract(config: Config, *, source_id: str | None = None, since: datetime | None = None,
              selectors: dict[str, dict[str, str]] | None = None) -> ReextractReport:
    """Run extraction again on every stored page (of one source, fetched since a time) and
    update title, text, dates, language, charset, document and government metadata, content
    source and column where they changed.

    ``selectors`` maps source ids to their catalog selectors. A page that no longer decodes
    or yields no text keeps its stored values and is reported. Stories and tags are left as
    they are. Then fingerprints are made again where the text changed and wherever one was
    made with another MinHash scheme than pipelines.minhash's (those are never compared).
    """
    report = ReextractReport()
    factory = open_database(config.database_url)
    with factory() as session:
        ids = repository.reextractable_ids(session, source_id=source_id, since=since)
    changed: list[int] = []
    stories: set[int] = set()
    for start in range(0, len(ids), _BATCH):
        with transaction(factory) as session:
            for article in repository.articles_by_id(session, ids[start:start + _BATCH],
                                                     with_raw_html=True):
                report.seen += 1
                try:
                    if _reextract_one(article, (selectors or {}).get(article.source_id, {})):
                        changed.append(article.id)
                        stories.add(article.story_id)
                except ValueError as e:
                    report.errors.append(f"article {article.id} ({article.url}): {e}")
            session.flush()
            repository.refresh_marks(session, stories)  # a new date moves its story's day
            stories.clear()
    report.changed = len(changed)
    repository.index_whole_backlog(factory)  # the changed titles and texts, for search
    with factory() as session:
        stale = repository.stale_fingerprint_ids(session, SCHEME)
    report.refingerprinted = refingerprint(factory, sorted(set(changed) | set(stale)))
    return report


def refingerprint(factory, ids: list[int]) -> int:
    """Make the articles' fingerprints again from their stored title and text."""
    for start in range(0, len(ids), _BATCH):
        with transaction(factory) as session:
            for article in repository.articles_by_id(session, ids[start:start + _BATCH]):
                repository.replace_fingerprint(session, article,
                                               fingerprint(article.title, article.text))
    return len(ids)


def _reextract_one(article: Article, selectors: dict[str, str]) -> bool:
    meta = dict(article.meta or {})
    body = repository.raw_html(article) or b""
    try:
        got = extract(body, article.url, content_type=meta.get("content_type"),
                      fetched_at=article.fetched_at, date_selector=selectors.get("date"),
                      body_selector=selectors.get("body"))
    except DecodeError as e:
        raise ValueError(f"cannot decode the stored page: {e}") from None
    if not has_body(got.text):
        raise ValueError("no article text found on the stored page; kept as it was")
    new = {"title": got.title or article.title, "text": got.text, "lang": got.lang,
           "charset": got.charset, "author": got.author,
           "published_at": got.published_at, "date_source": got.date_source,
           "date_precision": got.date_precision}
    if got.date_source == "crawl" and article.date_source == "feed":
        new.update(published_at=article.published_at, date_source="feed",
                   date_precision=article.date_precision)
    extracted = extracted_meta(got.document.to_dict() if got.document else None,
                               got.gov.to_dict() if got.gov else None, got.content_source,
                               got.column)
    changed = [k for k in _FIELDS if getattr(article, k) != new[k]]
    changed += [k for k in EXTRACTED_META if extracted.get(k) != meta.get(k)]
    if not changed:
        return False
    for key in _FIELDS:
        setattr(article, key, new[key])
    for key in EXTRACTED_META:
        meta.pop(key, None)
    article.meta = {**meta, **extracted}
    article.content_hash = content_hash(article.text)
    return True
