"""`provwatch ids`: the label vocabulary (provinces, sectors, events) with its names."""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated

import typer
from rich.table import Table

from provwatch.crawler.cli.app import app, out
from provwatch.crawler.taxonomy import labels


class Vocabulary(str, Enum):
    provinces = "provinces"
    sectors = "sectors"
    events = "events"


@app.command()
def ids(
    which: Annotated[list[Vocabulary] | None, typer.Argument(
        metavar="[provinces|sectors|events]...",
        help="Which vocabulary; default all three.")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="One JSON object per line: kind, id, english, chinese.")] = False,
) -> None:
    """List the ids that --province, --sector and --event take, with their English and
    Chinese names (which those options also accept)."""
    for vocabulary in dict.fromkeys(which or list(Vocabulary)):
        kind = vocabulary.value[:-1]
        names = labels(kind)
        if as_json:
            for label_id, (english, chinese) in names.items():
                print(json.dumps({"kind": kind, "id": label_id, "english": english,
                                  "chinese": chinese}, ensure_ascii=False))
            continue
        table = Table("id", "English", "Chinese", title=f"{len(names)} {vocabulary.value}")
        for label_id, (english, chinese) in names.items():
            table.add_row(label_id, english, chinese)
        out.print(table)
