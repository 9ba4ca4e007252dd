"""Guests of a meeting: a guest list split into people, titles and organisations, and each
organisation's kind and id from the knowledge base (pipelines/tagging/orgs.py).

Rules, in order:
1. The list is what follows the verb up to the clause's end (，。；). A leading
   relative clause (来华出席…的, 新当选并获任命的) is cut at its 的; 由X率领的Y makes X the
   guest. Items are split at 、, 以及, 及, 和, 与, 同 where both sides hold two or more characters.
2. Each item is ORG TITLE NAME [一行|等]: the title is the first title word (董事长,
   董事会主席, 总裁, 首席执行官, 总经理, 创始人, 校长, 院长, 会长, 总统, 总理, 州长, 市长…;
   副/常务副/执行 before it and 兼 chains kept in the title) followed by a name of at most
   ten characters; an item ending in its title names the post, not the person
   (比亚迪股份有限公司董事长一行: organisation and title, no name); without a title the item
   is an organisation when it carries one of the knowledge base's names or an
   organisation suffix, otherwise a name (2–4 characters) unless it is a word for the
   visitors that names no one (客人, 外宾, 嘉宾, 客商…). An item that names a post and no
   person, followed by one that names a person (宇树科技创始人、首席执行官王兴兴;
   鹏城实验室主任、中国工程院院士高文), is one guest: the first item's organisation, both
   titles, the second's name (an honour such as 院士 or 教授 before it counts as a title).
   Words after the list that are no guest (一行并见证签约) are cut at 并.
3. Kind: the knowledge base's kind when the organisation carries one of its names; a
   country, a foreign state or city, or a head of state or government's title makes a
   foreign government; then by suffix: 大学/学院 university, 研究院/研究所/科学院 research
   institute, 银行/证券/保险/基金/资本 financial institution, 商会/协会/联合会/峰会 association,
   特别行政区/联合国/论坛 other; a company (集团, 公司) is a foreign company after a
   country's name, a local SOE after a province's or city's, a central SOE after 中国,
   otherwise a private company.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from provwatch.pipelines.rescan import finditer_from
from provwatch.pipelines.tagging import orgs as kb

COUNTRY_EN = {zh: en.replace("_", " ") for zh, en in (pair.split("=") for pair in (
    "美国=United_States 英国=United_Kingdom 法国=France 德国=Germany 意大利=Italy "
    "西班牙=Spain 葡萄牙=Portugal 荷兰=Netherlands 比利时=Belgium 瑞士=Switzerland "
    "瑞典=Sweden 挪威=Norway 丹麦=Denmark 芬兰=Finland 冰岛=Iceland 奥地利=Austria "
    "爱尔兰=Ireland 波兰=Poland 捷克=Czechia 匈牙利=Hungary 希腊=Greece 塞尔维亚=Serbia "
    "俄罗斯=Russia 乌克兰=Ukraine 白俄罗斯=Belarus 土耳其=Türkiye 日本=Japan 韩国=South_Korea "
    "朝鲜=North_Korea 蒙古国=Mongolia 蒙古=Mongolia 新加坡=Singapore 马来西亚=Malaysia "
    "印度尼西亚=Indonesia 印尼=Indonesia 泰国=Thailand 越南=Vietnam 老挝=Laos "
    "柬埔寨=Cambodia 缅甸=Myanmar 菲律宾=Philippines 文莱=Brunei 印度=India "
    "巴基斯坦=Pakistan 孟加拉国=Bangladesh 斯里兰卡=Sri_Lanka 尼泊尔=Nepal "
    "哈萨克斯坦=Kazakhstan 乌兹别克斯坦=Uzbekistan 吉尔吉斯斯坦=Kyrgyzstan "
    "塔吉克斯坦=Tajikistan 土库曼斯坦=Turkmenistan 阿富汗=Afghanistan 伊朗=Iran "
    "伊拉克=Iraq 沙特阿拉伯=Saudi_Arabia 沙特=Saudi_Arabia 阿联酋=UAE 卡塔尔=Qatar "
    "科威特=Kuwait 以色列=Israel 埃及=Egypt 南非=South_Africa 尼日利亚=Nigeria "
    "肯尼亚=Kenya 埃塞俄比亚=Ethiopia 阿尔及利亚=Algeria 摩洛哥=Morocco 加拿大=Canada "
    "墨西哥=Mexico 巴西=Brazil 阿根廷=Argentina 智利=Chile 秘鲁=Peru 哥伦比亚=Colombia "
    "古巴=Cuba 委内瑞拉=Venezuela 澳大利亚=Australia 新西兰=New_Zealand 斐济=Fiji "
    "欧盟=EU").split())}
COUNTRIES = tuple(sorted(COUNTRY_EN, key=len, reverse=True))
_BY_FIRST: dict[str, tuple[str, ...]] = {}  # COUNTRIES by their first character, in order
for _c in COUNTRIES:
    _BY_FIRST[_c[0]] = (*_BY_FIRST.get(_c[0], ()), _c)


def _country(org: str) -> str:
    """The longest of COUNTRIES that ``org`` starts with, "" when none: the few that share
    its first character are tried."""
    for c in _BY_FIRST.get(org[:1], ()):
        if org.startswith(c):
            return c
    return ""


_GOV_TITLE = re.compile(r"总统|总理|首相|国王|王储|议长|州长|省长|市长|部长|外长|大使|首席部长")
_TITLE_PREFIXES = "副|常务副|执行|资深|名誉|荣誉|联席|轮值|全球|中国区|大中华区"
TITLE_WORDS = ("董事会主席|管理董事会主席|监事会主席|董事长|执行董事|主席|总裁|行政总裁|"
                "首席执行官|首席运营官|首席技术官|总经理|创始人|合伙人|会长|理事长|秘书长|校长|"
                "院长|所长|党委书记|行长|执行主任|负责人|行政长官|总统|总理|首相|国王|王储|议长|"
                "州长|省长|市长|部长|外长|大使|首席部长|主任|CEO")
TITLE = (r"(?:(?:候任|新任|第[一二三四五六七八九十]+任)?"
         r"(?:" + _TITLE_PREFIXES + r")?"
         r"(?:" + TITLE_WORDS + r")"
         r"(?:兼)?)+")
# the words a TITLE match can start with: the search for one (no literal leads TITLE, so
# the engine tries it at every character) is tried only where one of them is (_guest)
TITLE_FIRST = re.compile("候任|新任|第|" + _TITLE_PREFIXES + "|" + TITLE_WORDS)
_TITLE_NAME = re.compile(r"(" + TITLE + r")([\u4e00-\u9fff·]{2,10}?|[A-Z][A-Za-z .\-]{1,40}?)"
                         r"(?=一行|等|$)")
_ORG_SUFFIX = re.compile(r"(?:集团|公司|企业|大学|学院|研究院|研究所|科学院|实验室|银行|证券|保险|"
                         r"基金|资本|商会|协会|联合会|峰会|论坛|特别行政区|政府|委员会|中心|联合国|"
                         r"署|州|市|省)")
_ORG_END = re.compile(_ORG_SUFFIX.pattern + "$")
_TAIL_WORDS = ("一行", "等人", "等", "代表团", "访华团", "访问团", "考察团", "代表", "负责人",
               "有关负责人", "一行人")
_TAIL = re.compile("(?:" + "|".join(_TAIL_WORDS) + ")+$")
_RELATIVE = re.compile(r"^[^、]*?(?:来|出席|参加|访问|当选|任命|述职|应邀|率领|前来|专程|"
                       r"抵|到|赴)[^、]*?的")
_FOREIGN = re.compile(r"来华|访华|跨国公司|外资企业|外国")
_LED = re.compile(r"^由?(.+?)(?:率领|带领)的(.*)$")
_SPLIT = re.compile(r"、|以及|及|和|与|同")
_FINANCE = re.compile(r"银行|证券|保险|基金|资本|投资公司|资产管理|信托|人寿")
_ASSOC = re.compile(r"商会|协会|联合会|峰会|促进会|理事会")
_OTHER = re.compile(r"特别行政区|联合国|论坛|组织|署$")
_PROVINCE_WORDS = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}(?:省|市|自治区))")
_TITLE_RE = re.compile(TITLE)
_GOVERNMENT_END = re.compile(r"(?:州|市|省|政府)$")
_UNIVERSITY = re.compile(r"大学|学院")
_INSTITUTE = re.compile(r"研究院|研究所|科学院|实验室")
_GROUP = re.compile(r"集团|总公司")
# any word of _OTHER, _UNIVERSITY, _INSTITUTE, _FINANCE or _ASSOC (a name with none, most
# companies, is told by one search)
_KINDS = re.compile("|".join(p.pattern for p in (_OTHER, _UNIVERSITY, _INSTITUTE, _FINANCE,
                                                  _ASSOC)))
_BUSINESS = re.compile(r"集团|公司|企业|科技|汽车|控股|股份")


@dataclass(frozen=True)
class Guest:
    name: str  # as written; "" when the report names only the organisation
    title: str  # as written, "" when none
    org: str  # as written, "" when none
    org_kind: str  # orgs.KINDS or foreign_government; "" when there is no organisation
    org_id: str | None = None  # the knowledge base's id
    org_en: str = ""  # the knowledge base's English name
    sectors: tuple[str, ...] = ()  # the knowledge base's sectors of the organisation


def _untailed(item: str) -> str:
    """``_TAIL.sub("", item)``, tried only where the item ends with one of its words (or a
    line end, where ``$`` also matches): the pattern has no literal to skip to."""
    return _TAIL.sub("", item) if item.endswith(_TAIL_WORDS) or item.endswith("\n") else item


def guest_list(part: str) -> list[Guest]:
    """Rule 1–2: the guests written in ``part`` (the words after the verb)."""
    part = part.strip().removeprefix("了").strip()
    if "并" in part:  # the pattern has no literal to skip to: tried only where it can match
        part = _AND_THEN.sub("", part)
    foreign = bool(_FOREIGN.search(part))
    led = _LED.match(part) if "率领" in part or "带领" in part else None
    if led:
        part = led.group(1)
    rel = _RELATIVE.match(part) if "的" in part else None
    if rel and len(part) > rel.end():
        part = part[rel.end():]
    items: list[str] = []
    for piece in _split(part):
        piece = _untailed(_ETC.sub("", piece.strip()))
        if piece:
            items.append(piece)
    out = _one_person([(i, g) for i in items if (g := _guest(i, foreign) or _honoured(i))])
    if len(out) < 2:
        return out
    # 某公司董事长王某、总裁李某: an item without an organisation takes the previous one's
    for n, g in enumerate(out):
        if not g.org and g.title and n and out[n - 1].org:
            p = out[n - 1]
            out[n] = Guest(g.name, g.title, p.org, p.org_kind, p.org_id, p.org_en, p.sectors)
    return out


HONOURS = "院士|教授|研究员|博士"  # an honour before a name, taken as a title (_honoured)
_HONOUR = re.compile(r"(" + HONOURS + r")([\u4e00-\u9fff·]{2,4})$")
# 王某等企业负责人: the list ends at 等 before a word for the group
_ETC = re.compile(r"等[\u4e00-\u9fff]{0,10}?(?:负责人|代表|企业家|人士|嘉宾|客人|一行)$")
_AND_THEN = re.compile(r"(?:一行)?并[\u4e00-\u9fff]{1,8}$")


def _honoured(item: str) -> Guest | None:
    """中国工程院院士高文: a person named with an honour, the honour as title, no org."""
    honour = _HONOUR.search(item)
    return Guest(honour.group(2), honour.group(1), "", "") if honour else None


def _one_person(found: list[tuple[str, Guest]]) -> list[Guest]:
    """Rule 2's last sentence: a post without a person and the person after it are one."""
    if len(found) < 2:
        return [g for _item, g in found]
    out: list[Guest] = []
    n = 0
    while n < len(found):
        item, g = found[n]
        if g.title and not g.name and g.org and n + 1 < len(found):
            nxt_item, nxt = found[n + 1]
            honour = _HONOUR.search(nxt_item)
            name = nxt.name if nxt.name and nxt.title else (honour.group(2) if honour else "")
            if name and (not nxt.org or nxt.org == g.org or honour):
                if nxt.title and nxt.name:
                    title = nxt.title
                else:
                    assert honour is not None  # the name was read from it
                    title = honour.group(1)
                out.append(Guest(name, f"{g.title}、{title}", g.org, g.org_kind, g.org_id,
                                 g.org_en, g.sectors))
                n += 2
                continue
        out.append(g)
        n += 1
    return out


