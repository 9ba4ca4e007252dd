"""Articles, stories and their fingerprints: what is stored, found again, listed."""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select, text, update
from sqlalchemy.orm import Session, selectinload, undefer

from provwatch.crawler.storage.db import insert_ignoring, table_of, write_lock
from provwatch.crawler.storage.models import Article, Story, Tag, utcnow
from provwatch.crawler.storage.repository.fingerprints import (
    Candidate,
    FingerprintValue,
    add_fingerprint,
    near_duplicate_candidates,
)
from provwatch.crawler.storage.repository.meetings import meetings_of
from provwatch.crawler.storage.repository.web_attention import mark_new_story, refresh_marks

__all__ = [
    "ArticleFilter", "MessageRows", "StoredArticle", "article_ids", "articles_by_id",
    "content_key", "count_articles", "get_article", "get_story", "list_articles",
    "message_rows", "outlets_of", "pack_page", "raw_html", "reextractable_ids",
    "serialise_story_decisions", "source_ids", "store_article", "story_copies",
    "story_copies_since", "story_for_content", "story_outlets", "unpack_page", "url_seen",
]


@dataclass(frozen=True)
class StoredArticle:
    article_id: int
    story_id: int
    new_story: bool
    copies: int = 1  # the story's copies, this one included
    near_copy: bool = False  # a copy by its fingerprint, not its exact text
    first_seen_at: datetime | None = None  # when the story's first copy was stored


# --- articles and stories -------------------------------------------------------------

# The store transaction's statements, built once from the tables and executed with
# parameters: store_article runs once per article, and building its statements on every
# call (each value coerced, each cache key generated) cost more than SQLite took to run
# them (bench/ingest_throughput.py).
_A, _S, _T = table_of(Article), table_of(Story), table_of(Tag)
_URL_SEEN = select(_A.c.id).where(_A.c.canonical_url == bindparam("url")).limit(1)
_STORY_OF_CONTENT = (select(_A.c.story_id).where(_A.c.content_hash == bindparam("hash"))
                     .order_by(_A.c.id).limit(1))
_NEW_STORY = insert(_S).returning(_S.c.id)
_ONE_MORE_COPY = (update(_S).where(_S.c.id == bindparam("b_story"))
                  .values(copy_count=_S.c.copy_count + 1,
                          first_article_id=func.coalesce(_S.c.first_article_id,
                                                         bindparam("b_article")))
                  .returning(_S.c.copy_count, _S.c.first_seen_at))
_NEW_ARTICLE: dict[str, Any] = {}  # dialect name -> INSERT ... ON CONFLICT DO NOTHING


def _new_article(session: Session):
    name = session.get_bind().dialect.name
    if name not in _NEW_ARTICLE:
        _NEW_ARTICLE[name] = insert_ignoring(session, _A, ["canonical_url"]).returning(_A.c.id)
    return _NEW_ARTICLE[name]


def url_seen(session: Session, canonical_url: str) -> bool:
    return session.execute(_URL_SEEN, {"url": canonical_url}).first() is not None


def story_for_content(session: Session, content_hash: str) -> int | None:
    return session.execute(_STORY_OF_CONTENT, {"hash": content_hash}).scalar()


def story_copies(session: Session, story_id: int) -> Sequence[Article]:
    return session.scalars(select(Article).where(Article.story_id == story_id)
                           .order_by(Article.fetched_at, Article.id)).all()


def serialise_story_decisions(session: Session, keys: Iterable[int]) -> None:
    """Make the writers that could decide the same story wait for each other until this
    transaction ends. PostgreSQL: a transaction-scoped advisory lock per key (the content
    hash's and the fingerprint's band keys; sorted, so two writers never deadlock); two
    near-copies share a band key, so the second waits and then sees the first's rows.
    SQLite has one writer at a time: take the write lock now, before any read, with a
    write that changes nothing, so no other writer commits between our reads and writes.
    """
    if session.get_bind().dialect.name == "postgresql":
        # one round trip; unnest yields the sorted array in order, so the locks are taken
        # in key order by every writer
        session.execute(text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS "
                             "bigint[])) AS k"), {"keys": sorted(set(keys))})
    else:
        write_lock(session)


def content_key(content_hash: str) -> int:
    """The content hash as a signed 64-bit lock key."""
    return int.from_bytes(bytes.fromhex(content_hash[:16]), "big", signed=True)


