"""Personnel statements (issue 18): appointments and removals that touch a roster post.

A pure reader of a story's title and text; what it finds is proposed as a roster change
(pipelines.store) and applied only by hand (`provwatch leaders changes --apply`).

Rules, in order:
1. The text is cut into sentences (。；！？ and line ends); each is read on its own, the
   title first. A sentence may hold several statements (免去甲…职务，任命乙为…).
2. Chinese statements and their action:
   - 任命X为…, X(同志)被任命为…, X同志任/担任…, X任… (X at a clause start)  -> appoint
   - X(同志)当选(为)…, 选举X为…                                           -> elect
   - 免去X(同志)的…职务, X(同志)不再担任…, 接受X辞去…职务                  -> remove
   An appointment or election whose post reads 代理省长 / 代省长 / 代市长 is ``acting``.
3. English wire forms: "X was/has been appointed|named|elected [acting] <post> of <place>"
   (appoint, elect, acting) and "X was removed from|relieved of|no longer serves as
   <post> of <place>" (remove); the person is the two words before the verb, as written.
4. The posts are a 、-separated list; an organisation written on one item (河南省委,
   河南省人民政府, 中共郑州市委, 广西壮族自治区党委) carries to the items after it, so
   "河南省委委员、常委、书记" is Henan's secretary. Only roster posts count: a province's
   书记 (省委, 自治区党委, a municipality's 市委) -> secretary; 省长, 自治区(人民政府)主席,
   a municipality's 市长 -> governor; a provincial capital's 市委书记 -> secretary and
   市长 -> mayor, with its city. 副书记, 副省长, 常委, 政协主席 and every other post are
   not roster changes, and a statement with none of its posts on the roster yields nothing.
5. The day is a date written in the sentence (2025年10月10日, 10月10日: the year of
   publication, or the year before when that month is later than publication's), else the
   publication's China day.
6. One (person, province, post, city, action) once per story: its first sentence wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from provwatch.crawler import roster
from provwatch.crawler.chinatime import SHANGHAI, china_day
from provwatch.crawler.taxonomy import resolve

__all__ = ["PersonnelChange", "extract_personnel", "personnel_rows"]

_MUNICIPALITIES = {"beijing", "tianjin", "shanghai", "chongqing"}
_ZH = r"\u4e00-\u9fff"
# a name starts a clause: after a non-Chinese character or a verb of decision
_START = (rf"(?:^|(?<=[^{_ZH}·])|(?<=决定)|(?<=批准)|(?<=同意)|(?<=会议)|(?<=通过)"
          r"|(?<=经)|(?<=提请))")
_NAME = rf"(?P<name>[{_ZH}]{{2,4}}|[{_ZH}]{{1,6}}·[{_ZH}·]{{1,12}})"
_POSTS = r"(?P<posts>[^。；;，,：:\s（()）“”\"]{2,80})"
_ZH_FORMS = [
    (re.compile(rf"任命{_NAME}(?:同志)?为{_POSTS}"), "appoint"),
    (re.compile(rf"{_START}{_NAME}(?:同志)?被任命为{_POSTS}"), "appoint"),
    (re.compile(rf"免去{_NAME}(?:同志)?的{_POSTS}"), "remove"),
    (re.compile(rf"接受{_NAME}(?:同志)?辞去{_POSTS}"), "remove"),
    (re.compile(rf"{_START}{_NAME}(?:同志)?不再担任{_POSTS}"), "remove"),
    (re.compile(rf"选举{_NAME}(?:同志)?为{_POSTS}"), "elect"),
    (re.compile(rf"{_START}{_NAME}(?:同志)?当选为?{_POSTS}"), "elect"),
    (re.compile(rf"{_START}{_NAME}同志(?:任|担任){_POSTS}"), "appoint"),
    (re.compile(rf"{_START}{_NAME}(?:任|出任){_POSTS}"), "appoint"),
]
_ORG = re.compile(rf"^(?:中共)?(?P<place>[{_ZH}]{{2,8}}?)(?P<kind>省委|省人民政府|省政府|"
                  r"自治区党委|自治区人民政府|自治区政府|自治区|市委|市人民政府|市政府|省|市)"
                  r"(?P<rest>.*)$")
_SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")
_DATE = re.compile(r"(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})日")

_EN_NAME = r"(?P<name>[A-Z][a-z]+ [A-Z][a-z]+(?:-[a-z]+)?)"
_EN_VERB = (r"(?:(?:was|has been|had been|is|were) )?(?P<verb>appointed|named|elected|"
            r"removed from|relieved of|no longer serves as)")
_EN_FORM = re.compile(rf"{_EN_NAME},?(?: [^.;]{{0,60}}?,)? {_EN_VERB}(?P<posts>[^.;]+)")
_EN_POST = re.compile(
    r"(?P<acting>acting )?(?P<title>(?:Communist )?Party (?:secretary|chief)|secretary|"
    r"governor|mayor|chairman|chairwoman)\b(?: (?:of|for) (?:the )?"
    r"(?P<place>[A-Z][A-Za-z']+(?: [A-Z][A-Za-z']+)*))?", re.IGNORECASE)


@dataclass(frozen=True)
class PersonnelChange:
    """One statement that a person takes or leaves a roster post."""

    person: str
    province: str
    post: str  # secretary | governor (province); secretary | mayor (capital)
    city: str | None  # the capital's id for a capital post
    action: str  # appoint | remove | elect | acting
    day: date | None
    sentence: str

    @property
    def level(self) -> str:
        return "capital" if self.city else "province"


# a sentence can hold a statement only with a roster post's word and a change's verb in it:
# checked first, in one pass each, so the forms run on a few sentences per story
_POST_WORD = re.compile(r"书记|省长|主席|市长|secretary|governor|chairman|mayor|chief", re.I)
_CHANGE_WORD = re.compile(r"任|免|选|辞|appoint|elect|name|remov|reliev|succeed|replac",
                          re.I)


def extract_personnel(title: str, text: str, published_at: datetime | date | None
                      ) -> list[PersonnelChange]:
    """The roster changes the story states, in reading order (see the module's rules)."""
    published = _day_of(published_at)
    found: dict[tuple, PersonnelChange] = {}
    for sentence in _sentences(title, text):
        if not (_POST_WORD.search(sentence) and _CHANGE_WORD.search(sentence)):
            continue  # no roster post or no change verb: no statement (most sentences)
        day = _stated_day(sentence, published) or published
        for person, posts, action in _statements(sentence):
            for province, post, city, acting in posts:
                act = "acting" if acting and action in ("appoint", "elect") else action
                key = (person, province, post, city, act)
                found.setdefault(key, PersonnelChange(person, province, post, city, act, day,
                                                      sentence.strip()[:1000]))
    return list(found.values())


def _day_of(value: datetime | date | None) -> date | None:
    if isinstance(value, datetime):
        return china_day(value if value.tzinfo else value.replace(tzinfo=SHANGHAI))
    return value


def _sentences(title: str, text: str) -> list[str]:
    out = [title.strip()] if title and title.strip() else []
    out += [s.strip() for s in _SENTENCE.findall(text or "") if s.strip()]
    return out


def _stated_day(sentence: str, published: date | None) -> date | None:
    m = _DATE.search(sentence)
    if not m:
        return None
    month, day = int(m["m"]), int(m["d"])
    if m["y"]:
        year = int(m["y"])
    elif published is not None:
        year = published.year - (1 if month > published.month else 0)
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _statements(sentence: str) -> list[tuple[str, list[tuple], str]]:
    """(person, roster posts, action) for each statement with at least one roster post."""
    out: list[tuple[int, str, list[tuple], str]] = []
    taken: list[tuple[int, int]] = []
    for form, action in _ZH_FORMS:
        for m in form.finditer(sentence):
            if any(a <= m.start("name") < b for a, b in taken):
                continue  # a later, looser form reading the same words again
            posts = _zh_posts(m["posts"])
            if posts:
                taken.append((m.start(), m.end()))
                out.append((m.start(), m["name"], posts, action))
    for m in _EN_FORM.finditer(sentence):
        verb = m["verb"]
        action = ("elect" if verb == "elected" else "appoint" if verb in ("appointed", "named")
                  else "remove")
        posts = _en_posts(m["posts"])
        if posts:
            out.append((m.start(), m["name"], posts, action))
    return [(name, posts, action) for _, name, posts, action in sorted(out, key=lambda o: o[0])]


def _zh_posts(text: str) -> list[tuple[str, str, str | None, bool]]:
    """The roster posts a 、-list names: (province, post, city, acting)."""
    text = re.sub(r"(?:的)?职务.*$", "", text)
    out: list[tuple[str, str, str | None, bool]] = []
    where: tuple[str, str | None, str] | None = None  # (province, city, org kind)
    for item in text.split("、"):
        m = _ORG.match(item)
        title = item
        if m:
            place = _place(m["place"])
            if place is not None:
                kind, title = m["kind"], m["rest"]
                if kind in ("省", "市") and title.startswith("长"):
                    title = kind + title
                where = (*place, kind)
        if where is None:
            continue
        post = _zh_post(title, where)
        if post and (where[0], post, where[1]) not in [(p, q, c) for p, q, c, _ in out]:
            out.append((where[0], post, where[1], title.startswith("代")))
    return out


def _place(name: str) -> tuple[str, str | None] | None:
    """(province, capital city id or None) for a Chinese place name."""
    for city, (province, zh) in roster.load().capitals.items():
        if name == zh:
            return province, city
    found = resolve("province", name)
    return (found, None) if found else None


def _zh_post(title: str, where: tuple[str, str | None, str]) -> str | None:
    province, city, kind = where
    title = re.sub(r"^(?:代理|代)", "", title)
    party = kind in ("省委", "自治区党委", "市委")
    if title in ("书记", "党委书记", "委书记") and (party or title != "书记"):
        return "secretary"
    if city:
        return "mayor" if title == "市长" else None
    if title in ("省长", "主席", "市长"):
        if (title == "省长" and province not in _MUNICIPALITIES
                or title == "市长" and province in _MUNICIPALITIES
                or title == "主席" and kind.startswith("自治区") and "党委" not in kind):
            return "governor"
    return None


def _en_posts(text: str) -> list[tuple[str, str, str | None, bool]]:
    out: list[tuple[str, str, str | None, bool]] = []
    for m in _EN_POST.finditer(text):
        if not m["place"]:
            continue
        place = _en_place(m["place"])
        if place is None:
            continue
        province, city = place
        title = m["title"].lower()
        if "secretary" in title or "chief" in title:
            post = "secretary"
        elif city:
            post = "mayor" if title == "mayor" else ""
        elif title == "mayor":
            post = "governor" if province in _MUNICIPALITIES else ""
        else:
            post = "governor"
        if post and (province, post, city) not in [(p, q, c) for p, q, c, _ in out]:
            out.append((province, post, city, bool(m["acting"])))
    return out


def _en_place(name: str) -> tuple[str, str | None] | None:
    words = name.split()
    while words and words[-1].lower() in ("province", "municipality", "region",
                                          "autonomous", "city", "provincial", "committee"):
        words.pop()
    for n in range(len(words), 0, -1):
        key = re.sub(r"[\s']", "", " ".join(words[:n])).lower()
        if key in roster.load().capitals:
            return roster.load().capitals[key][0], key
        province = resolve("province", " ".join(words[:n]))
        if province:
            return province, None
    return None


def personnel_rows(title: str, text: str, published_at: datetime | date | None
                   ) -> list[dict]:
    """The story's roster changes as the plain rows storage proposes
    (repository.propose_roster_changes)."""
    return [{"person": c.person, "province": c.province, "post": c.post, "city": c.city,
             "action": c.action, "day": c.day, "sentence": c.sentence}
            for c in extract_personnel(title, text, published_at)]
