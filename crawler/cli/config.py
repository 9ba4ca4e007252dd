"""`provwatch version` and `provwatch config`."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from provwatch.crawler import __version__
from provwatch.crawler.cli.app import app, out, state
from provwatch.crawler.config import SETTINGS


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
