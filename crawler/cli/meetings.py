"""`provwatch meetings` (list), `provwatch meetings stats` and `provwatch remeet`."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from provwatch.crawler.cli.app import ConfigEverywhere, app, day_option, out, state

meetings_app = typer.Typer(
    help="Meetings read from stories: whom provincial leaders received (issue 18).",
    invoke_without_command=True, cls=ConfigEverywhere)
app.add_typer(meetings_app, name="meetings")


def _service():
    # lazy: SQLAlchemy, the roster and the knowledge base load only when a command runs
    from provwatch.crawler.services import meetings as meetings_service

    return meetings_service


def _day(value: str | None, option: str) -> date | None:
    when = day_option(value, option)
    return when.date() if when else None


ProvinceOpt = Annotated[str | None, typer.Option(
    "--province", help="A host's province (id, English or Chinese name).")]
HostOpt = Annotated[str | None, typer.Option(
    "--host", help="A host's name as written or in pinyin (刘宁, 'Liu Ning').")]
PostOpt = Annotated[str | None, typer.Option(
    "--post", help="A host holding this provincial post on the day: secretary or governor.")]
KindOpt = Annotated[str | None, typer.Option(
    "--guest-kind", help="A guest organisation's kind (private_company, soe_central, "
    "soe_local, university, research_institute, foreign_company, foreign_government, "
    "financial_institution, industry_association, other).")]
OrgOpt = Annotated[str | None, typer.Option(
    "--org", help="A guest organisation: knowledge-base id, ticker (002594.SZ, 1211) or "
    "name (比亚迪, BYD).")]
SectorOpt = Annotated[str | None, typer.Option(
    "--sector", help="A topic, or a guest organisation's sector (id, English or Chinese).")]
SinceOpt = Annotated[str | None, typer.Option(
    "--since", help="Meetings on or after this China day (YYYY-MM-DD).")]
UntilOpt = Annotated[str | None, typer.Option(
    "--until", help="Meetings on or before this China day (YYYY-MM-DD).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="CSV with a header line.")]


def _filters(province, host, post, guest_kind, org, sector, since, until):
    return _service().Filters(province, host, post, guest_kind, org, sector,
                              _day(since, "--since"), _day(until, "--until"))


@meetings_app.callback()
def meetings(
    ctx: typer.Context, province: ProvinceOpt = None, host: HostOpt = None,
    post: PostOpt = None, guest_kind: KindOpt = None, org: OrgOpt = None,
    sector: SectorOpt = None, since: SinceOpt = None, until: UntilOpt = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first; 0: all.")] = 100,
    as_json: JsonOpt = False, as_csv: CsvOpt = False,
) -> None:
    """List meetings, newest day first, each with its English and Chinese summary. Filters
    combine (`--province henan --guest-kind private_company --since 2025-01-01`)."""
    if ctx.invoked_subcommand is not None:
        return
    service = _service()
    rows = service.list_meetings(
        state.stored_config, _filters(province, host, post, guest_kind, org, sector, since,
                                      until), limit=limit or None)
    if as_json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    elif as_csv:
        _csv([service.csv_row(r) for r in rows], service.CSV_FIELDS)
    else:
        table = Table(title=f"{len(rows)} meetings")
        for name in ("day", "province", "summary"):
            table.add_column(name, no_wrap=name != "summary")
        for r in rows:
            table.add_row(r["day"] or "", r["province"] or "",
                          escape(r["summary_en"]) + "\n" + escape(r["summary_zh"]))
        out.print(table)


@meetings_app.command()
def stats(
    by: Annotated[str, typer.Option(
        "--by", help="Group by host, province, guest-kind, sector or org.")] = "host",
    province: ProvinceOpt = None, host: HostOpt = None, post: PostOpt = None,
    guest_kind: KindOpt = None, org: OrgOpt = None, sector: SectorOpt = None,
    since: SinceOpt = None, until: UntilOpt = None,
    as_json: JsonOpt = False, as_csv: CsvOpt = False,
) -> None:
    """Counts and shares of the matching meetings: per host (with guest kinds), province,
    guest kind, sector, or organisation (with the provinces that received it)."""
    rows = _service().meeting_stats(
        state.stored_config,
        _filters(province, host, post, guest_kind, org, sector, since, until), by=by)
    flat = [{k: "; ".join(f"{kind}={n}" for kind, n in v.items()) if isinstance(v, dict)
             else v for k, v in r.items()} for r in rows]
    if as_json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    elif as_csv:
        fields = list(dict.fromkeys(k for r in flat for k in r)) or ["key", "meetings", "share"]
        _csv(flat, fields)
    else:
        fields = list(dict.fromkeys(k for r in flat for k in r))
        table = Table(*fields, title=f"meetings by {by}")
        for r in flat:
            table.add_row(*(escape(str(r.get(k, ""))) for k in fields))
        out.print(table)


def _csv(rows: list[dict], fields) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=list(fields), lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)


@app.command()
def remeet(
    since: Annotated[str | None, typer.Option(
        help="Only stories with a copy published on or after this China day.")] = None,
) -> None:
    """Read every stored story's meetings again (after the extractor, the roster or the
    organisation knowledge base changed); a story's meetings are replaced whole."""
    report = _service().remeet(state.stored_config, day_option(since, "--since"))
    out.print(f"{report.stories} stories read, {report.changed} changed, "
              f"{report.meetings} meetings")
