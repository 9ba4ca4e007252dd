"""English wire reports of a meeting (rules 1 and 12 of pipelines/meetings.py): "Party
Secretary Liu Ning met with ...", "Liu Ning, Party secretary of ... Province, met with
...": the host by title and name, the guests as the known organisations named after the
verb (up to "in", "on", "during" or the clause's end), the place after "in", the day by
meeting_forms.en_day."""

from __future__ import annotations

import re
from datetime import date

from provwatch.pipelines.meeting_forms import en_day
from provwatch.pipelines.meeting_guests import Guest
from provwatch.pipelines.meeting_hosts import Host, Lookup, resolve
from provwatch.pipelines.tagging import orgs as kb

EN_VERB = re.compile(r"\b(?:met with|met|meets with|meets|held talks with|received)\b")


def english_words(text: str) -> bool:
    """One of the English verbs' words occurs (a cheap test before their pattern); each
    holds an "e", looked for first (one scan of a Chinese text instead of four)."""
    return "e" in text and (
        "met" in text or "meet" in text or "held talks" in text or "received" in text)


_EN_TITLE = (r"(?:Party [Ss]ecretary|Party chief|[Gg]overnor|[Mm]ayor|[Cc]hairman|"
             r"[Vv]ice [Pp]remier|[Pp]remier|[Pp]resident)")
_EN_NAME_FIRST = re.compile(r"(?:^|-- |\. )([A-Z][a-z]+ [A-Z][a-z]+(?:-[a-z]+)?), "
                            r"(" + _EN_TITLE + r"[^,]{0,80}), *$")
_EN_HOST = re.compile(r"((?:[A-Z][a-z]+ )*(?:Party Secretary|Party chief|Governor|Mayor|"
                      r"President|Premier|Vice Premier|Vice President|Chairman)) "
                      r"([A-Z][a-z]+ [A-Z][a-z]+(?:-[a-z]+)?)\s*$")


def english_meeting(sentence: str, v: re.Match, published: date | None,
                    province: str | None, book: Lookup
                    ) -> tuple[Host, tuple[Guest, ...], date | None, str] | None:
    """(host, guests, day, place) of an English sentence with a verb of EN_VERB at ``v``;
    None when it names no host or no known organisation as a guest."""
    left, right = sentence[:v.start()].strip(), sentence[v.end():]
    named = _EN_NAME_FIRST.search(left)  # rule 12: "Liu Ning, Party secretary of ..., met"
    host = _EN_HOST.search(re.split(r",\s", left)[-1])
    if host:
        host_name, host_title = host.group(2), host.group(1)
    elif named:
        host_name, host_title = named.group(1), named.group(2)
    else:
        return None
    part = re.split(r"\s(?:in|on|at|to|during)\s|[,;.]\s|\.$", right.strip(), maxsplit=1)[0]
    guests = []
    base = kb.load()
    for item in re.split(r",\s|\sand\s", part):
        hits = base.find(item)
        if hits:
            o = hits[0].org
            name = item[hits[0].end:].strip()
            name = re.sub(r"^(?:Chairman|CEO|President|Founder|chairman|chief executive)\s+",
                          "", name)
            guests.append(Guest(name, "", item[:hits[0].end].strip(), o.kind, o.id,
                                next((n for n in o.names if n.isascii()), ""), o.sectors))
    if not guests:
        return None
    place = re.search(r"\bin ([A-Z][a-z]+)", right)
    day = en_day(right, published)
    return (resolve(host_name, host_title, day or published, province, book), tuple(guests),
            day, place.group(1) if place else "")
