"""JSON list endpoints: any JSON list (field names from the catalog) and gov.cn's.

``json``: records under ``json_fields.items`` (a dotted path; empty for a bare array)
carry the article URL, title and date under the names ``json_fields`` gives. Xinhua's
``ds_<hex>.json`` channel data is one of these (``datasource``, ``publishUrl``, ``title``,
``publishTime``). No pagination: such files hold a rolling window of the newest items.

``gov_cn``: the central government portal, three shapes at once:
- the capitalised JSON lists (``YAOWENLIEBIAO.json``, ``ZUIXINZHENGCE.json``,
  ``ZCJD_QZ.json``): one bare array of the ~400 newest records, fields ``URL``, ``TITLE``,
  ``DOCRELPUBTIME``; no further pages;
- the State Council policy library's search API (``sousuo.www.gov.cn/search-gov/data``):
  ``searchVO.listVO[]`` with ``url``, ``title``, ``pubtime`` in epoch milliseconds, paged
  by the ``p`` query parameter (a miss answers ``code 200`` with ``data: null``);
- the HTML lists (``/lianbo/difang/``, ``home.htm``): ``div.list li h4 > a`` with the
  date in ``h4 > span``; further pages ``home_1.htm``, ``home_2.htm``, ...
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from provwatch.spiders.platforms.base import (
    Adapter,
    Link,
    ListPage,
    ListRequest,
    ListResult,
    clean_title,
    page_number_url,
    record_date,
    shown_page,
    total_pages,
)


def dig(data: Any, path: str) -> Any:
    """The value at a dotted path (``searchVO.listVO``, ``data.0.items``; "" is the root)."""
    for key in filter(None, path.split(".")):
        data = data[int(key)] if isinstance(data, list) else data[key]
    return data


def _json_problem(page: ListPage, e: Exception) -> ListResult:
    return ListResult(problem=f"not the JSON list expected ({e.__class__.__name__}: {e})")


class JsonAdapter(Adapter):
    name = "json"
    summary = "a JSON list; json_fields name the records' path and URL, title, date fields"

    def parse(self, source, page: ListPage) -> ListResult:
        fields = source.json_fields
        try:
            records = dig(page.json(), fields.get("items", ""))
        except (ValueError, KeyError, IndexError, TypeError) as e:
            return _json_problem(page, e)
        if not isinstance(records, list):
            return ListResult(problem=f"no list of records at {fields.get('items') or 'the top'}")
        return ListResult(links=self.records(source, page, records, fields["url"],
                                             fields.get("title"), fields.get("published")))

    def records(self, source, page: ListPage, records: list, url_key: str,
                title_key: str | None, date_key: str | None) -> list[Link]:
        links: dict[str, Link] = {}
        for record in records:
            if not isinstance(record, dict) or not isinstance(record.get(url_key), str):
                continue
            url = page.urljoin(record[url_key])
            if url in links or not self.wanted(source, url, page.url, selected=True):
                continue
            links[url] = Link(url, title=clean_title(record.get(title_key or "")),
                              published=record_date(record.get(date_key or "")))
        return list(links.values())


class GovCnAdapter(JsonAdapter):
    name = "gov_cn"
    summary = "gov.cn: capitalised JSON lists, the policy library search API, home_N.htm lists"

    def parse(self, source, page: ListPage) -> ListResult:
        head = page.text.lstrip()[:1]
        if head not in ("[", "{"):
            return self._html(source, page)
        try:
            data = page.json()
        except ValueError as e:
            return _json_problem(page, e)
        if isinstance(data, list):
            return ListResult(links=self.records(source, page, data, "URL", "TITLE",
                                                 "DOCRELPUBTIME"))
        return self._search(source, page, data)

    def _search(self, source, page: ListPage, data: Any) -> ListResult:
        box = data.get("data") if isinstance(data, dict) and "searchVO" not in data else data
        if box is None:
            return ListResult()  # the API's "no results" answer: code 200, data null
        try:
            records = dig(box, "searchVO.listVO")
        except (KeyError, IndexError, TypeError) as e:
            return _json_problem(page, e)
        if not isinstance(records, list):
            return ListResult(problem="searchVO.listVO is not a list")
        links = self.records(source, page, records, "url", "title", "pubtime")
        result = ListResult(links=links)
        vo = box.get("searchVO") if isinstance(box, dict) else None
        pages = vo.get("totalpage") if isinstance(vo, dict) else None
        result.total_pages = pages if isinstance(pages, int) else None
        n = page.request.page
        if records and (result.total_pages is None or n < result.total_pages):
            parts = urlsplit(page.url)
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            query["p"] = str(int(query.get("p") or n) + 1)
            result.next = ListRequest(parts._replace(query=urlencode(query)).geturl(), page=n + 1)
        return result

    def _html(self, source, page: ListPage) -> ListResult:
        expr = source.selectors.get("links") or "div.list li h4 > a"
        links = self.html_links(source, page, selector=expr)
        result = ListResult(links=links, total_pages=total_pages(page.text))
        n = page.request.page
        result.next = shown_page(page, page_number_url(page.url if n > 1 else _home(page.url),
                                                       n + 1), result.total_pages)
        if not links:
            result.problem = f"no article links found (selector {expr!r})"
        return result


def _home(url: str) -> str:
    """gov.cn's first list page is home.htm: /lianbo/difang/ pages on as home_1.htm."""
    parts = urlsplit(url)
    if parts.path.endswith("/"):
        return parts._replace(path=parts.path + "home.htm").geturl()
    return url
