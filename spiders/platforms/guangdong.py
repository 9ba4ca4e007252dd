"""Guangdong's provincial platform (gd.gov.cn and the province's departments and cities).

Articles are ``…/content/post_<7 digits>.html`` (also ``mpost_``). A column has two lists:
the HTML page (``li > span.til > a``, the date beside it) and a JSON twin,
``/postmeta/i/<columnId>.json``, whose ``articles[]`` hold ``id``, ``title``, ``url`` and
``abstract`` but no date. The HTML list pages on as ``index_2.html``, ``index_3.html``
and is followed when the page links there; the JSON twin has no pages.
"""

from __future__ import annotations

import re

from provwatch.spiders.platforms.base import (
    Adapter,
    ListPage,
    ListResult,
    page_number_url,
    shown_page,
)
from provwatch.spiders.platforms.jsonlist import JsonAdapter

_DEFAULT_LINKS = "li > span.til > a"


class GuangdongAdapter(JsonAdapter):
    name = "gd"
    summary = "Guangdong: /postmeta/i/<col>.json or li > span.til > a lists; post_N.html"
    article_rule = re.compile(r"/content/m?post_\d+\.html$")

    def parse(self, source, page: ListPage) -> ListResult:
        if page.text.lstrip()[:1] == "{":
            try:
                records = page.json().get("articles")
            except (ValueError, AttributeError) as e:
                return ListResult(problem=f"not the postmeta JSON expected "
                                          f"({e.__class__.__name__}: {e})")
            if not isinstance(records, list):
                return ListResult(problem="postmeta JSON without an articles list")
            return ListResult(links=self.records(source, page, records, "url", "title", None))
        expr = source.selectors.get("links") or _DEFAULT_LINKS
        links = Adapter.html_links(self, source, page, selector=expr)
        if not links:  # a column laid out otherwise: any post_ link on the page
            links = Adapter.html_links(self, source, page, selector="")
        result = ListResult(links=links)
        result.next = shown_page(page, page_number_url(page.url, page.request.page + 1,
                                                       first_index=2))
        if not links:
            result.problem = "no /content/post_N.html links found"
        return result
