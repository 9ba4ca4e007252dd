"""`provwatch leaders`: who held each province's top posts on a China day, from the roster."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from provwatch.crawler import roster
from provwatch.crawler.chinatime import china_day
from provwatch.crawler.cli.app import app, day_option, err, out
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.taxonomy import did_you_mean, resolve


def province_option(value: str | None) -> str | None:
    """A --province value (id, English or Chinese name) as its id; else a one-line error."""
    if value is None:
        return None
    province = resolve("province", value)
    if province is None:
        raise ProvwatchError(f"--province: no province {value!r}"
                             f"{did_you_mean('province', value)} (see `provwatch ids provinces`)")
    return province


@app.command()
def leaders(
    province: Annotated[str | None, typer.Option(
        help="Only this province (id, English or Chinese name).")] = None,
    on: Annotated[str | None, typer.Option(
        help="The China day to answer for (YYYY-MM-DD); default today.")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="One JSON object per line, dates in ISO form.")] = False,
) -> None:
    """Who held each province's party secretary and governor posts (and its capital's, where
    the roster knows them) on a day; the roster says when it was last checked."""
    wanted = province_option(province)
    when = day_option(on, "--on")
    day = china_day(when) if when else roster.today()
    book = roster.load()
    rows = book.holders(wanted, day)
    if as_json:
        for e in rows:
            print(json.dumps({"on": day.isoformat(), **e.as_json(),
                              "title_zh": roster.title_zh(e, book)}, ensure_ascii=False))
    elif rows:
        table = Table("province", "post", "name", "pinyin", "since",
                      title=f"Leaders on {day.isoformat()} (China day)",
                      caption=f"roster checked {book.checked}; ~ = date approximate")
        for e in rows:
            since = (e.start_text or e.start.isoformat()) + (" ~" if e.approx else "")
            table.add_row(e.province, roster.title_zh(e, book), e.name_zh, e.pinyin, since)
        out.print(table)
    if not rows:
        err.print(f"no roster entry holds a post on {day.isoformat()}"
                  + (f" in {wanted}" if wanted else ""), markup=False)
