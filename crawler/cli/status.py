"""`provwatch status`: is the daemon alive, how is each source, is the outbox draining."""

from __future__ import annotations

import difflib
import json
from collections import Counter
from datetime import datetime, timezone
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from provwatch.crawler.cli.app import app, out, state
from provwatch.crawler.cli.columns import print_columns
from provwatch.crawler.errors import ProvwatchError

# other bad states: red
STATE_STYLES = {"ok": "green", "new": "dim", "stale": "yellow", "failing": "yellow"}
BAD = "bad"  # --state bad: failing or any bad state


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
    check: Annotated[bool, typer.Option(
        "--check", help="Exit 1 when unhealthy (no daemon, stale heartbeat, alerts not "
                        "dispatched, too many sources failing, no crawl succeeding); print "
                        "why, one line per reason.")] = False,
    summary: Annotated[bool, typer.Option(
        "--summary", help="Sources counted per health state, and totals, instead of one "
                          "row per source.")] = False,
    only: Annotated[list[str] | None, typer.Option(
        "--state", help="Only sources in this health state (repeatable): new, ok, failing, "
                        "unreachable, http_error, blocked, redesigned, stale, error, or "
                        "bad (failing or any bad state).")] = None,
) -> None:
    """Show the daemon, every source's health and the alert outbox."""
    # lazy: SQLAlchemy and the catalog load when the status is read, not for --help
    from provwatch.crawler.services import status as status_mod
    from provwatch.crawler.storage.models import BAD_STATES, HEALTH_STATES

    wanted = _states(only or [], HEALTH_STATES)
    config = state.stored_config
    now = datetime.now(timezone.utc)
    report = status_mod.gather(config, now)
    reasons = status_mod.check(report, config) if check else []
    if wanted:
        bad = {*BAD_STATES, "failing"}
        report = {**report, "sources": [s for s in report["sources"] if s["health"] in wanted
                                        or (BAD in wanted and s["health"] in bad)]}
    if summary:
        report = {**report, "summary": summarise(report["sources"], HEALTH_STATES)}
    if as_json:
        if check:
            report = {**report, "healthy": not reasons, "reasons": reasons}
        if summary:
            report = {k: v for k, v in report.items() if k != "sources"}
        print(json.dumps(report, ensure_ascii=False, indent=2))
    elif check:
        for line in reasons or ["healthy"]:
            out.print(line, markup=False)
    else:
        _print_report(report, now, BAD_STATES)
    if reasons:
        raise typer.Exit(1)


def _states(given: list[str], known: tuple[str, ...]) -> set[str]:
    """The --state values, checked: one line naming the closest state for a typo."""
    choices = [*known, BAD]
    wanted = {v.strip().lower() for v in given}
    for value in sorted(wanted - set(choices)):
        close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ProvwatchError(f"--state: {value!r} is not a health state{hint}; use one of "
                             f"{', '.join(choices)}")
    return wanted


def summarise(sources: list[dict[str, Any]], states: tuple[str, ...]) -> dict[str, Any]:
    """Sources per health state (every state, in order, zeros included) and totals."""
    counts = Counter(s["health"] for s in sources)
    return {
        "states": {name: counts.get(name, 0)
                   for name in [*states, *sorted(set(counts) - set(states))]},
        "total": len(sources),
        "enabled": sum(1 for s in sources if s["enabled"] and s["in_catalog"]),
        "disabled": sum(1 for s in sources if not s["enabled"] and s["in_catalog"]),
        "not_in_catalog": sum(1 for s in sources if not s["in_catalog"]),
    }


def _print_report(report: dict[str, Any], now: datetime, bad_states: tuple[str, ...]) -> None:
    if "summary" in report:
        _print_summary(report["summary"], bad_states)
    else:
        _print_sources(report["sources"], now, bad_states)
    box = report["outbox"]
    sending = f"{box['sending']} being sent, " if box.get("sending") else ""
    out.print(f"outbox: {box['pending']} pending, {sending}{box['failed']} failed, "
              f"{box['sent_24h']} sent in the last 24h", markup=False)
    out.print(_daemon_line(report["daemon"], now), markup=False)
    for line in _worker_lines(report, now):
        out.print(line, markup=False)


