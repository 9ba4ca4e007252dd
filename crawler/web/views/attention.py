"""Attention: the province x sector heatmap of stories in a window, its period-over-period
change, and the stories behind a cell; each as a page, a CSV and JSON under /api."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from provwatch.crawler.services import attention as service
from provwatch.crawler.web import params
from provwatch.crawler.web.context import config_of
from provwatch.crawler.web.render import page, with_query
from provwatch.crawler.web.tables import Table, csv_response

router = APIRouter()
VIEWS = ("counts", "change")


@dataclass(frozen=True)
class Filters:
    window: service.Window
    scope: str
    event: str | None


def filters(
    request: Request,
    since: Annotated[str | None, Query(description="First China day, YYYY-MM-DD "
                                       "(default: 90 days before until).")] = None,
    until: Annotated[str | None, Query(description="Last China day, inclusive (default: the "
                                       "newest stored publication's day).")] = None,
    scope: Annotated[str | None, Query(description="about (default): stories about the "
                                       "province; mentioned: any mention counts.")] = None,
    event: Annotated[str | None, Query(description="Only stories of this event kind "
                                       "(id or name).")] = None,
) -> Filters:
    today = service.newest_day(config_of(request)) if not until else None
    p = params.period(since, until, today=today)
    return Filters(service.Window(p.since, p.until),
                   params.choice("scope", scope, service.SCOPES, "about"),
                   params.label("event", "event", event))


Chosen = Annotated[Filters, Depends(filters)]


def _data(request: Request, f: Filters) -> dict[str, Any]:
    return service.attention(config_of(request), f.window, f.scope, f.event)


COLUMNS = ("province", "province_zh", "sector", "sector_zh", "stories", "previous", "change",
           "share_of_province", "province_stories", "province_share")


def _table(data: dict[str, Any]) -> Table:
    provinces = {p["id"]: p for p in data["provinces"]}
    sectors = {s["id"]: s for s in data["sectors"]}
    w = data["window"]
    rows = [[c["province"], provinces[c["province"]]["name_zh"], c["sector"],
             sectors[c["sector"]]["name_zh"], c["stories"], c["previous"], c["change"],
             round(c["share_of_province"], 4), provinces[c["province"]]["stories"],
             round(provinces[c["province"]]["share"], 4)] for c in data["cells"]]
    return Table(f"attention_{w['since']}_{w['until']}", COLUMNS, rows)


@router.get("/api/attention", tags=["attention"])
def attention_json(request: Request, f: Chosen) -> dict[str, Any]:
    """Stories per province and sector in the window and the one before it, each
    province's stories and share of all stories about a province."""
    return _data(request, f)


@router.get("/attention.csv", tags=["attention"], response_class=Response)
def attention_csv(request: Request, f: Chosen) -> Response:
    """The heatmap's cells as CSV: one row per province and sector with a story."""
    return csv_response(_table(_data(request, f)))


def _heatmap(request: Request, data: dict[str, Any], view: str) -> dict[str, Any]:
    """What static/app.js draws: names, a matrix of counts (or changes), hover lines,
    and each cell's link to its stories."""
    provinces, sectors = data["provinces"], data["sectors"]
    cells = {(c["province"], c["sector"]): c for c in data["cells"]}
    z, hover, links = [], [], []
    for p in provinces:
        z_row, hover_row, link_row = [], [], []
        for s in sectors:
            c = cells.get((p["id"], s["id"]))
            n, m = (c["stories"], c["previous"]) if c else (0, 0)
            z_row.append(n - m if view == "change" else n)
            hover_row.append(f"{n} stories ({(c or {}).get('share_of_province', 0):.0%} of "
                             f"{p['name']}'s {p['stories']}); previous period {m} "
                             f"({n - m:+d})")
            link_row.append(with_query(request, "/attention/stories", province=p["id"],
                                       sector=s["id"], view=None) if n else "")
        z.append(z_row)
        hover.append(hover_row)
        links.append(link_row)
    return {"x_names": [f"{s['name_zh']} {s['name']}" for s in sectors],
            "y_names": [f"{p['name_zh']} {p['name']}" for p in provinces],
            "z": z, "hover": hover, "links": links, "diverging": view == "change",
            "scale_title": "change" if view == "change" else "stories"}


@router.get("/attention", include_in_schema=False, response_class=HTMLResponse)
def attention_page(request: Request, f: Chosen,
                   view: Annotated[str | None, Query()] = None) -> Response:
    shown = params.choice("view", view, VIEWS, "counts")
    data = _data(request, f)
    return page(request, "attention.html", data=data, view=shown, scope=f.scope,
                event=f.event, heatmap=_heatmap(request, data, shown),
                rises=sorted((c for c in data["cells"] if c["change"]),
                             key=lambda c: (-c["change"], c["province"], c["sector"]))[:20])


@dataclass(frozen=True)
class Cell:
    filters: Filters
    province: str | None
    sector: str | None


def cell(
    f: Chosen,
    province: Annotated[str | None, Query(description="Province id or name.")] = None,
    sector: Annotated[str | None, Query(description="Sector id or name.")] = None,
) -> Cell:
    return Cell(f, params.label("province", "province", province),
                params.label("sector", "sector", sector))


Picked = Annotated[Cell, Depends(cell)]
STORY_COLUMNS = ("story_id", "published_at", "copies", "outlets", "title")


def _stories(request: Request, c: Cell) -> list[dict[str, Any]]:
    f = c.filters
    return service.cell_stories(config_of(request), f.window, c.province, c.sector, f.scope,
                                f.event)


@router.get("/api/attention/stories", tags=["attention"])
def stories_json(request: Request, c: Picked) -> list[dict[str, Any]]:
    """The stories behind a heatmap cell (a province, a sector, or both), newest first."""
    return _stories(request, c)


@router.get("/attention/stories.csv", tags=["attention"], response_class=Response)
def stories_csv(request: Request, c: Picked) -> Response:
    """The stories behind a cell as CSV."""
    rows = [[r["story_id"], r["published_at"], r["copies"], r["outlets"], r["title"]]
            for r in _stories(request, c)]
    name = "_".join(x for x in ("stories", c.province, c.sector) if x)
    return csv_response(Table(name, STORY_COLUMNS, rows))


@router.get("/attention/stories", include_in_schema=False, response_class=HTMLResponse)
def stories_page(request: Request, c: Picked) -> Response:
    return page(request, "attention_stories.html", rows=_stories(request, c), cell=c,
                window=c.filters.window.json())
