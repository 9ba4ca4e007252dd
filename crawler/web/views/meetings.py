"""Meetings: the table with every filter of `provwatch meetings` (English line beside the
Chinese), counts per host and per guest kind over time, who met whom (posts and
organisations), and an organisation's page; each with its CSV and its JSON under /api."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from provwatch.crawler.services import meeting_views
from provwatch.crawler.services.meetings import CSV_FIELDS, GUEST_KINDS, POSTS, Filters, csv_row
from provwatch.crawler.web import params
from provwatch.crawler.web.context import config_of
from provwatch.crawler.web.graph_svg import graph_svg
from provwatch.crawler.web.render import page
from provwatch.crawler.web.tables import Table, csv_response

router = APIRouter()
FILTERS = ("province", "host", "post", "guest_kind", "org", "sector", "since", "until")


def filters(request: Request) -> Filters:
    """The query's filters, each checked here so a bad one names its parameter."""
    q = request.query_params
    kind = (q.get("guest_kind") or "").strip().replace("-", "_") or None
    return Filters(
        province=params.label("province", "province", q.get("province")),
        host=(q.get("host") or "").strip() or None,
        post=params.choice("post", q.get("post"), POSTS, "") or None,
        guest_kind=params.choice("guest_kind", kind, GUEST_KINDS, "") or None,
        org=(q.get("org") or "").strip() or None,
        sector=params.label("sector", "sector", q.get("sector")),
        since=params.day("since", q.get("since")), until=params.day("until", q.get("until")))


def _limit(request: Request) -> int:
    return params.whole("limit", request.query_params.get("limit"), 100, 1, 5000)


def _period(request: Request) -> str:
    return params.choice("period", request.query_params.get("period"),
                         meeting_views.PERIODS, "month")


def _as_json(f: Filters) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in f.__dict__.items()}


def _counts(request: Request, f: Filters) -> dict[str, Any]:
    config, period = config_of(request), _period(request)
    return {"host": meeting_views.timeline(config, f, "host", period),
            "guest_kind": meeting_views.timeline(config, f, "guest-kind", period)}


@router.get("/meetings", response_class=HTMLResponse, include_in_schema=False)
def meetings_page(request: Request) -> HTMLResponse:
    f = filters(request)
    shown = meeting_views.newest(config_of(request), f, _limit(request))
    counts = _counts(request, f)
    charts = {by: {"series": [{"name": s["label"], "x": data["periods"], "y": s["counts"]}
                              for s in data["series"]], "y_title": "meetings"}
              for by, data in counts.items()}
    return page(request, "meetings.html", title="Meetings", meetings=shown,
                total=meeting_views.count(config_of(request), f), charts=charts, filters=f,
                guest_kinds=GUEST_KINDS, posts=POSTS, period=_period(request))


@router.get("/meetings.csv", include_in_schema=False)
def meetings_csv(request: Request) -> Response:
    shown = meeting_views.newest(config_of(request), filters(request), _limit(request))
    rows = [csv_row(m) for m in shown]
    return csv_response(Table("meetings", CSV_FIELDS, [[r[c] for c in CSV_FIELDS]
                                                       for r in rows]))


@router.get("/api/meetings", summary="Meetings, newest day first, with every filter of "
            "`provwatch meetings`")
def meetings_api(request: Request, province: str | None = None, host: str | None = None,
                 post: str | None = None, guest_kind: str | None = None,
                 org: str | None = None, sector: str | None = None,
                 since: str | None = None, until: str | None = None,
                 limit: int = 100) -> dict[str, Any]:
    """Each meeting once (two outlets' reports of one meeting are one), its hosts with
    their roster posts, guests with their organisations, topics, and its English and
    Chinese summary lines."""
    f = filters(request)
    return {"filters": _as_json(f),
            "meetings": meeting_views.newest(config_of(request), f, _limit(request))}


def counts_table(counts: dict[str, Any]) -> Table:
    rows = [[by, s["key"], s["label"], period, n]
            for by, data in counts.items() for s in data["series"]
            for period, n in zip(data["periods"], s["counts"], strict=True)]
    return Table("meeting_counts", ("by", "key", "label", "period", "meetings"), rows)


