"""What an alert calls things, in its watchlist's language: tag and field names, China
time, the outlet, the snippet cut at a sentence end, and the line saying why it matched.

Pure functions over ids and values; ``alerts.render`` (email, webhook) and
``alerts.chat_render`` (chat) use the same words.

- Tags: a province by its short name (河南, 内蒙古; Henan, Inner Mongolia), a sector or an
  event by its display name (crawler.taxonomy); an id without a name is shown as the id.
- Times: China time with its offset, ``2024-05-01 16:30 +08:00`` (crawler.chinatime).
- Snippets (``cut_snippet``): whole sentences only. A sentence ends at 。！？!? or at a
  ``.`` before a space (or the end), with any closing quote or bracket. The snippet keeps
  the sentences that fit in ``limit`` characters, and ends with … where text was left
  out. A first sentence longer than ``limit`` is kept whole up to twice ``limit``; only a
  longer one is cut, at its last clause mark (，；：、,;:) inside ``limit`` (else at
  ``limit``), with the ellipsis.
- The meeting line (``meeting_line``): the story's first meeting (the first the watchlist
  asked about) in one line, its summary in the alert's language (the other language's
  when it has none): ``Henan Party Secretary Liu Ning met BYD Chairman Wang Chuanfu in
  Zhengzhou on NEV, batteries``; alerts put it at the top.
- The match line (``match_line``): which of the watchlist's criteria held, with the words
  that matched: ``Matched: province Henan (about), sector New energy vehicles, keywords
  比亚迪``; in Chinese ``命中：省份 河南（涉及）；行业 新能源汽车；关键词 比亚迪``.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from provwatch.alerts.message import MeetingNote, Reason
from provwatch.crawler.chinatime import SHANGHAI
from provwatch.crawler.taxonomy import EVENT_NAMES, PROVINCES, SECTOR_NAMES

EN, ZH = "en", "zh"
ELLIPSIS = "…"

FIELDS = {
    EN: {"matched": "Matched", "published": "Published", "source": "Source",
         "about": "About", "mentions": "Mentions", "sectors": "Sectors", "event": "Event",
         "copies": "Copies", "watchlist": "Watchlist", "unknown": "unknown",
         "untitled": "(untitled)", "date unknown": "date unknown"},
    ZH: {"matched": "命中", "published": "发布时间", "source": "来源", "about": "涉及省份",
         "mentions": "提及省份", "sectors": "行业", "event": "事件", "copies": "转载",
         "watchlist": "关注清单", "unknown": "未知", "untitled": "（无标题）",
         "date unknown": "日期未知"},
}
_CRITERIA = {
    EN: {"province": ("province", "provinces"), "sector": ("sector", "sectors"),
         "event": ("event", "events"), "keywords": ("keyword", "keywords"),
         "source": ("source", "sources"), "copies": ("copies", "copies"),
         "meeting_host": ("meeting host", "meeting hosts"),
         "meeting_guest": ("guest", "guests")},
    ZH: {"province": ("省份", "省份"), "sector": ("行业", "行业"), "event": ("事件", "事件"),
         "keywords": ("关键词", "关键词"), "source": ("来源", "来源"),
         "copies": ("转载", "转载"), "meeting_host": ("会见领导", "会见领导"),
         "meeting_guest": ("会见对象", "会见对象")},
}
_NOTES = {EN: {"about": "about", "mentioned": "mentioned", "meeting": "meeting"},
          ZH: {"about": "涉及", "mentioned": "提及", "meeting": "会见"}}
_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省",
                      "市")


def lang_of(language: str | None) -> str:
    return ZH if language == ZH else EN


def field(name: str, language: str | None) -> str:
    """A field label (``FIELDS`` key) in ``language``."""
    return FIELDS[lang_of(language)][name]


def province_name(pid: str, language: str | None) -> str:
    names = PROVINCES.get(pid)
    if names is None:
        return pid
    if lang_of(language) == EN:
        return names[0]
    chinese = names[1]
    for suffix in _PROVINCE_SUFFIXES:
        if chinese.endswith(suffix) and len(chinese) > len(suffix) + 1:
            return chinese[: -len(suffix)]
    return chinese


def tag_name(kind: str, tag_id: str, language: str | None) -> str:
    """The display name of a province, sector or event id (the id if it has none)."""
    if kind == "province":
        return province_name(tag_id, language)
    names = (SECTOR_NAMES if kind == "sector" else EVENT_NAMES).get(tag_id)
    if not names:
        return tag_id
    return names[0] if lang_of(language) == EN else (names[1] or names[0])


def names(kind: str, ids: tuple[str, ...] | list[str], language: str | None) -> list[str]:
    return [tag_name(kind, i, language) for i in ids]


def joined(values: list[str], language: str | None) -> str:
    return ("、" if lang_of(language) == ZH else ", ").join(values)


def china_time(value: datetime | None, short: bool = False) -> str:
    """``2024-05-01 16:30 +08:00`` (``05-01 16:30 +08:00`` short); "" for None. A naive
    datetime is taken to be UTC."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    local = value.astimezone(SHANGHAI)
    offset = local.strftime("%z")
    return f"{local.strftime('%m-%d %H:%M' if short else '%Y-%m-%d %H:%M')} " \
           f"{offset[:3]}:{offset[3:]}"


