"""One article, several spellings: the twins and harmless query strings portals add to a URL.

Chinese portals publish one article under several addresses, all seen in real links:

- a twin page beside ``t<date>_<id>.html``: ``_app`` (Chongqing's app view), ``_wap``
  (Shaanxi, Ningxia), ``_slb`` (Shanxi's elderly-friendly view), ``_gzk`` and ``_gfwj``
  (Shanxi's regulation and normative-document libraries), e.g.
  ``www.cq.gov.cn/ywdt/jrcq/202606/t20260614_15751731_app.html``;
- query strings that change nothing on the page: ``?siteId=1`` (Shanghai), ``?xxgkhide=1``
  (Shandong), ``?ddtab=true`` (Hainan), an empty WeChat ``?code=&state=123`` (NDRC lists),
  and the tracking parameters share links carry (``from``, ``isappinstalled``, ``utm_*``…).

``article_form`` removes both, so an entry's ``article_pattern`` is written once, for the
page itself, and accepts every spelling (``matches_article``); pipelines/urls.py's
``canonical_url`` folds them the same way, so a twin and its page are stored as one article.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

# a twin suffix right after the article's numeric id, before the page's extension
TWIN = re.compile(r"(?<=\d)_(?:app|wap|slb|gzk|gfwj)(?=\.s?html?$)", re.I)
TRACKING = re.compile(
    r"^(utm_\w+|spm|from|share\w*|wx\w*|scene|srcid|isappinstalled|jsessionid|sessionid|"
    r"phpsessid|sid|fbclid|gclid|ref|_t)$",
    re.I,
)
# parameters portals add to an article link without changing the page
HARMLESS = re.compile(r"^(siteid|xxgkhide|ddtab)$", re.I)
# a WeChat login round trip leaves ?code=&state=<n> on shared links (seen on NDRC lists)
_WECHAT = ("code", "state")


def fold_twin(path: str) -> str:
    """The path of the page a twin path stands for (``…_app.html`` -> ``….html``)."""
    return TWIN.sub("", path)


def kept_query(query: str) -> str:
    """The query without tracking and harmless parameters. Filtered on the raw pairs:
    decoding values would turn GBK-encoded ones into U+FFFD."""
    pairs = [p for p in query.split("&") if p]
    names = {unquote(p.split("=", 1)[0]).lower(): p for p in pairs}
    wechat = "code" in names and names["code"].partition("=")[2] == "" and "state" in names
    kept = []
    for pair in pairs:
        name = unquote(pair.split("=", 1)[0])
        if TRACKING.match(name) or HARMLESS.match(name):
            continue
        if wechat and name.lower() in _WECHAT:
            continue
        kept.append(pair)
    return "&".join(kept)


def article_form(url: str) -> str:
    """``url`` with its twin suffix folded, tracking and harmless parameters removed and
    no fragment; everything else as written."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme, parts.netloc, fold_twin(parts.path),
                       kept_query(parts.query), ""))


def matches_article(pattern: str, url: str) -> bool:
    """Whether an entry's ``article_pattern`` finds ``url``, as written or in its
    ``article_form``."""
    return re.search(pattern, url) is not None or re.search(pattern, article_form(url)) is not None
