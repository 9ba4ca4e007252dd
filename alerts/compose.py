"""An alert built from stored rows: the article, its story, its watchlist and the
catalog's source names make one ``AlertMessage`` (``build_message``), never the rows.

What it carries for readers (names, the match, the snippet) is worded by
``alerts.wording``; which criteria held comes from ``alerts.matcher.reasons``. The story's
meetings come along (``MeetingNote``), those that met the watchlist's meeting criteria
first, so the alert's meeting line names the meeting it was sent for.
"""

from __future__ import annotations

import logging

from provwatch.alerts.errors import RowsGone
from provwatch.alerts.matcher import reasons, view_of
from provwatch.alerts.meeting_match import MeetingView, matching_meetings, meeting_view
from provwatch.alerts.message import AlertMessage, MeetingNote
from provwatch.alerts.watchlist import from_row
from provwatch.alerts.wording import cut_snippet
from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.errors import CatalogError
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.models import Delivery, Watchlist

log = logging.getLogger(__name__)
SNIPPET = 300  # characters at most, in whole sentences


def source_names(catalog: str | None) -> dict[str, tuple[str, str]]:
    """Catalog source id -> (English, Chinese) name; empty if the catalog cannot be read
    (the alert then shows ids: a message is never held up by the catalog)."""
    try:
        sources = load_catalog(catalog)
    except CatalogError as e:
        log.warning("alerts show source ids: %s", e)
        return {}
    return {s.id: (s.name_en or s.name, s.name) for s in sources}


def build_message(delivery: Delivery, rows: repository.MessageRows,
                  watchlists: dict[int, Watchlist],
                  names: dict[str, tuple[str, str]] | None = None) -> AlertMessage:
    """One alert from the rows read for its message (repository.message_rows); ``names``
    (``source_names``) gives the outlets' names."""
    article = rows.articles.get(delivery.article_id)
    if article is None:
        raise RowsGone(f"article {delivery.article_id} of delivery {delivery.id} is gone")
    story = rows.stories.get(delivery.story_id)
    watchlist = watchlists.get(delivery.watchlist_id)
    spec = from_row(watchlist) if watchlist is not None else None
    language = spec.language if spec else "en"
    copies = story.copy_count if story else 1

    def name(source_id: str) -> str | None:
        found = (names or {}).get(source_id)
        return None if found is None else found[1 if language == "zh" else 0]

    views = tuple(meeting_view(m) for m in getattr(rows, "meetings", {}).get(
        delivery.story_id, ()))
    if spec is not None and spec.wants_meeting:
        met = matching_meetings(spec, views)
        views = met + tuple(v for v in views if v not in met)
    tags = article.tags
    outlets = tuple(rows.outlets.get(delivery.story_id, ()))
    return AlertMessage(
        delivery_id=delivery.id, watchlist=watchlist.name if watchlist else "?",
        story_id=delivery.story_id, article_id=article.id, title=article.title,
        url=article.url, source_id=article.source_id, published_at=article.published_at,
        snippet=cut_snippet(article.text or "", SNIPPET),
        provinces_about=tuple(t.value for t in tags if t.kind == "province" and t.role == "about"),
        provinces_mentioned=tuple(t.value for t in tags if t.kind == "province"),
        sectors=tuple(t.value for t in tags if t.kind == "sector"),
        event=next((t.value for t in tags if t.kind == "event"), None),
        copies=copies, outlets=outlets,
        source_name=name(article.source_id),
        outlet=(article.meta or {}).get("content_source") or None,
        outlet_names=tuple(name(o) or o for o in outlets),
        matched=reasons(spec, view_of(article, copies, views)) if spec else (),
        language=language, meetings=tuple(_note(v) for v in views),
    )


def _note(m: MeetingView) -> MeetingNote:
    return MeetingNote(m.summary_en, m.summary_zh,
                       tuple(f"{h.title}{h.name}" for h in m.hosts),
                       tuple(g.org_en or g.org or g.name for g in m.guests), m.topics)
