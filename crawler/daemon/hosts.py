"""Politeness across sources: a province's news, leaders and policy columns share one
portal, and crawled at once they would multiply the request rate its host sees. The daemon
(one machine) and the workers (crawler.daemon.worker_crawl, several) count the crawls
running per host and let at most ``crawls_per_host`` of them at a host; a crawl that finds
its host busy waits ``HOST_WAIT`` to twice that and tries again."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from provwatch.crawler.catalog.sources import Source

HOST_WAIT = 15.0  # seconds a crawl waits (plus up to as much again) for a busy host


def hosts_of(source: Source) -> frozenset[str]:
    """The hosts a source's list pages live on (its articles nearly always do too)."""
    return frozenset(urlsplit(u).netloc.lower() for u in source.urls)


def busy_host(source: Source, running: Iterable[Source], limit: int) -> str | None:
    """A host of ``source`` that the ``running`` sources' crawls already hold ``limit``
    times, else None."""
    counts: dict[str, int] = {}
    for other in running:
        for host in hosts_of(other):
            counts[host] = counts.get(host, 0) + 1
    return next((h for h in sorted(hosts_of(source)) if counts.get(h, 0) >= limit), None)
