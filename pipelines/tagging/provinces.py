"""Provinces an article is about, and those it merely mentions.

Evidence per province, from the gazetteer's matches on title and text:
1. A match inside an organisation, brand, team or dish name (海南航空, 四川大学,
   Hainan Airlines, Sichuan cuisine, 福建舰, 博鳌亚洲论坛, a Shenzhen IPO, the Shanghai
   Stock Exchange, 深圳证券交易所), or right after 中央/国务院/全国/国家 (中央台办,
   国务院港澳办: a national body) counts as a mention only. Inside a known
   organisation's name (``masks``, from orgs.py: 宁德时代, 长安汽车) a place is dropped,
   or kept as a mention when it lies in the organisation's own province (湖南裕能).
2. mentioned = every other match: names, cities, counties, zones, compounds (来豫, 川渝),
   groupings (their members), "我省/我市/our province" (the source's own province). A
   county's bare short name in the text (资兴, 宜兴: words too, 投资兴业) counts only when
   another match places its province. A landmark (人民大会堂, 中南海: data/landmarks.yaml)
   makes its province mentioned only. A two-character compound (在台, 在陕) that took the
   first character of a longer place (在台江县, 在陕西宁陕县) gives way to that place; a
   match inside a longer word is none (舞台中央, 深入港口, 天山西部, 中山城区, 肯定西藏,
   长治久安), nor one naming a street elsewhere (北京路, 长安街).
3. about is scored: title +5; dateline (NANNING, July 8 / 新华社成都…电) +2; a leader or
   government title attached to the place (河南省委书记, Governor of Yunnan) +3;
   the lead paragraph +2; each further mention +0.5 (at most +3). A grouping gives its
   members 3 from the title only, 5 when the title names it with its integration or
   development (长三角一体化, 京津冀协同发展, 东北全面振兴: the grouping is the subject); a
   venue compound (在港, 赴京; for the capital 来京 too) gives none. A delegation
   deliberating at the two sessions (云南代表团审议) is the province itself, not a
   counterpart. Where the lead names a national leader (国务院副总理, 国家主席), the venue
   of the meeting (在海南博鳌会见, 在西安同…会谈) gives no lead points: a national event is
   hosted, not about its host. Self references (我省, 全市, 省政府, 自治区) give the
   source's province +5 in the title, +3 in the lead, +1 elsewhere. Business words (台商,
   港资) and places named as counterparts (Hong Kong business delegation, 香港工商界代表团,
   台湾青年, 台湾方面) count as mentions only, like organisation names.
4. When no province reaches 5 and the best scores >= 2.5 with evidence in the lead (after
   any dateline), that best province is about: the title named a person or an office, not
   a place. A dateline alone (BEIJING, …) only places the reporter.
   A province is about when it scores >= 5 and >= 40% of the best score.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from provwatch.pipelines.tagging.gazetteer import Gazetteer, Place
from provwatch.pipelines.tagging.text import words

_ZH_ORG = re.compile(
    r"^(?:省|市)?[\u4e00-\u9fff]{0,2}?(?:大学|学院|银行|集团|股份|有限公司|公司|卫视|日报|航空|"
    r"舰|队|男篮|女排|高速|控股|证券|交易所|电视台|菜|泰山|国安|申花|海港|广电|报业|论坛|"
    r"代表团|客商|企业家|工商界|商会|考察团|访问团|客人|游客|青年|同胞|居民|民众|学生|市民|方面)")
_ZH_FUNCTION = re.compile(r"[与和同在及对的是了为将向从把被、，。；：]")
_EN_ORG = re.compile(
    r"^\W{0,2}(?:Airlines?|University|Universities|cuisine|Bank|Group|Co\b|Company|Holdings|"
    r"Securities|Taishan|Guoan|Shenhua|Port|FC|Tigers|Ducks|Dragons|Sharks|Lions|Leopards|"
    r"Investment|Expressway|Daily|Television|TV|Satellite TV|Development Bank|Energy Group|"
    r"(?:business\s+|trade\s+|investment\s+)?delegations?|investors|visitors|tourists|"
    r"businesspeople|entrepreneurs|firms|companies|residents|youth|students|people|"
    r"Stock Exchange|stock exchange|[Ss]tock [Mm]arket|bourse|IPO|listing)")
_ZH_LEADER = re.compile(r"^(?:省|市|自治区|区)?(?:委书记|委副书记|长|代省长|委|政府|人大|政协|"
                        r"党委|委常委|委员会)")
_EN_LEADER = re.compile(
    r"(?:Governor|Party Secretary|Party chief|Mayor|party secretary|governor|mayor|"
    r"Provincial Party Committee|provincial government|Chairman)\s+(?:of\s+)?$")
_EN_LEADER_AFTER = re.compile(
    r"^(?:'s)?\s*(?:Provincial\s+|provincial\s+|Municipal\s+|municipal\s+)?(?:Party Secretary|"
    r"party secretary|Party chief|party chief|Governor|governor|Mayor|mayor|government|"
    r"Government|Party Committee)")
_EN_DATELINE = re.compile(r"^\s*([A-Z][A-Za-z'’\- ]{2,30}?),\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|"
                          r"\d{1,2}\s+[A-Z][a-z]{2,8})")
_ZH_DATELINE = re.compile(
    r"^\s*(?:新华社|中新社|人民网|本报|央视网|新华网)?([\u4e00-\u9fff]{2,6}?)\d{1,2}月\d{1,2}日电")
_SELF = re.compile(r"我省|我区|我市|全省|本省|全区|全市|本市|省委|省政府|省人大|省政协|自治区|市委|"
                   r"市政府|our province|the province|our city|the provincial", re.I)
# a two-sessions delegation deliberating (云南代表团审议, 香港代表团、澳门代表团审议) is the
# province at work, not a counterpart
_DELIBERATION = re.compile(r"(?:省|市|自治区|特区)?代表团(?:[、和与]\S{2,6}?代表团)?(?:审议|讨论)")
# a grouping named with its integration or development is the title's subject (长三角一体化,
# 京津冀协同发展, 东北全面振兴)
_GROUPING_SUBJECT = re.compile(r".{0,2}?(?:一体化|协同|振兴|地区|区域|城市群|都市圈|经济圈|合作)")
# a national leader's venue (国务院副总理丁薛祥在海南博鳌集体会见…): the place hosts a
# national event and is no subject
_NATIONAL = re.compile(r"国家主席|国家副主席|国务院总理|国务院副总理|政治局常委|委员长|"
                       r"全国政协主席|国务委员|中共中央总书记")
_NATIONAL_VENUE = re.compile(r"在([\u4e00-\u9fff]{2,10}?)(?:集体)?(?:会见|会谈|同|出席|主持)")
# a national body named after a region (中央台办, 国务院港澳办, 全国台联) is no provincial actor
_NATIONAL_BODY = ("中央", "国务院", "全国", "国家")
# someone else's venue: 在港/赴京/驻沪 place the actor elsewhere; 来豫 names the host
_VENUE = ("在", "赴", "驻", "援", "进", "入", "回")
# ... except the capital: coming to Beijing (来京述职, 抵京) is a national event's venue
_CAPITAL_VENUE = ("来京", "抵京")


@lru_cache(maxsize=1)
def landmarks() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for data/landmarks.yaml, and each landmark's province."""
    data = yaml.safe_load((Path(__file__).parent / "data" / "landmarks.yaml").read_text(
        encoding="utf-8"))
    where = {name: pid for pid, names in data.items() for name in names}
    return re.compile("|".join(map(re.escape, sorted(where, key=len, reverse=True)))), where


