"""Full-text search over article titles and bodies (the indexes of migration 0014).

Each term must occur in the title or the body, as a substring (Chinese has no spaces to
split words at). A term of three characters or more is looked up in the trigram index:
SQLite's FTS5 table ``articles_search`` (MATCH on the term as one quoted phrase), or
PostgreSQL's pg_trgm GIN indexes (``ILIKE '%term%'``). A shorter term (河南 is two
characters) has no trigram to look up: it is matched with a substring scan (LIKE /
ILIKE) over the articles the other terms and filters leave, which is exact but reads
every remaining row — give a longer term or a filter to keep it fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, column, literal_column, or_, select, table
from sqlalchemy.orm import Session

from provwatch.crawler.storage.models import Article, Tag

__all__ = ["SearchFilter", "TRIGRAM", "search_articles"]

TRIGRAM = 3  # the shortest term the trigram indexes can find
_FTS = table("articles_search", column("rowid"))


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
        return Article.id.in_(select(_FTS.c.rowid).where(match))
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
