"""Which spider crawls which kind of source."""

from __future__ import annotations

from spiders.feed import FeedSpider
from spiders.listing import ListingSpider
from spiders.sitemap import SitemapSpider

SPIDERS = {"feed": FeedSpider, "listing": ListingSpider, "sitemap": SitemapSpider}