@router.get("/meetings/counts.csv", include_in_schema=False)
def counts_csv(request: Request) -> Response:
    return csv_response(counts_table(_counts(request, filters(request))))


@router.get("/api/meetings/counts", summary="Meetings per host and per guest kind over time")
def counts_api(request: Request, province: str | None = None, host: str | None = None,
               post: str | None = None, guest_kind: str | None = None,
               org: str | None = None, sector: str | None = None,
               since: str | None = None, until: str | None = None,
               period: str = "month") -> dict[str, Any]:
    """Per period (China month or ISO week), the matching meetings of each of the eight
    busiest hosts and of each guest kind; the rest summed as ``other``."""
    f = filters(request)
    return {"filters": _as_json(f), "meetings": meeting_views.count(config_of(request), f),
            **_counts(request, f)}


def _graph(request: Request) -> tuple[Filters, dict[str, Any]]:
    f = filters(request)
    top = params.whole("top", request.query_params.get("top"), 30, 1, 200)
    return f, meeting_views.who_met_whom(config_of(request), f, top)


@router.get("/meetings/graph", response_class=HTMLResponse, include_in_schema=False)
def graph_page(request: Request) -> HTMLResponse:
    f, graph = _graph(request)
    return page(request, "meetings_graph.html", title="Who met whom", graph=graph,
                svg=graph_svg(graph), filters=f, guest_kinds=GUEST_KINDS, posts=POSTS)


@router.get("/meetings/graph.csv", include_in_schema=False)
def graph_csv(request: Request) -> Response:
    _, graph = _graph(request)
    posts = {n["key"]: n["label"] for n in graph["posts"]}
    orgs = {n["key"]: n for n in graph["orgs"]}
    rows = [[e["post"], posts[e["post"]], e["org"], orgs[e["org"]]["label"],
             orgs[e["org"]]["label_en"], orgs[e["org"]]["kind"], e["meetings"]]
            for e in graph["edges"]]
    return csv_response(Table("who_met_whom", ("post", "post_label", "org", "org_name",
                                               "org_en", "org_kind", "meetings"), rows))


@router.get("/api/meetings/graph", summary="Who met whom: posts and organisations")
def graph_api(request: Request, province: str | None = None, host: str | None = None,
              post: str | None = None, guest_kind: str | None = None,
              org: str | None = None, sector: str | None = None,
              since: str | None = None, until: str | None = None,
              top: int = 30) -> dict[str, Any]:
    """Posts (hosts) and organisations (guests) as nodes with their meetings, an edge per
    pair that met; edges between the ``top`` busiest of each side."""
    f, graph = _graph(request)
    return {"filters": _as_json(f), **graph}


def _org(request: Request, key: str) -> meeting_views.OrgVisits:
    return meeting_views.organisation(config_of(request), key, _limit(request))


# before the page: its {key} would take "byd.csv" whole
@router.get("/meetings/org/{key}.csv", include_in_schema=False)
def org_csv(request: Request, key: str) -> Response:
    visits = _org(request, key)
    rows = [[p["province"] or "", p["name"], p["meetings"], p["first"], p["last"],
             [t["key"] for t in p["topics"]], p["hosts"]] for p in visits.provinces]
    return csv_response(Table(f"org_{key}", ("province", "province_name", "meetings",
                                             "first", "last", "topics", "hosts"), rows))


@router.get("/meetings/org/{key}", response_class=HTMLResponse, include_in_schema=False)
def org_page(request: Request, key: str) -> HTMLResponse:
    visits = _org(request, key)
    return page(request, "meetings_org.html", title=f"{key}: meetings", visits=visits)


@router.get("/api/meetings/org/{key}", summary="An organisation's visits to the provinces")
def org_api(request: Request, key: str, limit: int = 100) -> dict[str, Any]:
    """Which provinces received the organisation (knowledge-base id, ticker or name): how
    many meetings, the first and last day, the topics and hosts; and its newest meetings."""
    v = _org(request, key)
    return {"key": v.key, "ids": list(v.ids), "names": list(v.names),
            "provinces": v.provinces, "meetings": v.meetings}
