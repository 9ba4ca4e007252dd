"""The live source check: is each catalog entry still right? One request per list page.

``provwatch sources check [ID...]`` fetches the first list page of each source (both steps
for a jpaas shell) with the headers a crawl sends, runs the source's own adapter on it and
reports one state per URL:

- ``ok``: the page loads and the adapter finds article links (the count is shown);
- ``blocked``: 403, 412, 429 or 521, or a bot-challenge page instead of the list (a
  JavaScript cookie script, a slider): the site needs a browser, or another network;
- ``structure-changed``: the page loads (or is gone: 404/410) but the adapter finds no
  article link, or not the JSON it expects: the entry's URL, adapter or pattern needs fixing;
- ``unreachable``: DNS, connection, TLS or timeout failures, and other HTTP errors;
- ``disallowed``: robots.txt forbids the page for our User-Agent (nothing else fetched).

Every list page read also says what to change (crawler/services/listdiag.py): the
article-like links on it that the entry's pattern rejects (how many, their most common
shape, a few of them) and the pager the page shows, and whether the adapter follows it.

It stores nothing and is never part of the test suite's live traffic: it is for a user
on a connected machine to see at once which entries need attention. Politeness holds
here as in a crawl: one request at a time per host, with the configured delay between
them, robots.txt read first (unless the entry says why not), the source's User-Agent.

Why ``requests`` rather than Scrapy: a check is a handful of single requests whose timing
and failure must be reported one by one; a crawl process per source would cost seconds
each and hide the per-request detail.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from typing import Any
from urllib.parse import urlencode, urlsplit
from urllib.robotparser import RobotFileParser

import requests

from provwatch.crawler.catalog.sources import Source
from provwatch.crawler.config import Config
from provwatch.crawler.services.listdiag import ListDiagnosis, diagnose
from provwatch.spiders.base import challenge_marker
from provwatch.spiders.platforms import ListPage, ListRequest, adapter_for

STATES = ("ok", "blocked", "structure-changed", "unreachable", "disallowed")
BLOCKED_STATUSES = (403, 412, 429, 521)
GONE_STATUSES = (404, 410)
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,application/json;q=0.8,*/*;q=0.5"
ACCEPT_LANGUAGE = "zh-CN,zh;q=0.9,en;q=0.8"
_MAX_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class CheckResult:
    source_id: str
    url: str
    state: str
    links: int = 0
    status: int | None = None
    detail: str = ""
    elapsed_ms: int = 0
    rejected: int = 0  # article-like links on the list page the pattern rejects
    rejected_shape: str = ""  # their most common shape
    rejected_examples: tuple[str, ...] = ()
    pager: str = ""  # the pager the page shows, "" when none

    def to_dict(self) -> dict:
        return asdict(self)


class _HostPacer:
    """One request at a time per host, ``delay`` seconds apart (the crawl's politeness)."""

    def __init__(self) -> None:
        self._locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self._last: dict[str, float] = {}
        self._guard = threading.Lock()

    def wait(self, host: str, delay: float) -> threading.Lock:
        with self._guard:
            lock = self._locks[host]
        lock.acquire()
        pause = self._last.get(host, 0.0) + delay - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        return lock

    def done(self, host: str, lock: threading.Lock) -> None:
        self._last[host] = time.monotonic()
        lock.release()


class Checker:
    def __init__(self, config: Config, *, session: requests.Session | None = None) -> None:
        self.config = config
        self.http = session or requests.Session()
        self.pacer = _HostPacer()
        self._robots: dict[tuple[str, str], RobotFileParser | None] = {}
        self._robots_lock = threading.Lock()

    # -- one source ----------------------------------------------------------------------

    def check(self, source: Source) -> list[CheckResult]:
        if source.kind != "listing":
            return [self._check_feed(source, url) for url in source.urls]
        return [self._check_list(source, url) for url in source.urls]

    def _check_list(self, source: Source, url: str) -> CheckResult:
        adapter = adapter_for(source)
        request = adapter.start(source, url)
        started = time.monotonic()
        # a jpaas shell, then its data; an e-paper's index, its issue index, its first 版面
        for _step in range(3):
            got = self._fetch(source, request)
            if isinstance(got, CheckResult):
                return _timed(got, started)
            response, body = got
            page = ListPage(response.url, body, request, charset=source.charset,
                            content_type=response.headers.get("Content-Type"))
            result = adapter.parse(source, page)
            if result.then is None:
                break
            request = result.then
        links = result.links  # the adapter kept only what matches article_pattern
        diag = diagnose(source, adapter, page, result)
        found: dict[str, Any] = {"rejected": diag.rejected, "rejected_shape": diag.shape,
                 "rejected_examples": diag.samples, "pager": diag.pager}
        if not links:
            why = result.problem or "no article links found"
            return _timed(CheckResult(source.id, url, "structure-changed",
                                      status=response.status_code,
                                      detail=_detail(f"adapter {adapter.name}: {why}", diag),
                                      **found), started)
        return _timed(CheckResult(source.id, url, "ok", len(links), response.status_code,
                                  _detail(f"adapter {adapter.name}", diag), **found), started)

    def _check_feed(self, source: Source, url: str) -> CheckResult:
        import feedparser

        started = time.monotonic()
        got = self._fetch(source, ListRequest(url))
        if isinstance(got, CheckResult):
            return _timed(got, started)
        response, body = got
        parsed = feedparser.parse(body)
        entries = [e for e in parsed.entries if e.get("link")]
        if not entries:
            why = getattr(parsed, "bozo_exception", None) or "no entries with a link"
            return _timed(CheckResult(source.id, url, "structure-changed",
                                      status=response.status_code, detail=f"feed: {why}"),
                          started)
        return _timed(CheckResult(source.id, url, "ok", len(entries), response.status_code,
                                  "feed"), started)

    # -- one request ---------------------------------------------------------------------

    def _fetch(self, source: Source, request: ListRequest
               ) -> tuple[requests.Response, bytes] | CheckResult:
        """The response and its body (read once, up to a size cap), or the CheckResult
        that says why there is none worth parsing."""
        host = urlsplit(request.url).hostname or ""
        user_agent = source.user_agent or self.config.user_agent
        if not self._allowed(source, request.url, user_agent):
            return CheckResult(source.id, request.url, "disallowed",
                               detail=f"robots.txt disallows it for {user_agent!r}")
        headers = {"User-Agent": user_agent, "Accept": ACCEPT,
                   "Accept-Language": ACCEPT_LANGUAGE, **dict(request.headers)}
        delay = source.delay if source.delay is not None else self.config.download_delay
        lock = self.pacer.wait(host, delay)
        try:
            response = self.http.request(
                request.method, request.url, headers=headers,
                data=urlencode(request.form) if request.form else None,
                timeout=self.config.download_timeout, allow_redirects=True, stream=True)
            body = _read(response)
        except requests.RequestException as e:
            return CheckResult(source.id, request.url, "unreachable",
                               detail=f"{e.__class__.__name__}: {_short(e)}")
        finally:
            self.pacer.done(host, lock)
        status = response.status_code
        marker = challenge_marker(body)
        if status in BLOCKED_STATUSES or marker:
            what = f"a bot challenge page ({marker!r})" if marker else f"HTTP {status}"
            return CheckResult(source.id, request.url, "blocked", status=status,
                               detail=f"{what}: needs a browser or another network")
        if status in GONE_STATUSES:
            return CheckResult(source.id, request.url, "structure-changed", status=status,
                               detail=f"HTTP {status}: the list has moved")
        if status >= 400:
            return CheckResult(source.id, request.url, "unreachable", status=status,
                               detail=f"HTTP {status}")
        return response, body

    def _allowed(self, source: Source, url: str, user_agent: str) -> bool:
        if not (self.config.obey_robots and source.robots):
            return True
        parts = urlsplit(url)
        key = (f"{parts.scheme}://{parts.netloc}", user_agent)
        with self._robots_lock:
            if key not in self._robots:
                self._robots[key] = self._read_robots(key[0], user_agent)
            rules = self._robots[key]
        return rules is None or rules.can_fetch(user_agent, url)

    def _read_robots(self, origin: str, user_agent: str) -> RobotFileParser | None:
        """The site's robots.txt rules; None (everything allowed) when it has none or it
        cannot be read, as Scrapy's middleware does."""
        try:
            response = self.http.get(origin + "/robots.txt", headers={"User-Agent": user_agent},
                                        timeout=self.config.download_timeout)
        except requests.RequestException:
            return None
        if response.status_code >= 400:
            return None
        rules = RobotFileParser()
        rules.parse(response.text.splitlines())
        return rules


def check_sources(config: Config, sources: list[Source], *, workers: int = 8,
                  on_result: Callable[[CheckResult], None] | None = None,
                  session: requests.Session | None = None) -> list[CheckResult]:
    """Check every source, hosts in parallel (``workers`` threads), each host paced."""
    checker = Checker(config, session=session)
    results: list[CheckResult] = []
    lock = threading.Lock()

    def one(source: Source) -> None:
        for result in checker.check(source):
            with lock:
                results.append(result)
                if on_result is not None:
                    on_result(result)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(one, list(sources)))
    order = {s.id: i for i, s in enumerate(sources)}
    results.sort(key=lambda r: order.get(r.source_id, 0))
    return results


def _read(response: requests.Response) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_content(64 * 1024):
        chunks.append(chunk)
        size += len(chunk)
        if size > _MAX_BYTES:
            break
    response.close()
    return b"".join(chunks)


def _detail(first: str, diag: ListDiagnosis) -> str:
    return "\n".join([first, *diag.lines()])


def _short(e: Exception) -> str:
    text = str(e).strip() or e.__class__.__name__
    return text if len(text) <= 200 else text[:197] + "..."


def _timed(result: CheckResult, started: float) -> CheckResult:
    return replace(result, elapsed_ms=int((time.monotonic() - started) * 1000))
