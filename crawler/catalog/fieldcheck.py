"""Checks of single catalog fields that need more than a type: selectors and delays."""

from __future__ import annotations

import re
from typing import Any


def delay_seconds(value: Any, bad) -> float:
    """A per-source request delay: 1.5, "2s" or "500ms"; between 0 and 60 seconds."""
    text = str(value).strip()
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(ms|s)?", text)
    if isinstance(value, bool) or not m:
        raise bad("delay", f"not a delay: {value!r} (use e.g. 2s, 500ms or 1.5)")
    seconds = float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)
    if not 0 <= seconds <= 60:
        raise bad("delay", f"must be between 0 and 60 seconds, got {value!r}")
    return seconds


def check_selector(sel: Any, bad) -> None:
    from parsel import Selector  # parsel ships with Scrapy

    if not isinstance(sel, str) or not sel.strip():
        raise bad("must be a non-empty CSS or XPath string")
    probe = Selector(text="<html></html>")
    try:
        if sel.lstrip().startswith(("/", "(", "./")):
            probe.xpath(sel)
        else:
            probe.css(sel)
    except Exception as e:  # parsel raises several types for a bad expression
        raise bad(f"not a valid selector: {e}") from None
