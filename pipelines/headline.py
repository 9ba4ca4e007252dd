"""The headline: its text (site-name and column suffixes stripped) and its element in the body.

Title rule order: the government ``ArticleTitle`` meta (pipelines.govmeta: any case of
the name, markup leaked into the value dropped); a heading in the body (h1-h3, or an
element whose class/id says title) that equals the stripped <title>, or that the <title>
starts or ends with (sites put their name last or first); the stripped <title>; og:title;
the first h1; the caller's feed title.

Suffix rule: a trailing segment after ``_``, ``|``, ``｜``, ``--`` or a spaced dash is
stripped when it names a site (网, 政府, 门户, 日报, News, Daily, ...), or when it is short:
a column name such as ``_科技`` (up to 12 characters; after a spaced dash, up to six
Chinese characters); repeatedly, so ``标题_科技_腾讯网`` keeps ``标题``. A bare hyphen
counts only before a Chinese site name (``标题-新华网``); ``——`` never does, it introduces
a subtitle. A segment is not stripped when less than 4 characters would be left.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass
from functools import lru_cache

from provwatch.pipelines.boilerplate import tokens
from provwatch.pipelines.govmeta import read_gov_meta

_SITE = re.compile(r"(?:网|政府|门户|日报|晚报|新闻|频道|在线|报社|电视台|广播|网站|论坛|社区|"
                   r"Daily|News|Wire|Online|Times|Post|Xinhua|Agency|Portal|\.com|\.cn)", re.I)
_SEGMENT = re.compile(r"^(?P<head>.*[^\s_\-–—])\s*"
                      r"(?P<sep>__?|[|｜]|--|\s[-–—]\s|-(?=[\u4e00-\u9fff]))"
                      r"\s*(?P<tail>[^_|｜]*?)\s*$")
_CJK_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")
_SHORT_SEPS = ("_", "__", "|", "｜", "--")
_SPACES = re.compile(r"\s+")
_HEADINGS = {"h1", "h2", "h3"}


@dataclass(frozen=True)
class Headline:
    text: str
    element: object | None  # the lxml element holding it in the body, when found


def strip_site_suffix(title: str) -> str:
    title = _SPACES.sub(" ", htmllib.unescape(title)).strip()
    kept = title
    while True:
        m = _SEGMENT.match(kept)
        if not m:
            return kept
        tail, sep = m.group("tail"), m.group("sep").strip()
        site = len(tail) <= 40 and bool(_SITE.search(tail))
        short = (sep in _SHORT_SEPS and 0 < len(tail) <= 12) or (
            sep in "-–—" and 0 < len(tail) <= 6 and bool(_CJK_ONLY.match(tail)))
        head = m.group("head").strip()
        if (m.group("sep") == "-" and not site) or not (site or short) or len(head) < 4:
            return kept
        kept = head


def _squash(text: str) -> str:
    return _SPACES.sub("", text)


def _meta(root, *names: str) -> str | None:
    for name in names:
        for value in root.xpath(f'//meta[@name="{name}" or @property="{name}"]/@content'):
            if value.strip():
                return _SPACES.sub(" ", htmllib.unescape(value)).strip()
    return None


def _title_tag(root) -> str:
    found = root.xpath("//title")
    return found[0].text_content() if found else ""


def _is_title_like(el) -> bool:
    return el.tag in _HEADINGS or _title_attr(el.get("class"), el.get("id"))


@lru_cache(maxsize=4096)  # a page repeats its few class names on every element
def _title_attr(class_: str | None, id_: str | None) -> bool:
    return any("title" in t or t in ("bt", "biaoti") for t in tokens(class_) + tokens(id_))


def _body_heading(root, raw_title: str, stripped: str):
    """(element, exact): the first heading the <title> starts or ends with, or that equals the
    stripped title (exact), else the first that contains the stripped title."""
    raw, want = _squash(raw_title), _squash(stripped)
    fallback = None
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag == "title":
            continue
        if not _is_title_like(el):
            # a plain cell or <font> holding only the headline
            own = _squash(el.text or "")
            if len(el) > 2 or len(own) < 4 or not want.startswith(own[:4]):
                continue
            if _squash(el.text_content()) != want:
                continue
        text = _squash(el.text_content())
        if len(text) < 4 or len(text) > 120:
            continue
        if text == want or (len(text) >= 6 and (raw.startswith(text) or raw.endswith(text))):
            return el, True
        if fallback is None and len(want) >= 6 and want in text and len(text) <= len(want) + 12:
            fallback = el
    return fallback, False


def find_headline(root, feed_title: str | None = None) -> Headline:
    raw = _title_tag(root)
    stripped = strip_site_suffix(raw) if raw.strip() else ""
    element, exact = _body_heading(root, raw, stripped) if stripped else (None, False)
    article_title = read_gov_meta(root).title
    if article_title:
        return Headline(strip_site_suffix(article_title), element)
    if element is not None and exact:
        return Headline(_SPACES.sub(" ", element.text_content()).strip(), element)
    if stripped:
        return Headline(stripped, element)
    og = _meta(root, "og:title")
    if og:
        return Headline(strip_site_suffix(og), None)
    h1 = root.xpath("//h1")
    if h1 and h1[0].text_content().strip():
        return Headline(_SPACES.sub(" ", h1[0].text_content()).strip(), h1[0])
    return Headline(strip_site_suffix(feed_title or ""), None)
