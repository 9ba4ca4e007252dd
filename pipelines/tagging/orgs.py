"""The organisation knowledge base (data/orgs_*.yaml), loaded once, and its matcher.

Entries: id, kind, names (Chinese full and short names, English names), tickers, sector
ids, headquarters province. A ``weak`` name is an ordinary word or a place as well (长安,
小米, 大众, Apple); ``not`` lists longer words that contain a name and are not the
organisation (三星级, 中国银行业); ``place: true`` marks a zone whose name is a place
(航空港区): it hides sector cues inside it but keeps its place evidence.

Matching rules, in order:
1. Chinese names and ``not`` words are matched leftmost-longest over simplified text in
   one Aho-Corasick pass (京东方 before 京东, 中国石油大学 before 中国石油, 中国银行业
   swallows 中国银行); English names as whole-word phrases, case as written (BYD, Tesla).
2. A match that starts inside a place name the gazetteer found is not a name: 北京东方
   holds 京东方 across 北京's edge.
3. A weak name counts only when a strong name of the same organisation occurs anywhere
   in the text, or a company word follows it directly (长安汽车, 小米集团, 大众汽车,
   Apple Inc., 三星电子 is itself a name), or it stands in a 、-list next to a name that
   counts (比亚迪、吉利、奇瑞、长安). Any name that is also a gazetteer place is weak.
4. Role: an organisation is a *subject* when the title names it, when the lead names it
   in an article whose title or lead reports a meeting or a signing (会见, 会谈, 签约, met,
   signed), when the text names it three times or more, or when a paragraph opens with its
   name (大疆创新科技有限公司作为…: the paragraph is about it); otherwise it is *passing*.
5. Sectors: a subject adds 3 points to each of its sectors, as a cue in the title would;
   a passing organisation adds 1 (named in the lead) or 0.5 (elsewhere), once per
   organisation; either only where the text's own cues name one of its sectors
   (sectors.py), so a company's portfolio never makes a sector alone. Sector cues inside
   any matched name are not read (航空港 is no aviation; 宁德时代新能源科技 no 新能源).
6. Provinces (applied in provinces.py through ``province_masks``): a place inside an
   organisation's name never scores; it stays a mention only when it lies in the
   organisation's headquarters province (湖南裕能 → hunan mentioned; 宁德时代 → fujian
   mentioned, never about; 阿里巴巴 → nothing for Tibet's 阿里, TCL中环 nothing for Hong
   Kong's 中环). Headquarters never add a province on their own.
7. A provincial arm of a central SOE or a national financial institution is read from its
   name's shape (branches.py): the group's name, a province's name, a business word
   (国网江苏省电力有限公司, 国网河南电力, 南方电网广东电网, 中国石化江苏石油分公司,
   中国银行河南省分行), even where the group's name alone is weak (国网). It is an
   organisation of its own: id ``group.province`` (state_grid.jiangsu), named 国家电网有限公司
   （江苏省）, with the group as ``parent`` and the group's kind, tickers and sectors. Its
   headquarters is that province, so by rule 6 the province in its name is a mention and
   never about: a grid company's news is about a province only by the province's own
   evidence elsewhere in the text (its leaders, its places, its title).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ahocorasick_rs
import yaml

from provwatch.crawler.taxonomy import ORG_KINDS, PROVINCES, SECTORS
from provwatch.pipelines.tagging import gazetteer
from provwatch.pipelines.tagging.branches import PARENT_KINDS, ProvinceNames, arm
from provwatch.pipelines.tagging.text import PhraseTable, leftmost_longest, words

DATA = Path(__file__).parent / "data"
KINDS = frozenset(ORG_KINDS)
SUBJECT = 3.0  # as much as a sector cue in the title
_ZH_CONTEXT = ("集团", "公司", "股份", "汽车", "科技", "控股", "董事长", "总裁", "总经理", "创始人",
               "首席", "旗下", "品牌", "一行", "校长", "教授", "师生", "团队", "工厂", "基地",
               "项目", "门店", "手机", "电动车")
_EN_CONTEXT = frozenset({"Group", "Inc", "Co", "Corp", "Corporation", "Motor", "Motors", "Ltd",
                         "Holdings", "chairman", "Chairman", "CEO", "Technologies", "Technology",
                         "University", "Bank", "Company", "Limited", "founder", "president"})
# rule 4's meeting and signing words: the Chinese as one literal alternation (the regex
# engine skips to their first characters), the English only where there are letters
_MEETING = re.compile(r"会见|会谈|接见|拜会|签约|签署|签订")
_MEETING_EN = re.compile(r"\b(?:meets?|met|sign(?:s|ed|ing)?|inks?)\b|held talks")
_LETTERS = re.compile(r"[a-z]{2}")
_LATIN = re.compile(r"[A-Za-z]")  # where there is none, there are no English names


def _meeting(part: str) -> bool:
    return bool(_MEETING.search(part)) or (
        _LETTERS.search(part) is not None and _MEETING_EN.search(part) is not None)


@dataclass(frozen=True)
class Org:
    id: str
    kind: str
    name: str  # the first Chinese name (or English when it has none)
    names: tuple[str, ...]
    tickers: tuple[str, ...]
    sectors: tuple[str, ...]
    hq: str | None
    place: bool = False
    parent: str | None = None  # a provincial arm's group (rule 7)


@dataclass(frozen=True)
class OrgHit:
    org: Org
    start: int
    end: int


@dataclass(frozen=True)
class OrgBase:
    orgs: dict[str, Org]
    zh: ahocorasick_rs.AhoCorasick  # leftmost-longest over the names of ``zh_values``
    zh_values: Sequence[tuple[str, bool]]  # (org id, weak) per name; a ``not`` word has id ""
    en: PhraseTable  # tokenised name -> (org id, weak)
    provinces: ProvinceNames = ProvinceNames({}, {}, 0)
    # provincial arms met so far (rule 7), made once per id
    arms: dict[str, Org] = field(default_factory=dict, compare=False, repr=False)

    def org(self, oid: str) -> Org:
        """A knowledge-base entry or a provincial arm found before, by id."""
        return self.orgs.get(oid) or self.arms[oid]

    def _arm(self, parent: Org, pid: str) -> Org:
        oid = f"{parent.id}.{pid}"
        got = self.arms.get(oid)
        if got is None:
            name = f"{parent.name}（{self.provinces.full[pid]}）"
            got = self.arms[oid] = Org(oid, parent.kind, name, (name,), parent.tickers,
                                       parent.sectors, pid, parent=parent.id)
        return got

    def find(self, text: str, places: Sequence[tuple[object, int, int]] = ()) -> list[OrgHit]:
        """Known organisations in ``text`` by rules 1–3; ``places`` are the gazetteer's
        (place, start, end) matches on the same text."""
        raw: list[tuple[str, bool, int, int]] = []
        if not text.isascii():
            values = self.zh_values
            for i, start, end in self.zh.find_matches_as_indexes(text):
                oid, weak = values[i]
                if oid:
                    raw.append((oid, weak, start, end))
            if raw:
                raw = [r for r in raw if not any(s < r[2] < e for _, s, e in places)]
                raw = self._arms(text, raw)
        tokens = words(text)
        found = self.en.find_tokens(tokens)
        if found:
            offsets, texts = tokens.offsets, tokens.texts
            for (oid, weak), i, size in found:
                last = i + size - 1
                raw.append((oid, weak, offsets[i], offsets[last] + len(texts[last])))
        if not raw:
            return []
        raw.sort(key=lambda r: r[2])
        strong = {oid for oid, weak, _, _ in raw if not weak}
        keep = [not weak or oid in strong or _context(text, end) for oid, weak, _, end in raw]
        lists = not all(keep) and "、" in text
        for order in (range(1, len(raw)), range(len(raw) - 2, -1, -1)) if lists else ():
            for i in order:  # a 、-list: 比亚迪、吉利、奇瑞、长安
                j = i - 1 if order.step == 1 else i + 1
                a, b = (i, j) if i < j else (j, i)
                if keep[j] and not keep[i] and raw[b][2] == raw[a][3] + 1 \
                        and text[raw[a][3]] == "、":
                    keep[i] = True
        return [OrgHit(self.org(oid), start, end)
                for (oid, _, start, end), k in zip(raw, keep, strict=True) if k]

    def first(self, text: str) -> Org | None:
        """The organisation of ``find(text)[0]``, None when there is none. A text without
        Latin letters whose first match is a strong name of no group with provincial arms
        (a guest's organisation, mostly) is answered from that match alone: rules 2, 3
        and 7 would keep it first."""
        if not _LATIN.search(text):
            values = self.zh_values
            for i, _start, _end in self.zh.find_matches_as_indexes(text):
                oid, weak = values[i]
                if oid:
                    org = self.orgs[oid]
                    if weak or org.kind in PARENT_KINDS:
                        break
                    return org
            else:
                return None
        hits = self.find(text)
        return hits[0].org if hits else None

    def _arms(self, text: str, raw: list[tuple[str, bool, int, int]]
              ) -> list[tuple[str, bool, int, int]]:
        """Rule 7: a group's name that opens a provincial arm's name becomes the arm (a
        strong name), and names inside the arm's name are dropped."""
        out: list[tuple[str, bool, int, int]] = []
        covered = 0
        for oid, weak, start, end in raw:
            if start < covered:
                continue
            parent = self.orgs[oid]
            found = arm(text, end, self.provinces) if parent.kind in PARENT_KINDS else None
            if found:
                pid, end = found
                oid, weak = self._arm(parent, pid).id, False
                covered = end
            out.append((oid, weak, start, end))
        return out


def _context(text: str, end: int) -> bool:
    after = text[end:end + 4]
    if after.startswith(_ZH_CONTEXT):
        return True
    m = re.match(r"[\s.,']*([A-Za-z]+)", text[end:end + 20])
    return m is not None and m.group(1) in _EN_CONTEXT


def _tokenises(name: str) -> bool:
    """An English name the word matcher can find: it starts with a letter and gives
    tokens of two letters or more in all (3M gives M alone: never matched)."""
    tokens = words(name)
    return bool(tokens) and tokens[0][1] == 0 and sum(len(w) for w, _ in tokens) >= 2


def _entries() -> Iterable[tuple[str, dict]]:
    for path in sorted(DATA.glob("orgs*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in data["orgs"]:
            yield path.name, {"kind": data.get("kind"), **entry}


class OrgDataError(ValueError):
    """An entry of data/orgs_*.yaml breaks the schema (kind, sector, province, alias)."""


def validate(entries: Iterable[tuple[str, dict]], sectors: Iterable[str],
             provinces: Iterable[str], places: Iterable[str] = ()) -> list[str]:
    """Every problem found, one line each: unknown kind, sector or province, a duplicate
    id, a name claimed by two organisations, a ``weak`` name that is not a name."""
    sectors, provinces = set(sectors), set(provinces)
    problems: list[str] = []
    ids: set[str | None] = set()
    owner: dict[str, str | None] = {}
    for file, e in entries:
        where = f"{file}: {e.get('id')}"
        if not e.get("id") or e["id"] in ids:
            problems.append(f"{where}: missing or duplicate id")
        ids.add(e.get("id"))
        if e.get("kind") not in KINDS:
            problems.append(f"{where}: kind {e.get('kind')!r} not in {sorted(KINDS)}")
        problems += [f"{where}: unknown sector {s!r}" for s in e.get("sectors") or []
                     if s not in sectors]
        if e.get("hq") is not None and e["hq"] not in provinces:
            problems.append(f"{where}: unknown province {e['hq']!r}")
        names = [*(e.get("zh") or []), *(e.get("en") or [])]
        if not names:
            problems.append(f"{where}: no names")
        problems += [f"{where}: weak name {w!r} is not among its names"
                     for w in e.get("weak") or [] if w not in names]
        for name in names:
            other = owner.setdefault(name, e.get("id"))
            if other != e.get("id"):
                problems.append(f"{where}: name {name!r} also belongs to {other}")
    return problems


@lru_cache(maxsize=1)
def load() -> OrgBase:
    entries = list(_entries())
    problems = validate(entries, SECTORS, PROVINCES)
    if problems:
        raise OrgDataError("; ".join(problems[:10]))
    gaz = gazetteer.load()
    names = {name: place.provinces[0] for name, place in gaz.zh.items()
             if place.kind == "name" and len(place.provinces) == 1}
    return build(entries, set(gaz.zh), ProvinceNames.build(names))


def build(entries: Sequence[tuple[str, dict]], places: set[str],
          provinces: ProvinceNames | None = None) -> OrgBase:
    orgs: dict[str, Org] = {}
    zh_names: dict[str, tuple[str, bool]] = {}  # a name given twice: the last entry wins
    exact: dict[str, tuple[str, bool]] = {}
    for _, e in entries:
        names = (*(e.get("zh") or []), *(e.get("en") or []))
        weak = set(e.get("weak") or ())
        org = Org(e["id"], e["kind"], names[0], names, tuple(e.get("tickers") or ()),
                  tuple(e.get("sectors") or ()), e.get("hq"), bool(e.get("place")))
        orgs[org.id] = org
        for name in e.get("zh") or ():
            zh_names[name] = (org.id, name in weak or name in places)
        for name in e.get("en") or ():
            if _tokenises(name):
                exact[" ".join(w for w, _ in words(name))] = (org.id, name in weak)
        for word in e.get("not") or ():
            zh_names[word] = ("", True)
    return OrgBase(orgs, leftmost_longest(list(zh_names)), tuple(zh_names.values()),
                   PhraseTable.build(exact, {}), provinces or ProvinceNames({}, {}, 0))


def roles(title_hits: Sequence[OrgHit], text_hits: Sequence[OrgHit], lead_end: int,
          title: str, lead: str, text: str = "") -> dict[str, str]:
    """org id -> "subject" | "passing" (rule 4), in order of first appearance; zones
    (``place``) are not organisations and get none."""
    out: dict[str, str] = {h.org.id: "subject" for h in title_hits if not h.org.place}
    meeting = _meeting(title) or _meeting(lead)
    counts: dict[str, int] = {}
    for h in text_hits:
        counts[h.org.id] = counts.get(h.org.id, 0) + 1
    for h in text_hits:
        oid = h.org.id
        if out.get(oid) == "subject" or h.org.place:
            continue
        opens = bool(text) and (h.start == 0 or text[h.start - 1] == "\n")
        if (meeting and h.start < lead_end) or counts[oid] >= 3 or opens:
            out[oid] = "subject"
        else:
            out.setdefault(oid, "passing")
    return out


def sector_points(base: OrgBase, role: dict[str, str], text_hits: Sequence[OrgHit],
                  lead_end: int) -> list[tuple[tuple[str, ...], float]]:
    """Rule 5: (sectors, points) per organisation found."""
    first: dict[str, int] = {}
    for h in text_hits:
        first.setdefault(h.org.id, h.start)
    return [(base.org(oid).sectors,
             SUBJECT if r == "subject" else 1.0 if first.get(oid, 0) < lead_end else 0.5)
            for oid, r in role.items() if base.org(oid).sectors]


def province_masks(hits: Sequence[OrgHit]) -> tuple[tuple[int, int, frozenset[str]], ...]:
    """Rule 6: (start, end, provinces a place inside may still mention) per name."""
    return tuple((h.start, h.end, frozenset((h.org.hq,) if h.org.hq else ()))
                 for h in hits if not h.org.place)


def blank(text: str, hits: Sequence[OrgHit]) -> str:
    """``text`` with every name replaced by spaces (same length), for the sector cues."""
    if not hits:
        return text
    parts, at = [], 0
    for h in hits:
        if h.start >= at:
            parts += [text[at:h.start], " " * (h.end - h.start)]
            at = h.end
    parts.append(text[at:])
    return "".join(parts)
