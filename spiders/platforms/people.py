"""people.com.cn channels: the provincial channels of People's Daily Online.

Lists are ``http://<code>.people.com.cn/GB/<column>/index.html``; articles
``/n2/YYYY/MMDD/c<column>-<id>.html`` (``/n1/`` on the national site), dated by their
URL. Pages are GBK (a few newer ones UTF-8): the decoder sniffs, and a catalog ``charset``
forces one. Further pages are ``index2.html``, ``index3.html``, ... and are followed only
when the page links to them (its pager, or a 下一页 link).
"""

from __future__ import annotations

import re

from provwatch.spiders.platforms.base import (
    Adapter,
    ListPage,
    ListRequest,
    ListResult,
    anchors,
    page_number_url,
    shown_page,
)


class PeopleAdapter(Adapter):
    name = "people"
    summary = "people.com.cn: /GB/<col>/index.html lists (GBK), /n2/YYYY/MMDD/c<col>-<id>.html"
    article_rule = re.compile(r"/n\d/\d{4}/\d{4}/c\d+-\d+\.html$")

    def parse(self, source, page: ListPage) -> ListResult:
        links = self.html_links(source, page)
        result = ListResult(links=links)
        number = page.request.page + 1
        nxt = page_number_url(page.url, number, sep="", first_index=2)
        pager = [href for href, el in anchors(page.selector, "//a[contains(., '下一页')]")]
        if pager:
            result.next = ListRequest(page.urljoin(pager[0]), page=number)
        else:
            result.next = shown_page(page, nxt)
        if not links:
            result.problem = "no /n2/YYYY/MMDD/c<col>-<id>.html links found"
        return result
