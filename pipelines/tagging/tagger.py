"""The tagger: title and text in, the taxonomy's labels out (see each rule module).

Traditional characters are folded to simplified first (OpenCC); people and organisations
are taken from the text as written.
"""

from __future__ import annotations

from functools import lru_cache

from provwatch.pipelines.items import Tags
from provwatch.pipelines.tagging import entities, gazetteer
from provwatch.pipelines.tagging.events import tag_event
from provwatch.pipelines.tagging.provinces import tag_provinces
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

    def tag(self, title: str, text: str, *, source_province: str | None = None,
            url: str | None = None) -> Tags:
        """``source_province`` (the catalog's) wins over one read from ``url``."""
        source_province = source_province or province_of_url(url)
        s_title, s_text = simplified(title), simplified(text)
        end = lead_end(s_text)
        lead = s_text[:end]
        prov = tag_provinces(self.gazetteer, s_title, s_text, end, source_province)
        sectors, sector_scores = tag_sectors(s_title, end, s_text)
        scores = {f"province:{p}": s for p, s in prov.scores.items() if p in prov.mentioned}
        scores.update({f"sector:{k}": v for k, v in sector_scores.items()})
        return Tags(
            provinces_about=prov.about, provinces_mentioned=prov.mentioned, sectors=sectors,
            event=tag_event(s_title, lead), scores=scores,
            people=tuple(entities.people(title + "\n" + text)),
            orgs=tuple(entities.orgs(title + "\n" + text)),
        )


@lru_cache(maxsize=1)
def default_tagger() -> Tagger:
    return Tagger()