@lru_cache(maxsize=1)
def short_names() -> dict[str, str]:
    """Division names usable without their suffix -> level (资兴 county, 长治 prefecture):
    they are ordinary words too (投资兴业, 长治久安)."""
    path = Path(__file__).parent / "data" / "divisions.tsv"
    with path.open(encoding="utf-8") as f:
        rows = (line.rstrip("\n").split("\t") for line in f if not line.startswith("#"))
        return {r[3]: r[1] for r in rows if len(r) > 3 and r[3]}


def _supported(title_hits: list, text_hits: list) -> list:
    """Rule 2's guard: a county's bare short name (资兴 in 投资兴业, 海阳) counts only when
    something else in the article places its province. (A prefecture's, 宁波 or 沈阳, often
    stands alone in a city's own news: it always counts.)"""
    shorts = short_names()
    evidenced = {p for hit in title_hits + text_hits if shorts.get(hit[0].text) != "county"
                 for p in hit[0].provinces}
    return [h for h in text_hits if shorts.get(h[0].text) != "county"
            or set(h[0].provinces) <= evidenced]


@dataclass(frozen=True)
class ProvinceTags:
    about: tuple[str, ...]
    mentioned: tuple[str, ...]
    scores: dict[str, float]


# words that end with a place's first character (舞台中央 is no 台中, 天山西部 no 山西) or
# start with a compound's short form (深入港口 is no 入港)
_WORD_BEFORE = {"舞台", "平台", "出台", "讲台", "电台", "站台", "阳台", "前台", "后台", "擂台",
                "柜台", "空港", "海港", "渔港", "军港", "商港", "天山", "中山", "江山", "泰山",
                "华山", "黄山", "高山", "深山", "大山", "火山", "矿山", "青山", "金山", "钟山",
                "庐山", "阴山", "燕山", "仑山", "行山", "连山", "肯定", "雅鲁"}
