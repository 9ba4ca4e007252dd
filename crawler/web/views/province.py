"""Provinces: the index (stories per province in a window) and one province's page — its
stories over time by sector and event, its leaders and their meetings, its policy
documents — each as a page, CSV (one per part) and JSON under /api."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from provwatch.crawler.services import attention as attention_service
from provwatch.crawler.services import province as service
from provwatch.crawler.taxonomy import did_you_mean, labels, resolve
from provwatch.crawler.web import params
from provwatch.crawler.web.context import config_of
from provwatch.crawler.web.errors import NotFound
from provwatch.crawler.web.render import page
from provwatch.crawler.web.tables import Table, csv_response
from provwatch.crawler.web.views.attention import Chosen, Filters

router = APIRouter()
PARTS = ("timeline", "leaders", "meetings", "documents")


def _index(request: Request, f: Filters) -> dict[str, Any]:
    data = attention_service.attention(config_of(request), f.window, f.scope, f.event)
    counted = {p["id"]: p for p in data["provinces"]}
    rows = [counted.get(pid) or {"id": pid, "name": en, "name_zh": zh, "stories": 0,
                                 "share": 0.0, "previous": 0, "change": 0}
            for pid, (en, zh) in labels("province").items()]
    rows.sort(key=lambda p: (-p["stories"], p["id"]))
    return {"window": data["window"], "scope": f.scope, "event": f.event, "provinces": rows}


INDEX_COLUMNS = ("province", "name", "name_zh", "stories", "share", "previous", "change")


@router.get("/api/provinces", tags=["provinces"])
def provinces_json(request: Request, f: Chosen) -> dict[str, Any]:
    """Every province with its stories in the window, its share, and the change from the
    previous window."""
    return _index(request, f)


@router.get("/provinces.csv", tags=["provinces"], response_class=Response)
def provinces_csv(request: Request, f: Chosen) -> Response:
    data = _index(request, f)
    rows = [[p["id"], p["name"], p["name_zh"], p["stories"], round(p["share"], 4),
             p["previous"], p["change"]] for p in data["provinces"]]
    return csv_response(Table("provinces", INDEX_COLUMNS, rows))


@router.get("/provinces", include_in_schema=False, response_class=HTMLResponse)
def provinces_page(request: Request, f: Chosen) -> Response:
    data = _index(request, f)
    return page(request, "provinces.html", data=data, window=data["window"], scope=f.scope,
                event=f.event)


def _province(value: str) -> str:
    found = resolve("province", value)
    if found is None:
        raise NotFound(f"no province {value!r}{did_you_mean('province', value)}")
    return found


def _data(request: Request, province: str, f: Filters) -> dict[str, Any]:
    return service.province_page(config_of(request), _province(province), f.window, f.scope,
                                 f.event)


@router.get("/api/province/{province}", tags=["provinces"])
def province_json(request: Request, province: str, f: Chosen) -> dict[str, Any]:
    """One province: stories over time by sector and event, leaders and their meetings,
    policy documents (文号, issuing body, dates)."""
    return _data(request, province, f)


def part_table(data: dict[str, Any], part: str) -> Table:
    pid = data["province"]["id"]
    if part == "timeline":
        t = data["timeline"]
        columns = ["bucket", "all", *(f"sector:{s['id']}" for s in t["sectors"]),
                   *(f"event:{e['id']}" for e in t["events"])]
        rows = [[b, t["total"][i], *(s["counts"][i] for s in t["sectors"]),
                 *(e["counts"][i] for e in t["events"])] for i, b in enumerate(t["buckets"])]
    elif part == "leaders":
        columns = ["title_zh", "post", "level", "city", "name_zh", "pinyin", "start", "end",
                   "meetings"]
        rows = [[r[c] for c in columns] for r in data["leaders"]]
    elif part == "meetings":
        columns = ["day", "hosts", "guests", "topics", "place", "summary_en", "summary_zh",
                   "story_id"]
        rows = [[m["day"], [h["title"] + h["name"] for h in m["hosts"]],
                 [g["org"] + g["title"] + g["name"] for g in m["guests"]], m["topics"],
                 m["place"], m["summary_en"], m["summary_zh"], m["story_id"]]
                for m in data["meetings"]]
    else:
        columns = ["published_at", "number", "issuer", "written", "title", "url", "story_id"]
        rows = [[d[c] for c in columns] for d in data["documents"]]
    return Table(f"{pid}_{part}", columns, rows)


@router.get("/province/{province}.csv", tags=["provinces"], response_class=Response)
def province_csv(request: Request, province: str, f: Chosen,
                 part: Annotated[str | None, Query(description="timeline (default), "
                                                   "leaders, meetings or documents")] = None
                 ) -> Response:
    """One part of the province page as CSV."""
    chosen = params.choice("part", part, PARTS, "timeline")
    return csv_response(part_table(_data(request, province, f), chosen))


def _lines(t: dict[str, Any], kind: str) -> dict[str, Any]:
    return {"series": [{"name": f"{s['name_zh']} {s['name']}", "x": t["buckets"],
                        "y": s["counts"]} for s in t[kind]],
            "y_title": f"stories per {t['bucket']}"}


@router.get("/province/{province}", include_in_schema=False, response_class=HTMLResponse)
def province_page(request: Request, province: str, f: Chosen) -> Response:
    data = _data(request, province, f)
    t = data["timeline"]
    return page(request, "province.html", data=data, window=data["window"], scope=f.scope,
                event=f.event, by_sector=_lines(t, "sectors"), by_event=_lines(t, "events"))