def _split(part: str) -> list[str]:
    """At 、 always; at 和, 及, 与, 同 only after a whole guest (a titled name, a known
    organisation or one ending in an organisation suffix): 诺和诺德, 怡和 stay whole."""
    pieces, at = [], 0
    for m in _SPLIT.finditer(part):
        left, right = part[at:m.start()], part[m.end():]
        if len(left.strip()) < 2 or len(right.strip()) < 2:
            continue
        if m.group() != "、" and not _whole(_untailed(left.strip()), right):
            continue
        pieces.append(left)
        at = m.end()
    pieces.append(part[at:])
    return pieces


@lru_cache(maxsize=4096)
def _whole(item: str, right: str) -> bool:
    """``item`` is a whole guest: a titled name, a known organisation or one with an
    organisation suffix at its end; a bare name only when a whole guest follows."""
    g = _guest(item)
    if g is None:
        return False
    if g.title or g.org_id or _ORG_END.search(item):
        return True
    nxt = _guest(_untailed(_SPLIT.split(right, maxsplit=1)[0].strip()))
    return bool(g.name and not g.org and nxt and (nxt.title or nxt.org))


@lru_cache(maxsize=4096)
def _guest(item: str, foreign: bool = False) -> Guest | None:
    # each TITLE match in turn, the pattern tried only where a word it can start with is
    for m in finditer_from(TITLE_FIRST, _TITLE_RE, item):
        at = m.end()
        rest = item[at:]
        if 2 <= len(rest) <= 10 or (rest[:1].isascii() and rest[:1].isupper()):
            org, title, name = item[:m.start()], m.group(), rest
            if not org:
                return Guest(name, title, "", "")
            return Guest(name, title, *_org(org, title, foreign))
        if not rest and m.start() and at == len(item):
            # 比亚迪股份有限公司董事长(一行): the report names the post, not the person
            return Guest("", m.group(), *_org(item[:m.start()], m.group(), foreign))
    if len(item) > 40:
        return None
    if kb.load().first(item) is not None or _ORG_END.search(item) or _country(item):
        return Guest("", "", *_org(item, "", foreign))
    if 2 <= len(item) <= 4 and item not in _NOBODY:
        return Guest(item, "", "", "")
    return None


