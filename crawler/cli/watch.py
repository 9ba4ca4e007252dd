"""`provwatch watch ...`: add, list, show, import, export and remove watchlists."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from provwatch.crawler.cli.app import err, out, state, watch_app
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.redact import redact
from provwatch.crawler.taxonomy import resolve


def _watchlists():
    """The watchlists service, imported on first use."""
    # lazy: it reaches the store stage (numpy, datasketch), which `provwatch run` and
    # `status` never need: the daemon's memory stays small
    from provwatch.crawler.services import watchlists

    return watchlists


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
    language: Annotated[str, typer.Option(
        help="The language alerts name tags and fields in: en (Henan, New energy vehicles) "
             "or zh (河南, 新能源汽车).")] = "en",
    meeting_host: Annotated[list[str] | None, typer.Option(
        "--meeting-host", help="Only stories reporting a meeting whose host holds this post: "
                               "secretary, governor or mayor (repeatable; any of them).")
    ] = None,
    meeting_guest_kind: Annotated[list[str] | None, typer.Option(
        "--meeting-guest-kind", help="... and a guest of this kind of organisation, e.g. "
                                     "private_company, soe_central, foreign_government "
                                     "(repeatable; any of them).")] = None,
    meeting_org: Annotated[list[str] | None, typer.Option(
        "--meeting-org", help="... and a guest from this organisation, by name or ticker: "
                              "比亚迪, BYD, 002594.SZ (repeatable; any of them).")] = None,
    email: Annotated[list[str] | None, typer.Option(help="Email address (repeatable).")] = None,
    webhook: Annotated[list[str] | None, typer.Option(help="Webhook URL (repeatable).")] = None,
    chat: Annotated[list[str] | None, typer.Option(
        help="Chat URL: slack://, discord://, feishu://, lark://, dingtalk://, wecombot://, "
             "workflows:// (repeatable).")] = None,
) -> None:
    """Add a watchlist: every criterion given must hold (provinces any-of AND sectors any-of
    AND events any-of AND keywords ...); see also `watch import` for YAML files."""
    # lazy: the watchlist rules load the channels' libraries; --help needs none of them
    from provwatch.alerts.watchlist import validate

    channels = ([f"email:{e}" for e in email or []] + [f"webhook:{w}" for w in webhook or []]
                + list(chat or []))
    spec = validate(name, _ids("province", province), _ids("sector", sector), keyword or [],
                    channels, province_scope=scope, events=_ids("event", event),
                    keywords_all=all_of or [], keywords_none=none_of or [],
                    sources=source or [], min_copies=min_copies,
                    schedule=digest, quiet_hours=quiet, backfill_days=backfill_days,
                    language=language, meeting_hosts=meeting_host or [],
                    meeting_guest_kinds=meeting_guest_kind or [],
                    meeting_orgs=meeting_org or [])
    spec, warnings = _watchlists().resolve_orgs(spec)
    for warning in warnings:
        err.print(f"provwatch: warning: {warning}", markup=False)
    owed = _watchlists().add_watchlist(state.config, spec)
    backfill = (f"; {owed} alerts owed for stories of the last {backfill_days} days"
                if backfill_days else "")
    out.print(f"watchlist {name!r} added{backfill}", markup=False)


def _ids(kind: str, values: list[str] | None) -> list[str]:
    """Names given for ids (河南, Henan, 新能源汽车) as their ids; anything else as typed,
    for the watchlist's validation to refuse with the closest id."""
    return [resolve(kind, v) or v for v in values or []]


@watch_app.command("list")
def watch_list() -> None:
    """List watchlists: what each matches, when and where it sends."""
    # lazy: the watchlist rules load the channels' libraries; --help needs none of them
    from provwatch.alerts.watchlist import describe

    table = Table("name", "matches", "when")
    table.add_column("channels", overflow="fold")  # a URL cut short is no use
    for w in _watchlists().list_watchlists(state.stored_config):
        d = describe(w)
        table.add_row(w.name, d["matches"], d["when"], redact(d["channels"]))
    out.print(table, markup=False)


@watch_app.command("show")
def watch_show(name: Annotated[str, typer.Argument(help="The watchlist's name.")]) -> None:
    """Print one watchlist as YAML (the `watch import` format), tokens of its channel URLs
    hidden; `watch export` writes them in full, for re-import."""

    print(redact(_watchlists().export_watchlists(state.stored_config, [name])), end="")


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
    min_copies, schedule, quiet_hours, backfill_days, language (en or zh), meeting_hosts,
    meeting_guest_kinds, meeting_orgs. `watch export` writes this format.
    """
    if str(file) == "-":
        text, where = sys.stdin.read(), "<stdin>"
    else:
        try:
            text, where = file.read_text(encoding="utf-8"), str(file)
        except (OSError, UnicodeDecodeError) as e:
            raise ProvwatchError(f"{file}: cannot read: {getattr(e, 'strerror', None) or e}"
                                 ) from None
    # lazy: the watch-file reader loads the watchlist rules and the channels' libraries
    from provwatch.alerts.watchfile import WatchfileError

    try:
        report = _watchlists().import_watchlists(state.config, text, where, replace=replace,
                                                 dry_run=dry_run)
    except WatchfileError as e:
        for problem in e.problems:
            err.print(f"provwatch: error: {problem}", markup=False)
        err.print(f"provwatch: nothing imported ({len(e.problems)} problem"
                  f"{'s' if len(e.problems) != 1 else ''})", markup=False)
        raise typer.Exit(1) from None
    for warning in report.warnings:
        err.print(f"provwatch: warning: {warning}", markup=False)
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

    text = _watchlists().export_watchlists(state.stored_config)
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

    _watchlists().remove_watchlist(state.stored_config, name)
    out.print(f"watchlist {name!r} removed")
