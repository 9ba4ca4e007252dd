"""Regex matches found faster for patterns with no literal to skip to.

Python's engine tries such a pattern at every character of the text. When each match
must begin where a much simpler pattern matches (a digit, one of a few first words),
searching for that first and trying the whole pattern only there finds the same matches
several times faster (pipelines/meeting_dates.py, pipelines/meeting_guests.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator


def finditer_from(first: re.Pattern[str], pattern: re.Pattern[str], text: str
                  ) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, for a pattern whose matches are never empty and each
    start where ``first`` matches: ``pattern`` is tried only at ``first``'s hits."""
    at = 0
    while (hit := first.search(text, at)) is not None:
        m = pattern.match(text, hit.start())
        if m is None:
            at = hit.start() + 1
            continue
        yield m
        at = m.end()
