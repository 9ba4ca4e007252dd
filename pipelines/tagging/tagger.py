"""The tagger: title and text in, the taxonomy's labels out (see each rule module).

Traditional characters are folded to simplified first (OpenCC); people and organisations
are taken from the text as written. Known organisations (orgs.py) are found first, on the
simplified title and text: their names mask the places inside them for the province rules
and the sector cues inside them for the sector rules, and their own sectors are added by
their role (orgs.py rules 4–6).
"""

from __future__ import annotations

from functools import lru_cache

from provwatch.pipelines.items import OrgRef, Tags, TextMatches
from provwatch.pipelines.tagging import entities, gazetteer, orgs
from provwatch.pipelines.tagging.events import tag_event
from provwatch.pipelines.tagging.provinces import tag_provinces
from provwatch.pipelines.tagging.sectors import table as sector_table
from provwatch.pipelines.tagging.sectors import tag_sectors
from provwatch.pipelines.tagging.sources import province_of_url
from provwatch.pipelines.tagging.text import simplified


def lead_end(text: str) -> int:
    """Where the lead ends: after the first paragraph of 20+ characters (so a byline
    before it belongs to the lead), at most 300 characters in; when no paragraph is that
    long, after the first one."""
    start, first = 0, None
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if end - start >= 20:
            return min(end, 300)
        if first is None and text[start:end].strip():
            first = end
        start = end + 1
    return min(first if first is not None else len(text), 300)


class Tagger:
    def __init__(self) -> None:
        self.gazetteer = gazetteer.load()
        self.orgs = orgs.load()

    def tag(self, title: str, text: str, *, source_province: str | None = None,
            url: str | None = None) -> Tags:
        """``source_province`` (the catalog's) wins over one read from ``url``."""
        source_province = source_province or province_of_url(url)
        s_title, s_text = simplified(title), simplified(text)
        end = lead_end(s_text)
        lead = s_text[:end]
        gaz, base = self.gazetteer, self.orgs
        org_title = base.find(s_title, gaz.find_zh(s_title))
        org_text = base.find(s_text, gaz.find_zh(s_text))
        role = orgs.roles(org_title, org_text, end, s_title, lead, s_text)
        prov = tag_provinces(gaz, s_title, s_text, end, source_province,
                             (orgs.province_masks(org_title), orgs.province_masks(org_text)))
        blanked = orgs.blank(s_text, org_text)
        cue_hits = sector_table().hits(blanked)
        sectors, sector_scores = tag_sectors(
            orgs.blank(s_title, org_title), end, blanked,
            orgs.sector_points(base, role, org_text, end), cue_hits)
        scores = {f"province:{p}": s for p, s in prov.scores.items() if p in prov.mentioned}
        scores.update({f"sector:{k}": v for k, v in sector_scores.items()})
        return Tags(
            provinces_about=prov.about, provinces_mentioned=prov.mentioned, sectors=sectors,
            event=tag_event(s_title, lead), scores=scores,
            people=tuple(entities.people(title + "\n" + text, s_title + "\n" + s_text)),
            orgs=_names(entities.orgs(title + "\n" + text), role,
                        _written(title, s_title, org_title) + _written(text, s_text, org_text)),
            org_refs=tuple(OrgRef(o.id, o.name, o.kind, o.tickers, r, o.parent)
                           for o, r in ((base.org(i), r) for i, r in role.items())),
            matches=TextMatches(len(s_text), cue_hits),
        )


def _written(original: str, simple: str, hits: list[orgs.OrgHit]) -> list[tuple[str, str]]:
    """(org id, the name as written) per match; OpenCC keeps lengths, nearly always."""
    source = original if len(original) == len(simple) else simple
    return [(h.org.id, source[h.start:h.end]) for h in hits]


def _names(found: list[str], role: dict[str, str], written: list[tuple[str, str]]
           ) -> tuple[str, ...]:
    """The names the entity rules found, then each known organisation none of them
    contains, as first written."""
    out = list(found)
    for oid, name in written:
        if oid in role and not any(name in f for f in out):
            out.append(name)
    return tuple(out)


@lru_cache(maxsize=1)
def default_tagger() -> Tagger:
    return Tagger()


def text_matches(text: str) -> TextMatches:
    """``Tags.matches`` of a text, for a caller without its tags: the same organisations
    blanked and the same cues read as ``Tagger.tag`` does."""
    tagger = default_tagger()
    s_text = simplified(text)
    hits = tagger.orgs.find(s_text, tagger.gazetteer.find_zh(s_text))
    return TextMatches(len(s_text), sector_table().hits(orgs.blank(s_text, hits)))