# words for "the visitors" that name no one: 会见了客人一行, 会见了外宾
_NOBODY = frozenset({"客人", "外宾", "来宾", "嘉宾", "客商", "宾客", "贵宾", "一行", "代表",
                     "专家", "学者", "企业家", "客户", "朋友", "他们", "双方"})


def _org(org: str, title: str, foreign: bool = False
         ) -> tuple[str, str, str | None, str, tuple[str, ...]]:
    """(org, kind, id, English name, sectors) by rule 3; ``foreign``: the guests came from
    abroad (来华, 访华, 跨国公司), so a company of no known kind is a foreign one."""
    org = org.strip()
    base = kb.load()
    o = base.first(org)
    if o is not None:
        kind = o.kind
        if kind == "private_company" and _country(org):
            kind = "foreign_company"
        return org, kind, o.id, english(o), o.sectors
    kind = kind_of(org, title)
    if foreign and kind == "private_company":
        kind = "foreign_company"
    return org, kind, None, _country_en(org), ()


def _country_en(org: str) -> str:
    """A foreign organisation the knowledge base does not know, its country in English:
    老挝 → Laos, 德国巴伐利亚州 → Germany: 巴伐利亚州; "" when no country leads it."""
    country = _country(org)
    if not country:
        return ""
    rest = org[len(country):]
    return f"{COUNTRY_EN[country]}: {rest}" if rest else COUNTRY_EN[country]


