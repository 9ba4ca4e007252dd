"""JSON-lines input of the commands that read it (ingest, tag): each non-blank line parsed,
named ``file:line`` for messages; a line that is not JSON (or, read as bytes, not UTF-8)
is noted and skipped."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any


def json_lines(lines: Iterable[str | bytes], name: str, errors: list[str]
               ) -> Iterator[tuple[str, Any]]:
    """(where, value) per non-blank line; ``where`` is ``name:number``. Lines read as bytes
    are decoded as UTF-8, so that one line in another encoding is named and skipped
    instead of ending the whole read."""
    for n, line in enumerate(lines, 1):
        where = f"{name}:{n}"
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8-sig")  # a BOM before line 1 is no part of the JSON
            except UnicodeDecodeError:
                errors.append(f"{where}: not UTF-8 text (save the file as UTF-8)")
                continue
        if not line.strip():
            continue
        try:
            yield where, json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"{where}: not JSON: {e.msg}")
