"""Which spider crawls which kind of source."""

from __future__ import annotations

from provwatch.spiders.feed import FeedSpider
from provwatch.spiders.listing import ListingSpider
from provwatch.spiders.sitemap import SitemapSpider

SPIDERS = {"feed": FeedSpider, "listing": ListingSpider, "sitemap": SitemapSpider}
