"""Platform adapters: what provwatch knows about the content systems Chinese sites run on.

Knowledge about sites is data (the catalog); knowledge about platforms is code, here. A
catalog entry names its adapter; the adapter reads that platform's list pages (HTML, JSON
or JavaScript data) into article links and knows how its lists page on, which backfill
uses. Adding a site on a known platform is a catalog entry, not a spider.

==========  ==================================================================
generic     any HTML list: selectors.links or the generic link rule
json        a JSON list whose field names json_fields gives (Xinhua ds_*.json)
gov_cn      gov.cn JSON lists, the State Council policy library API, home_N.htm
trs         TRS WCM: tYYYYMMDD_id.html articles, index_N.html pages
hanweb      Hanweb JCMS classic: /col/colN/, text/xml records, dataproxy.jsp
jpaas       Hanweb jpaas (MIIT, Zhejiang): shell page + build/unit JSON API
gd          Guangdong: postmeta JSON or span.til lists, post_N.html articles
people      people.com.cn channels: /GB/<col>/ lists in GBK, indexN.html pages
epaper      newspaper e-papers: index -> the day's 版面 pages -> articles; by day
==========  ==================================================================
"""

from __future__ import annotations

from provwatch.spiders.platforms.base import Adapter, Link, ListPage, ListRequest, ListResult
from provwatch.spiders.platforms.epaper import EpaperAdapter
from provwatch.spiders.platforms.generic import GenericAdapter
from provwatch.spiders.platforms.guangdong import GuangdongAdapter
from provwatch.spiders.platforms.hanweb import HanwebAdapter
from provwatch.spiders.platforms.jpaas import JpaasAdapter
from provwatch.spiders.platforms.jsonlist import GovCnAdapter, JsonAdapter
from provwatch.spiders.platforms.people import PeopleAdapter
from provwatch.spiders.platforms.trs import TrsAdapter

ADAPTERS: dict[str, type[Adapter]] = {
    cls.name: cls for cls in (GenericAdapter, JsonAdapter, GovCnAdapter, TrsAdapter,
                              HanwebAdapter, JpaasAdapter, GuangdongAdapter, PeopleAdapter,
                              EpaperAdapter)
}

__all__ = ["ADAPTERS", "Adapter", "Link", "ListPage", "ListRequest", "ListResult",
           "adapter_for"]


def adapter_for(source) -> Adapter:
    """The adapter a listing source names (its catalog entry was validated on load)."""
    return ADAPTERS[source.adapter]()
