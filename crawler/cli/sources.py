"""`provwatch sources check`: which catalog entries still work, from this network."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from provwatch.crawler.cli.app import err, out, sources_app, state
from provwatch.crawler.errors import UnknownSource


def _catalog():
    """The configured catalog."""
    # lazy: the catalog reader loads YAML, which --help and the other commands never need
    from provwatch.crawler.catalog.sources import load_catalog

    return load_catalog(state.config.catalog)


_STYLE = {"ok": "green", "blocked": "red", "structure-changed": "yellow",
          "unreachable": "red", "disallowed": "magenta"}


@sources_app.command("check")
def sources_check(
    ids: Annotated[list[str] | None, typer.Argument(
        metavar="[ID]...", help="Source ids to check; default every enabled source.")] = None,
    include_disabled: Annotated[bool, typer.Option(
        "--all", help="Check disabled sources too.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    workers: Annotated[int, typer.Option(
        min=1, max=32, help="Hosts checked at once (each host one request at a time).")] = 8,
) -> None:
    """Fetch each source's first list page once and report ok / blocked /
    structure-changed / unreachable / disallowed, with the article links found, the
    article-like links the entry's pattern rejects (count, most common shape, examples)
    and the pager the page shows.

    This talks to the real sites: run it on a connected machine. It stores nothing.
    Exit status 1 when any checked page is not ok.
    """
    # lazy: the checks load Scrapy's parsers and the platform adapters
    from provwatch.crawler.services.checks import STATES, check_sources

    catalog = _catalog()
    if ids:
        wanted = list(dict.fromkeys(ids))
        missing = [i for i in wanted if i not in {s.id for s in catalog}]
        if missing:
            raise UnknownSource(f"{catalog.path}: no source with id {missing[0]!r}")
        chosen = [catalog.get(i) for i in wanted]
    else:
        chosen = list(catalog) if include_disabled else catalog.enabled()
    if not as_json:
        err.print(f"checking {len(chosen)} sources ({sum(len(s.urls) for s in chosen)} pages)")

    def show(result) -> None:
        if as_json:
            print(json.dumps(result.to_dict(), ensure_ascii=False), flush=True)

    results = check_sources(state.config, chosen, workers=workers, on_result=show)
    if not as_json:
        table = Table("id", "state", "links", "http", "ms", "url / detail")
        for r in results:
            style = _STYLE.get(r.state, "")
            # an ok row shows only what the check found to change: rejected links, pager
            detail = r.detail if r.state != "ok" else r.detail.partition("\n")[2]
            table.add_row(r.source_id, f"[{style}]{r.state}[/]", str(r.links),
                          str(r.status or ""), str(r.elapsed_ms),
                          escape(r.url + (f"\n{detail}" if detail else "")))
        out.print(table)
        counts = {s: sum(r.state == s for r in results) for s in STATES}
        out.print(", ".join(f"{n} {s}" for s, n in counts.items() if n))
    if any(r.state != "ok" for r in results):
        raise typer.Exit(1)


@sources_app.command("coverage")
def sources_coverage() -> None:
    """Print what the catalog covers, per province and per adapter, as Markdown (the
    README's coverage tables are this output)."""
    # lazy: the coverage tables are only for this command
    from provwatch.crawler.catalog.coverage import markdown

    print(markdown(_catalog()))


@sources_app.callback(invoke_without_command=True)
def sources(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List the source catalog: id, kind or adapter, province, topic, interval, enabled.
    `provwatch sources check` fetches each source's first page to see if it still works."""
    if ctx.invoked_subcommand is not None:
        return
    catalog = _catalog()
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
