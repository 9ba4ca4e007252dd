"""One-line summaries of a meeting, in English and Chinese, without machine translation.

English: a host the roster resolves reads "{Province} Party Secretary|Governor {Pinyin}"
(Mayor for a municipality's governor, Chairman for a region's, "{City} Party
Secretary|Mayor" for a capital); any other host its title from a small glossary, after
the story's province when the title is a provincial one (省委书记, 省长), and the name in
pinyin (names.py). A guest reads "{the knowledge base's English name, else the
organisation as written} {title from the glossary} {name in pinyin}" (a foreign guest's
name as written: it is a transliteration); several guests read "A, B and C". Places from the
roster's capitals and the taxonomy's provinces, else the gazetteer's prefectures or the
place's pinyin (names.py); topics by the taxonomy's English sector names; the day as
"25 February" (with its year when it is not the publication's year).
"""

from __future__ import annotations

import re
from functools import lru_cache

from provwatch.crawler import roster
from provwatch.crawler.taxonomy import PROVINCES, SECTOR_NAMES
from provwatch.pipelines import names

_TITLES = [  # the longest word matches first
    ("中共中央政治局常委", ""), ("国务院副总理", "Vice Premier"), ("国务院总理", "Premier"),
    ("国家副主席", "Vice President"), ("国家主席", "President"),
    ("全国人大常委会委员长", "NPC Chairman"), ("全国政协主席", "CPPCC Chairman"),
    ("中央书记处书记", "Secretariat Secretary"), ("省委副书记", "Deputy Party Secretary"),
    ("省委书记", "Party Secretary"), ("市委书记", "Party Secretary"),
    ("常务副省长", "Executive Vice Governor"), ("副省长", "Vice Governor"), ("省长", "Governor"),
    ("副市长", "Vice Mayor"), ("市长", "Mayor"),
    ("董事会主席", "Chairman"), ("董事长", "Chairman"), ("首席执行官", "CEO"),
    ("行政总裁", "CEO"), ("总裁", "President"), ("总经理", "General Manager"),
    ("创始人", "Founder"), ("校长", "President"), ("院长", "President"), ("会长", "Chairman"),
    ("理事长", "Chairman"), ("行长", "President"), ("总统", "President"),
    ("总理", "Prime Minister"),
    ("首相", "Prime Minister"), ("州长", "Governor"), ("部长", "Minister"), ("主席", "Chairman"),
    ("副", "Vice "), ("兼", " and "), ("执行", "Executive "), ("、", ", "),
]
_SPACES = re.compile(r"\s+")
_PROVINCE_SUFFIX = re.compile(r"(?:壮族|回族|维吾尔)?自治区$|省$|市$")
# each province's Chinese name without its suffix (河南省 → 河南): taxonomy data, once
_SHORT = {pid: _PROVINCE_SUFFIX.sub("", zh) for pid, (_en, zh) in PROVINCES.items()}
_MONTHS = ("January February March April May June July August September October November "
           "December").split()


@lru_cache(maxsize=1)
def _glossary() -> tuple[re.Pattern, dict[str, str], dict[str, str]]:
    """The glossary's pattern (the longest word first), its words, and each word's own
    reading (a title that is one word, 省委书记 or 董事长, is read from it)."""
    words = dict(_TITLES)
    pattern = re.compile("|".join(sorted(map(re.escape, words), key=len, reverse=True)))
    return pattern, words, {w: _read(w, pattern, words) for w in words}


@lru_cache(maxsize=4096)
def title_en(title: str) -> str:
    """A Chinese title by the glossary, word by word; "" for words it does not know."""
    pattern, words, whole = _glossary()
    found = whole.get(title)
    return found if found is not None else _read(title, pattern, words)


def _read(title: str, pattern: re.Pattern, words: dict[str, str]) -> str:
    parts = [w if w.endswith(" ") or w.startswith((" ", ",")) else w + " "
             for w in map(words.__getitem__, pattern.findall(title)) if w]
    text = "".join(parts).replace(" ,", ",")
    # the words are the glossary's, whose only blank is " ": only a run of them to fold
    return (_SPACES.sub(" ", text) if "  " in text else text).strip(" ,")


_PROVINCIAL = re.compile(r"^(?:常务副|副)?(?:省委|省|自治区党委|自治区)(?!.*市)")