def store_article(session: Session, values: dict[str, Any],
                  tags: Iterable[tuple[str, str, str, float]], *,
                  fingerprint: FingerprintValue | None,
                  closest: Callable[[list[Candidate]], int | None]) -> StoredArticle | None:
    """Store an article as a new story or a copy, deciding which inside this transaction.

    Writers that could decide the same story are serialised first; then, in order: a
    stored canonical URL makes it a duplicate (None: the caller must roll back); the same content
    hash, else the story ``closest`` picks from the near-duplicate candidates, makes it a
    copy; else a new story. The insert is guarded by the canonical URL's unique key (ON
    CONFLICT DO NOTHING: None as well) and the story's copy count is raised in the
    database (``copy_count = copy_count + 1``), so concurrent copies are all counted.
    """
    published_at = values.get("published_at")
    tags = list(tags)
    keys = [content_key(values["content_hash"])] + list(fingerprint.bands if fingerprint else ())
    serialise_story_decisions(session, keys)
    if url_seen(session, values["canonical_url"]):
        return None
    story_id = story_for_content(session, values["content_hash"])
    near = False
    if story_id is None and fingerprint is not None:
        story_id = closest(near_duplicate_candidates(session, fingerprint.bands, published_at,
                                                     scheme=fingerprint.scheme))
        near = story_id is not None
    new_story = story_id is None
    if new_story:
        story_id = session.execute(_NEW_STORY, {
            "title": values.get("title", ""), "copy_count": 0,
            "first_seen_at": utcnow()}).scalar()
    assert story_id is not None  # found above, or the new row's id (INSERT ... RETURNING)
    raw = values.pop("raw_html", None)
    row = {**values, "story_id": story_id, "raw_html": pack_page(raw) if raw else None}
    article_id = session.execute(_new_article(session), row).scalar()
    if article_id is None:  # stored by a writer that did not share our lock keys
        return None  # the caller raises, which rolls the story row back
    rows = [{"article_id": article_id, "kind": k, "value": v, "role": r, "score": sc}
            for k, v, r, sc in tags]
    if rows:
        session.execute(insert(_T), rows)
    if fingerprint is not None:
        add_fingerprint(session, article_id, story_id, fingerprint, published_at)
    copies, first_seen_at = session.execute(
        _ONE_MORE_COPY, {"b_story": story_id, "b_article": article_id}).one()
    # the web app's attention counts (web_attention.py): a new story's from what is in
    # hand, a copy's story's from all its copies
    if new_story:
        mark_new_story(session, story_id, published_at, [(k, v, r) for k, v, r, _ in tags])
    else:
        refresh_marks(session, [story_id], locked=True)
    return StoredArticle(article_id, story_id, new_story, copies=copies, near_copy=near,
                         first_seen_at=first_seen_at)


def raw_html(article: Article) -> bytes | None:
    return unpack_page(article.raw_html) if article.raw_html else None


# Stored pages are Zstandard frames (level 3): on the 77 pages of
# bench/ingest_throughput.py, 0.16 ms a page against zlib level 1's 0.45 ms, and 27% of
# the page's size against 28%. Pages stored before are zlib streams; a Zstandard frame
# starts with its magic number, which a zlib stream cannot (its first byte is 0x?8).
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_PACKERS = threading.local()  # a compressor is not safe to share across threads


def pack_page(raw: bytes) -> bytes:
    packer = getattr(_PACKERS, "zstd", None)
    if packer is None:
        # imported here, as unpack_page does: the read-only commands load this module
        # and never touch a page (their start-up is measured: bench/startup.py)
        import zstandard

        packer = _PACKERS.zstd = zstandard.ZstdCompressor(level=3)
    return packer.compress(raw)


def unpack_page(packed: bytes) -> bytes:
    if packed[:4] == _ZSTD_MAGIC:
        import zstandard

        # a decompressor per call: they are cheap to make and not safe to share across
        # threads, which the crawl's store stage and the web app both use
        return zstandard.ZstdDecompressor().decompress(packed)
    return zlib.decompress(packed)


def reextractable_ids(session: Session, *, source_id: str | None = None,
                      since: datetime | None = None) -> list[int]:
    """Ids of the articles whose page bytes were kept, oldest first."""
    q = select(Article.id).where(Article.raw_html.is_not(None)).order_by(Article.id)
    if source_id:
        q = q.where(Article.source_id == source_id)
    if since:
        q = q.where(Article.fetched_at >= since)
    return list(session.scalars(q))


def articles_by_id(session: Session, ids: Sequence[int], *,
                   with_raw_html: bool = False) -> Sequence[Article]:
    """The articles, with their tags; their stored page bytes too when asked for (the
    column is deferred: every other read leaves the page bytes in the database)."""
    q = select(Article).where(Article.id.in_(ids)).order_by(Article.id).options(
        selectinload(Article.tags))
    if with_raw_html:
        q = q.options(undefer(Article.raw_html))
    return session.scalars(q).all()


