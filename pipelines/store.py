"""Store stage: article, story, tags and owed deliveries in one transaction.

Deliveries are computed from what is stored, per (watchlist, story, channel), so a
later copy of a story never owes a second alert. Every stored article is checked against
every watchlist (alerts.matcher), a new story's first copy and a later copy alike: a copy
makes the story bigger, so a watchlist that wants ``min_copies`` fires on the copy that
reaches it, on whichever copy of the story matches its other criteria. A digest
watchlist's delivery is due at its next slot; an immediate one's at once.

A watchlist with meeting criteria is matched against the story's meetings: those just
extracted in the same transaction for a new story, the stored ones for a copy. Meeting
hosts resolve against the roster with the changes applied when the stage opened
(`provwatch leaders changes --apply`) merged over it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from provwatch.alerts.matcher import MatchView, cutoff, held_back, matches, view_of
from provwatch.alerts.meeting_match import MeetingView, meeting_view
from provwatch.alerts.schedule import next_slot
from provwatch.alerts.watchlist import WatchlistSpec, from_row
from provwatch.crawler import roster
from provwatch.crawler.roster import Roster
from provwatch.crawler.roster.changes import merged_rows
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import driver_line, open_database, transaction
from provwatch.crawler.storage.models import Article
from provwatch.pipelines.errors import DuplicateUrl
from provwatch.pipelines.fingerprint import closest_story
from provwatch.pipelines.items import ArticleItem
from provwatch.pipelines.meeting_rows import meeting_rows, story_province
from provwatch.pipelines.personnel import personnel_rows
from provwatch.pipelines.threads import LockedStats, off_the_reactor

log = logging.getLogger(__name__)

# stored articles between two moves of SQLite's search backlog into its index (migration
# 0020); the rest moves when the stage closes. On bench/ingest_throughput.py's pages,
# moves of 8, 16, 32, 64 or all 77 articles cost the same within the machine's noise
# (about 1.4 ms of CPU an article, against 2.6 ms indexed one by one in the store
# transaction); 64 keeps the moves rare and the backlog that searches scan short
SEARCH_BATCH = 64


def article_meta(item: ArticleItem) -> dict:
    """What an article keeps beside its columns: the Content-Type header (re-extraction
    decodes the stored bytes as the crawl did), what it was tagged from beside its text
    (its source's province then: retag reads it, so that tagging again with unchanged data
    changes nothing whatever the catalog says today), the known organisations the tagger
    found (``org_refs``: id, name, kind, tickers, role, as `provwatch tag` gives them; the
    names stay tags of kind org), the policy-document metadata, the government meta set,
    its content source and its column."""
    meta: dict = {"tagged_from": {"source_province": item.source_province}}
    if item.tags and item.tags.org_refs:
        meta["org_refs"] = [o.as_json() for o in item.tags.org_refs]
    if item.content_type:
        meta["content_type"] = item.content_type
    meta.update(extracted_meta(item.document, item.gov, item.content_source, item.column))
    return meta


EXTRACTED_META = ("document", "gov", "content_source", "column")


def extracted_meta(document: dict | None, gov: dict | None, content_source: str | None,
                   column: str | None) -> dict:
    """The meta keys extraction owns (EXTRACTED_META), the empty ones left out: the store
    stage writes them and re-extraction rewrites them."""
    values = {"document": dict(document) if document else None,
              "gov": dict(gov) if gov else None,
              "content_source": content_source, "column": column}
    return {k: v for k, v in values.items() if v}


class StoreStage:
    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        stage = cls(s.get("PROVWATCH_DATABASE_URL"), s.getbool("PROVWATCH_KEEP_RAW_HTML", True),
                    LockedStats(crawler.stats), alert_old=s.getbool("PROVWATCH_ALERT_OLD", False))
        stage.threaded = True  # under Scrapy: the database is written off the reactor thread
        return stage

    def __init__(self, database_url: str, keep_raw_html: bool = True, stats=None, *,
                 alert_old: bool = False,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self.database_url = database_url
        self.keep_raw_html = keep_raw_html
        self.stats = stats
        # False: stories first seen, or articles published, before a watchlist's cutoff
        # (its creation less its backfill days) owe it no alert
        self.alert_old = alert_old
        self.clock = clock
        self.sessions: sessionmaker[Session] | None = None
        self.watchlists: list[WatchlistSpec] = []
        self.threaded = False
        self.roster: Roster | None = None  # None: the bundled roster, until the stage opens
        self._unindexed = 0  # stored since the search backlog last went into the index
        self._unindexed_lock = threading.Lock()  # stores run in pool threads under Scrapy

    def open_spider(self, spider=None) -> None:
        self.sessions = sessions = open_database(self.database_url)
        with sessions() as session:
            self.watchlists = [from_row(w) for w in repository.watchlists(session)]
            self.roster = merged_rows(roster.load(),
                                      repository.applied_roster_changes(session))

    def process_item(self, item: ArticleItem):
        return off_the_reactor(self.store, item, self.threaded)

    def close_spider(self, spider=None):
        """Index what this stage stored last (and any other writer's leftovers)."""
        if self.sessions is None:
            return None
        return off_the_reactor(lambda _: self.index_search(), None, self.threaded)

    def index_search(self) -> int:
        """Move SQLite's search backlog into the index (repository.index_backlog); the
        articles indexed. A failure is one line: the articles stay stored, in the backlog,
        found by search all the same, and the next move indexes them."""
        assert self.sessions is not None, "open_spider opens the database first"
        try:
            return repository.index_whole_backlog(self.sessions)
        except SQLAlchemyError as e:
            log.warning("search index: could not index the articles stored last (%s); "
                        "they stay searchable and are indexed at the next try",
                        driver_line(e))
            return 0

    def _stored_one(self) -> None:
        with self._unindexed_lock:
            self._unindexed += 1
            due = self._unindexed >= SEARCH_BATCH
            if due:
                self._unindexed = 0
        if due:
            self.index_search()

    def store(self, item: ArticleItem) -> ArticleItem:
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
        try:
            stored, owed, held = self._store(item, values, rows, owe=True)
        except IntegrityError as e:
            # the canonical URL's key is handled inside (ON CONFLICT): any other violation
            # is a bug; say so loudly and keep the article, without what it would owe
            log.error("storing %s broke a constraint (%s); stored again without its "
                      "alerts", item.url, driver_line(e))
            stored, owed, held = self._store(item, values, rows, owe=False)
        if self.stats is not None:
            self.stats.inc_value("provwatch/new_articles")
            if not stored.new_story:
                self.stats.inc_value("provwatch/copies")
            if stored.near_copy:
                self.stats.inc_value("provwatch/near_copies")
            self.stats.inc_value("provwatch/deliveries_owed", owed)
            if held:
                self.stats.inc_value("provwatch/alerts_held_old", held)
        log.info("stored %s as article %s (story %s%s)", item.url, stored.article_id,
                 stored.story_id, "" if stored.new_story else ", a copy")
        self._stored_one()
        return item

    def _store(self, item: ArticleItem, values: dict, rows: list, *, owe: bool
               ) -> tuple[repository.StoredArticle, int, int]:
        """One transaction: the article, its story (decided here, see
        repository.store_article), its tags and fingerprint, and what it owes."""
        fp = item.fingerprint
        meetings = _meetings(item, self.roster)
        changes = _roster_changes(item)
        assert self.sessions is not None, "open_spider opens the database first"
        with transaction(self.sessions) as session:
            stored = repository.store_article(
                session, dict(values), rows, fingerprint=fp,
                # called only with a fingerprint (fp), never for None
                closest=lambda candidates: closest_story(fp, candidates) if fp else None)
            if stored is None:
                raise DuplicateUrl(f"{item.url}: already stored as {item.canonical_url}")
            if stored.new_story and meetings:  # a copy's story has its meetings already
                repository.replace_meetings(session, stored.story_id, stored.article_id,
                                            meetings)
            if stored.new_story and changes:  # proposed once per story (issue 18)
                repository.propose_roster_changes(session, stored.story_id,
                                                  stored.article_id, changes)
            owed, held = self._owe(session, item, stored, meetings) if owe else (0, 0)
        return stored, owed, held

    def _owe(self, session: Session, item: ArticleItem, stored: repository.StoredArticle,
             meetings: Sequence[dict] = ()) -> tuple[int, int]:
        """Enqueue what the stored article's story owes each watchlist: (owed, held).
        ``meetings``: the rows just extracted (stored for a new story only)."""
        ids = [w.id for w in self.watchlists if w.id is not None]  # all: read from rows
        live = repository.live_watchlist_ids(session, ids)
        if not live:
            return 0, 0
        views: tuple[MeetingView, ...] = ()
        if any(w.wants_meeting for w in self.watchlists if w.id in live):
            views = (tuple(meeting_view(m) for m in meetings) if stored.new_story
                     else story_meeting_views(session, stored.story_id))
        tags = item.tags
        view = MatchView(item.title or "", item.text or "",
                         tags.provinces_about if tags else (), tags.sectors if tags else (),
                         provinces_mentioned=tags.provinces_mentioned if tags else (),
                         event=tags.event if tags else None, source_id=item.source_id,
                         copies=stored.copies, meetings=views)
        current = (stored.article_id, view, item.published_at, item.date_precision,
                   item.date_source)
        others: list[tuple] | None = None  # the story's earlier copies, read when needed
        now = self.clock()
        owed = held = 0
        for spec in self.watchlists:
            if spec.id not in live:
                continue  # removed since this crawl began: it is owed nothing
            candidates: list[tuple] = [current]
            if not stored.new_story and 1 < spec.min_copies <= stored.copies:
                if others is None:
                    others = [_candidate(a, stored.copies, views)
                              for a in repository.story_copies(session, stored.story_id)
                              if a.id != stored.article_id]
                candidates += others
            outcome = _first_owed(spec, candidates, stored.first_seen_at, self.alert_old)
            if outcome == "held":
                held += 1
            elif isinstance(outcome, int):  # an article id (not "held", not None)
                owed += owe(session, spec, stored.story_id, outcome, now)
        return owed, held


def _meetings(item: ArticleItem, book: Roster | None = None) -> list[dict]:
    """The meetings the article reports (pipelines.meetings), hosts resolved against
    ``book``, read before the transaction; a failure to read them is logged and never
    costs the article."""
    about = item.tags.provinces_about if item.tags else ()
    try:
        return meeting_rows(item.title or "", item.text or "", item.published_at,
                            story_province(item.source_province, about), book,
                            item.tags.matches if item.tags else None)
    except Exception:  # a boundary: the article is stored whatever the extractor does
        log.exception("reading the meetings of %s failed", item.url)
        return []


def _roster_changes(item: ArticleItem) -> list[dict]:
    """The roster changes the article states (pipelines.personnel), read before the
    transaction; a failure to read them is logged and never costs the article."""
    try:
        return personnel_rows(item.title or "", item.text or "", item.published_at)
    except Exception:  # a boundary: the article is stored whatever the extractor does
        log.exception("reading the roster changes of %s failed", item.url)
        return []


def story_meeting_views(session: Session, story_id: int) -> tuple[MeetingView, ...]:
    """The views (alerts.meeting_match) of a story's stored meetings."""
    return tuple(meeting_view(m) for m in repository.story_meetings(session, story_id))


def _candidate(article: Article, copies: int, meetings: tuple[MeetingView, ...] = ()
               ) -> tuple:
    return (article.id, view_of(article, copies, meetings), article.published_at,
            article.date_precision, article.date_source)


def _first_owed(spec: WatchlistSpec, candidates: Sequence[tuple],
                first_seen_at: datetime | None, alert_old: bool) -> int | str | None:
    """The id of the first candidate copy that matches and is not held back (against
    ``first_seen_at``, when the story's first copy was stored); "held" when some match
    but all are held back; None when none matches."""
    matched = False
    for article_id, view, published_at, precision, date_source in candidates:
        if not matches(spec, view):
            continue
        matched = True
        if alert_old or not held_back(spec, published_at, precision, date_source,
                                      first_seen_at):
            return article_id
    return "held" if matched else None


def owe(session: Session, spec: WatchlistSpec, story_id: int, article_id: int,
        now: datetime) -> int:
    """Enqueue one delivery per channel (never a second for the same story): due now, or
    at a digest watchlist's next slot. Returns how many were new."""
    assert spec.id is not None, "only a stored watchlist owes"
    due = None if spec.schedule.immediate else next_slot(spec.schedule, now)
    return sum(repository.enqueue(session, spec.id, story_id, article_id, channel, due_at=due)
               for channel in spec.channels)


def owe_recent(session: Session, spec: WatchlistSpec, now: datetime) -> int:
    """A new watchlist's backfill: enqueue the stored stories first seen in its last
    ``backfill_days`` days that match it (on any copy's stored tags and words), as the
    store stage would have had the watchlist existed then. One delivery per story and
    channel; returns how many were enqueued."""
    if spec.backfill_days <= 0 or spec.id is None:
        return 0
    since = cutoff(spec) or now - timedelta(days=spec.backfill_days)
    owed = 0
    for story, copies in repository.story_copies_since(session, since):
        views = story_meeting_views(session, story.id) if spec.wants_meeting else ()
        candidates = [_candidate(a, story.copy_count, views) for a in copies]
        article_id = _first_owed(spec, candidates, story.first_seen_at, alert_old=False)
        if isinstance(article_id, int):
            owed += owe(session, spec, story.id, article_id, now)
    return owed
