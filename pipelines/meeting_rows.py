"""A story's meetings as the plain rows storage keeps (repository.replace_meetings).

A meeting's province is its first host's roster province; when no host is on the roster,
the story's province (``story_province``: its source's, or its only ``about`` province
when the source is national) when a host's title is a provincial or city one (副省长,
市委书记); otherwise none (national leaders).
"""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date, datetime

from provwatch.crawler.roster import Roster
from provwatch.pipelines.items import TextMatches
from provwatch.pipelines.meetings import Meeting, extract_meetings

_LOCAL_TITLE = re.compile(r"省|自治区|市委|市长|州委|州长")


def story_province(source_province: str | None, about) -> str | None:
    """The province a story's meetings are read for: its source's, unless the source is
    national (a wire, a central outlet), then its only ``about`` province, else none."""
    if source_province and source_province != "national":
        return source_province
    about = list(about or ())
    return about[0] if len(about) == 1 else None


def meeting_rows(title: str, text: str, published_at: datetime | date | None,
                 province: str | None = None, book: Roster | None = None,
                 matches: TextMatches | None = None) -> list[dict]:
    """``book`` and ``matches`` (the tagger's): as pipelines.meetings.extract_meetings."""
    return [row(m, province)
            for m in extract_meetings(title, text, published_at, province, book, matches)]


def row(m: Meeting, province: str | None = None) -> dict:
    local = province if any(_LOCAL_TITLE.search(h.title) for h in m.hosts) else None
    return {
        "day": m.day, "date_stated": m.date is not None, "province": m.province or local,
        "place": m.place, "verb": m.verb, "topics": list(m.topics), "sentence": m.sentence,
        "summary_en": m.summary_en, "summary_zh": m.summary_zh,
        "hosts": [asdict(h) for h in m.hosts],
        "guests": [{k: v for k, v in asdict(g).items() if k != "sectors"} for g in m.guests],
    }
