"""Scrapy spiders by source kind: they discover and fetch, nothing more."""
