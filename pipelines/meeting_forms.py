"""Forms of meeting reports beyond "HOST 会见 GUESTS" (rules 8–12 of pipelines/meetings.py),
each a family of portal or wire language found in held-out stories:

8. A guest list that runs on past a comma: 会见鹏城实验室主任高文，香港科技大学校董会主席
   沈向洋一行并见证签约. A following clause is more guests when every item in it names a
   person with a title, and it says nothing else (no 表示, 介绍, 参加…).
9. The guest as subject: 北京大学党委书记郝平一行拜会省委书记蓝佛安，省委副书记、省长金湘军.
   After 拜会, clauses that are wholly a host title and name are the hosts; the words
   before the verb are the guests.
10. A forum (主持召开…座谈会): the guests are the organisations 与 … (等)(企业)负责人 …
    交流/座谈 names in the clauses after it.
11. A guest named without an organisation (冯飞会见了李书福一行) takes the organisation the
    story gives that name with a title (吉利控股集团董事长李书福见证签约).
12. English wires: "Liu Ning, Party secretary of ... Province, met with ..." (the name
    before the title), and a weekday ("on Tuesday") as the latest such day on or before
    publication; "on Feb. 25" / "on February 25" as that day.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from provwatch.pipelines.meeting_guests import (
    HONOURS,
    TITLE,
    TITLE_FIRST,
    TITLE_WORDS,
    Guest,
    guest_list,
)

__all__ = ["en_day", "forum_guests", "more_guests", "with_known_orgs"]

_CLAUSES = re.compile(r"[，,；;。]")
_TITLED = re.compile(r"[^，,；;。、\s]{2,40}?(?:" + TITLE + r")$")  # ORG TITLE before a name
_TITLE_WHOLE = re.compile(TITLE)
_NOT_IN_ORG = frozenset("，,；;。、")  # and blanks (\s): what _TITLED's organisation excludes
# a guest's title holds one of these (a TITLE match ends in a title word; an honour is one)
_A_TITLE = re.compile(TITLE_WORDS + "|" + HONOURS)
_SAYS = re.compile(r"表示|介绍|指出|强调|说|参加|出席|陪同|双方|就|围绕|希望|欢迎|对")
_FORUM_WITH = re.compile(r"与(.{2,120}?)(?:等)?(?:企业|公司|单位|机构|高校)?(?:的)?(?:主要)?"
                         r"(?:负责人|代表|企业家|董事长)[^，,；;。]{0,12}?(?:交流|座谈|对话|恳谈)")
_AND_THEN = re.compile(r"并[\u4e00-\u9fff]{1,8}$")
_WEEKDAYS = {"Monday": 0, "Tuesday": 1, "Wednesday": 2, "Thursday": 3, "Friday": 4,
             "Saturday": 5, "Sunday": 6}
_MONTHS = {m: n for n, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                                         "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
_EN_DAY = re.compile(r"\bon (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|"
                     r"\bon (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? "
                     r"(\d{1,2})\b")


def more_guests(rest: str) -> list[Guest]:
    """Rule 8: the guests of the clauses in ``rest`` (the sentence after the first clause
    of guests), up to the first clause that is not wholly guests."""
    out: list[Guest] = []
    for clause in _CLAUSES.split(rest):
        clause = clause.strip()
        if not clause or _SAYS.search(_AND_THEN.sub("", clause)):
            break
        if not _A_TITLE.search(clause):  # no guest read from it could have a title
            break
        found = guest_list(clause)
        if not found or not all(g.name and g.title for g in found):
            break
        out += found
    return out


def forum_guests(rest: str) -> list[Guest]:
    """Rule 10: the organisations a forum's clauses name as met (与A、B等企业负责人交流)."""
    m = _FORUM_WITH.search(rest)
    return guest_list(m.group(1)) if m else []


def with_known_orgs(guests: list[Guest], story: str) -> list[Guest]:
    """Rule 11: each guest named without an organisation takes the one the story gives
    that name with a title (ORG TITLE NAME), when it gives one."""
    out = []
    for g in guests:
        if g.name and not g.org and story.count(g.name) > 1:
            at = story.find(g.name)
            while at >= 0:
                titled = _titled(story, at)
                found = [x for x in guest_list(titled + g.name)
                         if x.org and x.name == g.name] if titled else []
                if found:
                    g = found[0]
                    break
                at = story.find(g.name, at + 1)
        out.append(g)
    return out


def _titled(story: str, at: int) -> str:
    """What ``_TITLED.search(story, max(0, at - 60), at)`` matches ("" for nothing), found
    from the ends instead of trying the lazy pattern at every start: the title must end
    where ``$`` does (``at``, or before a line end there) and start at one of its first
    words; the match starts at the leftmost character from which 2 to 40 characters
    with no stop or blank lead to such a title."""
    lo = max(0, at - 60)
    end = at - 1 if story[at - 1:at] == "\n" else at
    best = -1
    j = lo + 2
    while (first := TITLE_FIRST.search(story, j, end)) is not None:
        j = first.start()
        if _TITLE_WHOLE.fullmatch(story, j, end):
            s, limit = j, max(lo, j - 40)
            while s > limit and story[s - 1] not in _NOT_IN_ORG and not story[s - 1].isspace():
                s -= 1
            if j - s >= 2 and (best < 0 or s < best):
                best = s
        j += 1
    return story[best:end] if best >= 0 else ""


def en_day(sentence: str, published: date | None) -> date | None:
    """Rule 12's day: a weekday or a month and day in the sentence, never after
    publication; None when it names neither."""
    m = _EN_DAY.search(sentence)
    if not m or published is None:
        return None
    if m.group(1):
        return published - timedelta(days=(published.weekday() - _WEEKDAYS[m.group(1)]) % 7)
    try:
        day = date(published.year, _MONTHS[m.group(2)], int(m.group(3)))
    except ValueError:
        return None
    return day if day <= published else date(day.year - 1, day.month, day.day)
