"""TRS WCM sites, the most common platform of provincial portals and ministries.

Articles live at ``…/<column>/YYYYMM/tYYYYMMDD_<docid>.html`` (``.shtml``, or ``.htm`` on
fujian.gov.cn). A column's first page is ``index.html`` (or the column directory), the
second ``index_1.html``, the third ``index_2.html``: the second page's number is 1. The
page count is in the pager script (``createPageHTML(12, 0, "index", "html")``, or a
``countPage``/``totalPage`` variable); without one, a page is followed only when the
current page links to it, so a walk never guesses its way into 404s. The newer pager call
names its element first and counts from 1 (``createPageHTML('page_div', 12, 1,
'gl_fgsjpx', 'html', 240)``, Hunan): there the second page is ``gl_fgsjpx_2.html``.

Links: ``selectors.links`` when given; else every same-site link whose URL has the TRS
``tYYYYMMDD_`` shape (or matches ``article_pattern``). The list row's date, else the
``tYYYYMMDD`` in the URL, dates each link.
"""

from __future__ import annotations

import re

from provwatch.spiders.platforms.base import (
    Adapter,
    ListPage,
    ListResult,
    page_number_url,
    shown_page,
    total_pages,
)

_PAGER = re.compile(r"createPageHTML\(\s*['\"]?\d+['\"]?\s*,\s*['\"]?\d+['\"]?\s*,"
                    r"\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]")
# createPageHTML('page_div', total, current from 1, 'stem', 'ext', records)
_NAMED_PAGER = re.compile(r"createPageHTML\(\s*['\"][^'\"]*['\"]\s*,\s*['\"]?\d+['\"]?\s*,"
                          r"\s*['\"]?\d+['\"]?\s*,\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]")


class TrsAdapter(Adapter):
    name = "trs"
    summary = "TRS WCM: /YYYYMM/tYYYYMMDD_id.html articles, index_N.html pages"
    article_rule = re.compile(r"/t\d{8}_\d+\.s?html?$")

    def parse(self, source, page: ListPage) -> ListResult:
        links = self.html_links(source, page)
        result = ListResult(links=links, total_pages=total_pages(page.text))
        result.next = shown_page(page, self.page_url(page, page.request.page + 1),
                                 result.total_pages)
        if not links:
            expr = source.selectors.get("links")
            result.problem = ("no article links found ("
                              + (f"selector {expr!r}" if expr else "TRS article rule") + ")")
        return result

    @staticmethod
    def page_url(page: ListPage, number: int) -> str:
        """Page ``number`` of the column ``page`` belongs to; the pager script's own stem
        and extension win over the URL's (a column directory pages as index_1.html)."""
        url = page.url
        named = _NAMED_PAGER.search(page.text)
        m = named or _PAGER.search(page.text)
        if m and (url.endswith("/") or page.request.page == 1):
            stem, ext = m.groups()
            url = url.rsplit("/", 1)[0] + f"/{stem}.{ext}"
        return page_number_url(url, number, first_index=2 if named else 1)
