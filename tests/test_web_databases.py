"""The web app over SQLite and PostgreSQL alike: the same archive stored in each, served by
`provwatch serve`, gives the same attention counts and finds the same Chinese words."""

from __future__ import annotations

import io
import json
import urllib.parse
import urllib.request

from _pages import ENGLISH_HAINAN, GUANGXI_AI, HENAN_NEV, page
from _web import serve_archive
from conftest import make_config

from provwatch.crawler.services import ingest as ingest_service
from provwatch.crawler.storage.db import close_all

WINDOW = "since=2026-11-01&until=2026-11-30"


def _get(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


def test_attention_and_search_answer_alike_on_either_database(tmp_path, database_url):
    lines = "".join(json.dumps({"url": f"https://site.example/{n}.html", "source_id": "demo_x",
                                "html": page(title, paras)}) + "\n"
                    for n, (title, paras) in enumerate((HENAN_NEV, GUANGXI_AI, ENGLISH_HAINAN)))
    assert ingest_service.ingest(make_config(tmp_path, database_url), io.StringIO(lines),
                                 "t").stored == 3
    close_all()
    with serve_archive(database_url) as served:
        attention = _get(f"{served.url}/api/attention?{WINDOW}")
        long_word = _get(f"{served.url}/api/search?q={urllib.parse.quote('东盟人工智能')}")
        short_word = _get(f"{served.url}/api/search?q={urllib.parse.quote('东盟')}")
        latin = _get(f"{served.url}/api/search?q=haikou")
        filtered = _get(f"{served.url}/api/search?q={urllib.parse.quote('人工智能')}"
                        "&province=henan")

    cells = {(c["province"], c["sector"]): c["stories"] for c in attention["cells"]}
    assert cells[("henan", "nev")] == 1 and cells[("guangxi", "ai")] == 1
    assert {p["id"] for p in attention["provinces"]} >= {"henan", "guangxi", "hainan"}
    assert [h["title"] for h in long_word["hits"]] == [GUANGXI_AI[0]]
    assert [h["title"] for h in short_word["hits"]] == [GUANGXI_AI[0]]
    assert short_word["short_terms"] == ["东盟"]
    assert [h["title"] for h in latin["hits"]] == [ENGLISH_HAINAN[0]]
    assert filtered["hits"] == []
