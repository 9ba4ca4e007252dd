"""JSON-lines input of the commands that read it (ingest, tag): each non-blank line parsed,
named ``file:line`` for messages; a line that is not JSON is noted and skipped."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any


def json_lines(lines: Iterable[str], name: str, errors: list[str]
               ) -> Iterator[tuple[str, Any]]:
    """(where, value) per non-blank line; ``where`` is ``name:number``."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{name}:{n}"
        try:
            yield where, json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"{where}: not JSON: {e.msg}")
