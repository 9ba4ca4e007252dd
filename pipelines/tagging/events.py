"""The one event kind of an article, from its title, then its lead paragraph.

Cues are families (data/events.yaml): a verb group, a noun group or verb × noun, in Chinese
and English, each compiled to one pattern per language. A bracketed column name
(【一线调研】) is read by rule 1 only; a press conference (新闻发布会, 吹风会) is neither a
release nor a meeting and is blanked first. The title is read first; the lead paragraph
only when the title fires no family. Within one part the first family that fires wins:

1. feature → other (title only): interview, reaction piece, press tour, reporter's column
   (权威访谈, 引发热烈反响, 调研行); the story is the reporting.
2. care_visit → other: 慰问/看望 visits are not inspections.
3. personnel: 任命, 免去, 当选, 不再担任, 职务调整, 开除党籍, (同志)任…书记; appointed,
   elected, removed. Before everything else: an appointment named next to a meeting or a
   document (会议决定任命…) is still the news.
4. leader_meeting: 会见/会谈/接见/拜会, 座谈 with a visiting delegation (一行); meets, met,
   held talks.
5. work_conference, review: a meeting that 审议/研究部署 a document (政治局召开会议 审议《…意见》)
   is the meeting; the document is not yet released.
6. policy_document, released: release verb × document noun (印发/出台/发布/公布/征求意见 ×
   方案/意见/办法/规划/指南/清单/政策/细则/通知), a document's title form (关于…的通知/批复),
   征求意见. Before signing and project: 家庭医生签约服务 or 项目开工 inside a notice's name
   belong to the document.
7. signing: 签约/签署/签订/合作协议; signs, inks, agreement. Before project: 签约落户 is a
   contract signed; 落户/开工 alone is the project.
8. project: 开工, 竣工, 全面建成, 投产, 并网, 投运, 商运, 落户, 项目落地; breaks ground,
   starts production, grid-connected. Before meeting: 出席开工仪式 is the project.
9. work_conference: meeting nouns (会议, 大会, 座谈会, 论坛, 两会, 第一会, 工作报告); conference,
   session, forum. Before a named document and before inspection (考察并主持召开座谈会 is
   the meeting).
10. policy_document, named: a document without a release verb (实施办法, 行动方案, N条措施,
    新规, 补贴, 最高可获…支持, 申报, 指南); guideline, regulation, subsidies. Before
    statistics: a subsidy's percentage is a term, not a figure.
11. inspection: 调研/考察/视察/检查/走访; inspects, visits, tours.
12. statistics: data verbs, data nouns, figures (同比, 增长5%, 装机规模, 均价, 出清, GDP); year on
    year, percent, grew.
13. other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"
# (family, event kind) in precedence order; see the module docstring
ORDER: tuple[tuple[str, str], ...] = (
    ("feature", "other"), ("care_visit", "other"), ("personnel", "personnel"),
    ("leader_meeting", "leader_meeting"), ("review", "work_conference"),
    ("policy_release", "policy_document"),
    ("signing", "signing"), ("project", "project"), ("meeting", "work_conference"),
    ("policy_named", "policy_document"), ("inspection", "inspection"),
    ("statistics", "statistics"),
)
TITLE_ONLY = frozenset({"feature"})
_COLUMN = re.compile(r"【[^】]{0,30}】")
# a press conference (发布会/吹风会) is neither a release nor a meeting by itself
_PRESS = re.compile(r"新闻发布会|发布会|吹风会|press conference", re.I)


Pattern = re.Pattern[str] | None
_LATIN = re.compile(r"[A-Za-z]{2}")


def _folded(cue: str) -> str:
    """A cue's letters in lower case, its escapes (\\b, \\S) as written."""
    return re.sub(r"\\.|[A-Z]", lambda m: m.group() if m.group()[0] == "\\" else m.group().lower(),
                  cue)


def compile_family(cues: dict[str, list[str]]) -> tuple[Pattern, Pattern]:
    """One pattern for the Chinese cues, one for the English (whole words, any case: the
    English pattern is folded to lower case and searched in lower-cased text, two to three
    times faster than ignoring case while matching)."""
    zh, en = cues.get("zh", []), cues.get("en", [])
    return (re.compile("|".join(f"(?:{c})" for c in zh)) if zh else None,
            re.compile(r"\b(?:" + "|".join(f"(?:{_folded(c)})" for c in en) + r")\b")
            if en else None)


@lru_cache(maxsize=1)
def families() -> tuple[tuple[str, str, Pattern, Pattern], ...]:
    data = yaml.safe_load((DATA / "events.yaml").read_text(encoding="utf-8"))
    return tuple((name, kind, *compile_family(data[name])) for name, kind in ORDER)


def fired(part: str, *, title: bool = True) -> Iterator[tuple[str, str]]:
    """(family, kind) for each family that fires in ``part``, in precedence order (lazily)."""
    plain = _PRESS.sub("　", _COLUMN.sub("　", part))
    latin = _LATIN.search(part) is not None  # English cues only where there are words
    folded = {part: part.lower(), plain: plain.lower()} if latin else {}
    for name, kind, zh, en in families():
        if name in TITLE_ONLY:
            text = part if title else ""
        else:
            text = plain
        if text and (zh and zh.search(text) or latin and en and en.search(folded[text])):
            yield name, kind


def tag_event(title: str, lead: str) -> str:
    for part, is_title in ((title, True), (lead, False)):
        for _, kind in fired(part, title=is_title):
            return kind
    return "other"
