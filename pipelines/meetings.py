"""Meetings from a story: who received whom, when, where, about what (issue 18).

``extract_meetings(title, text, published_at, province=None)`` is pure: no database.

Rules, in order:
1. Verb families. Chinese: 会见, 会谈, 接见, 拜会, 座谈, 见面, and 调研 or 考察 of a company
   (the place before the verb or the words after it name a known organisation or one in
   full: …公司, …集团, …大学); 座谈/见面 only with a named organisation (与专家学者座谈 is
   none); English: meets, met (with), held talks with, received. A verb right after
   参加/出席/陪同/参与 (吴政隆参加上述会见), or followed by 会 (座谈会), 时, 后, 前, 成果,
   a mark or nothing, is no meeting. The body is read first; the title only when the body
   gives none.
2. Split around the verb, within its sentence (。！？ or a line end); one meeting per
   clause (会见 tried before 调研/考察: 会见了来豫考察的…). Hosts stand before the verb, in
   its clause (after the last ，) or in whole clauses of hosts right before it: each a
   title word run (省委书记, 省委副书记、省长, 中共中央政治局常委、国务院副总理) and a
   name of two or three characters (the shortest followed by 在, a date, 、, 和, 会见…),
   or a roster name as written (a name never starts with 在, 于, 与, 同…: 省委书记在郑州
   会见 names no one); a title with no name (河南省委书记在郑州会见) is a host by its post;
   else 2–3 characters at the clause's start. Guests follow
   the verb up to the clause's end (meeting_guests.py); ``同/与 X (举行)会谈/座谈`` puts
   the guests between 同/与 and the verb.
3. Hosts are resolved to roster posts held on the meeting day (province posts before a
   capital's; the article's province breaks a tie) and then go by the roster's Chinese
   name (Liu Ning → 刘宁); a host given by title only is the roster's holder of that post
   (书记 secretary; 省长, 自治区主席, 市长 governor; never a 副 post) in the province the title
   names, else the article's; unresolved hosts keep name and title as written.
4. Date (meeting_dates.py): the last "M月D日" before the verb in the sentence, else
   今天/昨天 there, else one leading the paragraph, else the story's first in its lead;
   year and month from publication, never after it; 27日、29日 or 近日: no date.
5. Place: the words between the host's last 在 and the verb (在郑州会见 → 郑州; 在京 →
   北京), adverbs (集体, 分别, 亲切) stripped; English "in X".
6. Topics: sectors whose cues (the tagger's, read with the organisations it knows blanked;
   the guests' organisations blanked too) occur from the meeting's sentence to the next
   meeting's (at most 300 characters: the report of the meeting, not the bulletin's next
   item), most hits first, at most three; when none, the guests' organisations' sectors.
7. One meeting per clause with hosts and guests; a second with the same hosts and the
   same guests (a title repeating the lead) adds nothing. A later meeting whose clause
   starts with 他/她 has the story's previous meeting's hosts; one whose sentence says
   当天/随后 (and no date of its own) has its day, and its place when it names none.
8.–12. Guest lists past a comma, a guest calling on the host (拜会), forums (召开…座谈会),
   guests named earlier with their organisation, English wire forms: meeting_forms.py.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from provwatch.crawler import roster
from provwatch.crawler.chinatime import SHANGHAI, china_day
from provwatch.pipelines.items import TextMatches
from provwatch.pipelines.meeting_dates import days, meeting_day
from provwatch.pipelines.meeting_english import EN_VERB, english_meeting, english_words
from provwatch.pipelines.meeting_forms import forum_guests, more_guests, with_known_orgs
from provwatch.pipelines.meeting_guests import Guest, guest_list
from provwatch.pipelines.meeting_hosts import CLAUSE_END, Host, Lookup, hosts_after, lookup, resolve
from provwatch.pipelines.meeting_hosts import hosts as host_names
from provwatch.pipelines.meeting_record import Meeting
from provwatch.pipelines.meeting_summary import lines as summary_lines
from provwatch.pipelines.meeting_summary import summaries
from provwatch.pipelines.tagging import sectors as sector_cues
from provwatch.pipelines.tagging.tagger import text_matches
from provwatch.pipelines.tagging.text import words

__all__ = ["Guest", "Host", "Meeting", "extract_meetings"]

Cues = Sequence[tuple[str, float, int, bool]]  # the tagger's (TextMatches.cues)

_VERB = re.compile(r"会见|会谈|接见|拜会|座谈|见面|调研|考察")
_NOT_BEFORE = ("参加", "出席", "陪同", "参与", "集体参加")
_NOT_AFTER = re.compile(r"^(?:会|成果|精神|纪要|内容|情况|时(?!代)|后|前|期间|结束|活动|会议|"
                        r"(?:中|上)(?=[，,。；]|表示|指出|说|强调|介绍))|^[，。；、]|^$")
_PLACE = re.compile(r"在([\u4e00-\u9fff·（）]{1,14}?)(?:集体|分别|亲切|共同|一起|先后|同|与)?"
                    r"(?:会见|会谈|接见|拜会|座谈|调研|考察|见面)")
_VISIT_AT = r"(?:前往|来到|走进|深入|到|赴|在)"
_VISIT_END = re.compile(_VISIT_AT + r"([^，,]{2,40})$")
_VISIT_START = re.compile(r"^" + _VISIT_AT)
_WITH = re.compile(r"(?:同|与|和)([^，,；;。]{2,80}?)(?:举行|进行|亲切|友好|深入|集体)*$")
_PRONOUN = re.compile(r"^\s*(?:他|她)")
_SAME = re.compile(r"当天|当日|同日|同一天|随后|此后|之后")
_BREAK = re.compile(r"[，,；;]")
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_MARK = re.compile(r"[。！？!?]")  # the mark a sentence of _SENTENCE ends with
_FULLWIDTH = re.compile("[０-９]")
_FULL = str.maketrans("０１２３４５６７８９", "0123456789")
_ADVERB_WORDS = ("集体", "分别", "亲切", "共同", "一起", "先后", "专门", "当天", "上午", "下午",
                 "晚上", "晚")
_ADVERBS = re.compile("(?:" + "|".join(_ADVERB_WORDS) + ")+$")
_COMPANY = re.compile(r"(?:集团|公司|大学|学院|研究院|研究所|科学院|银行|协会|商会)$")
_LATIN = re.compile(r"[A-Za-z]{2}")
_SPAN = 300  # characters read for a meeting's topics from its sentence on (rule 6)
_CONVENE = re.compile(r"召开|举行|主持")  # 主持召开民营企业座谈会 (rule 10)
_CONVENED = re.compile(r"主持|召开|举行|出席|参加")  # 在广州主持召开…: the place is 广州
_WEAK = ("座谈", "见面")  # a meeting only with a named organisation (与专家学者座谈 is none)


def extract_meetings(title: str, text: str, published_at: datetime | date | None,
                     province: str | None = None, book: roster.Roster | None = None,
                     matches: TextMatches | None = None) -> list[Meeting]:
    """Every meeting the story reports, in text order (rules 1–7). ``book``: the roster
    hosts resolve against (the caller's, with applied roster changes merged over it);
    the bundled one when None. ``matches``: the tagger's for this text (``Tags.matches``),
    so that topics count the cues it found instead of reading the text again."""
    published = _day(published_at)
    names = lookup(book)
    text = text or ""
    # the Chinese verbs' offsets, read once (translating full-width digits keeps them)
    chinese = [m.start() for m in _VERB.finditer(text)]
    if not (chinese or (english_words(text) and EN_VERB.search(text))
            or _has_verb(title or "")):
        return []
    if matches is None:
        matches = text_matches(text)
    if _FULLWIDTH.search(text):
        text = text.translate(_FULL)
    cues = matches.cues if matches.length == len(text) else None
    found = _from(text, published, province, names, cues, chinese)
    if not found and title:
        found = _from((title or "").translate(_FULL), published, province, names)
    if len(found) < 2:
        return found
    out: list[Meeting] = []
    seen: set = set()
    for m in found:
        key = (tuple([h.name for h in m.hosts]), tuple([(g.name, g.org) for g in m.guests]))
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def _day(value: datetime | date | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return china_day(value if value.tzinfo else value.replace(tzinfo=SHANGHAI))
    return value


def _from(text: str, published: date | None, province: str | None, names: Lookup,
          cues: Cues | None = None, chinese: list[int] | None = None) -> list[Meeting]:
    """``chinese``: the offsets of ``_VERB``'s matches in ``text`` when known."""
    spots = []  # (paragraph, sentence start in text, sentence, verbs of one clause)
    # the Chinese verbs found in one pass (none holds a line end or a stop, so one found
    # in a sentence is the one a search of that sentence finds); English where it may be
    if chinese is None:
        chinese = [m.start() for m in _VERB.finditer(text)]
    english = english_words(text)
    if english:
        sentences = _verb_sentences(text, chinese)
    else:  # each sentence holding a Chinese verb, found from the verbs (rule 2)
        sentences = _sentences_at(text, chinese)
    for para, start, sentence in sentences:
        finder = EN_VERB if sentence.isascii() else _VERB
        clauses: dict[int, list[re.Match]] = {}
        for v in finder.finditer(sentence):
            clauses.setdefault(len(_BREAK.findall(sentence, 0, v.start())), []).append(v)
        for verbs in clauses.values():
            if len(verbs) > 1:  # one meeting per clause: 会见 before 调研/考察 (会见了来豫考察的…)
                verbs.sort(key=lambda v: (v.group() in ("调研", "考察"), v.start()))
            spots.append((para, start, sentence, verbs))
    meetings: list[Meeting] = []
    for n, (para, at, sentence, verbs) in enumerate(spots):
        end = spots[n + 1][1] if n + 1 < len(spots) else len(text)
        span = text[at:min(at + _SPAN, max(end, at + len(sentence)))]
        for v in verbs:
            m = _meeting(para, sentence, v, published, province, span, text, names,
                         meetings[-1] if meetings else None,
                         None if cues is None else (cues, at))
            if m is not None:
                meetings.append(m)
                break
    return meetings


def _has_verb(text: str) -> bool:
    """A verb of rule 1 occurs; the English pattern (word boundaries, no literal prefix:
    slow over Chinese) is tried only where one of its words is."""
    return _VERB.search(text) is not None or (
        english_words(text) and EN_VERB.search(text) is not None)


def _sentences_at(text: str, verbs: list[int]):
    """(line, sentence start, sentence) of each sentence of ``text`` (as
    ``_SENTENCE`` reads its lines) holding one of the offsets ``verbs``, in order: the
    sentence runs from the mark before the verb in its line to the one after it, which
    it keeps, so only the verbs' neighbourhoods are read."""
    end = -1
    for at in verbs:
        if at < end:
            continue
        find, rfind = text.find, text.rfind
        line = rfind("\n", 0, at) + 1
        line_end = find("\n", at)
        line_end = len(text) if line_end < 0 else line_end
        start = max(line, rfind("。", line, at) + 1, rfind("！", line, at) + 1,
                    rfind("？", line, at) + 1, rfind("!", line, at) + 1,
                    rfind("?", line, at) + 1)
        mark = _MARK.search(text, at, line_end)
        end = mark.end() if mark else line_end
        yield text[line:line_end], start, text[start:end]


def _verb_sentences(text: str, chinese: list[int]):
    """As ``_sentences_at``, for a text where English verbs may be: its sentences that
    hold a Chinese verb at one of ``chinese`` or an English one, in order."""

    def has_verb(start: int, part: str) -> bool:
        i = bisect_left(chinese, start)
        return (i < len(chinese) and chinese[i] < start + len(part)) or _has_verb(part)

    for para_start, para in _paragraphs(text):
        if not has_verb(para_start, para):
            continue
        for s in _SENTENCE.finditer(para):
            if has_verb(para_start + s.start(), s.group()):
                yield para, para_start + s.start(), s.group()


def _paragraphs(text: str):
    at = 0
    for line in text.split("\n"):
        yield at, line
        at += len(line) + 1


def _meeting(para: str, sentence: str, v: re.Match, published: date | None,
             province: str | None, span: str, story: str, book: Lookup,
             previous: Meeting | None = None, cues: tuple[Cues, int] | None = None
             ) -> Meeting | None:
    """Rules 1–6 and 8–11 for one verb; ``story``: the whole text; ``previous``: the
    story's meeting before it, whose hosts 他/她 and whose day and place 当天/随后 refer
    to (当天，他还会见了…); ``cues``: the tagger's cues in the story and where ``span``
    starts in it."""
    if sentence.isascii():
        return _english(sentence, v, published, province, span, book, cues)
    verb = v.group()
    left, right = sentence[:v.start()], sentence[v.end():]
    part = CLAUSE_END.split(right, maxsplit=1)[0]
    rest = right[len(part) + 1:]
    # only a 会谈/座谈/见面 reads 同/与 X before it (a lazy pattern anchored at the end)
    with_ = _WITH.search(left) if verb in ("会谈", "座谈", "见面") else None
    clause_left = left
    names: list[tuple[str, str]] | None = None
    guests: list[Guest] | None = None
    if verb == "拜会" and (called_on := hosts_after(right)):  # rule 9
        names, guests = called_on, guest_list(CLAUSE_END.split(left)[-1])
    elif verb == "座谈" and right.startswith("会") and _CONVENE.search(
            CLAUSE_END.split(left)[-1]):  # rule 10
        guests = [g for g in forum_guests(rest) if _named_org(g)]
    elif with_ and not part.strip(" 了"):
        part, clause_left, rest = with_.group(1), left[:with_.start()], ""
    elif left.endswith(_NOT_BEFORE) or (
            verb not in ("调研", "考察") and _NOT_AFTER.match(right)):
        return None
    if names is None:
        names = host_names(clause_left, book)
    again = previous is not None and bool(_SAME.search(left))
    if not names and not (previous is not None and _PRONOUN.search(CLAUSE_END.split(
            clause_left)[-1])):
        return None
    if guests is None:
        if verb in ("调研", "考察"):
            guests = _visited(clause_left, part)
        elif verb in _WEAK:
            guests = [g for g in guest_list(part) if _named_org(g)]
        else:
            guests = guest_list(part)
            if guests and rest:
                guests += more_guests(rest)  # rule 8
    guests = with_known_orgs(guests, story)  # rule 11
    if not guests:
        return None
    day = meeting_day(left, para, published, story[:150])
    if again and previous is not None and not days(left, 1):
        day = previous.date
    when = day or published
    if names:
        hosts = tuple([resolve(n, t, when, province, book) for n, t in names])
    else:
        assert previous is not None  # no names: returned above unless a previous meeting
        hosts = previous.hosts
    place = _place(clause_left) or (previous.place if again and previous is not None else "")
    topics = _topics(span, guests, cues)
    # the summaries read the parts: a frozen Meeting is made once, with them
    en, zh = summary_lines(hosts, guests, day, published, place, topics, verb, province)
    return Meeting(hosts, tuple(guests), day, published, place, topics, verb,
                   sentence.strip(), en, zh)


def _visited(left: str, part: str) -> list[Guest]:
    """调研/考察 counts when a company is visited: named after the verb or at the place."""
    end = _VISIT_END.search(left)
    target = part if part.strip() else (end.group(0) if end else "")
    target = _VISIT_START.sub("", target)
    return [g for g in guest_list(target) if _named_org(g)]


def _named_org(g: Guest) -> bool:
    """An organisation the knowledge base knows, or one named in full (…有限公司, …大学)."""
    return bool(g.org_id or (len(g.org) >= 4 and _COMPANY.search(g.org)
                             and not g.org.startswith(("有关", "相关", "部分", "一批"))))


def _place(left: str) -> str:
    clause = CLAUSE_END.split(left)[-1] + "会见"
    m = list(_PLACE.finditer(clause))
    if not m:
        return ""
    place = _CONVENED.split(m[-1].group(1))[0]
    if place.endswith(_ADVERB_WORDS):  # the pattern, anchored at the end, can match
        place = _ADVERBS.sub("", place)
    return {"京": "北京", "沪": "上海", "津": "天津", "渝": "重庆"}.get(place, place)


def _topics(span: str, guests, cues: tuple[Cues, int] | None = None) -> tuple[str, ...]:
    """Rule 6; the guests' organisations are the names blanked (宁德时代新能源… names no
    topic): the span is not scanned for organisations a second time. With the tagger's
    ``cues`` (and the span's offset), those in the span outside the guests' names count
    (the tagger blanked the names it knows too)."""
    if cues is not None:
        return _counted(_cues_in(span, guests, *cues), guests)
    for org in {g.org for g in guests if len(g.org) > 1}:
        span = span.replace(org, " " * len(org))
    counts: dict[str, int] = {}
    table = sector_cues.table()
    # the cue table's two matchers, read for counts only (CueTable.hits builds an entry
    # with its offset and list position for each cue; the English one only for Latin)
    values = table.zh_values
    for i, _start, _end in table.zh.find_matches_as_indexes(span):
        for key in values[i][0]:
            counts[key] = counts.get(key, 0) + 1
    if _LATIN.search(span):
        for (keys, _weight), _start, _size in table.en.find(words(span)):
            for key in keys:
                counts[key] = counts.get(key, 0) + 1
    return _counted(counts, guests)


def _cues_in(span: str, guests, found: Cues, at: int) -> dict[str, int]:
    end = at + len(span)
    blanked: list[tuple[int, int]] = []
    for org in {g.org for g in guests if len(g.org) > 1}:
        i = span.find(org)
        while i >= 0:
            blanked.append((at + i, at + i + len(org)))
            i = span.find(org, i + len(org))
    counts: dict[str, int] = {}
    for key, _weight, start, _listed in found:
        if at <= start < end:
            for a, b in blanked:
                if a <= start < b:
                    break
            else:
                counts[key] = counts.get(key, 0) + 1
    return counts


def _counted(counts: dict[str, int], guests) -> tuple[str, ...]:
    topics = sorted(counts, key=lambda k: -counts[k])[:3]
    if not topics:
        for g in guests:
            topics += [s for s in g.sectors if s not in topics]
    return tuple(topics[:3])


def _english(sentence: str, v: re.Match, published: date | None, province: str | None,
             span: str, book: Lookup, cues: tuple[Cues, int] | None = None
             ) -> Meeting | None:
    found = english_meeting(sentence, v, published, province, book)
    if found is None:
        return None
    host, guests, day, place = found
    meeting = Meeting((host,), guests, day, published, place, _topics(span, guests, cues),
                      v.group(), sentence.strip())
    en, zh = summaries(meeting, province)
    return replace(meeting, summary_en=en, summary_zh=zh)