def host_en(h, province: str | None = None) -> str:
    """``province``: the story's, named before a provincial title the roster could not
    resolve (a fictional or new leader: "Hubei Party Secretary Shao Wenlan")."""
    if h.province is None:
        place = PROVINCES[province][0] if (province in PROVINCES
                                           and _PROVINCIAL.match(h.title)) else ""
        return " ".join([p for p in (place, title_en(h.title), names.person_en(h.name)) if p])
    place = PROVINCES[h.province][0]
    if h.level == "capital":
        place = _city_en(h.city or "")
        post = "Party Secretary" if h.post == "secretary" else "Mayor"
    elif h.post == "secretary":
        post = "Party Secretary"
    elif h.province in ("beijing", "tianjin", "shanghai", "chongqing"):
        post = "Mayor"
    elif h.province in ("inner_mongolia", "guangxi", "tibet", "ningxia", "xinjiang"):
        post = "Chairman"
    else:
        post = "Governor"
    return f"{place} {post} {h.pinyin or names.person_en(h.name)}"


def guest_en(g) -> str:
    # a foreign guest's Chinese name is a transliteration (马斯克): pinyin would garble it
    foreign = g.org_kind in ("foreign_company", "foreign_government")
    name = g.name if foreign else names.person_en(g.name)
    return " ".join([p for p in (g.org_en or g.org, title_en(g.title), name) if p])


def _city_en(city: str) -> str:
    return {"xian": "Xi'an", "hohhot": "Hohhot", "urumqi": "Urumqi"}.get(city, city.title())


@lru_cache(maxsize=1)
def _places() -> dict[str, str]:
    out = {}
    for city, (_p, zh) in roster.load().capitals.items():
        out[zh] = out[zh + "市"] = _city_en(city)
    for _pid, (en, zh) in PROVINCES.items():
        out[zh] = en
        short = re.sub(r"(?:省|市|特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区)$", "", zh)
        out[short] = en
    out.update({"人民大会堂": "the Great Hall of the People", "中南海": "Zhongnanhai"})
    return out


@lru_cache(maxsize=1)
def _place_prefixes() -> tuple[str, ...]:
    return tuple(sorted((zh for zh in _places() if len(zh) >= 2), key=len, reverse=True))


def place_en(place: str) -> str:
    places = _places()
    if place in places:
        return places[place]
    if place.startswith(_place_prefixes()):
        return places[next(zh for zh in _place_prefixes() if place.startswith(zh))]
    return names.place_en(place)


def _day_text(d, published) -> str:
    if d is None:
        return ""
    year = "" if published and published.year == d.year else f" {d.year}"
    return f"{d.day} {_MONTHS[d.month - 1]}{year}"


def summaries(m, province: str | None = None) -> tuple[str, str]:
    """(English line, Chinese line) of a meeting; ``province``: the story's."""
    return lines(m.hosts, m.guests, m.date, m.published, m.place, m.topics, m.verb, province)


def lines(hosts, guests, day, published, place: str, topics, verb: str,
          province: str | None = None) -> tuple[str, str]:
    """``summaries`` of a meeting given by its parts (one not yet made)."""
    names = [guest_en(g) for g in guests]
    en = (" and ".join([host_en(h, province) for h in hosts]) + " met "
          + (", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)))
    if place:
        en += " in " + place_en(place)
    if day:
        en += " on " + _day_text(day, published)
    if topics:
        en += "; topics: " + ", ".join([SECTOR_NAMES[t][0] for t in topics])
    zh = ((f"{day.month}月{day.day}日，" if day else "")
          + "、".join([_zh_title(h) + h.name for h in hosts]) + ("在" + place if place else ""))
    guests_zh = "、".join([g.org + g.title + g.name for g in guests])
    zh += "同" + guests_zh + verb if verb in ("会谈", "座谈", "见面") else verb + guests_zh
    if topics:
        zh += "；议题：" + "、".join([SECTOR_NAMES[t][1] for t in topics])
    return en, zh


def _zh_title(h) -> str:
    return h.title.split("、")[-1] if h.province is None else _post_zh(h)


def _post_zh(h) -> str:
    if h.level == "capital":
        city = roster.load().capitals.get(h.city or "", ("", ""))[1]
        return f"{city}市委书记" if h.post == "secretary" else f"{city}市长"
    prov = PROVINCES[h.province][1]
    short = _SHORT[h.province]
    if h.province in ("beijing", "tianjin", "shanghai", "chongqing"):
        return f"{short}市委书记" if h.post == "secretary" else f"{short}市长"
    if h.province in ("inner_mongolia", "guangxi", "tibet", "ningxia", "xinjiang"):
        return f"{prov}党委书记" if h.post == "secretary" else f"{prov}主席"
    return f"{short}省委书记" if h.post == "secretary" else f"{short}省长"
