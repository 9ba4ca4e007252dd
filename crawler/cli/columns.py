"""Long listings as aligned plain columns, the way `docker ps` prints them.

A Rich table squeezes a listing of hundreds of sources into the terminal's width: ids and
headers are cut ("sta…"), and measuring every cell to lay out the box costs a tenth of a
second on a catalog of this size, more than the database read. Here each column is as wide
as its widest cell (display cells: a Chinese character counts two), the last one runs to
the end of the line, nothing is cut or wrapped, and a line is one row, so `| grep failing`
keeps the rows it means. Cells may carry a Rich style; they print plain when not on a
terminal, as every Rich output does.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

Cell = str | Text
GAP = "  "


def _plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def print_columns(console: Console, headers: Sequence[str], rows: Sequence[Sequence[Cell]]
                  ) -> None:
    """Print ``headers`` (bold) and ``rows`` aligned; rows need as many cells as headers."""
    widths = [cell_len(h) for h in headers]
    for row in rows:
        for n, cell in enumerate(row[:-1]):
            widths[n] = max(widths[n], cell_len(_plain(cell)))
    lines = [_line([Text(h, style="bold") for h in headers], widths)]
    lines += [_line([c if isinstance(c, Text) else Text(c) for c in row], widths)
              for row in rows]
    console.print(Text("\n").join(lines), soft_wrap=True)


def _line(cells: list[Text], widths: list[int]) -> Text:
    line = Text(no_wrap=True, end="")
    for n, cell in enumerate(cells):
        line.append_text(cell)
        if n < len(cells) - 1:
            line.append(" " * (widths[n] - cell_len(cell.plain)) + GAP)
    line.rstrip()
    return line
