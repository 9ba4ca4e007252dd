"""The `provwatch` command: parse, call one function of crawler.api / runner, print.

Known errors print one line on stderr and exit 1; usage errors exit 2 (click's rule).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from alerts.errors import AlertError
from crawler import __version__
from crawler.config import SETTINGS, Config, load_config
from crawler.crawl_view import crawl_with_progress, summary_line
from crawler.errors import ProvwatchError
from crawler.sources import load_catalog


class _LazyApi:
    """crawler.api, imported on first use: it loads the whole pipeline (lxml, trafilatura,
    the gazetteer, numpy), which `provwatch run` and `status` never need; the daemon's
    memory stays at a third of that."""

    def __getattr__(self, name: str):
        import crawler.api

        return getattr(crawler.api, name)


api = _LazyApi()

app = typer.Typer(help="Watch Chinese provincial policy news: crawl, tag, store, alert.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
watch_app = typer.Typer(help="Manage watchlists: what you want to be alerted about.",
                        no_args_is_help=True)
alerts_app = typer.Typer(help="Deliver and inspect alerts.", no_args_is_help=True)
app.add_typer(watch_app, name="watch")
app.add_typer(alerts_app, name="alerts")
sources_app = typer.Typer(help="The source catalog: list it, check it against the live sites.")
app.add_typer(sources_app, name="sources")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class State:
    config_path: str | None = None
    _config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
            logging.basicConfig(level=self._config.log_level.upper(), stream=sys.stderr,
                                format="%(levelname)s %(name)s: %(message)s")
            logging.getLogger("trafilatura").setLevel(logging.ERROR)
            logging.getLogger("htmldate").setLevel(logging.ERROR)
            logging.getLogger("alembic").setLevel(logging.WARNING)
        return self._config


state = State()


@app.callback()
def _main(
    config: Annotated[Path | None, typer.Option(
        "--config", help="TOML config file (else PROVWATCH_CONFIG).")] = None,
) -> None:
    state.config_path = str(config) if config else None


def _version_line() -> str:
    return f"provwatch {__version__}"


@app.command()
def version() -> None:
    """Print the version."""
    out.print(_version_line())


@app.command("config")
def show_config(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print the effective configuration, secrets redacted."""
    values = state.config.redacted()
    if as_json:
        out.print_json(json.dumps(values))
        return
    where = state.config.source_file or "no file"
    table = Table("key", "value", "meaning", title=f"config ({where})")
    for s in SETTINGS:
        table.add_row(s.key, str(values[s.key]), s.help)
    out.print(table)