_WORD_AFTER = {"港口", "港区", "港湾", "港航", "港务", "台风", "台阶", "台账", "台上", "台下"}


_IDIOMS = {"长治久安"}
# a place name that names a street or road elsewhere (北京路 in Guangzhou, 长安街)
_NAMED_AFTER = ("路", "街", "大道", "大街")


def _in_word(text: str, start: int, end: int) -> bool:
    """A match that is part of a longer word: 舞台中央, 深入港口, 天山西部, 中山城区,
    肯定西藏, 雅鲁藏布江, 长治久安, 北京路."""
    return (start > 0 and text[start - 1:start + 1] in _WORD_BEFORE) \
        or text[end - 1:end + 1] in _WORD_AFTER or text[start:start + 4] in _IDIOMS \
        or text.startswith(_NAMED_AFTER, end)


Hit = tuple[Place, bool, bool, int]  # place, in an organisation's name, leader flag, start


def _zh_hits(gaz: Gazetteer, text: str) -> list[Hit]:
    """(place, in_org, leader, start) for each Chinese match. The gazetteer's matches,
    except a two-character compound that took the first character of a longer place
    (在台江县 is 台江县, not 在台; 在陕西宁陕县 is 陕西): the place is read from the
    compound's second character instead. (One loop, no generators: it runs per match.)"""
    out: list[Hit] = []
    skip = 0
    for place, start, end in gaz.find_zh(text):
        if start < skip or _in_word(text, start, end):
            continue
        if place.kind == "compound" and end - start == 2:
            for size in (4, 3, 2):
                longer = gaz.zh.get(text[start + 1:start + 1 + size])
                if longer is not None and longer.kind != "compound":
                    place, start, end = longer, start + 1, start + 1 + size
                    skip = end
                    break
        if place.text == "东北" and text[end:end + 1] in "亚部方风角侧向":
            continue
        after = text[end:end + 8]
        org = _ZH_ORG.match(after)
        in_org = org is not None and not _ZH_FUNCTION.search(org.group(0)) \
            and place.kind != "compound" and not _DELIBERATION.match(text, end) \
            or text[max(0, start - 3):start].endswith(_NATIONAL_BODY)
        if place.kind == "grouping":
            # the leader flag of a grouping says whether it is named as a subject
            out.append((place, in_org, bool(_GROUPING_SUBJECT.match(text, end)), start))
        else:
            out.append((place, in_org, bool(_ZH_LEADER.match(after)), start))
    return out


def _en_hits(gaz: Gazetteer, text: str) -> list[Hit]:
    out: list[Hit] = []
    for place, start, size in gaz.en.find(words(text)):
        end_region = text[start:start + 80]
        name_len = len(" ".join(end_region.split()[:size]))
        after = text[start + name_len:start + name_len + 30]
        in_org = bool(_EN_ORG.match(after))
        leader = bool(_EN_LEADER_AFTER.match(after)) or bool(
            _EN_LEADER.search(text[max(0, start - 40):start]))
        out.append((place, in_org, leader, start))
    return out


def hits(gaz: Gazetteer, text: str) -> list[Hit]:
    return _zh_hits(gaz, text) + _en_hits(gaz, text)


Mask = tuple[int, int, frozenset[str]]  # an organisation's name: start, end, own provinces


def masked(found: list[Hit], masks: Sequence[Mask]) -> list[Hit]:
    """Rule 1 for known organisations: a place inside a mask keeps only the mask's own
    provinces, as a mention."""
    if not masks:
        return found
    out: list[Hit] = []
    for place, in_org, leader, start in found:
        mask = next((m for m in masks if m[0] <= start < m[1]), None)
        if mask is None:
            out.append((place, in_org, leader, start))
        elif own := tuple(p for p in place.provinces if p in mask[2]):
            out.append((Place(own, place.kind, place.text), True, False, start))
    return out


