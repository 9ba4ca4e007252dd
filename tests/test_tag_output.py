"""`provwatch tag`'s JSON names the organisations it recognised with their ids, kinds and
tickers (the knowledge base's), beside the names as written."""

from __future__ import annotations

from provwatch.crawler.services.tagging import tags_json
from provwatch.pipelines.tagging import default_tagger


def test_tag_json_carries_the_organisations_ids_kinds_and_tickers():
    tags = default_tagger().tag(
        "河南省委书记刘宁在郑州会见比亚迪股份有限公司董事长王传福一行",
        "12月5日，河南省委书记刘宁在郑州会见比亚迪股份有限公司董事长王传福一行，双方就加快新能源"
        "汽车产业发展深入交流。")
    row = tags_json("x", tags)
    byd = next(o for o in row["org_refs"] if o["id"] == "byd")
    assert byd["kind"] == "private_company" and "002594.SZ" in byd["tickers"]
    assert byd["role"] == "subject"
    assert "比亚迪股份有限公司" in row["orgs"]
    assert {"nev", "batteries_storage"} <= set(row["sectors"])
