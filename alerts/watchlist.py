"""Watchlists: what a user asks to be told about, validated before it is stored."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from alerts.channels import parse_target
from alerts.errors import WatchlistError
from crawler.taxonomy import PROVINCES, SECTORS

_NAME = re.compile(r"[\w][\w.\-]{0,99}")


@dataclass(frozen=True)
class WatchlistSpec:
    name: str
    provinces: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    id: int | None = None
    created_at: datetime | None = None  # older articles are not alerted by default

    def to_row(self) -> dict[str, Any]:
        return {"name": self.name, "provinces": list(self.provinces),
                "sectors": list(self.sectors), "keywords": list(self.keywords),
                "channels": list(self.channels),
                **({"created_at": self.created_at} if self.created_at else {})}


def validate(name: str, provinces: Iterable[str] = (), sectors: Iterable[str] = (),
             keywords: Iterable[str] = (), channels: Iterable[str] = (),
             id: int | None = None) -> WatchlistSpec:
    """Return a clean spec or raise WatchlistError naming the watchlist and the field."""
    def bad(field: str, why: str) -> WatchlistError:
        return WatchlistError(f"watchlist {name!r}: field {field!r}: {why}")

    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise WatchlistError(f"watchlist {name!r}: field 'name': use letters, digits, . _ -")
    provinces = tuple(dict.fromkeys(p.strip().lower() for p in provinces))
    for p in provinces:
        if p not in PROVINCES:
            raise bad("provinces", f"unknown province id {p!r} (see taxonomy: e.g. henan)")
    sectors = tuple(dict.fromkeys(s.strip().lower() for s in sectors))
    for s in sectors:
        if s not in SECTORS:
            raise bad("sectors", f"unknown sector id {s!r} (one of {', '.join(SECTORS)})")
    keywords = tuple(dict.fromkeys(k.strip() for k in keywords if k.strip()))
    channels = tuple(dict.fromkeys(c.strip() for c in channels))
    if not channels:
        raise bad("channels", "at least one --email or --webhook is needed")
    for c in channels:
        try:
            parse_target(c)
        except ValueError as e:
            raise bad("channels", str(e)) from None
    return WatchlistSpec(name, provinces, sectors, keywords, channels, id)


def from_row(row: Any) -> WatchlistSpec:
    return WatchlistSpec(row.name, tuple(row.provinces), tuple(row.sectors),
                         tuple(row.keywords), tuple(row.channels), row.id,
                         getattr(row, "created_at", None))
