"""The attention view in a real browser over the demo's archive: the heatmap shows the
demo's provinces, a click on a cell lists its stories, the CSV downloads and parses, and
the JSON twin holds the same counts. Writes docs/attention.png for the README."""

from __future__ import annotations

import csv
import io
import json
import urllib.request
from pathlib import Path

from _web import save_screenshot

# the demo's window: its articles are published 2026-11-10 .. 2026-11-21 (China days)
WINDOW = "since=2026-11-01&until=2026-11-30"


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


def _cell_point(page, province: str, sector: str) -> dict:
    """Where on the screen the heatmap draws the cell of ``province`` x ``sector``."""
    return page.evaluate("""([province, sector]) => {
        const gd = document.getElementById("heatmap");
        const data = JSON.parse(document.getElementById("heatmap-data").textContent);
        const row = data.y_names.findIndex(n => n.includes(province));
        const col = data.x_names.findIndex(n => n.includes(sector));
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        const box = gd.getBoundingClientRect();
        return {x: box.left + xa._offset + xa.l2p(col), y: box.top + ya._offset + ya.l2p(row),
                row: row, col: col};
    }""", [province, sector])


def test_the_heatmap_shows_the_demo_provinces_and_a_cell_click_lists_its_stories(
        served_demo, page):
    page.goto(f"{served_demo.url}/attention?{WINDOW}")
    page.wait_for_selector("#heatmap[data-ready='1']")
    ticks = page.locator("#heatmap .ytick text").all_text_contents()
    page.set_viewport_size({"width": 1360, "height": 1020})
    save_screenshot(page, "attention")

    for province in ("河南省 Henan", "湖北省 Hubei", "海南省 Hainan", "广西壮族自治区 Guangxi"):
        assert province in ticks
    point = _cell_point(page, "Henan", "New energy vehicles")
    assert point["row"] >= 0 and point["col"] >= 0
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url("**/attention/stories?*")
    titles = page.locator("table.stories tbody td:nth-child(2)").all_inner_texts()
    heading = page.locator("h1").inner_text()

    assert "Henan" in heading and "New energy vehicles" in heading
    assert "新能源汽车动力电池项目落户许昌 总投资120亿元" in titles
    assert "province=henan" in page.url and "sector=nev" in page.url


def test_the_csv_downloads_parses_and_matches_the_json(served_demo, page):
    page.goto(f"{served_demo.url}/attention?{WINDOW}")
    with page.expect_download() as download:
        page.click("a.csv")
    path = download.value.path()
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))
    data = _get_json(f"{served_demo.url}/api/attention?{WINDOW}")

    assert download.value.suggested_filename == "attention_2026-11-01_2026-11-30.csv"
    assert rows and set(rows[0]) >= {"province", "sector", "stories", "province_share"}
    by_cell = {(r["province"], r["sector"]): int(r["stories"]) for r in rows}
    assert by_cell == {(c["province"], c["sector"]): c["stories"] for c in data["cells"]}
    assert by_cell[("henan", "nev")] >= 1
    shares = {p["id"]: p["share"] for p in data["provinces"]}
    assert abs(sum(shares.values()) - 1) < 1e-9 or sum(shares.values()) > 1  # a story may be about two


def test_the_change_view_compares_with_the_previous_period(served_demo, page):
    page.goto(f"{served_demo.url}/attention?{WINDOW}&view=change")
    page.wait_for_selector("#heatmap[data-ready='1']")
    data = _get_json(f"{served_demo.url}/api/attention?since=2026-11-16&until=2026-11-21")
    rises = page.locator("table.changes tbody tr").count()

    assert data["previous_window"] == {"since": "2026-11-10", "until": "2026-11-15"}
    assert rises > 0
    cells = data["cells"]
    assert all(c["change"] == c["stories"] - c["previous"] for c in cells)
    assert any(c["previous"] > 0 for c in cells) or data["previous_stories"] == 0


def test_a_bad_filter_is_one_line_on_the_page_and_in_the_api(served_demo, page):
    page.goto(f"{served_demo.url}/attention?since=2026-02-30")
    message = page.locator(".error").inner_text()
    page.console_errors.clear()  # the 400 itself is logged by the browser
    with urllib.request.urlopen(f"{served_demo.url}/healthz", timeout=30):
        pass
    try:
        urllib.request.urlopen(f"{served_demo.url}/api/attention?scope=everything", timeout=30)
    except urllib.error.HTTPError as e:
        status, body = e.code, json.loads(e.read().decode())

    assert message == "since: '2026-02-30' is not a day (use YYYY-MM-DD)"
    assert status == 400 and body == {"error": "scope: 'everything' is not one of about, mentioned"}
