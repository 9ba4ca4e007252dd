"""Sectors that are a subject of the article, not a passing word.

Rule order:
1. Cue hits are counted per sector (Chinese as substrings of simplified text, longest
   first, so a neutral phrase such as 主题教育 or 改革开放 hides the cue inside it; English
   as whole words); a hit in the title counts 3, in the lead paragraph 2, elsewhere 1, and
   a generic ("weak") cue half that. An item of a 、-list in the text (电动汽车、清洁能源、
   生物制药等领域) is a passing word: it counts half, in the lead too.
2. A sector is tagged when the title names it, or when it scores at least the length
   threshold, one point per 300 characters of text, never below 1 nor above 4 (a 300-
   character wire note naming a sector once carries it; a 10,000-character plan needs
   four points), and at least 30% of the best sector; and, outside a note of 300
   characters or fewer, it is discussed: named in two sentences, or twice (a strong and a
   weak cue) in one. One passing word in a long text is no subject.
3. A disaster report (地震, 决口, 抢险, earthquake, flood in the title) names the damage
   to roads and railways, not a sector: only the sectors its title names.
4. A site an official visits is a subject, whatever else the report dwells on: a strong
   cue inside the object of a visit verb (来到/走进/前往/察看/参观/走访 … up to the next
   comma; visited, toured) exempts its sector from the 30% bar; the length threshold and
   the "discussed" test still apply. Weak cues (工程, 实验室) name no visited sector.
5. At most three, best first.
Before step 2, each organisation named (``extra``: its sectors and points, orgs.py rule
5) adds its points to all its sectors when the cues name at least one of them: BYD with
新能源汽车 adds to nev and batteries_storage; a company's portfolio alone adds nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

import ahocorasick_rs
import yaml

from provwatch.pipelines.tagging.text import PhraseTable, leftmost_longest, words

DATA = Path(__file__).parent / "data"
CHARS_PER_POINT = 300
MIN_THRESHOLD, MAX_THRESHOLD = 1.0, 4.0
RELATIVE = 0.3
SHORT_NOTE = 300  # characters: a note this short may name its sector once
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
MAX_SECTORS = 3
LISTED = 0.5  # a cue that is one item of a 、-list in the text counts half, lead or not
NONE = "_none"  # phrases that hide a cue (主题教育 ⊃ 教育); never a sector
# a visit verb and its object, up to the next comma or stop (rule 4)
# (a literal alternation, so the regex engine skips to its first characters; an English
# verb inside a longer word, revisited, is dropped by _visits)
_VISIT = re.compile(r"(?:来到|走进|前往|察看|参观|走访|visited|toured)[^，。；：,;:\n]{2,40}")
_DISASTER = re.compile(r"地震|洪水|洪涝|决口|溃堤|台风|泥石流|山火|火灾|爆炸|灾后|抢险|救灾|"
                       r"(?i:earthquake|floods?\b(?! control| prevention)|typhoon|landslide|"
                       r"wildfire)")


def _visits(text: str) -> list[tuple[int, int]]:
    """Rule 4: the spans of visit verbs with their objects."""
    return [m.span() for m in _VISIT.finditer(text)
            if not (m.start() and text[m.start()].isascii() and text[m.start() - 1].isalpha())]


def _visited(text: str, found: list[tuple[str, float, int, bool]], keys: set[str]) -> set[str]:
    """Rule 4: those of ``keys`` a strong cue names inside a visit's object."""
    visits = _visits(text)
    return {key for key, weight, start, _ in found if key in keys and weight == 1
            and any(a <= start < b for a, b in visits)}


