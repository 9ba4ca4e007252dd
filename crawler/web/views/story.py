"""A story: its text, tags with scores, every copy with outlet and time, meetings, policy
document metadata and links to the originals; as a page, its copies as CSV, and JSON."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from provwatch.crawler.services import story as service
from provwatch.crawler.web.context import config_of
from provwatch.crawler.web.errors import NotFound
from provwatch.crawler.web.render import page
from provwatch.crawler.web.tables import Table, csv_response

router = APIRouter()
COPY_COLUMNS = ("article_id", "source_id", "content_source", "published_at", "fetched_at",
                "title", "url")


def _story(request: Request, story_id: int) -> dict[str, Any]:
    story = service.story_detail(config_of(request), story_id)
    if story is None:
        raise NotFound(f"no story with id {story_id}")
    return story


@router.get("/api/story/{story_id}", tags=["stories"])
def story_json(request: Request, story_id: int) -> dict[str, Any]:
    """One story: text, tags with scores, copies, meetings, document metadata."""
    return _story(request, story_id)


@router.get("/story/{story_id}.csv", tags=["stories"], response_class=Response)
def story_csv(request: Request, story_id: int) -> Response:
    """The story's copies as CSV: outlet, times, title and URL of each."""
    story = _story(request, story_id)
    rows = [[c[k] for k in COPY_COLUMNS] for c in story["copies"]]
    return csv_response(Table(f"story_{story_id}", COPY_COLUMNS, rows))


@router.get("/story/{story_id}", include_in_schema=False, response_class=HTMLResponse)
def story_page(request: Request, story_id: int) -> Response:
    return page(request, "story.html", story=_story(request, story_id))
