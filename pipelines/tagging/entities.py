"""People and organisations, kept as written.

Rules: a Chinese name is 2–3 characters right after an official or business title
(省委书记王晓晖, 董事长王传福) or right before 一行 / 主持 / 会见; an English name is two or
three capitalised words after a title (Governor Wang Kai, Chairman Wang Chuanfu), with a
Chinese form in brackets kept (Wang Xingxing (王兴兴)). Organisations are Chinese names
ending in a company/university/institute suffix, and English capitalised names ending in
Group, Co., Ltd., University, Institute, Bank, Holdings, Technologies or Motors.
"""

from __future__ import annotations

import re

_ZH_TITLE = (r"(?:省委书记|省长|代省长|副省长|市委书记|市长|副市长|区委书记|主席|党委书记|书记|"
             r"董事长|总经理|总裁|首席执行官|创始人|院长|校长|部长|局长|主任|行政长官)")
_ZH_PERSON = re.compile(_ZH_TITLE + r"([\u4e00-\u9fff]{2,3}?)(?=[，,、。；\s一在主会与和表指强])")
_ZH_BEFORE = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,3})(?=一行|主持召开|主持|会见)")
_EN_TITLE = (r"(?:Governor|Party Secretary|Party chief|Mayor|Chairman|Chairwoman|President|"
             r"CEO|Founder|founder|chairman|Vice Governor|Secretary|Premier|Minister)")
_EN_PERSON = re.compile(_EN_TITLE + r"\s+((?:[A-Z][a-z]+)(?:\s[A-Z][a-z]+){1,2})"
                        r"(\s\([\u4e00-\u9fff]{2,4}\))?")
_ZH_ORG_END = re.compile(r"股份有限公司|有限公司|集团|大学|研究院|研究所|实验室|银行|公司")
# an organisation's name runs left from its suffix to the first verb, preposition or mark
_ZH_BOUNDARY = set("与和同在及为是对向由从的了、，。；：“”《》（）()见访赴到于将并等率任")
_EN_ORG_END = re.compile(r"\b(?:Group|Co\.|Ltd\.?|University|Institute|Bank|Holdings|"
                         r"Technologies|Technology|Motors|Corp\.?|Corporation|Inc\.?)")
_EN_NAME_WORD = re.compile(r"(?:[A-Z][A-Za-z&\-]+\s){1,6}$")
_NOT_PERSON = set("我省我市全省本市记者通讯员同志")
_NOT_FIRST = set("在于到赴对与和同及等就向从为主会表指强出一带率")
_ORG_STARTS = re.compile(r"^(?:与|和|同|在|对|是|为|向|将|并|及|等|了|的|由|从|省|市)+")


def people(text: str) -> list[str]:
    found: dict[str, None] = {}
    for m in _ZH_PERSON.finditer(text):
        name = m.group(1)
        if not (set(name) & _NOT_PERSON) and name[0] not in _NOT_FIRST:
            found[name] = None
    for m in _ZH_BEFORE.finditer(text):
        if m.group(1)[0] not in _NOT_FIRST:
            found.setdefault(m.group(1), None)
    for m in _EN_PERSON.finditer(text):
        found[m.group(1) + (m.group(2) or "")] = None
    return list(found)


def orgs(text: str) -> list[str]:
    found: dict[str, None] = {}
    for m in _ZH_ORG_END.finditer(text):
        start = m.start()
        while start > 0 and m.end() - start < 16 and "\u4e00" <= text[start - 1] <= "\u9fff" \
                and text[start - 1] not in _ZH_BOUNDARY:
            start -= 1
        name = _ORG_STARTS.sub("", text[start:m.end()])
        if len(name) >= 4:
            found[name] = None
    for m in _EN_ORG_END.finditer(text):
        # the capitalised words just before the suffix name the organisation
        words = _EN_NAME_WORD.search(text, max(0, m.start() - 60), m.start())
        if words:
            found[(words.group() + m.group()).strip()] = None
    return list(found)