@dataclass(frozen=True)
class CueTable:
    zh: ahocorasick_rs.AhoCorasick  # leftmost-longest over the cues of ``zh_values``
    zh_values: Sequence[tuple[tuple[str, ...], float]]  # (sectors, weight) per cue
    en: PhraseTable

    def hits(self, text: str) -> list[tuple[str, float, int, bool]]:
        """(sector, weight, offset, listed) per cue (Chinese longest-first, English whole
        words); ``listed``: the cue is an item of a 、-list."""
        values = self.zh_values
        found = [] if text.isascii() else [
            (key, weight, start,  # an item of a 、-list: a passing word
             text[end:end + 1] == "、" or text[start - 1:start] == "、")
            for i, start, end in self.zh.find_matches_as_indexes(text)
            for keys, weight in (values[i],) for key in keys]
        found += [(key, weight, start, False) for (keys, weight), start, _ in
                  self.en.find(words(text)) for key in keys]
        return found

    def count(self, text: str) -> Counter[str]:
        """Weights per sector; a title's list names each of its items."""
        found: Counter[str] = Counter()
        for key, weight, _, _ in self.hits(text):
            # typeshed gives a Counter int values; weighted, it counts floats just as well
            found[key] += weight  # type: ignore[assignment]
        return found


def build_table(data: dict[str, dict[str, list[str]]]) -> CueTable:
    zh: dict[str, tuple[tuple[str, ...], float]] = {}  # a cue given twice: the last wins
    en: dict[str, tuple[tuple[str, ...], float]] = {}
    fold: dict[str, tuple[tuple[str, ...], float]] = {}
    for name, cues in data.items():
        # a cue of several sectors is listed under their ids joined by "+" (新三样); a
        # neutral phrase under _none names none
        keys = () if name == NONE else tuple(name.split("+"))
        for weight, suffix in ((1.0, ""), (0.5, "_weak")):
            for cue in cues.get("zh" + suffix, []):
                zh[cue] = (keys, weight)
            for cue in cues.get("en" + suffix, []):
                # an acronym matches as written (AI, EV); any other word ignoring case
                exact = cue.isupper() or any(c.isdigit() for c in cue) or cue in ("SiC",)
                (en if exact else fold)[cue if exact else cue.lower()] = (keys, weight)
    return CueTable(leftmost_longest(list(zh)), tuple(zh.values()), PhraseTable.build(en, fold))


@lru_cache(maxsize=1)
def table() -> CueTable:
    return build_table(yaml.safe_load((DATA / "sectors.yaml").read_text(encoding="utf-8")))


def tag_sectors(title: str, lead_end: int, text: str,
                extra: Sequence[tuple[tuple[str, ...], float]] = (),
                found: list[tuple[str, float, int, bool]] | None = None
                ) -> tuple[tuple[str, ...], dict[str, float]]:
    """``text[:lead_end]`` is the lead; ``found``: ``table().hits(text)`` when the caller
    has it."""
    cues = table()
    # plain dicts: this loop runs per cue, and Counter's Python-level methods cost more
    score: dict[str, float] = {}
    title_counts = cues.count(title)
    for key, n in title_counts.items():
        score[key] = score.get(key, 0) + 3 * n
    # where each sector is named outside a list: sentence -> weight
    named: dict[str, dict[int, float]] = {}
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    if found is None:
        found = cues.hits(text)
    for key, weight, start, listed in found:
        score[key] = score.get(key, 0) + weight * (
            LISTED if listed else 2 if start < lead_end else 1)
        if not listed:
            where = named.setdefault(key, {})
            sentence = bisect_right(ends, start)
            where[sentence] = where.get(sentence, 0) + weight
    for keys, points in [(k, p) for k, p in extra if any(score.get(s) for s in k)]:
        for key in keys:
            score[key] = score.get(key, 0) + points
    best = max(score.values(), default=0)
    threshold = min(MAX_THRESHOLD, max(MIN_THRESHOLD, len(text) / CHARS_PER_POINT))
    in_title = {k for k, n in title_counts.items() if n >= 1}
    if _DISASTER.search(title):
        threshold = float("inf")
    short = len(text) <= SHORT_NOTE

    def discussed(key: str) -> bool:
        where = named.get(key)
        return short or (where is not None and bool(where)
                         and (len(where) >= 2 or max(where.values()) >= 1.5))

    below = {k for k, s in score.items()
             if k not in in_title and threshold <= s < RELATIVE * best and discussed(k)}
    visited = _visited(text, found, below) if below else set()
    chosen = [k for k, s in sorted(score.items(), key=itemgetter(1), reverse=True)
              if k in in_title or s >= threshold and discussed(k)
              and (s >= RELATIVE * best or k in visited)
              ][:MAX_SECTORS]
    return tuple(chosen), {k: float(score[k]) for k in chosen}
