"""Store stage: article, story, tags and owed deliveries in one transaction.

Deliveries are computed from what is stored, per (watchlist, story, channel), so a
later copy of a story never owes a second alert.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError

from alerts.matcher import MatchView, matches, predates
from alerts.watchlist import from_row
from crawler.storage import repository
from crawler.storage.db import open_database, transaction
from pipelines.errors import DuplicateUrl
from pipelines.items import ArticleItem

log = logging.getLogger(__name__)


def article_meta(item: ArticleItem) -> dict:
    """What an article keeps beside its columns: the Content-Type header (re-extraction
    decodes the stored bytes as the crawl did) and the policy-document metadata."""
    meta: dict = {}
    if item.content_type:
        meta["content_type"] = item.content_type
    if item.document:
        meta["document"] = dict(item.document)
    return meta


class StoreStage:
    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(s.get("PROVWATCH_DATABASE_URL"), s.getbool("PROVWATCH_KEEP_RAW_HTML", True),
                   crawler.stats, alert_old=s.getbool("PROVWATCH_ALERT_OLD", False))

    def __init__(self, database_url: str, keep_raw_html: bool = True, stats=None, *,
                 alert_old: bool = False) -> None:
        self.database_url = database_url
        self.keep_raw_html = keep_raw_html
        self.stats = stats
        # False: articles published before a watchlist was created owe it no alert
        self.alert_old = alert_old
        self.sessions = None
        self.watchlists = []

    def open_spider(self, spider=None) -> None:
        self.sessions = open_database(self.database_url)
        with self.sessions() as session:
            self.watchlists = [from_row(w) for w in repository.watchlists(session)]

    def process_item(self, item: ArticleItem) -> ArticleItem:
        tags = item.tags
        rows = []
        if tags:
            rows += [("province", p, "about" if p in tags.provinces_about else "mentioned",
                      tags.scores.get(f"province:{p}", 1.0)) for p in tags.provinces_mentioned]
            rows += [("sector", s, "", tags.scores.get(f"sector:{s}", 1.0)) for s in tags.sectors]
            rows.append(("event", tags.event, "", 1.0))
            rows += [("person", p[:200], "", 1.0) for p in tags.people]
            rows += [("org", o[:200], "", 1.0) for o in tags.orgs]
        values = dict(
            canonical_url=item.canonical_url, url=item.url, source_id=item.source_id,
            title=item.title, text=item.text, lang=item.lang, author=item.author,
            charset=item.charset, published_at=item.published_at, date_source=item.date_source,
            date_precision=item.date_precision, fetched_at=item.fetched_at,
            content_hash=item.content_hash,
            raw_html=item.body if self.keep_raw_html else None, meta=article_meta(item),
        )
        view = MatchView(item.title, item.text, tags.provinces_about if tags else (),
                         tags.sectors if tags else ())
        try:
            with transaction(self.sessions) as session:
                stored = repository.add_article(session, values, rows, item.copy_of_story)
                if item.fingerprint is not None:
                    repository.add_fingerprint(session, stored.article_id, stored.story_id,
                                               item.fingerprint, item.published_at)
                owed = held = 0
                for spec in self.watchlists:
                    if not matches(spec, view):
                        continue
                    if not self.alert_old and predates(spec, item.published_at,
                                                       item.date_precision, item.date_source):
                        held += 1
                    else:
                        for channel in spec.channels:
                            owed += repository.enqueue(session, spec.id, stored.story_id,
                                                       stored.article_id, channel)
        except IntegrityError:
            # another process stored the same canonical URL between dedupe and here
            raise DuplicateUrl(f"{item.url}: stored concurrently by another crawl") from None
        if self.stats is not None:
            self.stats.inc_value("provwatch/new_articles")
            self.stats.inc_value("provwatch/deliveries_owed", owed)
            if held:
                self.stats.inc_value("provwatch/alerts_held_old", held)
        log.info("stored %s as article %s (story %s%s)", item.url, stored.article_id,
                 stored.story_id, "" if stored.new_story else ", a copy")
        return item
