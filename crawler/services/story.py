"""One story as the web app shows it: its text, its tags with scores, every copy with its
outlet and times, its meetings, and its policy-document metadata.

The text is the first copy's (the story's first article, else the earliest stored); a
tag is listed once per (kind, value, role) with the highest score any copy gave it;
the document metadata is the first copy's that has any.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from provwatch.crawler.config import Config
from provwatch.crawler.services.meetings import meeting_json
from provwatch.crawler.services.province import DOCUMENT_FIELDS
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database

TAG_ORDER = ("province", "sector", "event", "person", "org")


def _iso(when: datetime | None) -> str | None:
    return when.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if when else None


def story_detail(config: Config, story_id: int) -> dict[str, Any] | None:
    """The story (JSON-ready), or None when no story has that id."""
    with open_database(config.database_url, create=False)() as session:
        story = repository.get_story(session, story_id)
        if story is None:
            return None
        copies = list(repository.story_copies(session, story_id))
        meetings = repository.meetings_of(session, [story_id]).get(story_id, [])
        first = next((a for a in copies if a.id == story.first_article_id),
                     copies[0] if copies else None)
        best: dict[tuple[str, str, str], float] = {}
        for article in copies:
            for t in article.tags:
                key = (t.kind, t.value, t.role)
                best[key] = max(best.get(key, t.score), t.score)
        document = next(((a.meta or {}).get("document") for a in copies
                         if (a.meta or {}).get("document")), None)
        rank = {k: n for n, k in enumerate(TAG_ORDER)}
        return {
            "id": story.id, "title": story.title, "first_seen_at": _iso(story.first_seen_at),
            "copy_count": story.copy_count,
            "text": first.text if first else "", "lang": first.lang if first else None,
            "tags": [{"kind": k, "value": v, "role": r, "score": s} for (k, v, r), s in
                     sorted(best.items(), key=lambda kv: (rank.get(kv[0][0], 9), -kv[1],
                                                          kv[0][1]))],
            "copies": [{"article_id": a.id, "source_id": a.source_id, "url": a.url,
                        "title": a.title, "published_at": _iso(a.published_at),
                        "fetched_at": _iso(a.fetched_at),
                        "content_source": (a.meta or {}).get("content_source"),
                        "column": (a.meta or {}).get("column")} for a in copies],
            "meetings": [meeting_json(m) for m in meetings],
            "document": {k: document.get(k) for k in DOCUMENT_FIELDS} if document else None,
        }
