"""The generic list rule, for sites on no known platform.

Links come from ``selectors.links`` (CSS, or XPath starting with / or (), else from every
same-site link whose path looks like an article (digits or a date, not an index page).
The next page is the link ``selectors.next_page`` selects, when the source gives one.
"""

from __future__ import annotations

from provwatch.spiders.platforms.base import Adapter, ListPage, ListRequest, ListResult, anchors


class GenericAdapter(Adapter):
    name = "generic"
    summary = "any HTML list: selectors.links or the generic link rule; selectors.next_page"

    def parse(self, source, page: ListPage) -> ListResult:
        links = self.html_links(source, page)
        result = ListResult(links=links)
        expr = source.selectors.get("next_page")
        if expr:
            found = anchors(page.selector, expr)
            if found:
                result.next = ListRequest(page.urljoin(found[0][0]), page=page.request.page + 1)
        if not links:
            expr = source.selectors.get("links")
            result.problem = ("no article links found ("
                              + (f"selector {expr!r}" if expr else "generic rule") + ")")
        return result
