"""Hosts of a meeting: who in a clause before the verb receives, and the roster post each
held on the meeting day (rules 2 and 3 of pipelines/meetings.py).

A roster's names are looked up through ``lookup(book)``, built once per roster object:
the bundled roster, or the caller's with applied roster changes merged over it
(crawler/roster/changes.py), so that a holder the news appointed resolves to the post.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from provwatch.crawler import roster, taxonomy

__all__ = ["CLAUSE_END", "Host", "Lookup", "hosts", "hosts_after", "lookup", "resolve"]

CLAUSE_END = re.compile(r"[，,；;。！？!?\n]")

_HOST_TITLE = (r"(?:(?:[\u4e00-\u9fff（）]{0,14}?(?:书记|主席|总理|省长|市长|主任|委员长|部长|"
               r"常委|州长|区长|县长|委员|领导|代表)、?)+)")
_NAME_NEXT = (r"(?=在|于|\d|、|，|和|与|同|及|分别|集体|亲切|共同|一起|会见|会谈|接见|拜会|座谈|"
              r"调研|考察|见面|到|赴|专程|当天|上午|下午|晚|日|$)")
# a name never starts with a venue or linking word: 省委书记在郑州会见 names no one
_HOST = re.compile(r"(" + _HOST_TITLE + r")((?![在于与同和及到赴对向])[\u4e00-\u9fff]{2,3}?)"
                   + _NAME_NEXT)
# a title with no name before the verb's venue or the verb: 河南省委书记在郑州会见
_TITLE_ONLY = re.compile(r"(" + _HOST_TITLE + r")"
                         r"(?=在|于|集体|亲切|会见|会谈|接见|拜会|座谈|调研|考察)")
_POST_WORDS = (("书记", "secretary"), ("省长", "governor"), ("自治区主席", "governor"),
               ("市长", "governor"))
_KICKER = re.compile(r"^.*?[：:]")  # 央视网消息（新闻联播）：
_BARE = re.compile(r"^([\u4e00-\u9fff]{2,3}?)(?:、([\u4e00-\u9fff]{2,3}?))*" + _NAME_NEXT)


@dataclass(frozen=True)
class Host:
    name: str
    title: str  # as written
    province: str | None = None  # from the roster, when the name held a post on the day
    level: str | None = None  # province | capital
    city: str | None = None
    post: str | None = None  # secretary | governor | mayor
    pinyin: str = ""


@dataclass(frozen=True)
class Lookup:
    """A roster's names for host resolution: its entries by every name they go by
    (Chinese, pinyin, aliases, as written) and one alternation of its Chinese names."""

    book: roster.Roster
    index: dict[str, tuple[roster.Entry, ...]]
    names: re.Pattern


_LOOKUPS: list[Lookup] = []  # the last few rosters' lookups, newest first


def lookup(book: roster.Roster | None) -> Lookup:
    """The lookup of ``book`` (the bundled roster when None), built once per roster."""
    book = book if book is not None else roster.load()
    for found in _LOOKUPS:
        if found.book is book:
            return found
    index: dict[str, list[roster.Entry]] = {}
    for e in book.entries:
        for name in {e.name_zh, e.pinyin, *e.aliases} - {""}:
            index.setdefault(name, []).append(e)
    names = sorted({e.name_zh for e in book.entries if e.name_zh}, key=len, reverse=True)
    found = Lookup(book, {k: tuple(v) for k, v in index.items()},
                    re.compile("|".join(map(re.escape, names))))
    _LOOKUPS.insert(0, found)
    del _LOOKUPS[4:]
    return found


def hosts(left: str, book: Lookup) -> list[tuple[str, str]]:
    """Rule 2: the hosts named in the verb's clause, and in whole clauses of hosts right
    before it (省委书记黄坤明，省委副书记、省长王伟中在广州会见)."""
    clauses = CLAUSE_END.split(left)
    clause = _unkicked(clauses[-1])
    found = [(m.group(2), m.group(1).rstrip("、")) for m in _HOST.finditer(clause)]
    for name in book.names.findall(clause):
        if not any(name == f[0] for f in found):
            found.append((name, ""))
    if len(found) > 1:  # a name inside another's is part of it
        found = [f for f in found if not any(f[0] != g[0] and f[0] in g[0] for g in found)]
    if not found and (titled := _TITLE_ONLY.search(clause)):
        found = [("", titled.group(1).rstrip("、"))]  # resolved by its post (rule 3)
    if not found:
        bare = _BARE.match(clause.strip())
        if bare and not re.search(r"[省市区县委会局厅部]", bare.group(1)) \
                and bare.group(1)[0] not in "他她我你其这该此双对并还也再又均都":
            found = [(bare.group(1), "")]
    if not found:
        return []
    if len(found) > 1:
        order = {name: clause.find(name) for name, _ in found}
        found.sort(key=lambda f: order[f[0]])
    for before in reversed(clauses[:-1]):
        whole = _HOST.fullmatch(_unkicked(before).strip())
        if not whole:
            break
        found.insert(0, (whole.group(2), whole.group(1).rstrip("、")))
    return found


def _unkicked(clause: str) -> str:
    """``_KICKER.sub("", clause)``: the clause after its first colon, unless a line end
    comes before it (``.`` does not match one)."""
    wide, narrow = clause.find("："), clause.find(":")
    if wide < 0 and narrow < 0:
        return clause
    at = narrow if wide < 0 else wide if narrow < 0 else min(wide, narrow)
    return clause if "\n" in clause[:at] else clause[at + 1:]


def by_post(title: str, when: date, province: str | None, book: roster.Roster
             ) -> list[roster.Entry]:
    """The roster holder of a title given without a name (河南省委书记, 省长): its post,
    and the province the title names, else the story's."""
    if "副" in title:
        return []
    post = next((p for word, p in _POST_WORDS if title.endswith(word)), None)
    named = next((pid for n in range(len(title) - 1, 1, -1)
                  if (pid := taxonomy.resolve("province", title[:n]))), None)
    where = named or province
    if post is None or where is None:
        return []
    return [e for e in book.holders(where, on=when)
            if e.level == "province" and e.post == post]


def resolve(name: str, title: str, when: date | None, province: str | None,
             book: Lookup) -> Host:
    if when is None:
        return Host(name, title)
    entries = ([e for e in book.index.get(name, ()) if e.holds_on(when)] if name
               else by_post(title, when, province, book.book))
    if not entries:
        return Host(name, title)
    if len(entries) > 1:
        if province and any(e.province == province for e in entries):
            entries = [e for e in entries if e.province == province]
        entries.sort(key=lambda e: (e.level != "province", e.post != "secretary"))
    e = entries[0]  # the roster's Chinese name: Liu Ning and 刘宁 are one host
    return Host(e.name_zh, title, e.province, e.level, e.city, e.post, e.pinyin)


def hosts_after(right: str) -> list[tuple[str, str]]:
    """The hosts a guest calls on (郝平一行拜会省委书记蓝佛安，省委副书记、省长金湘军): the
    clauses after the verb that are wholly a host title and name, in order."""
    found = []
    for clause in CLAUSE_END.split(right):
        whole = _HOST.fullmatch(clause.strip())
        if not whole:
            break
        found.append((whole.group(2), whole.group(1).rstrip("、")))
    return found
