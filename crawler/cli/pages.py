"""`provwatch extract`, `reextract` and `ingest`: pages in, through extraction and the
pipeline."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.cli.app import app, day_option, err, out, state
from provwatch.crawler.errors import ProvwatchError


@app.command("extract")
def extract_cmd(
    file: Annotated[Path | None, typer.Argument(
        help="An HTML file; with --jsonl a JSON-lines file (stdin when absent or -).")] = None,
    url: Annotated[str, typer.Option(help="The page's URL (its date rules read it).")] = "",
    jsonl: Annotated[bool, typer.Option(
        "--jsonl", help="Read lines {id, html | html_path, url?}; write one object per line.")
    ] = False,
) -> None:
    """Extract one page (title, date with its provenance, text, document metadata, content
    source, column) as JSON."""
    # lazy: extraction loads lxml and trafilatura, which `provwatch run` and `status`
    # never need
    from provwatch.crawler.services import extraction

    if not jsonl:
        if file is None or str(file) == "-":
            raise ProvwatchError("extract: give an HTML file (or --jsonl to read lines)")
        print(json.dumps(extraction.extract_file(file, url), ensure_ascii=False))
        return
    if file is None or str(file) == "-":
        rows = extraction.extract_lines(sys.stdin, "<stdin>", Path.cwd())
        for row in rows:
            print(json.dumps(row, ensure_ascii=False), flush=True)
        return
    try:
        with file.open(encoding="utf-8") as f:
            for row in extraction.extract_lines(f, str(file), file.parent):
                print(json.dumps(row, ensure_ascii=False), flush=True)
    except OSError as e:
        raise ProvwatchError(f"{file}: cannot read: {e.strerror or e}") from None


@app.command()
def reextract(
    source: Annotated[str | None, typer.Option(
        "--source", help="Only articles of this source id.")] = None,
    since: Annotated[str | None, typer.Option(
        help="Only articles fetched on or after this day (YYYY-MM-DD).")] = None,
) -> None:
    """Run extraction again on the stored pages and update what changed."""
    # lazy: extraction loads the whole pipeline (lxml, trafilatura, the gazetteer,
    # numpy), which `provwatch run` and `status` never need
    from provwatch.crawler.services import extraction

    selectors = _catalog_selectors()
    report = extraction.reextract(state.config, source_id=source,
                                  since=day_option(since, "--since"), selectors=selectors)
    for message in report.errors:
        err.print(f"kept {message}", markup=False)
    out.print(f"re-extracted {report.seen} articles: {report.changed} changed, "
              f"{report.seen - report.changed - len(report.errors)} unchanged, "
              f"{len(report.errors)} kept as they were; "
              f"{report.refingerprinted} fingerprints made again")


def _catalog_selectors() -> dict[str, dict[str, str]]:
    try:
        catalog = load_catalog(state.config.catalog)
    except ProvwatchError as e:  # stored pages can be re-extracted without the selectors
        err.print(f"catalog not read, no per-source selectors: {e}", markup=False)
        return {}
    return {s.id: dict(s.selectors) for s in catalog}


@app.command()
def ingest(
    file: Annotated[Path | None, typer.Argument(
        help="JSON lines {url, html, source_id?, fetched_at?}; stdin when absent or -.")] = None,
    warc: Annotated[list[Path] | None, typer.Option(
        "--warc", help="Read this WARC archive (.warc or .warc.gz) instead: its HTML "
        "responses. Repeatable.")] = None,
    alerts: Annotated[bool, typer.Option(
        "--alerts", help="Also alert on articles published before the matching watchlist "
        "was created (held back by default: a backfill would flood the channels).")] = False,
) -> None:
    """Push pages fetched elsewhere (JSON lines, or web archives with --warc) through the
    same pipeline (dedupe, tags, alerts)."""
    # lazy: ingest loads the whole pipeline (lxml, trafilatura, the gazetteer,
    # numpy), which `provwatch run` and `status` never need
    from provwatch.crawler.services import ingest as ingest_service

    if warc and file is not None:
        raise ProvwatchError(f"ingest: give either a JSON-lines file ({file}) or --warc "
                             "archives, not both")
    config = state.config

    def summary(report: ingest_service.IngestReport, read: str, bad: str) -> None:
        for message in report.errors or []:
            err.print(f"skipped {message}", markup=False)
        dropped = ", ".join(f"{k} {v}" for k, v in (report.dropped or {}).items()) or "none"
        out.print(f"{read}, stored {report.stored}, dropped: {dropped}, "
                  f"{bad}: {len(report.errors or [])}", markup=False)

    for path in warc or []:  # one summary per archive, printed before the next one starts
        report = ingest_service.ingest_warc(config, path, alert_old=alerts)
        summary(report, f"{path}: read {report.read} records", "bad records")
    if warc:
        return
    if file is None or str(file) == "-":
        report = ingest_service.ingest(config, sys.stdin, "<stdin>", alert_old=alerts)
    else:
        try:
            with file.open(encoding="utf-8") as f:
                report = ingest_service.ingest(config, f, str(file), alert_old=alerts)
        except OSError as e:
            raise ProvwatchError(f"{file}: cannot read: {e.strerror or e}") from None
    summary(report, f"read {report.read} pages", "bad lines")
