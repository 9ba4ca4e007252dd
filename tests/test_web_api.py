"""The JSON API: every /api route is in the OpenAPI description with its parameters, and
every bad query value is a 400 with one line naming the parameter — never a traceback."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

BAD = {  # parameter -> a bad value and what the line must say
    "since": ("2026-13-45", "since: '2026-13-45' is not a day (use YYYY-MM-DD)"),
    "until": ("yesterday", "until: 'yesterday' is not a day (use YYYY-MM-DD)"),
    "scope": ("everywhere", "scope: 'everywhere' is not one of about, mentioned"),
    "event": ("picnic", "event: no event 'picnic'"),
    "province": ("atlantis", "province: no province 'atlantis'"),
    "sector": ("alchemy", "sector: no sector 'alchemy'"),
    "limit": ("lots", "limit: 'lots' is not a whole number"),
    "part": ("everything", "part: 'everything' is not one of timeline, leaders, meetings, "
                           "documents"),
}
ROUTES = {  # each /api route with the parameters it takes
    "/api/attention": ("since", "until", "scope", "event"),
    "/api/attention/stories": ("since", "until", "scope", "event", "province", "sector"),
    "/api/provinces": ("since", "until", "scope", "event"),
    "/api/province/henan": ("since", "until", "scope", "event"),
    "/api/search": ("since", "until", "scope", "event", "province", "sector", "limit"),
}
CSV_ROUTES = {"/province/henan.csv": ("part",), "/search.csv": ("limit",)}


def _get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers["content-type"], r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers["content-type"], e.read().decode("utf-8")


def test_the_openapi_description_lists_every_api_route_with_its_parameters(served_demo):
    status, _, body = _get(served_demo.url + "/api/openapi.json")
    spec = json.loads(body)
    paths = {p.replace("{province}", "henan"): v for p, v in spec["paths"].items()}

    assert status == 200
    for route, parameters in ROUTES.items():
        described = {p["name"] for p in paths[route]["get"]["parameters"]}
        assert set(parameters) <= described, route
    assert "/api/story/{story_id}" in spec["paths"]
    assert not [p for p in spec["paths"] if not p.startswith("/api/") and not
                p.endswith(".csv")], "pages stay out of the API description"


@pytest.mark.parametrize("route,parameter", [
    (route, p) for route, ps in {**ROUTES, **CSV_ROUTES}.items() for p in ps])
def test_a_bad_query_value_is_one_line_naming_the_parameter(served_demo, route, parameter):
    value, said = BAD[parameter]
    status, kind, body = _get(f"{served_demo.url}{route}?{parameter}={value}")

    assert status == 400
    line = json.loads(body)["error"] if route.startswith("/api/") else body.strip()
    assert line.startswith(said), line
    assert "\n" not in line and "Traceback" not in body
    assert kind.startswith("application/json" if route.startswith("/api/") else "text/plain")


def test_a_story_that_does_not_exist_is_a_404_line(served_demo):
    status, _, body = _get(served_demo.url + "/api/story/987654")
    page, _, html = _get(served_demo.url + "/story/987654")
    typed, _, typed_body = _get(served_demo.url + "/api/story/abc")

    assert (status, json.loads(body)) == (404, {"error": "no story with id 987654"})
    assert page == 404 and "no story with id 987654" in html
    assert typed == 400 and json.loads(typed_body)["error"].startswith("story_id:")


def test_a_period_whose_start_is_after_its_end_is_refused(served_demo):
    status, _, body = _get(served_demo.url + "/api/attention?since=2026-11-30&until=2026-11-01")

    assert (status, json.loads(body)) == (400, {"error": "since: 2026-11-30 is after until "
                                                         "2026-11-01"})
