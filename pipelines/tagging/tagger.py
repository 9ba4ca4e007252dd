"""The tagger: title and text in, the taxonomy's labels out (see each rule module).

Traditional characters are folded to simplified first (OpenCC); people and organisations
are taken from the text as written.
"""

from __future__ import annotations

from functools import lru_cache

from pipelines.items import Tags
from pipelines.tagging import entities, gazetteer
from pipelines.tagging.events import tag_event
from pipelines.tagging.provinces import tag_provinces
from pipelines.tagging.sectors import tag_sectors
from pipelines.tagging.sources import province_of_url
from pipelines.tagging.text import simplified


def lead_of(text: str) -> str:
    """The first paragraph of 20+ characters (skipping bylines), else the first one."""
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    for para in paras:
        if len(para) >= 20:
            return para[:300]
    return paras[0][:300] if paras else ""


class Tagger:
    def __init__(self) -> None:
        self.gazetteer = gazetteer.load()

    def tag(self, title: str, text: str, *, source_province: str | None = None,
            url: str | None = None) -> Tags:
        """``source_province`` (the catalog's) wins over one read from ``url``."""
        source_province = source_province or province_of_url(url)
        s_title, s_text = simplified(title), simplified(text)
        lead = lead_of(s_text)
        prov = tag_provinces(self.gazetteer, s_title, s_text, source_province)
        sectors, sector_scores = tag_sectors(s_title, lead, s_text)
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
