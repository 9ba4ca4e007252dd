"""Hanweb "jpaas", the newer platform of MIIT and Zhejiang: column pages are shells.

The column page holds no list; a ``<script>`` element carries two attributes,
``url="/api-gateway/jpaas-publish-server/front/page/build/unit"`` and ``querydata="{webId:
'3096', pageId: '1554467', pageType: 'column', parseType: 'buildstatic', tplSetId: …,
tagId: …, editType: …}"``. A GET of that URL with those fields as query parameters, plus
``paramJson={"pageNo": N, "pageSize": "24"}`` and the column page as Referer, answers
``{"success": true, "data": {"html": "<ul><li>…"}}``: the list, a date in ``span.fr``.

So page 1 takes two steps: the shell, then its data (a ``then`` request). Later pages go
to the API directly with pageNo N; the walk ends at a page with no items. Article URLs
(``…/art/YYYY/art_<32 hex>.html``) carry only the year: the list's date is the one used.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from provwatch.spiders.platforms.base import Adapter, ListPage, ListRequest, ListResult

UNIT_PATH = "jpaas-publish-server/front/page/build/unit"
PAGE_SIZE = 24
_FIELD = re.compile(r"['\"]?(\w+)['\"]?\s*:\s*['\"]([^'\"]*)['\"]")


def _attr_scripts(page: ListPage):
    for node in page.selector.xpath("//script[@url and @querydata]"):
        if UNIT_PATH in node.attrib.get("url", ""):
            yield node.attrib["url"], node.attrib["querydata"]


class JpaasAdapter(Adapter):
    name = "jpaas"
    summary = "Hanweb jpaas (MIIT, Zhejiang): shell page + build/unit JSON API with pageNo"
    article_rule = re.compile(r"/art/\d{4}/(?:\d{1,2}/\d{1,2}/)?art_[0-9a-f_]+\.html$")

    def parse(self, source, page: ListPage) -> ListResult:
        if UNIT_PATH in urlsplit(page.request.url).path:
            return self._data(source, page)
        for url, querydata in _attr_scripts(page):
            fields = dict(_FIELD.findall(querydata))
            if "pageId" not in fields:
                continue
            return ListResult(then=self.unit_request(page.urljoin(url), fields, 1, page.url))
        return ListResult(problem="no jpaas unit script (script[url*=build/unit][querydata])")

    @staticmethod
    def unit_request(api: str, fields: dict[str, str], number: int,
                     referer: str) -> ListRequest:
        params = dict(fields)
        params["paramJson"] = json.dumps({"pageNo": number, "pageSize": str(PAGE_SIZE)},
                                         separators=(",", ":"))
        return ListRequest(f"{api.split('?')[0]}?{urlencode(params)}", page=number,
                           headers=(("Referer", referer),))

    def _data(self, source, page: ListPage) -> ListResult:
        try:
            data = page.json()
            html = data["data"]["html"] if isinstance(data.get("data"), dict) else None
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            return ListResult(problem=f"the jpaas unit API did not answer with data.html "
                                      f"({e.__class__.__name__}: {e})")
        if not isinstance(html, str):
            return ListResult(problem="the jpaas unit API answered without data.html")
        links = self.html_links(source, page, html=html)
        result = ListResult(links=links)
        if links:
            query = dict(parse_qsl(urlsplit(page.request.url).query))
            query.pop("paramJson", None)
            referer = dict(page.request.headers).get("Referer", "")
            result.next = self.unit_request(page.request.url, query, page.request.page + 1,
                                            referer)
        return result
