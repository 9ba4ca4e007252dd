"""The one event kind of an article, from its title, then its lead paragraph.

Rule order (first that fires wins), applied to the title and, when the title decides
nothing, to the lead paragraph:
1. leader_meeting: 会见/会谈/接见, or 座谈 with a visiting delegation (一行); met/meets/held talks
2. signing: 签约/签署/签订/合作协议; signs/signed/inks/agreement
3. policy_document: 印发/出台/发布 + 方案/意见/措施/规划/条例/办法/通知, 行动方案, 实施意见;
   action plan, guideline(s), regulation(s), unveils/releases/issues … plan/measures
4. inspection: 调研/考察/视察/检查/走访; inspects, inspection, visits, tours
5. work_conference: 会议/大会/常务会/常委会/推进会/动员会/座谈会/两会/工作报告/开幕;
   conference, meeting, session, congress, forum … plenary, work report
6. statistics: 同比/增长X%/GDP/统计/数据显示/产值/产量; year on year, percent, GDP, output, grew
7. other
"""

from __future__ import annotations

import re

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("leader_meeting", re.compile(
        r"会见|会谈|接见|见面|座谈.*一行|一行.*座谈|\bmeets\b|\bmet\b|held talks|\btalks with\b",
        re.I)),
    ("signing", re.compile(
        r"签约|签署|签订|合作协议|合作备忘录|\bsigns?\b|\bsigned\b|\binks\b|\bagreements?\b|"
        r"\bdeals?\b|\bMoU\b", re.I)),
    ("policy_document", re.compile(
        r"印发|出台|行动方案|实施方案|实施意见|指导意见|若干措施|若干政策|工作方案|发展规划|管理办法|"
        r"条例|(?:发布|公布).{0,12}(?:方案|意见|措施|规划|政策|办法|通知)|关于.{2,40}的通知|"
        r"action plan|guidelines?|regulations?|\bpolicy\b|policies|implementation opinions?|"
        r"implementation plan|\bissued\b.{0,40}\b(?:opinions|notice|plan|measures)\b|"
        r"(?:unveils?|releases?|issues?|rolls? out|sets? out|launche?s?).{0,40}"
        r"(?:plan|measures|rules|guideline|policy|policies|scheme|vouchers)", re.I)),
    ("inspection", re.compile(
        r"调研|考察|视察|检查|走访|督导|\binspects?\b|inspection|\bvisits?\b|\btours?\b|"
        r"\binvestigated\b|\bsurveyed\b|research(?:ed)? in\b", re.I)),
    ("work_conference", re.compile(
        r"会议|大会|常务会|常委会|推进会|动员会|座谈会|两会|工作报告|开幕|闭幕|第一会|全会|"
        r"conference|meeting|\bsession\b|congress|plenary|work report|\bforum\b", re.I)),
    ("statistics", re.compile(
        r"同比|增长\s*\d|增速|\d+(?:\.\d+)?\s*%|GDP|统计|数据显示|产值|产量|总值|"
        r"year[- ]on[- ]year|\bpercent\b|output|\bgrew\b|\brose\b|\bjumps?\b|statistics|"
        r"\bdata\b|增长|\bgrowth\b|\bsteadies\b|\bslows?\b|\bclimbs?\b", re.I)),
)


def tag_event(title: str, lead: str) -> str:
    for part in (title, lead):
        for kind, pattern in _RULES:
            if pattern.search(part):
                return kind
    return "other"
