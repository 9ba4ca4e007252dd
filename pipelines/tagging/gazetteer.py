"""The place gazetteer: provinces, divisions, aliases and groupings, loaded once.

Chinese names are matched leftmost-longest over simplified text, so 南宁 is never read
as 宁 and 海南 never as 河南, in one pass of a compiled automaton (text.leftmost_longest).
English names are whole-word n-grams. Single-character short forms are compiled only into
compounds: 来/在/赴/驻 + short (来豫, 在闽), document numbers (湘政办发), pairs of
shorts (川渝, 粤港, 闽台), and Taiwan/Hong Kong business words (台商, 港资).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import permutations
from pathlib import Path

import ahocorasick_rs
import yaml

from provwatch.pipelines.tagging.text import PhraseTable, leftmost_longest

DATA = Path(__file__).parent / "data"
# shorts too common as words to pair freely (新 青 宁 吉 黑 甘 云 贵 秦 蒙 苏 台 港 澳)
_WEAK = set("新青宁吉黑甘云贵秦蒙苏台港澳")
_VISIT = ("来", "在", "赴", "驻", "援", "进", "入", "回")
_DOC = ("政发", "政办发", "政办", "办发", "发改")
_BUSINESS = {"taiwan": ("台商", "台资", "台企", "台胞", "台籍", "台青", "台湾同胞"),
             "hong_kong": ("港商", "港资", "港企", "港人"), "macau": ("澳资", "澳企")}


@dataclass(frozen=True)
class Place:
    provinces: tuple[str, ...]
    kind: str  # name | place | grouping | compound | counterpart
    text: str


@dataclass(frozen=True)
class Gazetteer:
    zh: dict[str, Place]
    zh_places: Sequence[Place]  # the automaton's pattern i is the name of zh_places[i]
    zh_automaton: ahocorasick_rs.AhoCorasick
    en: PhraseTable
    zh_names: dict[str, set[str]]  # province -> its own Chinese names (for leader titles)
    # the last few texts' matches: the fingerprint and the tagger both read an article's
    # simplified text, one after the other (a scan is about 1 ms per page)
    _recent: dict[str, tuple] = field(default_factory=dict, compare=False, repr=False)

    def find_zh(self, text: str) -> tuple[tuple[Place, int, int], ...]:
        """Leftmost-longest, non-overlapping matches: (place, start, end)."""
        found = self._recent.get(text)
        if found is None:
            found = tuple(self._scan_zh(text))
            if len(self._recent) >= 8:
                self._recent.clear()
            self._recent[text] = found
        return found

    def _scan_zh(self, text: str) -> list[tuple[Place, int, int]]:
        if text.isascii():
            return []
        places = self.zh_places
        return [(places[i], start, end)
                for i, start, end in self.zh_automaton.find_matches_as_indexes(text)]


def _yaml(name: str):
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def _divisions():
    with (DATA / "divisions.tsv").open(encoding="utf-8") as f:
        rows = [r for r in csv.reader(f, delimiter="\t") if r and not r[0].startswith("#")]
    return rows


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    zh: dict[str, Place] = {}
    en: dict[str, Place] = {}
    provinces = _yaml("provinces.yaml")
    zh_names = {pid: set(v["zh"]) for pid, v in provinces.items()}

    def add_zh(name: str, place: Place) -> None:
        if name and name not in zh:
            zh[name] = place

    for pid, v in provinces.items():
        for name in v["zh"]:
            zh[name] = Place((pid,), "name", name)
        for name in v["en"]:
            en[name] = Place((pid,), "name", name)
    for pid, level, name, short, pinyin in _divisions():
        add_zh(name, Place((pid,), "place", name))
        add_zh(short, Place((pid,), "place", short))
        if pinyin and level == "prefecture" and pinyin not in en:
            en[pinyin] = Place((pid,), "place", pinyin)
    for pid, v in _yaml("aliases.yaml").items():
        for name in v.get("zh") or []:
            zh[name] = Place((pid,), "place", name)
        for name in v.get("en") or []:
            en[name] = Place((pid,), "place", name)
    for name, members in _yaml("groupings.yaml").items():
        place = Place(tuple(members), "grouping", name)
        (en if name.isascii() else zh)[name] = place
    shorts = {s: pid for pid, v in provinces.items() for s in v["short"]}
    for s, pid in shorts.items():
        for verb in _VISIT:
            if s not in _WEAK or s in "港台":
                add_zh(verb + s, Place((pid,), "compound", verb + s))
        for doc in _DOC:
            add_zh(s + doc, Place((pid,), "compound", s + doc))
    for a, b in permutations(shorts, 2):
        if shorts[a] != shorts[b] and a not in _WEAK and (b not in _WEAK or b in "港台澳"):
            add_zh(a + b, Place((shorts[a], shorts[b]), "compound", a + b))
    for pid, words in _BUSINESS.items():
        for w in words:
            add_zh(w, Place((pid,), "counterpart", w))
    zh = {name: place for name, place in zh.items() if len(name) >= 2}
    fold = {k.lower(): v for k, v in en.items() if not k.isupper()}
    return Gazetteer(zh, tuple(zh.values()), leftmost_longest(list(zh)),
                     PhraseTable.build(en, fold), zh_names)