@dataclass(frozen=True)
class MessageRows:
    """What a batch of alerts is built from, read in a few queries however many there are."""

    articles: dict[int, Article]  # with their tags
    stories: dict[int, Story]
    outlets: dict[int, list[str]]  # story id -> its copies' source ids, in storage order
    meetings: dict[int, list[Any]] = field(default_factory=dict)  # story id -> its Meetings


def message_rows(session: Session, article_ids: Iterable[int],
                 story_ids: Iterable[int]) -> MessageRows:
    articles = {a.id: a for a in articles_by_id(session, sorted(set(article_ids)))}
    wanted = sorted(set(story_ids))
    stories = {s.id: s for s in session.scalars(select(Story).where(Story.id.in_(wanted)))}
    return MessageRows(articles, stories, outlets_of(session, wanted),
                       meetings_of(session, wanted))


def get_article(session: Session, article_id: int) -> Article | None:
    return session.get(Article, article_id)


def get_story(session: Session, story_id: int) -> Story | None:
    return session.get(Story, story_id)


def article_ids(session: Session, *, since: datetime | None = None) -> list[int]:
    """Ids of the stored articles (published at or after ``since``), oldest first."""
    q = select(Article.id).order_by(Article.id)
    if since:
        q = q.where(Article.published_at >= since)
    return list(session.scalars(q))


@dataclass(frozen=True)
class ArticleFilter:
    """What `provwatch articles` asks for: any of the values within one field, every
    field given. Label values are ids; ``text``, ``orgs`` and ``people`` are substrings
    (Latin letters in any case); ``until`` is exclusive."""
    provinces: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    text: tuple[str, ...] = ()  # each must occur in the title or the body
    orgs: tuple[str, ...] = ()
    people: tuple[str, ...] = ()


def _tagged(kind: str, values: tuple[str, ...], substring: bool = False):
    """Article.id IN (articles with a ``kind`` tag equal to / containing any value)."""
    match = (or_(*(Tag.value.icontains(v, autoescape=True) for v in values)) if substring
             else Tag.value.in_(values))
    return Article.id.in_(select(Tag.article_id).where(Tag.kind == kind, match))


def list_articles(session: Session, where: ArticleFilter | None = None,
                  limit: int = 50) -> Sequence[Article]:
    """Newest first, undated last, then by id: an order PostgreSQL reads from
    ix_articles_published_order (migration 0008) and SQLite from ix_articles_published_at."""
    f = where or ArticleFilter()
    q = select(Article).order_by(Article.published_at.desc().nulls_last(), Article.id.desc())
    for kind, values in (("province", f.provinces), ("sector", f.sectors),
                         ("event", f.events)):
        if values:
            q = q.where(_tagged(kind, values))
    for kind, values in (("org", f.orgs), ("person", f.people)):
        if values:
            q = q.where(_tagged(kind, values, substring=True))
    if f.sources:
        q = q.where(Article.source_id.in_(f.sources))
    if f.since:
        q = q.where(Article.published_at >= f.since)
    if f.until:
        q = q.where(Article.published_at < f.until)
    for term in f.text:
        q = q.where(or_(Article.title.icontains(term, autoescape=True),
                        Article.text.icontains(term, autoescape=True)))
    return session.scalars(q.limit(limit)).all()


def outlets_of(session: Session, story_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each story's outlets: its copies' source ids, once each, in storage order."""
    wanted = sorted(set(story_ids))
    outlets: dict[int, list[str]] = {sid: [] for sid in wanted}
    for story_id, source_id in session.execute(
            select(Article.story_id, Article.source_id).where(Article.story_id.in_(wanted))
            .order_by(Article.id)):
        if source_id not in outlets[story_id]:
            outlets[story_id].append(source_id)
    return outlets


def story_outlets(session: Session, story_id: int) -> list[str]:
    return outlets_of(session, [story_id])[story_id]


def count_articles(session: Session) -> int:
    return session.scalar(select(func.count(Article.id))) or 0




def story_copies_since(session: Session, since: datetime
                       ) -> list[tuple[Story, list[Article]]]:
    """Stories first seen at or after ``since``, each with its copies (and their tags)."""
    rows = session.execute(
        select(Story, Article).join(Article, Article.story_id == Story.id)
        .where(Story.first_seen_at >= since).order_by(Story.id, Article.fetched_at, Article.id))
    out: dict[int, tuple[Story, list[Article]]] = {}
    for story, article in rows:
        out.setdefault(story.id, (story, []))[1].append(article)
    return list(out.values())


def source_ids(session: Session) -> set[str]:
    """The source ids stored articles carry (catalog ids, and ingest's own)."""
    return set(session.scalars(select(Article.source_id).distinct()))


