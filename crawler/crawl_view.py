"""How a crawl looks in a terminal: a live progress line and a one-line summary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console

from crawler.config import Config
from crawler.runner import CrawlResult, run_crawl
from crawler.sources import Source


def summary_line(r: CrawlResult) -> str:
    dropped = ", ".join(f"{k} {v}" for k, v in sorted(r.dropped.items())) or "none"
    return (f"{r.source_id}: {r.outcome} in {r.seconds:.1f}s — pages {r.pages}, "
            f"new articles {r.new_articles}, duplicates {r.duplicates}, "
            f"already stored {r.already_seen}, dropped: {dropped}, errors {r.errors}")


def crawl_with_progress(config: Config, source: Source, console: Console, *,
                        max_pages: int | None = None,
                        env: Mapping[str, str] | None = None, **options: Any) -> CrawlResult:
    with console.status(f"{source.id}: starting…") as status:
        def show(p: dict[str, int]) -> None:
            status.update(f"{source.id}: pages {p['pages']}, new {p['new']}, "
                          f"duplicates {p['duplicates']}, errors {p['errors']}")

        return run_crawl(config, source, max_pages=max_pages, on_progress=show, env=env,
                         **options)