def _print_summary(summary: dict[str, Any], bad_states: tuple[str, ...]) -> None:
    table = Table("state", "sources", title=f"{summary['total']} sources")
    for name, n in summary["states"].items():
        table.add_row(_state(name, bad_states), str(n))
    out.print(table)
    out.print(f"{summary['total']} sources: {summary['enabled']} enabled, "
              f"{summary['disabled']} disabled, {summary['not_in_catalog']} not in the "
              "catalog", markup=False)


def _print_sources(sources: list[dict[str, Any]], now: datetime,
                   bad_states: tuple[str, ...]) -> None:
    """One line per source, aligned (crawler.cli.columns): ids are what operators copy and
    grep, so they are never cut, and a failing source's reason is read whole."""
    rows = []
    for s in sources:
        label = s["id"] if s["in_catalog"] else f"{s['id']} (not in catalog)"
        if not s["enabled"] and s["in_catalog"]:
            label += " (disabled)"
        rows.append((label, _state(s["health"], bad_states), _relative(s["last_run"], now),
                     _relative(s["last_success"], now),
                     "-" if s["new_items_last_run"] is None else str(s["new_items_last_run"]),
                     str(s["failures"]), _relative(s["next_due"], now), _why(s)))
    print_columns(out, ("id", "state", "last run", "last success", "new", "failures",
                        "next due", "why"), rows)
    if sources:  # the count an operator looks for under a long listing
        counts = Counter(s["health"] for s in sources).most_common()
        out.print(f"{len(sources)} sources: " + ", ".join(f"{n} {h}" for h, n in counts),
                  markup=False)


def _why(source: dict[str, Any]) -> str:
    """The reason a source is not ok: its last error's first line, shortened."""
    error = (source["last_error"] or "").strip()
    if source["health"] in ("ok", "new") or not error:
        return ""
    line = error.splitlines()[0]
    return line if len(line) <= 120 else line[:119] + "…"


def _state(health: str, bad_states: tuple[str, ...]) -> Text:
    style = STATE_STYLES.get(health, "red" if health in bad_states else "")
    return Text(health, style=style)


def _daemon_line(d: dict[str, Any], now: datetime) -> str:
    where = f"pid {d['pid']}@{d['host']}"
    if d["running"]:
        line = (f"daemon: running, {where}, up {_span(d['uptime_seconds'])}, "
                f"version {d['version']}")
        if d["running_crawls"]:
            line += f", crawling {', '.join(d['running_crawls'])}"
    elif d["heartbeat_at"] is None:
        line = "daemon: not running (never ran on this database)"
    elif d["holder"]:
        line = (f"daemon: not responding, {where}, last heartbeat "
                f"{_relative(d['heartbeat_at'], now)}")
    else:
        stopped = _relative(d["stopped_at"] or d["heartbeat_at"], now)
        line = f"daemon: not running (last: {where}, stopped {stopped})"
    return f"{line}; database {d['database']}"


def _worker_lines(report: dict[str, Any], now: datetime) -> list[str]:
    """The crawl queue and its workers, when there are any (several machines)."""
    lines = []
    queue = report.get("queue")
    if queue is not None:
        lines.append(f"queue: {queue['error']}" if "error" in queue else
                     f"queue: {queue['waiting']} crawls waiting, {queue['running']} running")
    for w in report.get("workers") or []:
        state = "running" if w["alive"] else "not seen"
        crawls = w["running_crawls"]
        doing = f"crawling {', '.join(crawls)}" if crawls else "idle"
        lines.append(f"worker: pid {w['pid']}@{w['host']}, {state}, {doing}, "
                     f"{w['crawls'] or 0} crawls done, last seen "
                     f"{_relative(w['last_seen'], now)}")
    return lines


def _relative(iso: str | None, now: datetime) -> str:
    """'in 4m' or '3m ago': what an operator reads faster than a timestamp."""
    # lazy: loaded by `status` already; kept off the module's imports for --help
    from provwatch.crawler.services.status import parse_time

    when = parse_time(iso)
    if when is None:
        return "-"
    seconds = (when - now).total_seconds()
    if abs(seconds) < 1:
        return "now"
    return f"in {_span(seconds)}" if seconds > 0 else f"{_span(-seconds)} ago"


def _span(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    s = int(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if s >= size:
            return f"{s // size}{unit}"
    return f"{s}s"
