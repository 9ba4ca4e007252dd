"""A store waiting for the database does not stall the crawl: while another writer holds
SQLite's write lock, every article is still downloaded; once it lets go, all are stored."""

from __future__ import annotations

import sqlite3
import threading
import time

import yaml
from _pages import page, rss
from conftest import make_config

from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.daemon.runner import run_crawl
from provwatch.crawler.services import articles as articles_service
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import close_all, open_database, transaction

DATE = "Wed, 18 Nov 2026 09:30:00 +0800"
ARTICLES = 8


def test_articles_are_downloaded_while_a_write_waits_for_the_lock(local_site, tmp_path):
    paths = [f"/a/{n}.html" for n in range(ARTICLES)]
    for n, path in enumerate(paths):
        local_site.add(path, page(f"第{n}号新闻 河南省推进新能源汽车产业第{n}批项目",
                                  [f"河南省第{n}批新能源汽车项目签约，总投资{n + 10}亿元。" * 5]))
    feed = local_site.add("/feed.xml", rss([(f"t{n}", local_site.url + p, DATE)
                                            for n, p in enumerate(paths)]),
                          content_type="application/rss+xml")
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(yaml.safe_dump({"sources": [{
        "id": "f", "name": "f", "kind": "feed", "urls": [feed], "province": "henan",
        "language": "zh", "interval": "10m"}]}, allow_unicode=True), encoding="utf-8")
    db = tmp_path / "held.db"
    config = make_config(tmp_path, f"sqlite:///{db}", catalog=str(catalog))
    with transaction(open_database(config.database_url)) as session:
        repository.source_state(session, "f")  # migrated, the source's row there (the
    close_all()                                 # runner reads it before the crawl starts)

    holder = sqlite3.connect(db, timeout=1, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer, holding the lock
    results = []
    crawl = threading.Thread(target=lambda: results.append(
        run_crawl(config, load_catalog(config.catalog).get("f"))))
    crawl.start()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not set(paths) <= set(local_site.hits):
            time.sleep(0.05)  # polling with a deadline, not ordering
        fetched = set(paths) & set(local_site.hits)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    crawl.join(300)

    assert fetched == set(paths), "downloads stopped while a store waited for the lock"
    assert results and results[0].new_articles == ARTICLES
    assert len(articles_service.list_articles(config)) == ARTICLES
