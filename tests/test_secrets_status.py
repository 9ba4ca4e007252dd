"""A source URL's token never reaches the stored last error, `status` or `status --json`:
a feed URL may carry an API key in its query, and crawl errors name the URL."""

from __future__ import annotations

import os
import subprocess
import sys

import yaml
from _servers import closed_port
from conftest import make_config

from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.daemon.runner import run_crawl
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database, transaction

TOKEN = "s3cr3tTOKEN4242"



def test_a_failing_source_url_with_a_token_is_stored_and_shown_without_it(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/feed.xml?access_token={TOKEN}"
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(yaml.safe_dump({"sources": [
        {"id": "s", "name": "s", "kind": "feed", "urls": [url], "province": "henan",
         "language": "zh", "interval": "10m"}]}), encoding="utf-8")
    config = make_config(tmp_path, f"sqlite:///{tmp_path / 'r.db'}", catalog=str(catalog))

    result = run_crawl(config, load_catalog(config.catalog).get("s"))
    with transaction(open_database(config.database_url)) as session:
        stored = repository.source_state(session, "s").last_error
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update(PROVWATCH_DATABASE_URL=config.database_url, PROVWATCH_CATALOG=str(catalog),
               PROVWATCH_DATA_DIR=str(tmp_path))
    shown = [subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", "status", *extra],
                            capture_output=True, text=True, env=env, timeout=120)
             for extra in ([], ["--json"], ["--check"])]

    assert result.outcome != "ok" and stored and "127.0.0.1" in stored
    assert TOKEN not in stored
    for run in shown:
        assert TOKEN not in run.stdout + run.stderr
    assert "127.0.0.1" in shown[1].stdout  # the error is still there, only the token hidden
