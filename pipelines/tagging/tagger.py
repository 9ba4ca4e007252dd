"""First-pass tagger over the data files beside it.

Rules, in order:
1. Provinces: every gazetteer name found (Chinese by substring, longest first; English by
   whole word) marks its province *mentioned*; "我省/我市/our province" marks the
   source's own province. English "Shanxi" next to Shaanxi-only cities (Xi'an, Baoji,
   Yan'an) and no Shanxi city is read as Shaanxi.
2. A mentioned province is *about* when it is in the title, or, when the title names
   none, when it is named in the first paragraph and at least twice overall.
3. A sector is tagged when a cue is in the title or its cues occur at least twice;
   at most three, by count.
4. The event is the first kind (in events.yaml order) with a cue in the title, then in
   the first paragraph; "other" otherwise.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import yaml

from pipelines.items import Tags

DATA = Path(__file__).parent / "data"
_SELF = re.compile(r"我省|我区|我市|全省|our province|our city", re.I)
_SHAANXI_CITIES = ("Shaanxi", "Xi'an", "Xian", "Baoji", "Yan'an")
_SHANXI_CITIES = ("Taiyuan", "Datong")


def _load(name: str) -> dict[str, dict[str, list[str]]]:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def _matcher(table: dict[str, dict[str, list[str]]], *, fold_case: bool):
    """One regex per language; groups map back to ids through a lookup dict."""
    zh: dict[str, str] = {}
    en: dict[str, str] = {}
    for key, names in table.items():
        for n in names.get("zh", []):
            zh[n] = key
        for n in names.get("en", []):
            en[n.lower() if fold_case and not n.isupper() else n] = key
    zh_re = re.compile("|".join(map(re.escape, sorted(zh, key=len, reverse=True))))
    en_words = sorted(en, key=len, reverse=True)
    en_re = re.compile(r"(?<![A-Za-z0-9'])(" + "|".join(
        (f"(?i:{re.escape(w)})" if fold_case and not w.isupper() else re.escape(w))
        for w in en_words) + r")(?![A-Za-z0-9]|'(?!s\b)|-)")
    return zh_re, zh, en_re, en, fold_case


def _find(matcher, text: str) -> list[str]:
    zh_re, zh, en_re, en, fold = matcher
    found = [zh[m.group(0)] for m in zh_re.finditer(text)]
    for m in en_re.finditer(text):
        w = m.group(1)
        key = en.get(w) or en.get(w.lower() if fold else w)
        if key:
            found.append(key)
    return found


class Tagger:
    def __init__(self) -> None:
        self._provinces = _matcher(_load("provinces.yaml"), fold_case=False)
        self._sectors = _matcher(_load("sectors.yaml"), fold_case=True)
        self._events = [(k, _matcher({k: v}, fold_case=True))
                        for k, v in _load("events.yaml").items()]

    def provinces(self, text: str, source_province: str | None) -> list[str]:
        found = _find(self._provinces, text)
        if "shanxi" in found and any(c in text for c in _SHAANXI_CITIES) and not any(
            c in text for c in _SHANXI_CITIES
        ) and "山西" not in text:
            found = ["shaanxi" if p == "shanxi" else p for p in found]
        if source_province and _SELF.search(text):
            found.append(source_province)
        return found

    def tag(self, title: str, text: str, *, source_province: str | None = None) -> Tags:
        own = source_province if source_province and source_province != "national" else None
        first_para = text.split("\n", 1)[0][:400]
        body_counts = Counter(self.provinces(text, own))
        title_hits = set(self.provinces(title, own))
        lead_hits = set(self.provinces(first_para, own))
        mentioned = set(body_counts) | title_hits
        if title_hits:
            about = title_hits
        else:
            about = {p for p in lead_hits if body_counts[p] >= 2}
        sector_counts = Counter(_find(self._sectors, text))
        title_sectors = set(_find(self._sectors, title))
        for s in title_sectors:
            sector_counts[s] += 2
        sectors = [s for s, n in sector_counts.most_common() if n >= 2][:3]
        event = self._event(title) or self._event(first_para) or "other"
        scores = {f"province:{p}": float(body_counts[p] + 3 * (p in title_hits))
                  for p in mentioned}
        scores.update({f"sector:{s}": float(sector_counts[s]) for s in sectors})
        return Tags(
            provinces_about=tuple(sorted(about)), provinces_mentioned=tuple(sorted(mentioned)),
            sectors=tuple(sectors), event=event, scores=scores,
        )

    def _event(self, text: str) -> str | None:
        for kind, matcher in self._events:
            if _find(matcher, text):
                return kind
        return None


@lru_cache(maxsize=1)
def default_tagger() -> Tagger:
    return Tagger()
