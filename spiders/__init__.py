"""Scrapy spiders by source kind: they discover and fetch, nothing more. May import
pipelines, alerts, crawler.catalog, crawler.storage and the ground modules; never
crawler.services, crawler.daemon or crawler.cli."""
