"""`provwatch tag`'s JSON names the organisations it recognised with their ids, kinds and
tickers (the knowledge base's), beside the names as written; stored articles keep them, and
`show`, `articles --json` and `retag` read them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sqlalchemy import select

from provwatch.crawler.services.tagging import tags_json
from provwatch.crawler.storage.db import open_database, transaction
from provwatch.crawler.storage.models import Article
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


def _run(args: list[str], env_extra: dict[str, str], stdin: str | None = None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update(env_extra)  # PYTHONPATH and the rest carried over
    return subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", *args],
                          capture_output=True, text=True, env=env, input=stdin, timeout=300)


def test_stored_articles_carry_the_organisations_ids_kinds_and_tickers(tmp_path,
                                                                     database_url):
    from _pages import HENAN_NEV, page

    env = {"PROVWATCH_DATABASE_URL": database_url, "PROVWATCH_DATA_DIR": str(tmp_path)}
    line = json.dumps({"url": "https://gov.example/a/1.html", "html": page(*HENAN_NEV),
                       "source_id": "archive"})
    assert _run(["ingest"], env, stdin=line + "\n").returncode == 0

    listed = _run(["articles", "--json"], env)
    row = json.loads(listed.stdout.splitlines()[0])
    byd = next(o for o in row["org_refs"] if o["id"] == "byd")
    assert byd["kind"] == "private_company" and "002594.SZ" in byd["tickers"]
    assert byd["role"] == "subject"

    shown = _run(["show", str(row["id"])], env)
    assert shown.returncode == 0, shown.stderr
    assert "byd, private_company, 002594.SZ" in shown.stdout

    # tagging again with unchanged data changes nothing, org_refs included ...
    assert "1 articles: 0 changed" in _run(["retag"], env).stdout
    # ... and an article stored before org_refs were kept gets them from retag
    with transaction(open_database(database_url)) as session:
        article = session.scalars(select(Article)).one()
        article.meta = {k: v for k, v in article.meta.items() if k != "org_refs"}
    assert "1 articles: 1 changed" in _run(["retag"], env).stdout
    again = json.loads(_run(["articles", "--json"], env).stdout.splitlines()[0])
    assert again["org_refs"] == row["org_refs"]
