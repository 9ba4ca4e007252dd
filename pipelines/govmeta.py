"""The government-site meta set of a page, and the outlet a by-line names after 来源：.

Chinese government sites follow the 2017 政府网站发展指引 meta set: column and article pages
carry SiteName, SiteDomain, SiteIDCode, ColumnName, ColumnType (and ColumnDescription,
ColumnKeywords); article pages add ArticleTitle, PubDate, ContentSource, Keywords, Author,
Description, Image, Url. The central portal gov.cn has its own names: lanmu for the column,
firstpublishedtime / lastmodifiedtime (``2026-04-15-09:30:00``), manuscriptId.

Reading rules: meta names match in any case (``articletitle``, ``PUBDATE``); the first
non-empty value of a name wins. A value is unescaped, rid of markup and unrendered template
placeholders (CMSs leak ``<div>`` and ``${title}`` into ArticleTitle; a script's or
style's content goes with its tags), invisible and control characters and runs of spaces,
then cut to its field's length (300 for the title, 500 for the description and the domain,
1,000 for links, 100 otherwise); what is left empty counts as absent.
Url and Image are kept only as http(s), protocol-relative or root-relative links. Field
order: column = ColumnName, else lanmu; published = PubDate, else firstpublishedtime (raw
text; pipelines.dates parses it); keywords = Keywords split on , ， ; ； 、 and spaces,
duplicates dropped, at most 20 of at most 40 characters each.

By-line rule (source_from_byline): the text after 来源： / 信息来源： / 稿源： (also 文章,
稿件, 新闻, 本文, 转载 + 来源; never 图片来源, 数据来源, 资金来源 and the like), up to the
next label (作者, 记者, 编辑, 发布时间, 时间：, 浏览, 字号, 打印, ...), a date, a bracket or bar,
sentence punctuation, or two spaces; an unclosed （ and what follows it is dropped. Over
30 characters it is cut at its last space within 30, or dropped when it has none (prose,
not an outlet); an unfilled template slot (size="20", ${source}) is dropped.
byline_source applies it to the short lines (up to 200 characters) after the headline, the
first that names an outlet winning; extraction runs it on the page with its furniture
pruned, so a footer's 凡注明"来源：XXX" notice is never read.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import asdict, dataclass

_NAMES = {  # field: meta names (lower case) in order of trust
    "site_name": ("sitename",),
    "site_domain": ("sitedomain",),
    "site_id_code": ("siteidcode",),
    "column": ("columnname", "lanmu"),
    "column_type": ("columntype",),
    "title": ("articletitle",),
    "published": ("pubdate", "firstpublishedtime"),
    "modified": ("lastmodifiedtime",),
    "content_source": ("contentsource",),
    "author": ("author",),
    "description": ("description",),
    "image": ("image",),
    "url": ("url",),
    "manuscript_id": ("manuscriptid",),
}
_LIMITS = {"title": 300, "description": 500, "site_domain": 500, "image": 1000, "url": 1000}
_LIMIT = 100
_LINKS = ("image", "url")
_KEYWORDS, _KEYWORD_LIMIT = 20, 40

_PLACEHOLDER = re.compile(r"\$\{[^}]*\}|\{\$[^}]*\}|<\$\[[^\]]*\]>|<!--.*?-->"
                          r"|<(script|style)\b.*?</\1\s*>", re.S | re.I)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(r"\s+")
_LINK = re.compile(r"^(?:(?:https?:)?//|/)[^\s<>\"']*$", re.I)
_KEYWORD_SPLIT = re.compile(r"[,，;；、\s]+")


@dataclass(frozen=True)
class GovMeta:
    site_name: str | None = None
    site_domain: str | None = None
    site_id_code: str | None = None
    column: str | None = None
    column_type: str | None = None
    title: str | None = None
    published: str | None = None  # as written: 2022-04-17 14:46:00, 2026-04-15-09:30:00
    modified: str | None = None
    content_source: str | None = None
    keywords: tuple[str, ...] = ()
    author: str | None = None
    description: str | None = None
    image: str | None = None
    url: str | None = None
    manuscript_id: str | None = None

    def to_dict(self) -> dict[str, str | list[str]]:
        return {k: list(v) if isinstance(v, tuple) else v
                for k, v in asdict(self).items() if v}


def clean_value(value: str, limit: int = _LIMIT) -> str | None:
    """A meta value as text: unescaped, markup and placeholders out, spaces squashed, cut."""
    value = _INVISIBLE.sub("", _PLACEHOLDER.sub("", htmllib.unescape(value)))
    value = _SPACES.sub(" ", _CONTROL.sub(" ", _TAG.sub("", value))).strip()
    return value[:limit].rstrip() or None


def meta_values(root) -> dict[str, str]:
    """Each meta name in lower case -> its first non-empty raw content."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        name = (meta.get("name") or "").strip().lower()
        content = meta.get("content") or ""
        if name and name not in found and content.strip():
            found[name] = content
    return found


