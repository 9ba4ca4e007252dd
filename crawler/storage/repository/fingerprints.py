"""Near-duplicate fingerprints: stored with an article, looked up by LSH band key when a
new article may be a copy, made again when the text or the MinHash scheme changed
(pipelines/fingerprint.py decides which candidate is the same story)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol

from sqlalchemy import bindparam, delete, func, insert, select
from sqlalchemy.orm import Session

from provwatch.crawler.storage.db import table_of
from provwatch.crawler.storage.models import Article, Fingerprint, FingerprintBand

__all__ = ["Candidate", "FingerprintValue", "SYNDICATION_WINDOW", "add_fingerprint",
           "near_duplicate_candidates", "replace_fingerprint", "stale_fingerprint_ids"]

SYNDICATION_WINDOW = timedelta(days=3)
_F, _B = table_of(Fingerprint), table_of(FingerprintBand)


@dataclass(frozen=True)
class Candidate:
    """A stored article's fingerprint that may be a copy of a new one."""

    story_id: int
    signature: bytes
    numbers: frozenset[str]
    places: frozenset[str]
    title_key: str


def near_duplicate_candidates(session: Session, bands: Iterable[int],
                              published_at: datetime | None,
                              window: timedelta = SYNDICATION_WINDOW,
                              max_candidates: int = 50,
                              scheme: str | None = None) -> list[Candidate]:
    """Stored fingerprints sharing at least one LSH band key with ``bands``, most band
    matches first; those published more than ``window`` away are not copies (syndication
    happens within days); with ``scheme``, only fingerprints of that MinHash scheme (those
    of another cannot be compared). Which of them is the same story is
    pipelines.fingerprint's call.
    """
    q = _candidates_query(scheme is not None, published_at is not None)
    params: dict[str, Any] = {"bands": list(bands), "limit": max_candidates}
    if scheme is not None:
        params["scheme"] = scheme
    if published_at is not None:
        params["earliest"], params["latest"] = published_at - window, published_at + window
    return [Candidate(row.story_id, row.signature, frozenset(row.numbers.split()),
                      frozenset(row.places.split()), row.title_key)
            for row in session.execute(q, params)]


@lru_cache(maxsize=4)
def _candidates_query(by_scheme: bool, by_date: bool):
    """near_duplicate_candidates' statement, built once per shape (with parameters: it
    runs once per stored article, and building it cost more than running it)."""
    matches = func.count(_B.c.band_key).label("matches")
    # plain columns, not ORM objects: this runs once per article on the hot path
    q = (select(_F.c.story_id, _F.c.signature, _F.c.numbers, _F.c.places, _F.c.title_key,
                matches)
         .join(_B, _B.c.article_id == _F.c.article_id)
         .where(_B.c.band_key.in_(bindparam("bands", expanding=True)))
         .group_by(_F.c.article_id)
         .order_by(matches.desc(), _F.c.article_id)
         .limit(bindparam("limit")))
    if by_scheme:
        q = q.where(_F.c.scheme == bindparam("scheme"))
    if by_date:
        q = q.where(_B.c.published_at.is_(None)
                    | _B.c.published_at.between(bindparam("earliest"), bindparam("latest")))
    return q


class FingerprintValue(Protocol):
    """What add_fingerprint stores of a pipelines.fingerprint.Fingerprint."""

    # read-only members: a frozen dataclass (Fingerprint) provides them
    @property
    def signature(self) -> bytes: ...
    @property
    def bands(self) -> Sequence[int]: ...
    @property
    def numbers(self) -> frozenset[str]: ...
    @property
    def places(self) -> frozenset[str]: ...
    @property
    def title_key(self) -> str: ...
    @property
    def scheme(self) -> str: ...


def add_fingerprint(session: Session, article_id: int, story_id: int, fp: FingerprintValue,
                    published_at: datetime | None) -> None:
    session.execute(insert(_F), {
        "article_id": article_id, "story_id": story_id, "signature": fp.signature,
        "numbers": " ".join(sorted(fp.numbers)), "places": " ".join(sorted(fp.places)),
        "title_key": fp.title_key[:500], "published_at": published_at, "scheme": fp.scheme})
    session.execute(insert(_B), [
        {"band_key": key, "article_id": article_id, "published_at": published_at}
        for key in dict.fromkeys(fp.bands)])


def replace_fingerprint(session: Session, article: Article, fp: FingerprintValue) -> None:
    """The article's fingerprint and band keys made again (its text or the scheme changed);
    its story stays as it is."""
    session.execute(delete(_B).where(_B.c.article_id == article.id))
    session.execute(delete(_F).where(_F.c.article_id == article.id))
    add_fingerprint(session, article.id, article.story_id, fp, article.published_at)


def stale_fingerprint_ids(session: Session, scheme: str) -> list[int]:
    """Ids of the articles whose fingerprint was made with another MinHash scheme (they are
    never near-duplicate candidates until made again), oldest first."""
    return list(session.scalars(select(Fingerprint.article_id)
                                .where(Fingerprint.scheme != scheme)
                                .order_by(Fingerprint.article_id)))
