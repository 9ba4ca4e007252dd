"""A view's table and its twins: the same rows as a CSV download and as JSON.

A view builds one ``Table`` from what its service returns; the page shows it, ``csv``
sends it as a file (UTF-8 with a byte-order mark, so a spreadsheet opens Chinese as
written), and the /api route sends the service's data as JSON.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi.responses import Response


@dataclass(frozen=True)
class Table:
    """Rows of plain values under named columns; ``name`` names the CSV file."""

    name: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def csv_text(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows([_cell(v) for v in row] for row in table.rows)
    return out.getvalue()


def csv_response(table: Table) -> Response:
    """The table as a CSV file download named ``<name>.csv``."""
    filename = f"{table.name}.csv"
    return Response(
        "\ufeff" + csv_text(table), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename=\"{quote(filename)}\"; "
                                        f"filename*=UTF-8''{quote(filename)}"})


def rows_of(dicts: Iterable[dict[str, Any]], columns: Sequence[str]) -> list[list[Any]]:
    """Dicts as rows of ``columns`` (missing keys empty)."""
    return [[d.get(c) for c in columns] for d in dicts]