_SHAANXI_ONLY = ("Xi'an", "Xian", "Baoji", "Yan'an", "Xianyang", "Weinan", "Hanzhong", "Yulin",
                 "Shaanxi", "西安", "宝鸡", "延安", "陕西")
_SHANXI_ONLY = ("Taiyuan", "Datong", "Changzhi", "Jinzhong", "Linfen", "山西", "太原", "大同")


def _fix_shanxi(place: Place, whole: str) -> Place:
    """English press spells Shaanxi "Shanxi" too: read it by the cities around it."""
    if place.text == "Shanxi" and any(c in whole for c in _SHAANXI_ONLY) and not any(
            c in whole for c in _SHANXI_ONLY):
        return Place(("shaanxi",), place.kind, place.text)
    return place


def tag_provinces(gaz: Gazetteer, title: str, text: str, lead_end: int,
                  source_province: str | None,
                  masks: tuple[Sequence[Mask], Sequence[Mask]] = ((), ())) -> ProvinceTags:
    """``text[:lead_end]`` is the lead; the text is scanned once; ``masks`` are the
    (title, text) organisation names."""
    whole = title + "\n" + text
    lead = text[:lead_end]
    score: dict[str, float] = defaultdict(float)
    mentioned: set[str] = set()
    counts: Counter[str] = Counter()
    title_hits = masked(hits(gaz, title), masks[0])
    text_hits = _supported(title_hits, masked(hits(gaz, text), masks[1]))

    def scan(found, points: float, grouping_points: float) -> set[str]:
        seen: set[str] = set()
        for place, in_org, subject, _ in found:
            place = _fix_shanxi(place, whole)
            mentioned.update(place.provinces)
            if in_org or place.kind == "counterpart" or (
                    place.kind == "compound" and place.text.startswith(_VENUE)
                    or place.text in _CAPITAL_VENUE):
                continue
            gain = points if place.kind != "grouping" else (
                points if subject and grouping_points else grouping_points)
            for p in set(place.provinces) - seen:
                score[p] += gain
                seen.add(p)
        return seen

    dateline = _EN_DATELINE.match(text) or _ZH_DATELINE.match(text)
    dateline_end = dateline.end() if dateline else 0
    scan(title_hits, 5, 3)
    venues = [m.span(1) for m in _NATIONAL_VENUE.finditer(lead)] if _NATIONAL.search(lead) else []
    lead_places = scan((h for h in text_hits if dateline_end <= h[3] < lead_end
                        and not any(a <= h[3] < b for a, b in venues)), 2, 0)
    led: set[str] = set()
    for place, in_org, leader, _ in text_hits:
        place = _fix_shanxi(place, whole)
        mentioned.update(place.provinces)
        if not in_org and place.kind != "grouping":  # (a grouping's flag is not a leader)
            for p in place.provinces:  # (Counter.update costs more per call)
                counts[p] += 1
            if leader:
                led.update(place.provinces)
    for p in led:
        score[p] += 3
    for p, n in counts.items():
        score[p] += min(3.0, 0.5 * max(0, n - 1))
    if dateline:
        for place, _, _, _ in hits(gaz, dateline.group(1)):
            mentioned.update(place.provinces)
            for p in place.provinces:
                score[p] += 2
    pattern, where = landmarks()
    mentioned.update(where[m.group()] for m in pattern.finditer(whole))
    own = source_province if source_province and source_province != "national" else None
    if own:
        # each part searched once, the shortest first (a match never spans the newline)
        in_title = bool(_SELF.search(title))
        in_lead = bool(_SELF.search(lead))
        if in_title or in_lead or _SELF.search(text, lead_end - 20 if lead_end > 20 else 0):
            mentioned.add(own)
            score[own] += 5 if in_title else 3 if in_lead else 1
            if in_lead:
                lead_places.add(own)
    best = max(score.values(), default=0.0)
    about = {p for p, s in score.items() if s >= 5 and s >= 0.4 * best}
    if not about and best >= 2.5:
        # a title that names no place (a leader's name, 自治区召开…): the place that leads
        # the first paragraph carries the article
        about = {p for p in lead_places if score[p] == best}
    mentioned |= about
    return ProvinceTags(tuple(sorted(about)), tuple(sorted(mentioned)),
                        {p: round(s, 2) for p, s in score.items()})
