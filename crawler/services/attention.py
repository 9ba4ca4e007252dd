"""Attention: how many stories each province gave each sector in a window of China days,
the change from the window just before it, and the stories behind a cell.

Rules: a story counts in the window holding its day (the China day of its first dated
copy), for (province, sector) when its copies carry both tags (scope ``about``: a
province tag's role is about; ``mentioned``: any role), once however many copies; with
an event, only stories with a copy of that event kind count. A province's stories are
those about it in any sector or none; its share is that over the stories about any
province in the window. A cell's change is its count minus the previous window's (same
length, ending the day before).
Rows are the provinces with a story in either window, most stories first; columns the
sectors with one, in the taxonomy's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from provwatch.crawler.chinatime import SHANGHAI, china_day
from provwatch.crawler.config import Config
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.taxonomy import labels

SCOPES = ("about", "mentioned")


@dataclass(frozen=True)
class Window:
    """China days ``since``..``until``, both inclusive."""

    since: date
    until: date

    @property
    def previous(self) -> Window:
        length = (self.until - self.since).days + 1
        return Window(self.since - timedelta(days=length), self.since - timedelta(days=1))

    def query(self, scope: str, event: str | None) -> repository.AttentionWindow:
        start = datetime(self.since.year, self.since.month, self.since.day, tzinfo=SHANGHAI)
        end = datetime(self.until.year, self.until.month, self.until.day,
                       tzinfo=SHANGHAI) + timedelta(days=1)
        return repository.AttentionWindow(start, end, self.since, self.until,
                                          scope == "mentioned", event)

    def json(self) -> dict[str, str]:
        return {"since": self.since.isoformat(), "until": self.until.isoformat()}


def newest_day(config: Config) -> date:
    """The China day of the newest stored publication (today when nothing is stored):
    the default end of a window, so an archive shows its own latest weeks."""
    with open_database(config.database_url, create=False)() as session:
        newest = repository.newest_publication(session)
    return china_day(newest) if newest else datetime.now(timezone.utc).astimezone(SHANGHAI).date()


def _names(kind: str, value: str) -> dict[str, str]:
    english, chinese = labels(kind).get(value, (value, ""))
    return {"id": value, "name": english, "name_zh": chinese}


def attention(config: Config, window: Window, scope: str = "about",
              event: str | None = None) -> dict[str, Any]:
    """The heatmap's data: provinces, sectors, and one cell per pair with a story now or
    in the previous window (JSON-ready)."""
    before = window.previous
    with open_database(config.database_url, create=False)() as session:
        now_q, then_q = window.query(scope, event), before.query(scope, event)
        now, then = repository.attention_counts_of(session, [now_q, then_q])
    cells = {(p, s): n for (p, s), n in now.items() if p and s}
    previous = {(p, s): n for (p, s), n in then.items() if p and s}
    totals = {p: n for (p, s), n in now.items() if p and not s}
    totals_before = {p: n for (p, s), n in then.items() if p and not s}
    total, total_before = now.get(("", ""), 0), then.get(("", ""), 0)
    province_ids = sorted(set(totals) | set(totals_before),
                          key=lambda p: (-totals.get(p, 0), -totals_before.get(p, 0), p))
    used = {s for _, s in cells} | {s for _, s in previous}
    sector_ids = [s for s in labels("sector") if s in used] + sorted(used - set(labels("sector")))
    provinces = [{**_names("province", p), "stories": totals.get(p, 0),
                  "share": totals.get(p, 0) / total if total else 0.0,
                  "previous": totals_before.get(p, 0),
                  "change": totals.get(p, 0) - totals_before.get(p, 0)} for p in province_ids]
    sectors = [{**_names("sector", s),
                "stories": sum(n for (_, sec), n in cells.items() if sec == s)}
               for s in sector_ids]
    out_cells = []
    for p in province_ids:
        for s in sector_ids:
            n, m = cells.get((p, s), 0), previous.get((p, s), 0)
            if n or m:
                out_cells.append({"province": p, "sector": s, "stories": n, "previous": m,
                                  "change": n - m,
                                  "share_of_province": n / totals[p] if totals.get(p) else 0.0})
    return {"window": window.json(), "previous_window": before.json(), "scope": scope,
            "event": event, "stories": total, "previous_stories": total_before,
            "provinces": provinces, "sectors": sectors, "cells": out_cells}


def cell_stories(config: Config, window: Window, province: str | None, sector: str | None,
                 scope: str = "about", event: str | None = None, limit: int = 200
                 ) -> list[dict[str, Any]]:
    """The stories behind a cell (a province, a sector, or both), newest first."""
    with open_database(config.database_url, create=False)() as session:
        rows = repository.attention_stories(session, window.query(scope, event), province,
                                            sector, limit)
    return [{"story_id": r.story_id, "title": r.title,
             "published_at": _iso(r.published_at), "copies": r.copies,
             "outlets": list(r.outlets)} for r in rows]


def _iso(when: datetime | None) -> str | None:
    return when.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if when else None
