"""The README's coverage tables are the catalog's: generated, and compared here."""

from __future__ import annotations

from pathlib import Path

from provwatch.crawler.catalog.coverage import MAINLAND, markdown, readme_block
from provwatch.crawler.catalog.sources import load_catalog, parse_catalog

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

    text = markdown(catalog)

    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
            for line in text.splitlines() if line.startswith("| ") and "---" not in line}
    assert rows["Henan"] == ["trs", "–", "generic", "people", "–"]
    assert rows["Hubei"] == ["off", "–", "–", "–", "–"]
    assert rows["national (central)"] == ["–", "–", "–", "–", "1"]
    assert "1 of the 31 mainland provinces" in text  # Hubei's only entry is off
    assert "- `prov_hubei_news` (Hubei): answers 412 with a JavaScript cookie challenge" in text
    assert len(MAINLAND) == 31
