"""Sources: what `provwatch status` shows (the daemon, each source's health and last run,
the outbox, why the deployment is unhealthy), narrowed by health state like `status
--state`, and the recent crawl runs and failures, of every source or one."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from provwatch.crawler.services import sources_view
from provwatch.crawler.web import params
from provwatch.crawler.web.context import config_of
from provwatch.crawler.web.render import page
from provwatch.crawler.web.tables import Table, csv_response, rows_of

router = APIRouter()
SOURCE_COLUMNS = ("id", "health", "health_since", "enabled", "in_catalog", "last_run",
                  "last_success", "new_items_last_run", "failures", "next_due",
                  "last_outcome", "last_error")
RUN_COLUMNS = ("id", "source_id", "outcome", "started_at", "finished_at", "seconds", "pages",
               "new_articles", "duplicates", "errors", "dropped", "error_message")


def _overview(request: Request) -> dict[str, Any]:
    return sources_view.overview(config_of(request), request.query_params.get("state"))


def _runs(request: Request) -> list[dict[str, Any]]:
    q = request.query_params
    failed = params.choice("runs", q.get("runs"), ("all", "failed"), "all") == "failed"
    return sources_view.crawl_runs(config_of(request), (q.get("source") or "").strip() or None,
                                   failed, params.whole("limit", q.get("limit"), 50, 1, 1000))


@router.get("/sources", response_class=HTMLResponse, include_in_schema=False)
def sources_page(request: Request) -> HTMLResponse:
    return page(request, "sources.html", title="Sources", status=_overview(request),
                runs=_runs(request), states=(*sources_view.HEALTH_STATES, sources_view.BAD))


@router.get("/sources.csv", include_in_schema=False)
def sources_csv(request: Request) -> Response:
    rows = _overview(request)["sources"]
    return csv_response(Table("sources", SOURCE_COLUMNS, rows_of(rows, SOURCE_COLUMNS)))


@router.get("/api/sources", summary="The daemon, each source's health, the outbox: "
            "`provwatch status --json --check`")
def sources_api(request: Request, state: str | None = None) -> dict[str, Any]:
    """Health per source (``state`` narrows them: a health state, or ``bad``), the daemon,
    the outbox, a count per state, and the reasons the deployment is unhealthy."""
    return _overview(request)


@router.get("/sources/runs.csv", include_in_schema=False)
def runs_csv(request: Request) -> Response:
    rows = [{**r, "dropped": [f"{k}={v}" for k, v in r["dropped"].items()]}
            for r in _runs(request)]
    return csv_response(Table("crawl_runs", RUN_COLUMNS, rows_of(rows, RUN_COLUMNS)))


@router.get("/api/sources/runs", summary="Recent crawl runs, newest first")
def runs_api(request: Request, source: str | None = None, runs: str = "all",
             limit: int = 50) -> dict[str, Any]:
    """Crawl runs of every source or ``source``: outcome, pages, new articles, drops by
    reason, the error; ``runs=failed`` for failures only."""
    return {"runs": _runs(request)}
