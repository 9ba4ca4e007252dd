"""Search: full-text over titles and bodies, in Chinese or any script, with the archive's
filters; the hits as a page, CSV and JSON; and "save as watchlist" (a CSRF-protected form)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.services import search as service
from provwatch.crawler.services.attention import SCOPES
from provwatch.crawler.web import params
from provwatch.crawler.web.context import config_of
from provwatch.crawler.web.errors import WebInputError
from provwatch.crawler.web.render import page
from provwatch.crawler.web.tables import Table, csv_response

router = APIRouter()
MAX_QUERY = 200  # characters


def _search(q: str | None, province: list[str] | None, scope: str | None,
            sector: list[str] | None, event: list[str] | None, source: list[str] | None,
            since: str | None, until: str | None) -> service.Search:
    text = " ".join((q or "").split())
    if len(text) > MAX_QUERY:
        raise WebInputError("q", f"{len(text)} characters is too long a query "
                                        f"(at most {MAX_QUERY})")
    first, last = params.day("since", since), params.day("until", until)
    if first and last and first > last:
        raise WebInputError("since", f"{first} is after until {last}")
    return service.Search(
        text, params.labels("province", "province", province),
        params.choice("scope", scope, SCOPES, "about"),
        params.labels("sector", "sector", sector), params.labels("event", "event", event),
        tuple(dict.fromkeys(s.strip() for s in source or () if s.strip())), first, last)


def query(
    q: Annotated[str | None, Query(description="Words to find in titles and bodies, "
                                   "separated by spaces; each must occur (Chinese as "
                                   "written, Latin letters in any case).")] = None,
    province: Annotated[list[str] | None, Query(description="Province id or name "
                                                "(repeatable: any of them).")] = None,
    scope: Annotated[str | None, Query(description="about (default) or mentioned.")] = None,
    sector: Annotated[list[str] | None, Query(description="Sector id or name "
                                              "(repeatable).")] = None,
    event: Annotated[list[str] | None, Query(description="Event kind (repeatable).")] = None,
    source: Annotated[list[str] | None, Query(description="Source id (repeatable).")] = None,
    since: Annotated[str | None, Query(description="First China day, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, Query(description="Last China day, inclusive.")] = None,
) -> service.Search:
    return _search(q, province, scope, sector, event, source, since, until)


Asked = Annotated[service.Search, Depends(query)]
Limit = Annotated[str | None, Query(description="At most this many stories (1-500, "
                                    "default 50).")]


def _results(request: Request, s: service.Search, limit: str | None) -> dict[str, Any]:
    return service.search(config_of(request), s, params.whole("limit", limit, 50, 1, 500))


@router.get("/api/search", tags=["search"])
def search_json(request: Request, s: Asked, limit: Limit = None) -> dict[str, Any]:
    """Stories whose title or body holds every term, with the filters; newest first."""
    return _results(request, s, limit)


COLUMNS = ("story_id", "article_id", "published_at", "source_id", "provinces", "sectors",
           "event", "title", "url")


@router.get("/search.csv", tags=["search"], response_class=Response)
def search_csv(request: Request, s: Asked, limit: Limit = None) -> Response:
    """The search's hits as CSV."""
    hits = _results(request, s, limit)["hits"]
    return csv_response(Table("search", COLUMNS, [[h[c] for c in COLUMNS] for h in hits]))


def _page(request: Request, s: service.Search, limit: str | None, status: int = 200,
          error: str | None = None, name: str = "") -> Response:
    results = _results(request, s, limit) if (s.terms or s.provinces or s.sectors
                                              or s.events or s.sources) else None
    return page(request, "search.html", status_code=status, s=s, results=results,
                error=error, saved=request.query_params.get("saved"), name=name)


@router.get("/search", include_in_schema=False, response_class=HTMLResponse)
def search_page(request: Request, s: Asked, limit: Limit = None) -> Response:
    return _page(request, s, limit)


def _query_string(s: service.Search) -> list[tuple[str, str]]:
    items = [("q", s.text)] if s.text else []
    items += [("province", p) for p in s.provinces] + [("scope", s.scope)]
    items += [("sector", v) for v in s.sectors] + [("event", v) for v in s.events]
    items += [("source", v) for v in s.sources]
    items += [(k, v.isoformat()) for k, v in (("since", s.since), ("until", s.until)) if v]
    return items


@router.post("/search/watchlist", include_in_schema=False)
def save_watchlist(request: Request, name: Annotated[str, Form()] = "",
                   channel: Annotated[str, Form()] = "", q: Annotated[str, Form()] = "",
                   province: Annotated[list[str] | None, Form()] = None,
                   scope: Annotated[str, Form()] = "about",
                   sector: Annotated[list[str] | None, Form()] = None,
                   event: Annotated[list[str] | None, Form()] = None,
                   source: Annotated[list[str] | None, Form()] = None,
                   since: Annotated[str, Form()] = "", until: Annotated[str, Form()] = ""
                   ) -> Response:
    s = _search(q, province, scope, sector, event, source, since, until)
    try:
        saved = service.save_as_watchlist(config_of(request), name, channel, s)
    except ProvwatchError as e:
        # the channel is not put back in the form: its URL may hold a token
        return _page(request, s, None, status=400, error=" ".join(str(e).split()), name=name)
    query = urlencode([*_query_string(s), ("saved", saved["name"])])
    return RedirectResponse(f"/search?{query}", status_code=303)
