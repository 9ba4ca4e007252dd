"""`provwatch crawl`: one source (or --all) in the foreground, a backfill with --since/--until."""

from __future__ import annotations

from typing import Annotated

import typer

from provwatch.crawler.cli.app import app, err, out, state
from provwatch.crawler.config import Config
from provwatch.spiders.window import FEED_NOTE, check_window, parse_day


@app.command()
def crawl(
    source_id: Annotated[str | None, typer.Argument(
        metavar="SOURCE", help="A source id from `provwatch sources` (or --all).",
        show_default=False)] = None,
    all_sources: Annotated[bool, typer.Option(
        "--all", help="Crawl every enabled source, one after another.")] = False,
    since: Annotated[str | None, typer.Option(
        "--since", metavar="YYYY-MM-DD",
        help="Backfill: walk list pages (or sitemaps) back to articles published on this "
             "day, stopping at the first list page that is older. Run it again after an "
             "interruption to resume.")] = None,
    until: Annotated[str | None, typer.Option(
        "--until", metavar="YYYY-MM-DD",
        help="Backfill: skip articles published after this day. Without --since it walks "
             "back from the newest list page as far as --max-pages allows.")] = None,
    max_pages: Annotated[int | None, typer.Option(
        "--max-pages", min=1, help="List pages to walk per start URL (follows pagination); "
                                   "a backfill walks up to 200 unless told.")] = None,
    alerts: Annotated[bool, typer.Option(
        "--alerts", help="Alert also on articles published before the matching watchlist "
                         "was created (by default those are stored without alerts).")] = False,
    restart: Annotated[bool, typer.Option(
        "--restart", help="Ignore a saved backfill position; start at the first list page.")
    ] = False,
) -> None:
    """Crawl one catalog source (or --all) once, in the foreground, and print a summary.

    --since/--until make it a backfill (publication days in China, ends included).
    Like every crawl it obeys robots.txt and the per-host delay.
    Ctrl-C stops it in order; the same command again resumes it.
    Feeds hold only their latest entries: a window filters them, cannot reach back.
    """
    # lazy: the crawl machinery (its database cursor, the crawl child) loads only to crawl
    from provwatch.crawler.daemon.backfill import totals_line
    from provwatch.crawler.daemon.crawl_view import crawl_with_progress, summary_line
    from provwatch.crawler.daemon.runner import Window

    first, last = parse_day(since, "--since"), parse_day(until, "--until")
    check_window(first, last)
    config = state.config
    sources = _crawl_sources(config, source_id, all_sources)
    window = Window(first, last) if first or last else None
    # quiet: the run's error messages are printed below, one line each; the crawl child
    # logs only what is not among them (a bug's traceback)
    options: dict = {"alert_old": alerts, "quiet": True}
    if window is not None:
        options.update(window=window, resume=not restart)
    results = []
    for n, source in enumerate(sources):
        if window is not None and source.kind == "feed":
            err.print(f"{source.id}: note: {FEED_NOTE}", markup=False)
        try:
            result = crawl_with_progress(config, source, err, max_pages=max_pages, **options)
        except KeyboardInterrupt:
            _crawl_interrupted(config, source, window, max_pages, sources[n + 1:])
        results.append(result)
        out.print(summary_line(result), markup=False)
        for message in result.error_messages:
            err.print(message, markup=False)
        if result.outcome == "interrupted":
            _crawl_interrupted(config, source, window, max_pages, sources[n + 1:])
    if all_sources:
        out.print(totals_line(results), markup=False)
    if any(r.outcome in ("failed", "timeout") for r in results):
        raise typer.Exit(1)


def _crawl_sources(config: Config, source_id: str | None, all_sources: bool) -> list:
    """The sources `crawl` runs: the one named, or every enabled one with --all."""
    if all_sources and source_id:
        raise typer.BadParameter(f"give a SOURCE ({source_id!r}) or --all, not both",
                                 param_hint="SOURCE / --all")
    if not all_sources and not source_id:
        raise typer.BadParameter("give a SOURCE id (see `provwatch sources`) or --all",
                                 param_hint="SOURCE / --all")
    # lazy: the catalog reader loads YAML, which --help never needs
    from provwatch.crawler.catalog.sources import load_catalog

    catalog = load_catalog(config.catalog)
    # one of the two, checked above: a SOURCE id, or --all
    return [catalog.get(source_id)] if source_id else catalog.enabled()


def _crawl_interrupted(config: Config, source, window, max_pages: int | None,
                       not_started: list) -> None:
    """Say where an interrupted crawl stopped and how to go on; exit 130 (Ctrl-C)."""
    # lazy: loaded by `crawl` already; kept off the module's imports for --help
    from provwatch.crawler.daemon.backfill import resume_command, saved_cursor, stopped_where

    err.print(f"{source.id}: interrupted; articles stored so far are kept", markup=False)
    if window is not None:
        where = stopped_where(saved_cursor(config.database_url, source.id))
        again = resume_command(source.id, window.since, window.until, max_pages)
        err.print(f"{source.id}: stopped at {where}; run `{again}` to resume", markup=False)
    if not_started:
        err.print("not crawled: " + ", ".join(s.id for s in not_started), markup=False)
    raise typer.Exit(130)
