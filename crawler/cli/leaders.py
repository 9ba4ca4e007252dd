"""`provwatch leaders`: who held each province's top posts on a China day, from the roster
with the applied roster changes merged over it; `provwatch leaders changes` lists, applies
and dismisses the changes read from the news (issue 18)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from provwatch.crawler import roster
from provwatch.crawler.chinatime import china_day
from provwatch.crawler.cli.app import ConfigEverywhere, app, day_option, err, out, state
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.taxonomy import did_you_mean, resolve

leaders_app = typer.Typer(
    help="The leaders' roster, and the roster changes read from the news.",
    invoke_without_command=True, cls=ConfigEverywhere)
app.add_typer(leaders_app, name="leaders")


def province_option(value: str | None) -> str | None:
    """A --province value (id, English or Chinese name) as its id; else a one-line error."""
    if value is None:
        return None
    province = resolve("province", value)
    if province is None:
        raise ProvwatchError(f"--province: no province {value!r}"
                             f"{did_you_mean('province', value)} (see `provwatch ids provinces`)")
    return province


def _service():
    # lazy: SQLAlchemy loads only when a command reads the database
    from provwatch.crawler.services import leaders as leaders_service

    return leaders_service


def _book() -> tuple[roster.Roster, str]:
    """The roster with the applied changes merged over it, and what the caption says;
    the bundled roster alone when the configured database does not exist yet."""
    try:
        config = state.stored_config
    except ProvwatchError:
        return roster.load(), "no database: no roster changes merged"
    book = _service().current_roster(config)
    added = len(book.entries) - len(roster.load().entries)
    return book, f"roster changes merged: {added} new term(s)" if added else ""


@leaders_app.callback()
def leaders(
    ctx: typer.Context,
    province: Annotated[str | None, typer.Option(
        help="Only this province (id, English or Chinese name).")] = None,
    on: Annotated[str | None, typer.Option(
        help="The China day to answer for (YYYY-MM-DD); default today.")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="One JSON object per line, dates in ISO form.")] = False,
) -> None:
    """Who held each province's party secretary and governor posts (and its capital's, where
    the roster knows them) on a day; the roster says when it was last checked. Applied
    roster changes (`provwatch leaders changes --apply`) are merged over the shipped
    roster."""
    if ctx.invoked_subcommand is not None:
        return
    wanted = province_option(province)
    when = day_option(on, "--on")
    day = china_day(when) if when else roster.today()
    book, merged = _book()
    rows = book.holders(wanted, day)
    if as_json:
        for e in rows:
            print(json.dumps({"on": day.isoformat(), **e.as_json(),
                              "title_zh": roster.title_zh(e, book)}, ensure_ascii=False))
    elif rows:
        caption = f"roster checked {book.checked}; ~ = date approximate"
        table = Table("province", "post", "name", "pinyin", "since",
                      title=f"Leaders on {day.isoformat()} (China day)",
                      caption=caption + (f"; {merged}" if merged else ""))
        for e in rows:
            since = (e.start_text or e.start.isoformat()) + (" ~" if e.approx else "")
            table.add_row(e.province, roster.title_zh(e, book), e.name_zh, e.pinyin, since)
        out.print(table)
    if not rows:
        err.print(f"no roster entry holds a post on {day.isoformat()}"
                  + (f" in {wanted}" if wanted else ""), markup=False)


def _ids(values: list[str], option: str) -> list[int]:
    ids = []
    for v in values:
        if not v.strip().isdigit():
            raise ProvwatchError(f"{option}: {v!r} is not a roster change id (a number)")
        if int(v) not in ids:
            ids.append(int(v))
    return ids


@leaders_app.command()
def changes(
    since: Annotated[str | None, typer.Option(
        help="Only changes on or after this China day (YYYY-MM-DD).")] = None,
    status: Annotated[str | None, typer.Option(
        help="Only changes with this status: proposed, applied or dismissed.")] = None,
    apply: Annotated[list[str] | None, typer.Option(
        "--apply", help="Apply these change ids (repeatable): the roster then counts "
                        "them.")] = None,
    dismiss: Annotated[list[str] | None, typer.Option(
        "--dismiss", help="Dismiss these change ids (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="One JSON object per line, dates in ISO form.")] = False,
) -> None:
    """Roster changes read from the news (任命, 免去, 当选, 不再担任; appointed): list them
    with their story, or apply or dismiss them by id."""
    service = _service()
    if status is not None and status not in service.STATUSES:
        raise ProvwatchError(f"--status: {status!r} is not one of "
                             f"{', '.join(service.STATUSES)}")
    if apply and dismiss:
        raise ProvwatchError("--apply and --dismiss: give one of them")
    if apply or dismiss:
        ids = _ids(apply or dismiss or [], "--apply" if apply else "--dismiss")
        rows = service.set_status(state.stored_config, ids,
                                  "applied" if apply else "dismissed")
    else:
        when = day_option(since, "--since")
        rows = service.list_changes(state.stored_config, status,
                                    china_day(when) if when else None)
    if as_json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return
    table = Table("id", "status", "day", "change", "story", title=f"{len(rows)} roster changes")
    for r in rows:
        where = r["province"] + (f"/{r['city']}" if r["city"] else "")
        table.add_row(str(r["id"]), r["status"], r["day"] or "",
                      escape(f"{r['action']} {r['person']}: {where} {r['post']}"),
                      escape("\n".join(x for x in (r["title"], r["url"]) if x)))
    out.print(table)
