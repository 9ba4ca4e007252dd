"""Every view of `provwatch serve` in a real browser over the demo's archive: each loads
with no console error, the province and story pages show what they promise, a Chinese
search finds a story, a search saved as a watchlist appears in `provwatch watch list`,
and a hostile title renders as text everywhere it is shown."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import urllib.request

import pytest
from _pages import page as article_page
from _web import _env, copy_archive, serve_archive
from conftest import make_config

from provwatch.crawler.storage.db import close_all

WINDOW = "since=2026-11-01&until=2026-11-30"
BATTERY = "新能源汽车动力电池项目落户许昌 总投资120亿元"
HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'

VIEWS = [
    f"/attention?{WINDOW}", f"/attention?{WINDOW}&view=change",
    f"/attention/stories?{WINDOW}&province=henan", f"/provinces?{WINDOW}",
    f"/province/henan?{WINDOW}", f"/province/hubei?{WINDOW}&scope=mentioned",
    "/search", f"/search?q=%E5%8A%A8%E5%8A%9B%E7%94%B5%E6%B1%A0&{WINDOW}", "/login",
]


def _json(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


def _story_id(url: str, words: str) -> int:
    hits = _json(f"{url}/api/search?q={urllib.parse.quote(words)}")["hits"]
    assert hits, words
    return hits[0]["story_id"]


@pytest.mark.parametrize("path", VIEWS)
def test_every_view_loads_without_a_console_error(served_demo, page, path):
    response = page.goto(served_demo.url + path)
    page.wait_for_load_state("networkidle")
    for chart in page.locator("[data-chart]").all():
        chart.wait_for(state="attached")
        page.wait_for_function("el => el.dataset.ready === '1'", arg=chart.element_handle())

    assert response.status == 200
    assert page.locator("h1").count() == 1
    assert page.locator("header nav a").count() == 7


def test_a_story_page_shows_text_tags_copies_and_originals(served_demo, page):
    story = _story_id(served_demo.url, "动力电池项目落户许昌")
    page.goto(f"{served_demo.url}/story/{story}")
    tags = page.locator(".tags .tag").all_inner_texts()
    copies = page.locator("table.copies tbody tr").count()
    originals = [a.get_attribute("href") for a in page.locator("a.original").all()]
    text = page.locator(".story-text").inner_text()
    data = _json(f"{served_demo.url}/api/story/{story}")

    assert page.locator("h1").inner_text() == BATTERY
    assert any(t.startswith("province (about): Henan") for t in tags)
    assert any(t.startswith("sector: New energy vehicles") for t in tags)
    assert all(" · " in t for t in tags)  # each with its score
    assert copies == len(data["copies"]) >= 1
    assert originals == [c["url"] for c in data["copies"]]
    assert "许昌" in text and data["text"].startswith(text[:20])


def test_a_syndicated_story_lists_every_copy_with_its_outlet(served_demo, page):
    stories = [h for h in _json(f"{served_demo.url}/api/attention/stories?{WINDOW}")]
    copied = [s for s in stories if s["copies"] > 1]
    assert copied, "the demo has a syndicated copy"
    page.goto(f"{served_demo.url}/story/{copied[0]['story_id']}")
    outlets = page.locator("table.copies tbody td:first-child").all_inner_texts()

    assert len(outlets) == copied[0]["copies"]
    assert len({o.split()[0] for o in outlets}) == len(outlets)


def test_a_province_page_shows_its_timeline_leaders_meetings_and_documents(served_demo, page):
    page.goto(f"{served_demo.url}/province/hubei?{WINDOW}")
    page.wait_for_selector("#by-sector[data-ready='1']")
    leaders = page.locator("table.leaders tbody tr").all_inner_texts()
    documents = page.locator("table.documents tbody tr").all_inner_texts()
    meetings = page.locator("table.meetings tbody tr").all_inner_texts()
    with page.expect_download() as download:
        page.click("text=Download CSV >> nth=0")

    assert page.locator("h1").inner_text() == "湖北省 Hubei"
    assert any("省委书记" in row for row in leaders) and any("省长" in row for row in leaders)
    assert any("湖北省人民政府" in row for row in documents)
    assert any("华为" in row for row in meetings)
    assert download.value.suggested_filename == "hubei_timeline.csv"


def test_a_search_in_chinese_finds_the_story_and_leads_to_it(served_demo, page):
    page.goto(f"{served_demo.url}/search")
    page.fill("input[name=q]", "动力电池")
    page.click("form[role=search] button")
    page.wait_for_selector("ol.hits li.hit")
    titles = page.locator("ol.hits a.title").all_inner_texts()
    marked = page.locator("ol.hits mark").all_inner_texts()
    page.click(f"ol.hits a.title >> text={BATTERY}")
    page.wait_for_url("**/story/*")

    assert BATTERY in titles
    assert marked and set(marked) == {"动力电池"}
    assert page.locator("h1").inner_text() == BATTERY


def test_a_search_saved_as_a_watchlist_appears_in_watch_list(demo_archive, tmp_path, page):
    archive = copy_archive(demo_archive, tmp_path / "archive")
    with serve_archive(str(archive.db)) as served:
        page.goto(f"{served.url}/search?q=%E5%8A%A8%E5%8A%9B%E7%94%B5%E6%B1%A0&province=henan")
        page.fill("form.save input[name=name]", "battery-henan")
        page.fill("form.save input[name=channel]", "email:analyst@example.com")
        page.click("form.save button")
        page.wait_for_selector(".saved")
        said = page.locator(".saved").inner_text()
    listed = subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", "watch", "list"],
                            capture_output=True, text=True, timeout=120,
                            env=_env(PROVWATCH_DATABASE_URL=archive.url,
                                     PROVWATCH_DATA_DIR=str(tmp_path)))

    assert "battery-henan" in said
    assert listed.returncode == 0, listed.stderr
    assert "battery-henan" in listed.stdout and "动力电池" in listed.stdout


def test_a_watchlist_the_rules_refuse_is_one_line_on_the_search_page(served_demo, page):
    page.goto(f"{served_demo.url}/search?q=%E5%8A%A8%E5%8A%9B%E7%94%B5%E6%B1%A0")
    page.fill("form.save input[name=name]", "no-channel")
    page.fill("form.save input[name=channel]", "carrier-pigeon:loft")
    page.click("form.save button")
    page.wait_for_selector(".error")
    message = page.locator(".error").inner_text()
    page.console_errors.clear()  # the 400 answer itself is logged by the browser

    assert message.startswith("watchlist 'no-channel': field 'channels':")
    assert "\n" not in message


@pytest.fixture(scope="module")
def hostile_archive(demo_archive, tmp_path_factory):
    """The demo's archive plus an article whose title and text are markup."""
    from provwatch.crawler.services import ingest as ingest_service

    folder = tmp_path_factory.mktemp("hostile")
    archive = copy_archive(demo_archive, folder / "archive")
    line = json.dumps({"url": "https://hostile.example/1.html", "source_id": "hostile",
                       "html": article_page(HOSTILE, [
                           f"河南省新能源汽车产业{HOSTILE}推进会在郑州召开，会议部署动力电池项目。",
                           "会议要求加快新能源汽车和动力电池产业链建设，推动项目落地见效。"])})
    report = ingest_service.ingest(make_config(folder, archive.url), io.StringIO(line + "\n"),
                                   "hostile")
    close_all()
    assert report.stored == 1
    return archive


def test_a_hostile_title_renders_as_text_and_runs_nothing(hostile_archive, page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with serve_archive(str(hostile_archive.db)) as served:
        story = _story_id(served.url, "推进会在郑州召开")
        shown = {}
        for path in (f"/story/{story}", "/search?q=%E6%8E%A8%E8%BF%9B%E4%BC%9A",
                     f"/attention/stories?{WINDOW}&province=henan"):
            page.goto(served.url + path)
            page.wait_for_load_state("networkidle")
            shown[path] = page.locator("main").inner_text()
            assert page.evaluate("window.__pwned") is None, path
            assert page.locator("main img").count() == 0, path
            assert page.locator("main script").count() == 0, path

    assert all(HOSTILE in text for text in shown.values()), shown
    assert page.locator("h1").count() == 1
    assert dialogs == []
