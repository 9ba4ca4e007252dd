"""How a crawl looks in a terminal: a live progress line and a one-line summary.

An ordinary crawl shows a status line; a backfill (a ``window`` option) shows a progress
bar of list pages walked out of the page budget, with the article counts and the oldest
list date reached, and ends with one line on why the walk stopped. Off a terminal (a pipe,
a test) rich draws nothing live and prints the final bar once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from provwatch.crawler.catalog.sources import Source
from provwatch.crawler.config import Config
from provwatch.crawler.daemon.backfill import end_note
from provwatch.crawler.daemon.result import CrawlResult
from provwatch.crawler.daemon.runner import run_crawl


def summary_line(r: CrawlResult) -> str:
    dropped = ", ".join(f"{k} {v}" for k, v in sorted(r.dropped.items())) or "none"
    return (f"{r.source_id}: {r.outcome} in {r.seconds:.1f}s — pages {r.pages}, "
            f"new articles {r.new_articles}, duplicates {r.duplicates}, "
            f"already stored {r.already_seen}, dropped: {dropped}, errors {r.errors}")


def crawl_with_progress(config: Config, source: Source, console: Console, *,
                        max_pages: int | None = None,
                        env: Mapping[str, str] | None = None, **options: Any) -> CrawlResult:
    if options.get("window") is not None:
        return _backfill_with_bar(config, source, console, max_pages=max_pages, env=env,
                                  **options)
    with console.status(f"{source.id}: starting…") as status:
        def show(p: dict[str, Any]) -> None:
            status.update(f"{source.id}: pages {p['pages']}, new {p['new']}, "
                          f"duplicates {p['duplicates']}, errors {p['errors']}")

        return run_crawl(config, source, max_pages=max_pages, on_progress=show, env=env,
                         **options)


def counts_text(p: Mapping[str, Any]) -> str:
    """The article side of a backfill's progress: what the pages led to."""
    text = (f"new {p.get('new', 0)} · duplicates {p.get('duplicates', 0)} · "
            f"errors {p.get('errors', 0)} · outside window {p.get('outside_window', 0)}")
    if p.get("oldest"):
        text += f" · back to {p['oldest']}"
    return text


class _BarWithCounts(Progress):
    """A bar line per task, and under it the task's counts: one line each fits an
    80-column terminal, where a single line would be cut."""

    def get_renderables(self):
        yield self.make_tasks_table(self.tasks)
        for task in self.tasks:
            yield Text("  " + str(task.fields.get("counts", "")), no_wrap=False)


def _backfill_with_bar(config: Config, source: Source, console: Console, *,
                       max_pages: int | None, env: Mapping[str, str] | None,
                       **options: Any) -> CrawlResult:
    """A backfill under a progress bar. A listing's bar counts list pages out of the page
    budget (the total arrives with the first report: the spider knows the budget and
    where a resumed walk starts); a sitemap or feed has no such budget and counts pages
    fetched."""
    listing = source.kind == "listing"
    last: dict[str, Any] = {}
    bar = _BarWithCounts(TextColumn("[bold]{task.description}[/bold]"), BarColumn(),
                         MofNCompleteColumn(), TextColumn("list pages" if listing else "pages"),
                         TimeElapsedColumn(), console=console)
    with bar:
        task = bar.add_task(source.id, total=None, counts="starting…")

        def show(p: dict[str, Any]) -> None:
            last.update(p)
            done = p.get("list_pages", 0) if listing else p.get("pages", 0)
            total = (p.get("list_pages_max") or None) if listing else None
            bar.update(task, completed=done, total=total, counts=counts_text(p))

        result = run_crawl(config, source, max_pages=max_pages, on_progress=show, env=env,
                           **options)
    note = end_note(last)
    if note and result.outcome in ("ok", "not_modified"):
        console.print(f"{source.id}: {note}", markup=False)
    return result
