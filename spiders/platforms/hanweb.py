"""Hanweb JCMS ("大汉") classic: Jiangsu, Shandong and many city and department sites.

Lists are ``/col/col<columnid>/index.html``; articles ``/art/YYYY/M/D/art_<col>_<id>.html``
(month and day not zero-padded). The list is not in the page's HTML: the first page's
records sit in a ``<script type="text/xml">`` block as
``<datastore><recordset><record><![CDATA[<li>…</li>]]></record>…``, and a script pages
through the rest by POSTing to ``/module/web/jpage/dataproxy.jsp?startrecord=&endrecord=
&perpage=`` with the form ``col=1&appid=1&webid=1&path=/&columnid=<col>
&sourceContentType=1&unitid=<unit>&permissiontype=0`` (and Referer/Origin). Its answer
is JavaScript: ``totalRecord=…;totalPage=…;dataStore=[ '<li>…</li>', … ]``.

The adapter reads both. The unit id comes from the element that holds the XML block
(``<div id="12345">``) or a ``unitid=``/``uid=`` in the page; the column id from the URL.
Sites differ in the rest: the datastore's ``<nextgroup>`` link (``…/dataproxy.jsp?page=1
&appid=1&webid=73&path=/&columnid=…&unitid=…&webname=…``) names the proxy's path (also
``/module/jpage/`` or ``/module/jslib/jquery/jpage/``) and the site's ``appid``, ``webid``
and ``webname``, which the form then carries; without that link, the defaults above (a
``webid=`` in the page wins over 1). A page of the walk is one batch of as many records
as the first page showed.
"""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from provwatch.spiders.platforms.base import Adapter, Link, ListPage, ListRequest, ListResult

PROXY_PATH = "/module/web/jpage/dataproxy.jsp"
_XML_BLOCK = re.compile(r"<script[^>]*type\s*=\s*['\"]text/xml['\"][^>]*>(.*?)</script>",
                        re.S | re.I)
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_TOTAL_RECORD = re.compile(r"(?:totalRecord\s*=\s*|<totalrecord>\s*)(\d+)", re.I)
_UNIT_HOLDER = re.compile(r"<div[^>]*\bid\s*=\s*['\"]?(\d+)['\"]?[^>]*>\s*<script[^>]*"
                          r"type\s*=\s*['\"]text/xml", re.I)
_UNIT_PARAM = re.compile(r"\b(?:unitid|uid)\s*[=:]\s*['\"]?(\d+)", re.I)
_COLUMN = re.compile(r"/col/col(\d+)/")
_COLUMN_PARAM = re.compile(r"\bcolumnid\s*[=:]\s*['\"]?(\d+)", re.I)
_WEBID_PARAM = re.compile(r"\bwebid\s*[=:]\s*['\"]?(\d+)", re.I)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[.*?\bhref\s*=\s*['\"]([^'\"]+)['\"]",
                        re.S | re.I)
_DATASTORE = re.compile(r"dataStore\s*=\s*\[(.*)\]", re.S)
_JS_STRING = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", re.S)


def _unescape(js: str) -> str:
    return re.sub(r"\\(.)", r"\1", js)


class HanwebAdapter(Adapter):
    name = "hanweb"
    summary = "Hanweb JCMS classic: /col/colN/ lists, records in a text/xml script, dataproxy.jsp"
    article_rule = re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$")

    def parse(self, source, page: ListPage) -> ListResult:
        text = page.text
        proxied = _is_proxy(page.request.url)
        if proxied:
            m = _DATASTORE.search(text)
            records = ([_unescape(a if a else b) for a, b in _JS_STRING.findall(m.group(1))]
                       if m else _RECORD.findall(text))
        else:
            records = [r for block in _XML_BLOCK.findall(text) for r in _RECORD.findall(block)]
        links = self._record_links(source, page, records)
        m = _TOTAL_RECORD.search(text)
        total = int(m.group(1)) if m else None
        result = ListResult(links=links)
        result.next = self._next(page, len(records), total, proxied)
        if not records:
            result.problem = ("no Hanweb records found (no <script type=\"text/xml\"> "
                              "datastore)" if not proxied else "dataproxy.jsp sent no records")
        elif not links:
            result.problem = "Hanweb records hold no article links"
        return result

    def _record_links(self, source, page: ListPage, records: list[str]) -> list[Link]:
        if not records:
            return []
        html = "<ul>" + "".join(records) + "</ul>"
        return self.html_links(source, page, html=html)

    def _next(self, page: ListPage, count: int, total: int | None,
              proxied: bool) -> ListRequest | None:
        if count == 0:
            return None
        request = page.request
        parts = urlsplit(page.url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if proxied:
            query = dict(parse_qsl(urlsplit(request.url).query))
            per = int(query.get("perpage") or count)
            end = int(query.get("endrecord") or count)
            form = request.form
            referer = dict(request.headers).get("Referer", "")
            proxy = request.url.split("?")[0]
        else:
            per, end = count, count
            unit = _UNIT_HOLDER.search(page.text) or _UNIT_PARAM.search(page.text)
            column = _COLUMN.search(page.url) or _COLUMN_PARAM.search(page.text)
            if not unit or not column:
                return None
            proxy, named = _nextgroup(page)
            webid = _WEBID_PARAM.search(page.text)
            form = (("col", "1"), ("appid", named.get("appid") or "1"),
                    ("webid", named.get("webid") or (webid.group(1) if webid else "1")),
                    ("path", named.get("path") or "/"), ("columnid", column.group(1)),
                    ("sourceContentType", "1"), ("unitid", unit.group(1)))
            if named.get("webname"):
                form += (("webname", named["webname"]),)
            form += (("permissiontype", named.get("permissiontype") or "0"),)
            referer = page.url
        if total is not None and end >= total:
            return None
        start = end + 1
        wanted = urlencode({"startrecord": start, "endrecord": end + per, "perpage": per})
        return ListRequest(f"{proxy}?{wanted}", page=request.page + 1,
                           method="POST", form=form,
                           headers=(("Referer", referer), ("Origin", origin)))


def _is_proxy(url: str) -> bool:
    return urlsplit(url).path.endswith("/dataproxy.jsp")


def _nextgroup(page: ListPage) -> tuple[str, dict[str, str]]:
    """The proxy's URL (no query) and the fields its ``<nextgroup>`` link names; the
    default proxy and no fields when the page has no such link."""
    m = _NEXTGROUP.search(page.text)
    if m:
        url = page.urljoin(htmllib.unescape(m.group(1)))
        if _is_proxy(url):
            return url.split("?")[0], dict(parse_qsl(urlsplit(url).query))
    parts = urlsplit(page.url)
    return f"{parts.scheme}://{parts.netloc}{PROXY_PATH}", {}
