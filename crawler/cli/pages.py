"""`provwatch extract`, `reextract` and `ingest`: pages in, through extraction and the
pipeline."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated

import typer

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
        rows = extraction.extract_lines(_utf8_lines(sys.stdin.buffer, "<stdin>"), "<stdin>",
                                        Path.cwd())
        for row in rows:
            print(json.dumps(row, ensure_ascii=False), flush=True)
        return
    try:
        with file.open("rb") as f:
            for row in extraction.extract_lines(_utf8_lines(f, str(file)), str(file),
                                                file.parent):
                print(json.dumps(row, ensure_ascii=False), flush=True)
    except OSError as e:
        raise ProvwatchError(f"{file}: cannot read: {e.strerror or e}") from None


def _utf8_lines(stream: Iterable[bytes], name: str) -> Iterator[str]:
    """Each line as text; a line that is not UTF-8 is answered in place with an error
    object, as a bad line of JSON is, and passed on blank so the numbering holds."""
    for n, raw in enumerate(stream, 1):
        try:
            yield raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            error = f"{name}:{n}: not UTF-8 text (save the file as UTF-8)"
            print(json.dumps({"id": None, "error": error}), flush=True)
            yield ""


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
    report = extraction.reextract(state.stored_config, source_id=source,
                                  since=day_option(since, "--since"), selectors=selectors)
    for message in report.errors:
        err.print(f"kept {message}", markup=False)
    out.print(f"re-extracted {report.seen} articles: {report.changed} changed, "
              f"{report.seen - report.changed - len(report.errors)} unchanged, "
              f"{len(report.errors)} kept as they were; "
              f"{report.refingerprinted} fingerprints made again")


def _catalog_selectors() -> dict[str, dict[str, str]]:
    # lazy: the catalog reader loads YAML, which --help and most commands never need
    from provwatch.crawler.catalog.sources import load_catalog

    try:
        catalog = load_catalog(state.config.catalog)
    except ProvwatchError as e:  # stored pages can be re-extracted without the selectors
        err.print(f"catalog not read, no per-source selectors: {e}", markup=False)
        return {}
    return {s.id: dict(s.selectors) for s in catalog}


JSON_LINES_SUFFIXES = (".jsonl", ".json", ".ndjson")


@app.command()
def ingest(
    files: Annotated[list[Path] | None, typer.Argument(
        help="JSON-lines files of {url, html | html_base64, source_id?, fetched_at?}; stdin "
        "when absent or -. With --warc, more WARC archives (not *.jsonl, *.json or "
        "*.ndjson).", show_default=False)] = None,
    warc: Annotated[list[Path] | None, typer.Option(
        "--warc", help="Read WARC archives (.warc or .warc.gz) instead, their HTML "
        "responses: this one and every file named after it (--warc a.warc.gz b.warc.gz).")
    ] = None,
    alerts: Annotated[bool, typer.Option(
        "--alerts", help="Also alert on articles published before the matching watchlist "
        "was created (held back by default: a backfill would flood the channels).")] = False,
) -> None:
    """Push pages fetched elsewhere (JSON lines, or web archives with --warc) through the
    same pipeline (dedupe, tags, alerts). Each bad line is named file:line on stderr; when
    there were bad lines and nothing was stored, the exit code is 1."""
    # lazy: ingest loads the whole pipeline (lxml, trafilatura, the gazetteer,
    # numpy), which `provwatch run` and `status` never need
    from provwatch.crawler.services import ingest as ingest_service

    lines = [p for p in files or [] if str(p) == "-" or p.suffix in JSON_LINES_SUFFIXES]
    if warc and lines:
        raise ProvwatchError(f"ingest: give either JSON-lines files ({lines[0]}) or --warc "
                             "archives, not both")
    config = state.config
    archives = [*(warc or []), *(files or [])] if warc else []
    if not warc and sum(str(p) == "-" for p in files or []) > 1:
        raise ProvwatchError("ingest: stdin (-) can be read once")
    totals = {"stored": 0, "bad": 0}
    held: list[str] = []  # the last bad line: it becomes the error if nothing is stored

    def summary(report: ingest_service.IngestReport, read: str, bad: str) -> None:
        for message in [*held, *(report.errors or [])][:-1]:
            err.print(f"skipped {message}", markup=False)
        held[:] = [*held, *(report.errors or [])][-1:]
        dropped = ", ".join(f"{k} {v}" for k, v in (report.dropped or {}).items()) or "none"
        out.print(f"{read}, stored {report.stored}, dropped: {dropped}, "
                  f"{bad}: {len(report.errors or [])}", markup=False)
        totals["stored"] += report.stored
        totals["bad"] += len(report.errors or [])

    for path in archives:  # one summary per archive, printed before the next one starts
        report = ingest_service.ingest_warc(config, path, alert_old=alerts)
        summary(report, f"{path}: read {report.read} records", "bad records")
    for path in [] if warc else files or [Path("-")]:
        if str(path) == "-":
            report = ingest_service.ingest(config, sys.stdin.buffer, "<stdin>",
                                           alert_old=alerts)
        else:
            try:
                with path.open("rb") as f:
                    report = ingest_service.ingest(config, f, str(path), alert_old=alerts)
            except OSError as e:
                raise ProvwatchError(f"{path}: cannot read: {e.strerror or e}") from None
        where = f"{path}: " if files and len(files) > 1 else ""
        summary(report, f"{where}read {report.read} pages", "bad lines")
    if held and not totals["stored"]:
        bad, noun = totals["bad"], "record" if warc else "line"
        raise ProvwatchError(f"{held[0]}; nothing stored ({bad} bad {noun}"
                             f"{'s, the others named above' if bad > 1 else ''})")
    for message in held:
        err.print(f"skipped {message}", markup=False)
