"""The key that tells two reports of one meeting apart from two meetings.

Two outlets' own write-ups of one meeting become two stories (dedupe kept them apart); they
state the same day, the same hosts and the same guests. A meeting whose text stated its day
gets ``meeting_key``: a hash of that day, its hosts' names and its guests' organisations (or
names), each set sorted; one whose day was not stated gets none and is never merged. Of the
meetings sharing a key, the one of the smallest story id is the meeting (services.meetings
.distinct says the same in Python; the web's counts ask the database with this stored key).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any


def meeting_key(day: date | str | None, date_stated: bool, hosts: Iterable[Mapping[str, Any]],
                guests: Iterable[Mapping[str, Any]]) -> str | None:
    if not date_stated or day is None:
        return None
    names = sorted({h.get("name") or "" for h in hosts})
    others = sorted({g.get("org_id") or g.get("org") or g.get("name") or "" for g in guests})
    text = "\x1f".join([str(day), "\x1e".join(names), "\x1e".join(others)])
    return hashlib.sha1(text.encode("utf-8")).hexdigest()
