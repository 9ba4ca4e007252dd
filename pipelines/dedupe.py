"""Dedupe stage: a stored canonical URL is dropped; a stored or similar text makes a copy.

Order: the same canonical URL drops the article; the same normalised text, then a
near-duplicate fingerprint (pipelines.fingerprint) within the syndication window, make
it a copy: it joins that story and never alerts again.
"""

from __future__ import annotations

from dataclasses import replace

from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database
from provwatch.pipelines.errors import DuplicateUrl
from provwatch.pipelines.fingerprint import closest_story, fingerprint
from provwatch.pipelines.items import ArticleItem


class DedupeStage:
    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("PROVWATCH_DATABASE_URL"), crawler.stats)

    def __init__(self, database_url: str, stats=None) -> None:
        self.database_url = database_url
        self.stats = stats
        self.sessions = None

    def open_spider(self, spider=None) -> None:
        self.sessions = open_database(self.database_url)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        with self.sessions() as session:
            if repository.url_seen(session, item.canonical_url):
                raise DuplicateUrl(f"{item.url}: already stored as {item.canonical_url}")
            story = repository.story_for_content(session, item.content_hash)
            fp = fingerprint(item.title, item.text)
            if story is None:
                story = closest_story(fp, repository.near_duplicate_candidates(
                    session, fp.bands, item.published_at))
                if story is not None and self.stats is not None:
                    self.stats.inc_value("provwatch/near_copies")
        if story is not None and self.stats is not None:
            self.stats.inc_value("provwatch/copies")
        return replace(item, copy_of_story=story, fingerprint=fp)
