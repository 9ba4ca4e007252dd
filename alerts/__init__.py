"""Watchlists, matching, the delivery outbox and the channels that deliver alerts. May
import crawler.catalog, crawler.storage and the ground modules; never pipelines, spiders,
crawler.services, crawler.daemon or crawler.cli."""