def china_iso(value: datetime | None) -> str | None:
    """ISO 8601 in China time with its offset, ``2024-05-01T16:30:00+08:00``; None for
    None."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(SHANGHAI).isoformat(timespec="seconds")


def source_text(source_name: str | None, source_id: str, outlet: str | None) -> str:
    """The outlet as readers know it: the article's own outlet (its 来源 line) and the
    site it was read on, ``河南日报 · 河南省人民政府·要闻``; the catalog name alone, or the
    source id if nothing better is stored."""
    site = (source_name or "").strip() or source_id
    outlet = (outlet or "").strip()
    if outlet and outlet not in site and site not in outlet:
        return f"{outlet} · {site}"
    return outlet if outlet and site in outlet else site


# --- snippets ---------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?:[。！？!?]+|\.(?=\s|$))[”’\"'」』）)\]]*")
_CLAUSE = re.compile(r"[，；：、,;:]")
_SPACES = re.compile(r"\s+")


def cut_snippet(text: str, limit: int) -> str:
    """The start of ``text`` in whole sentences of at most ``limit`` characters, with … if
    text was left out (see the module docstring); "" for no text or ``limit`` 0."""
    if not text or limit <= 0:
        return ""
    window = limit * 3  # enough to find the sentence ends that can count
    rest = bool(text[window:].strip())  # text beyond what is looked at
    text = _SPACES.sub(" ", text[:window]).strip()
    if len(text) <= limit and not rest:
        return text
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    fit = [e for e in ends if e <= limit]
    if fit:
        end = fit[-1]
    elif ends and ends[0] <= 2 * limit:
        end = ends[0]
    else:
        clauses = [m.end() for m in _CLAUSE.finditer(text, 0, limit)]
        end = clauses[-1] if clauses else limit
    head = text[:end].rstrip()
    if not head or (end >= len(text) and not rest):
        return head
    return head + (" " if head[-1].isascii() else "") + ELLIPSIS


# --- why it matched ---------------------------------------------------------------------


def reason_text(reason: Reason, language: str | None, source_label: str | None = None) -> str:
    """One criterion that held: ``province Henan (about)``, ``keywords 比亚迪, EV``."""
    lang = lang_of(language)
    single, plural = _CRITERIA[lang].get(reason.criterion, (reason.criterion,) * 2)
    label = single if len(reason.values) == 1 else plural
    if reason.criterion in ("province", "sector", "event"):
        shown = names(reason.criterion, reason.values, lang)
    elif reason.criterion == "source" and source_label:
        shown = [source_label]
    else:
        shown = list(reason.values)
    text = f"{label} {joined(shown, lang)}"
    note = _NOTES[lang].get(reason.note, reason.note)
    if note:
        text += f"（{note}）" if lang == ZH else f" ({note})"
    return text


def match_line(reasons: tuple[Reason, ...], language: str | None,
               source_label: str | None = None) -> str:
    """The criteria that held, in one line without its label (``""`` if none is known)."""
    sep = "；" if lang_of(language) == ZH else ", "
    return sep.join(reason_text(r, language, source_label) for r in reasons)


def meeting_line(meetings: tuple[MeetingNote, ...], language: str | None) -> str:
    """The first meeting in one line (``""`` when the story reports none): its summary in
    ``language``, else in the other, else its hosts, guests and topics."""
    if not meetings:
        return ""
    m = meetings[0]
    lang = lang_of(language)
    first, second = (m.summary_zh, m.summary_en) if lang == ZH else (m.summary_en, m.summary_zh)
    if first or second:
        return first or second
    topics = joined(names("sector", m.topics, lang), lang)
    if lang == ZH:
        line = f"{'、'.join(m.hosts)}会见{'、'.join(m.guests)}"
        return line + (f"（{topics}）" if topics else "")
    line = f"{', '.join(m.hosts)} met {', '.join(m.guests)}"
    return line + (f" ({topics})" if topics else "")
