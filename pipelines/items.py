"""The values passed between stages: a fetched page, then the article it becomes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from provwatch.pipelines.fingerprint import Fingerprint


@dataclass(frozen=True)
class ArticleItem:
    """What a spider yields; each stage returns a copy with its fields filled in."""

    url: str
    source_id: str
    body: bytes
    fetched_at: datetime
    content_type: str | None = None  # the Content-Type header as received
    source_province: str | None = None  # the catalog source's province ("我省" resolves to it)
    source_language: str | None = None
    feed_title: str | None = None
    feed_published: datetime | None = None
    feed_summary: str | None = None
    date_selector: str | None = None  # the catalog source's selectors.date, if any
    body_selector: str | None = None  # the catalog source's selectors.body, if any
    # extract
    title: str = ""
    text: str = ""
    published_at: datetime | None = None
    date_source: str | None = None
    date_precision: str | None = None
    document: dict[str, str] | None = None  # policy-document metadata (pipelines.policydoc)
    gov: dict | None = None  # the government meta set (pipelines.govmeta), non-empty fields
    content_source: str | None = None  # the outlet it came from (ContentSource, by-line 来源)
    column: str | None = None  # the site's column (ColumnName, gov.cn lanmu)
    author: str | None = None
    lang: str | None = None
    charset: str | None = None
    # normalise
    canonical_url: str = ""
    content_hash: str = ""
    # dedupe: the story this article is a copy of, if any, and its near-dup fingerprint
    fingerprint: Fingerprint | None = None
    # tag
    tags: Tags | None = None


@dataclass(frozen=True)
class OrgRef:
    """An organisation of the tagger's knowledge base (pipelines/tagging/data/orgs_*.yaml)
    named in the article: its id, name, kind, tickers, and subject or passing role."""

    id: str
    name: str
    kind: str
    tickers: tuple[str, ...] = ()
    role: str = "passing"
    parent: str | None = None  # a provincial arm's group (国网江苏省电力 → state_grid)

    def as_json(self) -> dict:
        """As `provwatch tag` prints it and an article's meta keeps it (``org_refs``)."""
        return {"id": self.id, "name": self.name, "kind": self.kind,
                "tickers": list(self.tickers), "role": self.role, "parent": self.parent}


@dataclass(frozen=True)
class Tags:
    provinces_about: tuple[str, ...] = ()
    provinces_mentioned: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    event: str = "other"
    scores: dict[str, float] = field(default_factory=dict)  # "province:henan" -> score
    people: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    org_refs: tuple[OrgRef, ...] = ()  # the known ones among them, structured
    # what the tagger matched in the text, for stages that read the text again (meetings)
    matches: TextMatches | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class TextMatches:
    """The tagger's matches in one text (read in its simplified form, ``length``
    characters): ``cues``, the sector cues with the known organisations' names blanked,
    as sectors.CueTable.hits gives them: (sector, weight, offset, listed), one per sector
    of a cue, the Chinese in text order, then the English."""

    length: int
    cues: Sequence[tuple[str, float, int, bool]] = ()
