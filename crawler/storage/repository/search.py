"""Full-text search over article titles and bodies (the indexes of migration 0014).

Each term must occur in the title or the body, as a substring (Chinese has no spaces to
split words at). A term of three characters or more is looked up in the trigram index:
SQLite's FTS5 table ``articles_search`` (MATCH on the term as one quoted phrase), or
PostgreSQL's pg_trgm GIN indexes (``ILIKE '%term%'``). A shorter term (河南 is two
characters) has no trigram to look up: it is matched with a substring scan (LIKE /
ILIKE) over the articles the other terms and filters leave, which is exact but reads
every remaining row — give a longer term or a filter to keep it fast.

SQLite's index is written in batches (migration 0020): an article waits in
``search_backlog`` until ``index_backlog`` moves it into the index, so a term is also
looked for, by substring scan, in the backlog's articles (a few dozen at most while a
crawl runs). An article is found from the moment it is stored. The scan folds the case
of Latin letters only, where FTS5 folds every script's; Chinese has no case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, column, delete, func, literal_column, or_, select, table
from sqlalchemy.orm import Session, sessionmaker

from provwatch.crawler.storage.db import rowcount, transaction, write_lock
from provwatch.crawler.storage.models import Article, Tag

__all__ = ["INDEX_BATCH", "SearchFilter", "TRIGRAM", "index_backlog", "index_whole_backlog",
           "search_articles", "search_backlog_size"]

TRIGRAM = 3  # the shortest term the trigram indexes can find
INDEX_BATCH = 500  # articles moved into the index per transaction by index_backlog
_FTS = table("articles_search", column("rowid"), column("title"), column("text"))
_BACKLOG = table("search_backlog", column("article_id"))


@dataclass(frozen=True)
class SearchFilter:
    """Terms (each must occur) and the filters of `provwatch articles`: any value within a
    field, every field given; ``until`` exclusive."""

    terms: tuple[str, ...]
    provinces: tuple[str, ...] = ()
    mentioned: bool = False  # a province tag of any role counts, else only "about"
    sectors: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None


def _tagged(kind: str, values: Sequence[str], about_only: bool = False):
    where = [Tag.kind == kind, Tag.value.in_(list(values))]
    if about_only:
        where.append(Tag.role == "about")
    return Article.id.in_(select(Tag.article_id).where(*where))


def _term(session: Session, term: str, n: int):
    if session.get_bind().dialect.name == "postgresql":
        # a plain ILIKE on the column: the form pg_trgm's GIN index serves (lower(x) LIKE
        # would not use it)
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return or_(Article.title.ilike(pattern, escape="\\"),
                   Article.text.ilike(pattern, escape="\\"))
    if len(term) >= TRIGRAM:
        phrase = '"' + term.replace('"', '""') + '"'
        match = literal_column("articles_search").op("MATCH")(bindparam(f"fts_{n}", phrase))
        # the backlog drives (a few rows), each row's article read by its key: as a join,
        # SQLite's planner may scan every article and probe the backlog instead
        pending = select(_BACKLOG.c.article_id).where(
            select(Article.id).where(Article.id == _BACKLOG.c.article_id, _scan(term))
            .exists())
        return Article.id.in_(select(_FTS.c.rowid).where(match).union_all(pending))
    return _scan(term)


def _scan(term: str):
    return or_(Article.title.icontains(term, autoescape=True),
               Article.text.icontains(term, autoescape=True))


def search_articles(session: Session, where: SearchFilter, limit: int = 100
                    ) -> Sequence[Article]:
    """Matching articles, newest first (undated last), at most ``limit``."""
    q = select(Article).order_by(Article.published_at.desc().nulls_last(), Article.id.desc())
    if where.provinces:
        q = q.where(_tagged("province", where.provinces, about_only=not where.mentioned))
    for kind, values in (("sector", where.sectors), ("event", where.events)):
        if values:
            q = q.where(_tagged(kind, values))
    if where.sources:
        q = q.where(Article.source_id.in_(list(where.sources)))
    if where.since:
        q = q.where(Article.published_at >= where.since)
    if where.until:
        q = q.where(Article.published_at < where.until)
    # the indexed terms first: the database narrows by them before any scan
    terms = sorted(where.terms, key=lambda t: len(t) < TRIGRAM)
    for n, term in enumerate(terms):
        q = q.where(_term(session, term, n))
    return session.scalars(q.limit(limit)).all()


def index_backlog(session: Session, batch: int = INDEX_BATCH) -> int:
    """Move up to ``batch`` articles of SQLite's search backlog into its index; how many.

    Under the write lock, taken before the backlog is read: two of these at once (or one
    beside a store) never index an article twice, which would corrupt an external-content
    FTS5 index. The caller commits, and calls again while it returns ``batch``.
    PostgreSQL indexes every write itself: 0.
    """
    if session.get_bind().dialect.name != "sqlite":
        return 0
    write_lock(session)
    oldest = select(_BACKLOG.c.article_id).order_by(_BACKLOG.c.article_id).limit(batch)
    upto = session.scalar(select(func.max(oldest.subquery().c.article_id)))
    if upto is None:
        return 0
    rows = (select(Article.id, Article.title, Article.text)
            .join(_BACKLOG, _BACKLOG.c.article_id == Article.id)
            .where(_BACKLOG.c.article_id <= upto))
    session.execute(_FTS.insert().from_select(["rowid", "title", "text"], rows))
    return rowcount(session.execute(delete(_BACKLOG).where(_BACKLOG.c.article_id <= upto)))


def index_whole_backlog(sessions: sessionmaker[Session]) -> int:
    """``index_backlog`` until the backlog is empty, a transaction per batch; how many."""
    total = 0
    while True:
        with transaction(sessions) as session:
            moved = index_backlog(session)
        total += moved
        if moved < INDEX_BATCH:
            return total


def search_backlog_size(session: Session) -> int:
    """Articles stored and not yet in SQLite's search index (0 on PostgreSQL)."""
    if session.get_bind().dialect.name != "sqlite":
        return 0
    return session.scalar(select(func.count()).select_from(_BACKLOG)) or 0