@sources_app.callback(invoke_without_command=True)
def sources(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List the source catalog: id, kind or adapter, province, topic, interval, enabled.
    `provwatch sources check` fetches each source's first page to see if it still works."""
    if ctx.invoked_subcommand is not None:
        return
    catalog = load_catalog(state.config.catalog)
    if as_json:
        for s in catalog:
            print(json.dumps(s.to_dict(), ensure_ascii=False))
        return
    table = Table("id", "adapter", "province", "topic", "lang", "interval", "enabled", "name",
                  title=f"{len(catalog)} sources in {catalog.path}")
    for s in catalog:
        table.add_row(s.id, s.adapter if s.kind == "listing" else s.kind, s.province, s.topic,
                      s.language, _interval(s.interval), "yes" if s.enabled else "no", s.name)
    out.print(table)


def _interval(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


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
    from crawler.backfill import FEED_NOTE, check_window, parse_day, totals_line
    from crawler.runner import Window

    first, last = parse_day(since, "--since"), parse_day(until, "--until")
    check_window(first, last)
    config = state.config
    sources = _crawl_sources(config, source_id, all_sources)
    window = Window(first, last) if first or last else None
    options: dict = {"alert_old": alerts}
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
    catalog = load_catalog(config.catalog)
    return catalog.enabled() if all_sources else [catalog.get(source_id)]


def _crawl_interrupted(config: Config, source, window, max_pages: int | None,
                       not_started: list) -> None:
    """Say where an interrupted crawl stopped and how to go on; exit 130 (Ctrl-C)."""
    from crawler.backfill import resume_command, saved_cursor, stopped_where

    err.print(f"{source.id}: interrupted; articles stored so far are kept", markup=False)
    if window is not None:
        where = stopped_where(saved_cursor(config.database_url, source.id))
        again = resume_command(source.id, window.since, window.until, max_pages)
        err.print(f"{source.id}: stopped at {where}; run `{again}` to resume", markup=False)
    if not_started:
        err.print("not crawled: " + ", ".join(s.id for s in not_started), markup=False)
    raise typer.Exit(130)


@app.command()
def articles(
    province: Annotated[str | None, typer.Option(help="Province id, e.g. henan.")] = None,
    sector: Annotated[str | None, typer.Option(help="Sector id, e.g. nev.")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (YYYY-MM-DD).")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List stored articles, newest first."""
    rows = api.list_articles(state.config, province=province, sector=sector,
                             since=_date(since, "--since"), limit=limit)
    if as_json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return
    table = Table("id", "published (UTC)", "source", "about", "sectors", "event", "title",
                  title=f"{len(rows)} articles")
    for r in rows:
        table.add_row(str(r["id"]), (r["published_at"] or "")[:16].replace("T", " "),
                      r["source_id"], ",".join(r["provinces_about"]), ",".join(r["sectors"]),
                      r["event"] or "", r["title"][:60])
    out.print(table)


def _date(value: str | None, option: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=timezone.utc)
    except ValueError:
        raise ProvwatchError(f"{option}: {value!r} is not a date (use YYYY-MM-DD)") from None


@app.command()
def show(article_id: Annotated[int, typer.Argument(help="Article id.")]) -> None:
    """Print one article with its tags and the outlets that carried its story."""
    a = api.show_article(state.config, article_id)
    out.print(f"[bold]{a['title']}[/bold]")
    out.print(f"{a['url']}")
    precision = f", {a['date_precision']}" if a.get("date_precision") else ""
    out.print(f"published {a['published_at']} (from {a['date_source']}{precision})  "
              f"source {a['source_id']}"
              f"  lang {a['lang']}  charset {a['charset']}")
    for line in origin_lines(a):
        out.print(line, markup=False)
    out.print(f"story {a['story_id']}: carried by {', '.join(a['copies'])}")
    score = {(t["kind"], t["value"]): t["score"] for t in a["tags"]}

    def scored(kind: str, values: list[str]) -> str:
        return ", ".join(f"{v} ({score.get((kind, v), 1.0):g})" for v in values) or "-"

    out.print(f"provinces about: {scored('province', a['provinces_about'])}; mentioned: "
              f"{scored('province', a['provinces_mentioned'])}", markup=False)
    out.print(f"sectors: {scored('sector', a['sectors'])}; event: {a['event']}", markup=False)
    out.print(f"people: {', '.join(a['people']) or '-'}; organisations: "
              f"{', '.join(a['orgs']) or '-'}", markup=False)
    for line in document_lines(a.get("document")):
        out.print(line, markup=False)
    out.print("")
    out.print(a["text"], markup=False)


_DOCUMENT_LABELS = (("number", "文号 document number"), ("issuer", "发文机关 issued by"),
                    ("written", "成文日期 written"), ("published", "发布日期 published"),
                    ("index_no", "索引号 index number"), ("subject", "主题分类 subject"))


def document_lines(document: dict | None) -> list[str]:
    if not document:
        return []
    return ["policy document:"] + [f"  {label}: {document[key]}"
                                   for key, label in _DOCUMENT_LABELS if document.get(key)]


def origin_lines(article: dict) -> list[str]:
    """The outlet the page names (ContentSource, by-line 来源) and the site's column."""
    return [f"{label}: {article[key]}" for key, label in
            (("content_source", "source"), ("column", "column")) if article.get(key)]


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
    if not jsonl:
        if file is None or str(file) == "-":
            raise ProvwatchError("extract: give an HTML file (or --jsonl to read lines)")
        print(json.dumps(api.extract_file(file, url), ensure_ascii=False))
        return
    if file is None or str(file) == "-":
        rows = api.extract_lines(sys.stdin, "<stdin>", Path.cwd())
        for row in rows:
            print(json.dumps(row, ensure_ascii=False), flush=True)
        return
    try:
        with file.open(encoding="utf-8") as f:
            for row in api.extract_lines(f, str(file), file.parent):
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
    selectors = _catalog_selectors()
    report = api.reextract(state.config, source_id=source, since=_date(since, "--since"),
                           selectors=selectors)
    for message in report.errors:
        err.print(f"kept {message}", markup=False)
    out.print(f"re-extracted {report.seen} articles: {report.changed} changed, "
              f"{report.seen - report.changed - len(report.errors)} unchanged, "
              f"{len(report.errors)} kept as they were")


def _catalog_selectors() -> dict[str, dict[str, str]]:
    try:
        catalog = load_catalog(state.config.catalog)
    except ProvwatchError as e:  # stored pages can be re-extracted without the selectors
        err.print(f"catalog not read, no per-source selectors: {e}", markup=False)
        return {}
    return {s.id: dict(s.selectors) for s in catalog}


@app.command()
def story(
    story_id: Annotated[int, typer.Argument(help="Story id (see `articles --json`).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print one story: when it was first seen and every copy, with source and time."""
    s = api.show_story(state.config, story_id)
    if as_json:
        print(json.dumps(s, ensure_ascii=False))
        return
    out.print(f"story {s['id']}: {s['title']}", markup=False)
    out.print(f"first seen {s['first_seen_at']} (article {s['first_article_id']}), "
              f"{s['copy_count']} copies")
    table = Table("article", "source", "published (UTC)", "fetched (UTC)", "title / url")
    for c in s["copies"]:
        table.add_row(str(c["article_id"]), c["source_id"], (c["published_at"] or "")[:16],
                      (c["fetched_at"] or "")[:16], f"{c['title'][:40]}\n{c['url']}")
    out.print(table)


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
    if warc and file is not None:
        raise ProvwatchError(f"ingest: give either a JSON-lines file ({file}) or --warc "
                             "archives, not both")
    config = state.config

    def summary(report: api.IngestReport, read: str, bad: str) -> None:
        for message in report.errors or []:
            err.print(f"skipped {message}", markup=False)
        dropped = ", ".join(f"{k} {v}" for k, v in (report.dropped or {}).items()) or "none"
        out.print(f"{read}, stored {report.stored}, dropped: {dropped}, "
                  f"{bad}: {len(report.errors or [])}", markup=False)

    for path in warc or []:  # one summary per archive, printed before the next one starts
        report = api.ingest_warc(config, path, alert_old=alerts)
        summary(report, f"{path}: read {report.read} records", "bad records")
    if warc:
        return
    if file is None or str(file) == "-":
        report = api.ingest(config, sys.stdin, "<stdin>", alert_old=alerts)
    else:
        try:
            with file.open(encoding="utf-8") as f:
                report = api.ingest(config, f, str(file), alert_old=alerts)
        except OSError as e:
            raise ProvwatchError(f"{file}: cannot read: {e.strerror or e}") from None
    summary(report, f"read {report.read} pages", "bad lines")


@watch_app.command("add")
def watch_add(
    name: Annotated[str, typer.Argument(help="A name for the watchlist.")],
    province: Annotated[list[str] | None, typer.Option(
        help="Province id (repeatable; any of them).")] = None,
    scope: Annotated[str, typer.Option(
        help="about: the article is about a listed province; mentioned: it also names "
             "one.")] = "about",
    sector: Annotated[list[str] | None, typer.Option(
        help="Sector id (repeatable; any of them).")] = None,
    event: Annotated[list[str] | None, typer.Option(
        help="Event kind, e.g. policy_document (repeatable; any of them).")] = None,
    keyword: Annotated[list[str] | None, typer.Option(
        help="Keyword, any of them must occur (repeatable).")] = None,
    all_of: Annotated[list[str] | None, typer.Option(
        "--all-of", help="Keyword that must occur (repeatable; each of them).")] = None,
    none_of: Annotated[list[str] | None, typer.Option(
        "--none-of", help="Keyword that must not occur (repeatable).")] = None,
    source: Annotated[list[str] | None, typer.Option(
        help="Catalog source id (repeatable; any of them).")] = None,
    min_copies: Annotated[int, typer.Option(
        "--min-copies", help="Alert once the story has this many copies (outlets).")] = 1,
    digest: Annotated[str | None, typer.Option(
        help="Send as a digest: 'hourly :15', 'daily 08:00', 'weekly mon 08:00', "
             "optionally with a time zone (default Asia/Shanghai).")] = None,
    quiet: Annotated[str | None, typer.Option(
        help="Quiet hours, e.g. '22:00-07:00' (optionally with a time zone).")] = None,
    backfill_days: Annotated[int, typer.Option(
        "--backfill-days", help="Also alert now on matching stories first seen in the "
                                "last N days (default: only stories seen from now).")] = 0,
    email: Annotated[list[str] | None, typer.Option(help="Email address (repeatable).")] = None,
    webhook: Annotated[list[str] | None, typer.Option(help="Webhook URL (repeatable).")] = None,
    chat: Annotated[list[str] | None, typer.Option(
        help="Chat URL: slack://, discord://, feishu://, lark://, dingtalk://, wecombot://, "
             "workflows:// (repeatable).")] = None,
) -> None:
    """Add a watchlist: every criterion given must hold (provinces any-of AND sectors any-of
    AND events any-of AND keywords ...); see also `watch import` for YAML files."""
    from alerts.watchlist import validate

    channels = ([f"email:{e}" for e in email or []] + [f"webhook:{w}" for w in webhook or []]
                + list(chat or []))
    spec = validate(name, province or [], sector or [], keyword or [], channels,
                    province_scope=scope, events=event or [], keywords_all=all_of or [],
                    keywords_none=none_of or [], sources=source or [], min_copies=min_copies,
                    schedule=digest, quiet_hours=quiet, backfill_days=backfill_days)
    owed = api.add_watchlist(state.config, spec)
    backfill = (f"; {owed} alerts owed for stories of the last {backfill_days} days"
                if backfill_days else "")
    out.print(f"watchlist {name!r} added{backfill}", markup=False)


@watch_app.command("list")
def watch_list() -> None:
    """List watchlists: what each matches, when and where it sends."""
    from alerts.watchlist import describe

    table = Table("name", "matches", "when")
    table.add_column("channels", overflow="fold")  # a URL cut short is no use
    for w in api.list_watchlists(state.config):
        d = describe(w)
        table.add_row(w.name, d["matches"], d["when"], d["channels"])
    out.print(table, markup=False)


@watch_app.command("show")
def watch_show(name: Annotated[str, typer.Argument(help="The watchlist's name.")]) -> None:
    """Print one watchlist as YAML (the `watch import` format)."""
    print(api.export_watchlists(state.config, [name]), end="")


@watch_app.command("import")
def watch_import(
    file: Annotated[Path, typer.Argument(
        help="A YAML file with a top-level 'watchlists:' list (- for stdin).")],
    replace: Annotated[bool, typer.Option(
        "--replace", help="Update watchlists whose name exists (keeping their creation time "
                          "and deliveries); without it an existing name is an error.")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Check everything and say what would change; store nothing.")
    ] = False,
) -> None:
    """Add (or with --replace update) the watchlists of a YAML file: all or none.

    The file holds a top-level `watchlists:` list; each entry has a name and channels, and
    any of provinces, scope, sectors, events, keywords (any, all, none), sources,
    min_copies, schedule, quiet_hours, backfill_days. `watch export` writes this format.
    """
    from alerts.watchfile import WatchfileError

    if str(file) == "-":
        text, where = sys.stdin.read(), "<stdin>"
    else:
        try:
            text, where = file.read_text(encoding="utf-8"), str(file)
        except (OSError, UnicodeDecodeError) as e:
            raise ProvwatchError(f"{file}: cannot read: {getattr(e, 'strerror', None) or e}"
                                 ) from None
    try:
        report = api.import_watchlists(state.config, text, where, replace=replace,
                                       dry_run=dry_run)
    except WatchfileError as e:
        for problem in e.problems:
            err.print(f"provwatch: error: {problem}", markup=False)
        err.print(f"provwatch: nothing imported ({len(e.problems)} problem"
                  f"{'s' if len(e.problems) != 1 else ''})", markup=False)
        raise typer.Exit(1) from None
    verb = "would be " if dry_run else ""
    for label, names in (("added", report.added), ("updated", report.updated),
                         ("unchanged", report.unchanged)):
        for n in names:
            out.print(f"{n}: {verb}{label}", markup=False)
    if report.backfilled:
        out.print(f"backfill: {report.backfilled} alerts {verb or ''}owed", markup=False)
    if dry_run:
        out.print("dry run: nothing stored", markup=False)


@watch_app.command("export")
def watch_export(
    file: Annotated[Path | None, typer.Argument(
        help="Write here (default: stdout).", show_default=False)] = None,
) -> None:
    """Write every watchlist as YAML, in the format `watch import` reads."""
    text = api.export_watchlists(state.config)
    if file is None or str(file) == "-":
        print(text, end="")
        return
    try:
        file.write_text(text, encoding="utf-8")
    except OSError as e:
        raise ProvwatchError(f"{file}: cannot write: {e.strerror or e}") from None
    err.print(f"wrote {text.count(chr(10) + '  - name: ')} watchlists to {file}", markup=False)


@watch_app.command("remove")
def watch_remove(name: Annotated[str, typer.Argument(help="The watchlist's name.")]) -> None:
    """Remove a watchlist and its deliveries."""
    api.remove_watchlist(state.config, name)
    out.print(f"watchlist {name!r} removed")


@alerts_app.command("send")
def alerts_send() -> None:
    """Deliver what the outbox holds, then exit."""
    report = api.send_alerts(state.config)
    for m in report.messages:
        err.print(m, markup=False)
    out.print(f"sent {report.sent}, will retry {report.retrying}, failed {report.failed}")


@app.command()
def demo(
    directory: Annotated[Path | None, typer.Option(
        "--dir", help="Where the demo keeps its database and outbox.")] = None,
) -> None:
    """Run the whole job offline on the bundled demo site, and show what it found."""
    from crawler.demo.run import run_demo

    run_demo(directory, out, err)


def main() -> None:
    try:
        app()
    except (ProvwatchError, AlertError) as e:
        print(f"provwatch: error: {' '.join(str(e).split())}", file=sys.stderr)
        sys.exit(1)


import crawler.cli_alerts  # noqa: E402,F401  (registers `alerts failed|retry|test`)
import crawler.cli_daemon  # noqa: E402,F401  (registers `run`)
import crawler.cli_sources  # noqa: E402,F401  (registers `sources check`)
import crawler.cli_status  # noqa: E402,F401  (registers `status`)
import crawler.cli_tagging  # noqa: E402,F401  (registers `tag` and `retag` on app)

if __name__ == "__main__":
    from crawler.cli import main as _main  # the registered app, not this __main__ copy

    _main()
