"""The Meetings view in a real browser over the demo's archive: the table with the English
line beside the Chinese, its filters in the URL, the charts over time, who met whom, an
organisation's page, the CSV and JSON twins, and bad filters as one line."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.request

import pytest
from _web import save_screenshot


def _get(url: str) -> tuple[int, str, str]:
    """(status, content type, body) of a GET on the loopback app."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read().decode()


def _texts(locator) -> list[str]:
    """The text of each element (SVG text has no inner text)."""
    return locator.evaluate_all("els => els.map(e => e.textContent)")


def test_the_meetings_view_shows_each_meeting_in_english_beside_chinese(served_demo, page):
    page.goto(served_demo.url + "/meetings")
    rows = page.locator("table.meetings tbody tr")
    rows.first.wait_for()
    page.locator("#meetings-by-host[data-ready='1']").wait_for()
    page.locator("#meetings-by-kind[data-ready='1']").wait_for()
    save_screenshot(page, "meetings")

    assert rows.count() == 2
    byd = rows.filter(has_text="BYD")
    assert "Henan Party Secretary Han Lizhou" in byd.locator("td.en").inner_text()
    assert "省委书记韩立舟" in byd.locator("td.zh").inner_text()
    assert sorted(_texts(page.locator("#meetings-by-kind .legendtext"))) == [
        "private_company", "university"]


def test_a_filter_goes_into_the_url_and_narrows_the_table(served_demo, page):
    page.goto(served_demo.url + "/meetings")
    page.select_option("select[name=guest_kind]", "university")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**guest_kind=university**")
    rows = page.locator("table.meetings tbody tr")

    assert rows.count() == 1
    assert "Wuhan University" in rows.first.inner_text()


def test_who_met_whom_links_an_organisation_to_the_provinces_that_received_it(served_demo,
                                                                              page):
    page.goto(served_demo.url + "/meetings/graph")
    graph = page.locator("svg.graph")
    posts = _texts(graph.locator("g.post text"))
    orgs = _texts(graph.locator("g.org text"))

    assert sorted(posts) == ["Henan 省委书记", "Henan 省长", "Hubei 省委书记", "Hubei 省长"]
    assert "比亚迪股份有限公司 (BYD)" in orgs and graph.locator("path.edge").count() == 6

    graph.locator("a", has_text="比亚迪").click()
    page.wait_for_url("**/meetings/org/byd")
    province = page.locator("table.provinces tbody tr")
    assert province.count() == 1
    cells = province.first.locator("td").all_inner_texts()
    assert cells[0] == "Henan 河南省" and cells[1:4] == ["1", "2026-11-17", "2026-11-17"]
    assert "New energy vehicles" in cells[4]


def test_the_csv_download_holds_the_rows_the_table_shows(served_demo, page):
    page.goto(served_demo.url + "/meetings?province=hubei")
    with page.expect_download() as download:
        page.locator(".twins a.csv[href^='/meetings.csv']").click()
    path = download.value.path()
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))

    assert download.value.suggested_filename == "meetings.csv"
    assert [r["province"] for r in rows] == ["hubei"]
    assert "华为技术有限公司" in rows[0]["guests"] and rows[0]["summary_en"].startswith("Hubei")


def test_the_json_twins_hold_the_same_meetings_and_are_in_the_openapi(served_demo):
    status, kind, body = _get(served_demo.url + "/api/meetings?org=002594.SZ")
    _, _, counts = _get(served_demo.url + "/api/meetings/counts?period=week")
    _, _, graph = _get(served_demo.url + "/api/meetings/graph")
    _, _, spec = _get(served_demo.url + "/api/openapi.json")

    assert status == 200 and kind.startswith("application/json")
    assert [m["province"] for m in json.loads(body)["meetings"]] == ["henan"]
    kinds = {s["key"]: s["counts"] for s in json.loads(counts)["guest_kind"]["series"]}
    assert kinds == {"private_company": [2], "university": [1]}
    assert len(json.loads(graph)["edges"]) == 6
    paths = json.loads(spec)["paths"]
    for path in ("/api/meetings", "/api/meetings/counts", "/api/meetings/graph",
                 "/api/meetings/org/{key}"):
        assert path in paths
    assert {p["name"] for p in paths["/api/meetings"]["get"]["parameters"]} >= {
        "province", "host", "post", "guest_kind", "org", "sector", "since", "until"}


@pytest.mark.parametrize(("path", "line"), [
    ("/meetings?province=atlantis", "province: no province &#39;atlantis&#39;"),
    ("/api/meetings?since=2026-13-01", "since: '2026-13-01' is not a day (use YYYY-MM-DD)"),
    ("/meetings.csv?post=emperor", "post: 'emperor' is not one of secretary, governor"),
    ("/api/meetings/counts?period=year", "period: 'year' is not one of month, week"),
    ("/meetings/graph?top=0", "top: 0 is not between 1 and 200"),
])
def test_a_bad_filter_is_one_line_naming_it(served_demo, path, line):
    status, kind, body = _get(served_demo.url + path)

    assert status == 400 and "Traceback" not in body
    if kind.startswith("application/json"):
        assert json.loads(body)["error"].startswith(line)
    elif kind.startswith("text/plain"):
        assert body.strip().splitlines() == [body.strip()] and body.startswith(line)
    else:
        assert line in body
