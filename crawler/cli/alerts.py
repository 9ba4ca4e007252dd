"""`provwatch alerts failed|retry|test`: look after the outbox (`alerts send` is in cli)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from provwatch.crawler.cli.app import alerts_app, err, out, state
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.redact import redact


def _service():
    # lazy: the outbox and its channels load SQLAlchemy and the dispatch stack, which
    # `--help` and the read-only commands never need
    from provwatch.crawler.services import alerts as alerts_service

    return alerts_service


@alerts_app.command("failed")
def alerts_failed(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array.")] = False,
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 200,
) -> None:
    """List deliveries that gave up: watchlist, channel, attempts, the last error."""
    rows = [{**r, "channel": redact(r["channel"]), "last_error": redact(r["last_error"] or "")
             or None} for r in _service().failed(state.stored_config, limit)]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        out.print("no failed deliveries")
        return
    table = Table("id", "watchlist", "channel", "attempts", "title", "last error")
    for r in rows:
        table.add_row(str(r["id"]), r["watchlist"], r["channel"], str(r["attempts"]),
                      r["title"][:60], r["last_error"] or "")
    out.print(table)


@alerts_app.command("retry")
def alerts_retry(
    ids: Annotated[list[int] | None, typer.Argument(
        metavar="[ID]...", help="Failed delivery ids (see `provwatch alerts failed`).")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every failed delivery.")] = False,
) -> None:
    """Make failed deliveries pending again and send them now."""
    if bool(ids) == all_:
        raise ProvwatchError("alerts retry: give delivery ids or --all (not both)")
    count, report = _service().retry(state.stored_config, None if all_ else list(ids or []))
    for m in report.messages:
        err.print(redact(m), markup=False)
    out.print(f"{count} delivery(ies) queued again: sent {report.sent}, will retry "
              f"{report.retrying}, failed {report.failed}")
    if report.failed or report.retrying:
        raise typer.Exit(1)


@alerts_app.command("test")
def alerts_test(
    watchlist: Annotated[str, typer.Argument(help="The watchlist whose channels to test.")],
) -> None:
    """Send a sample alert to each channel of WATCHLIST; print success or the exact error."""
    results = _service().test_channels(state.stored_config, watchlist)
    for r in results:  # a channel spec holds its tokens: shown redacted, as its error
        if r.ok:
            out.print(f"[green]ok[/green]     {escape(redact(r.channel))}", highlight=False)
        else:
            out.print(f"[red]failed[/red] {escape(redact(r.channel))}", highlight=False)
            err.print(f"       {redact(r.error or '')}", markup=False, highlight=False)
    if not all(r.ok for r in results):
        raise typer.Exit(1)


@alerts_app.command("send")
def alerts_send() -> None:
    """Deliver what the outbox holds, then exit."""
    report = _service().send_alerts(state.stored_config)
    for m in report.messages:
        err.print(redact(m), markup=False)
    out.print(f"sent {report.sent}, will retry {report.retrying}, failed {report.failed}")
