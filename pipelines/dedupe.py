"""Dedupe stage: a stored canonical URL is dropped early; the fingerprint is taken.

Which story an article joins is decided where it is stored, inside the store
transaction (crawler.storage.repository.store_article): the same normalised text, then a
near-duplicate fingerprint (pipelines.fingerprint) within the syndication window, make
it a copy; it joins that story and never alerts again. The early URL check here only
saves the tagging of a page that is already stored; the store's unique key is the rule.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session, sessionmaker

from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database
from provwatch.pipelines.errors import DuplicateUrl
from provwatch.pipelines.fingerprint import fingerprint
from provwatch.pipelines.items import ArticleItem
from provwatch.pipelines.threads import LockedStats, off_the_reactor


class DedupeStage:
    @classmethod
    def from_crawler(cls, crawler):
        stage = cls(crawler.settings.get("PROVWATCH_DATABASE_URL"), LockedStats(crawler.stats))
        stage.threaded = True  # under Scrapy: the database is read off the reactor thread
        return stage

    def __init__(self, database_url: str, stats=None) -> None:
        self.database_url = database_url
        self.stats = stats
        self.threaded = False
        self.sessions: sessionmaker[Session] | None = None

    def open_spider(self, spider=None) -> None:
        self.sessions = open_database(self.database_url)

    def process_item(self, item: ArticleItem):
        return off_the_reactor(self.dedupe, item, self.threaded)

    def dedupe(self, item: ArticleItem) -> ArticleItem:
        assert self.sessions is not None, "open_spider opens the database first"
        with self.sessions() as session:
            if repository.url_seen(session, item.canonical_url):
                raise DuplicateUrl(f"{item.url}: already stored as {item.canonical_url}")
        return replace(item, fingerprint=fingerprint(item.title, item.text))