def _field(metas: dict[str, str], field: str) -> str | None:
    for name in _NAMES[field]:
        value = clean_value(metas[name], _LIMITS.get(field, _LIMIT)) if name in metas else None
        if value and (field not in _LINKS or _LINK.match(value)):
            return value
    return None


def _keywords(metas: dict[str, str]) -> tuple[str, ...]:
    text = clean_value(metas.get("keywords", ""), 2000) or ""
    words = (w[:_KEYWORD_LIMIT] for w in _KEYWORD_SPLIT.split(text) if w)
    return tuple(dict.fromkeys(words))[:_KEYWORDS]


def read_gov_meta(root) -> GovMeta:
    """The page's government meta set; every field None (keywords empty) on other pages."""
    metas = meta_values(root)
    return GovMeta(keywords=_keywords(metas), **{f: _field(metas, f) for f in _NAMES})


# --- by-line ----------------------------------------------------------------------------

_NOT_CONTENT = ("图片", "图", "照片", "数据", "资金", "经费", "收入", "视频", "音频", "线索",
                "项目", "水")
_SOURCE_LABEL = re.compile(
    r"(?:(?:信息|文章|稿件|新闻|本文|转载)?" + "".join(f"(?<!{w})" for w in _NOT_CONTENT)
    + r"来\s*源|稿\s*源)\s*[:：]\s*")
_STOP = re.compile(
    r"\s{2,}|[\t\n\r\u3000\xa0|｜【】\[\])）。，；！？,;!?]"
    r"|作\s*者|记\s*者|通讯员|责任编辑|责编|编\s*辑|审\s*核|校\s*对|摄\s*影|供\s*稿"
    r"|发布(?:时间|日期|机构|者)|发表(?:时间|日期|于)|更新(?:时间|日期)|时\s*间\s*[:：]"
    r"|日\s*期\s*[:：]|(?:浏览|点击|阅读|访问)(?:次数|量|数)?|字\s*[号体]|打印|分享|关闭|收藏"
    r"|来\s*源\s*[:：]|(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}")
_OPEN = re.compile(r"[（(]")
_BYLINE_MAX = 30
_WORDY = re.compile(r"[A-Za-z\u4e00-\u9fff]")
_TEMPLATE = re.compile(r"[=\"'{}$<>]")  # an unfilled template slot: size="20", ${source}
_LINE_MAX = 200  # characters: longer text is prose, not a by-line
_SKIP = frozenset({"script", "style", "noscript", "textarea", "select", "option", "title"})


def source_from_byline(text: str) -> str | None:
    """The outlet a by-line line names after its 来源： label, or None."""
    for m in _SOURCE_LABEL.finditer(text or ""):
        rest = text[m.end():m.end() + 200]
        stop = _STOP.search(rest)
        value = _outlet(rest[:stop.start()] if stop else rest)
        if value:
            return value
    return None


def _outlet(value: str) -> str | None:
    value = _OPEN.split(value, maxsplit=1)[0]  # _STOP ends it at a ）: this （ is unclosed
    value = _SPACES.sub(" ", value).strip(" :：-—·/")
    if len(value) > _BYLINE_MAX:
        cut = value.rfind(" ", 0, _BYLINE_MAX + 1)
        value = value[:cut].rstrip() if cut > 0 else ""
    return value if _WORDY.search(value) and not _TEMPLATE.search(value) else None


def _line_of(el):
    """The largest short element around ``el``: the whole by-line when its label and its
    value sit in separate elements."""
    while True:
        parent = el.getparent()
        if parent is None or parent.tag in ("body", "html") or len(
                parent.text_content()) > _LINE_MAX:
            return el
        el = parent


def byline_source(root, headline=None, limit: int = 20) -> str | None:
    """The outlet after 来源： in the first short line after ``headline`` (an element of
    ``root``), or anywhere in the body when the headline element is unknown."""
    if headline is not None:
        texts = headline.xpath("following::text()[contains(., '源')]")
    else:
        texts = root.xpath("//body//text()[contains(., '源')]")
    for text in texts[:limit]:
        owner = text.getparent()
        if owner is not None and text.is_tail:
            owner = owner.getparent()
        if owner is None or owner.tag in _SKIP or len(owner.text_content()) > _LINE_MAX:
            continue
        found = source_from_byline(_line_of(owner).text_content())
        if found:
            return found
    return None
