"""The README's coverage tables are the catalog's: generated, and compared here."""

from __future__ import annotations

from pathlib import Path

import pytest

from provwatch.crawler.catalog.coverage import CITIES, MAINLAND, city_of, markdown, readme_block
from provwatch.crawler.catalog.gaps import load_gaps, parse_gaps
from provwatch.crawler.catalog.sources import load_catalog, parse_catalog
from provwatch.crawler.errors import CatalogError

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_coverage_block_is_what_the_catalog_generates():
    block = readme_block(README.read_text(encoding="utf-8"))
    assert block is not None, "README.md lost its coverage markers"
    assert block == markdown(load_catalog()), (
        "README coverage is out of date: paste `provwatch sources coverage` into README.md")


def _entry(sid, province, topic, **extra):
    return {"id": sid, "name": "测试", "kind": "listing", "urls": ["http://a.test/"],
            "province": province, "language": "zh", "interval": "30m", "adapter": "trs",
            "topic": topic, **extra}


def test_cells_name_the_adapter_mark_disabled_entries_and_count_the_rest():
    catalog = parse_catalog({"sources": [
        _entry("prov_henan_news", "henan", "news"),
        _entry("prov_henan_policy", "henan", "policy", adapter="generic"),
        _entry("prov_hubei_news", "hubei", "news", enabled=False,
               access="answers 412 with a JavaScript cookie challenge"),
        _entry("people_ha", "henan", "news", adapter="people"),
        _entry("xinhua_local", "national", "news", adapter="json",
               json_fields={"url": "publishUrl"}),
    ]}, "test")

    text = markdown(catalog, gaps=())

    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
            for line in text.splitlines() if line.startswith("| ") and "---" not in line}
    assert rows["Henan"] == ["trs", "–", "generic", "–", "people", "–"]
    assert rows["Hubei"] == ["off", "–", "–", "–", "–", "–"]
    assert rows["national (central)"] == ["–", "–", "–", "–", "–", "1"]
    assert "1 of the 31 mainland provinces" in text  # Hubei's only entry is off
    assert "- `prov_hubei_news` (Hubei): answers 412 with a JavaScript cookie challenge" in text
    assert len(MAINLAND) == 31


def _rows(text: str) -> dict[str, list[str]]:
    return {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
            for line in text.splitlines() if line.startswith("| ") and "---" not in line}


def test_party_papers_and_cities_have_their_columns_and_low_confidence_is_starred():
    catalog = parse_catalog({"sources": [
        _entry("paper_henan", "henan", "news", adapter="epaper"),
        _entry("paper_hubei", "hubei", "news", adapter="epaper", enabled=False,
               access="disabled: a script-rendered slider"),
        _entry("prov_henan_leaders", "henan", "leaders", confidence="low",
               notes="the column was seen in 2019 only"),
        _entry("city_zhengzhou_news", "henan", "news"),
        _entry("city_zhengzhou_mayor", "henan", "leaders", adapter="generic"),
        _entry("city_wuhan_secretary", "hubei", "leaders", enabled=False,
               access="disabled: no list page found"),
    ]}, "test")

    text = markdown(catalog, gaps=())

    rows = _rows(text)
    assert rows["Henan"] == ["–", "trs*", "–", "epaper", "–", "–"]  # cities stay out
    assert rows["Hubei"] == ["–", "–", "–", "off", "–", "–"]
    assert rows["Zhengzhou 郑州"] == ["Henan", "trs", "–", "generic"]
    assert rows["Wuhan 武汉"] == ["Hubei", "–", "off", "–"]
    assert "Cities where investment meetings are announced: 1 of 19" in text
    assert "- `prov_henan_leaders` (Henan): the column was seen in 2019 only" in text
    assert "- `city_wuhan_secretary` (Hubei): disabled: no list page found" in text
    assert len(CITIES) == 19 and {c[3] for c in CITIES} <= set(MAINLAND)
    assert "`gap`: no such column in the catalog" in text


def test_a_gap_fills_its_cell_with_gap_and_its_reason_is_listed():
    catalog = parse_catalog({"sources": [_entry("prov_henan_news", "henan", "news")]}, "test")
    gaps = parse_gaps([
        {"id": "prov_henan_leaders", "name": "河南省领导活动", "province": "henan",
         "reason": "no leaders' column is quoted", "searched": "ldhd, 领导活动 on henan.gov.cn"},
        {"id": "paper_henan", "name": "河南日报", "province": "henan",
         "reason": "a script-rendered e-paper", "searched": "the paper's host"},
        {"id": "city_zhengzhou_mayor", "name": "郑州市长", "province": "henan",
         "reason": "no list found", "searched": "zhengzhou.gov.cn"},
    ], "gaps.yaml")

    text = markdown(catalog, gaps)

    rows = _rows(text)
    assert rows["Henan"] == ["trs", "gap", "–", "gap", "–", "–"]
    assert rows["Zhengzhou 郑州"] == ["Henan", "–", "–", "gap"]
    assert ("- `prov_henan_leaders` (Henan): no leaders' column is quoted; searched: ldhd, "
            "领导活动 on henan.gov.cn") in text
    assert "Gaps: 3 columns not in the catalog" in text


def test_a_source_for_a_gaps_column_is_shown_as_the_source():
    catalog = parse_catalog({"sources": [_entry("paper_henan", "henan", "news",
                                                adapter="epaper")]}, "test")
    gaps = parse_gaps([{"id": "paper_henan", "name": "河南日报", "province": "henan",
                        "reason": "not found", "searched": "host"}], "gaps.yaml")

    assert _rows(markdown(catalog, gaps))["Henan"][3] == "epaper"


def test_the_bundled_gaps_are_columns_the_catalog_lacks_each_with_its_reason():
    ids = {s.id for s in load_catalog()}
    gaps = load_gaps()
    assert gaps and not {g.id for g in gaps} & ids
    for g in gaps:
        shape = (g.id.startswith(("prov_", "paper_")) and g.province in g.id) or \
            (g.id.startswith("city_") and city_of(g) is not None)
        assert shape, g.id
        assert g.reason and g.searched


@pytest.mark.parametrize(("raw", "field"), [
    ({"name": "x", "province": "henan", "reason": "r", "searched": "s"}, "id"),
    ({"id": "paper_henan", "name": "x", "province": "atlantis", "reason": "r",
      "searched": "s"}, "province"),
    ({"id": "paper_henan", "name": "x", "province": "henan", "reason": " ",
      "searched": "s"}, "reason"),
    ({"id": "paper_henan", "name": "x", "province": "henan", "reason": "r",
      "searched": "s", "seen": ["not a url"]}, "seen"),
    ({"id": "paper_henan", "name": "x", "province": "henan", "reason": "r",
      "searched": "s", "enabled": False}, "enabled"),
])
def test_a_bad_gap_is_one_line_naming_the_file_the_gap_and_the_field(raw, field):
    with pytest.raises(CatalogError) as err:
        parse_gaps([raw], "gaps.yaml")
    assert str(err.value).startswith("gaps.yaml: gap") and f"field {field!r}" in str(err.value)
