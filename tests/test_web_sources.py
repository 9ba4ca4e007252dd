"""The Sources view in a real browser over the demo's archive: what `provwatch status`
shows (health per source, the outbox, why it is unhealthy), the last runs and failures,
narrowed by the URL, with its CSV and JSON twins; a bad state is one line."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import urllib.error
import urllib.request

from _web import _env


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8-sig")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_the_sources_view_shows_what_status_shows(served_demo, demo_archive, page):
    status = json.loads(subprocess.run(
        [sys.executable, "-m", "provwatch.crawler.cli", "status", "--json"],
        capture_output=True, text=True, timeout=120, check=True,
        env=_env(PROVWATCH_DATABASE_URL=demo_archive.url)).stdout)
    crawled = {s["id"]: s for s in status["sources"] if s["health"] != "new"}

    page.goto(served_demo.url + "/sources")
    rows = page.locator("table.sources tbody tr")
    health = dict(zip(page.locator("table.sources tbody tr td:first-child a").all_inner_texts(),
                      page.locator("table.sources td.health").all_inner_texts(), strict=True))
    reasons = page.locator("ul.reasons li").all_inner_texts()
    runs = page.locator("table.runs tbody tr td:first-child").all_inner_texts()
    outbox = page.locator("p.outbox").inner_text()

    assert rows.count() == len(status["sources"])
    assert {k: health[k] for k in crawled} == {k: s["health"] for k, s in crawled.items()}
    assert reasons and reasons[0].startswith("no daemon is running")
    assert set(runs) == set(crawled)
    assert f"{status['outbox']['failed']} failed" in outbox


def test_a_state_in_the_url_narrows_the_sources_and_the_csv(served_demo, page):
    page.goto(served_demo.url + "/sources")
    page.select_option("select[name=state]", "ok")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**state=ok**")
    shown = page.locator("table.sources td.health").all_inner_texts()
    with page.expect_download() as download:
        page.locator(".twins a.csv[href^='/sources.csv']").click()
    rows = list(csv.DictReader(io.StringIO(
        download.value.path().read_text(encoding="utf-8-sig"))))

    assert shown and set(shown) == {"ok"}
    assert [r["id"] for r in rows] == page.locator(
        "table.sources tbody tr td:first-child a").all_inner_texts()
    assert {r["health"] for r in rows} == {"ok"}


def test_the_runs_json_lists_the_demo_crawls_newest_first(served_demo):
    status, body = _get(served_demo.url + "/api/sources/runs?limit=10")
    runs = json.loads(body)["runs"]

    assert status == 200 and runs
    assert [r["started_at"] for r in runs] == sorted((r["started_at"] for r in runs),
                                                    reverse=True)
    assert all(r["outcome"] == "ok" for r in runs)
    _, failed = _get(served_demo.url + "/api/sources/runs?runs=failed")
    assert json.loads(failed)["runs"] == []


def test_a_bad_state_is_one_line_naming_it(served_demo):
    api = _get(served_demo.url + "/api/sources?state=okay")
    text = _get(served_demo.url + "/sources.csv?state=faling")
    runs = _get(served_demo.url + "/api/sources/runs?limit=0")

    assert api[0] == 400 and json.loads(api[1]) == {
        "error": "state: 'okay' is not a health state (did you mean ok?); use one of new, ok, "
                 "failing, unreachable, http_error, blocked, redesigned, stale, error, bad"}
    assert text[0] == 400 and text[1].startswith("state: 'faling' is not a health state "
                                                 "(did you mean failing?)")
    assert runs[0] == 400 and json.loads(runs[1]) == {
        "error": "limit: 0 is not between 1 and 1000"}