def english(o: kb.Org) -> str:
    """The English name a reader knows: the shortest written in words (Siemens, Tesla),
    or an acronym that starts it (BYD for BYD Auto); "" when there is none."""
    found = _ENGLISH.get(o.id)
    if found is None or found[0] is not o:
        found = _ENGLISH[o.id] = (o, _english(o))
    return found[1]


_ENGLISH: dict[str, tuple[kb.Org, str]] = {}  # knowledge-base data: per organisation, once


def _english(o: kb.Org) -> str:
    names = [n for n in o.names if n.isascii()]
    words = sorted((n for n in names if not n.isupper()), key=len)
    if not words:
        return names[0] if names else ""
    short = next((n for n in names if n.isupper() and words[0].startswith(n + " ")), None)
    return short or words[0]


def kind_of(org: str, title: str) -> str:
    foreign = bool(_country(org))
    if foreign and (org in COUNTRY_EN or _GOV_TITLE.fullmatch(title.removeprefix("副"))
                    or _GOVERNMENT_END.search(org)):
        return "foreign_government"
    if _KINDS.search(org):  # one of the words below: the first kind in this order
        if _OTHER.search(org):
            return "other"
        if _UNIVERSITY.search(org):
            return "university"
        if _INSTITUTE.search(org):
            return "research_institute"
        if _FINANCE.search(org):
            return "financial_institution"
        if _ASSOC.search(org):
            return "industry_association"
    if foreign:
        return "foreign_company"
    if org.startswith("中国") or org.startswith("中"):
        return "soe_central" if _GROUP.search(org) else "other"
    if _PROVINCE_WORDS.match(org):
        return "soe_local"
    if _BUSINESS.search(org):
        return "private_company"
    return "other"
