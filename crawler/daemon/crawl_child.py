"""The crawl child: one Scrapy crawl of one source in a fresh process.

Scrapy's Twisted reactor cannot be restarted within one process, so every crawl (CLI,
demo or daemon) runs here, in its own process: memory is returned to the system after
each run, and a hung crawl can be killed without touching the daemon. The job arrives
as JSON on stdin; progress and the result leave as JSON lines on stdout.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
import time
from datetime import date
from typing import Any

import provwatch.settings as project_settings
from provwatch.crawler.catalog.sources import Source, load_catalog
from provwatch.crawler.config import Config
from provwatch.crawler.daemon.logs import configure_logging
from provwatch.pipelines.errors import PipelineDrop
from provwatch.spiders.base import SourceSpider
from provwatch.spiders.registry import SPIDERS


def scrapy_settings(config: Config, source: Source | None = None) -> dict[str, Any]:
    """Scrapy settings for one crawl: the deployment's, then the source's own politeness
    (its User-Agent, a longer delay, robots.txt not obeyed where the catalog says why).
    One source per crawl process, so a source's values never leak into another's."""
    delay = config.download_delay
    if source is not None and source.delay is not None:
        delay = source.delay
    return {
        "PROVWATCH_DATABASE_URL": config.database_url,
        "PROVWATCH_KEEP_RAW_HTML": config.keep_raw_html,
        "USER_AGENT": (source.user_agent if source is not None and source.user_agent
                       else config.user_agent),
        "DOWNLOAD_DELAY": delay,
        "DOWNLOAD_TIMEOUT": config.download_timeout,
        "DOWNLOAD_MAXSIZE": config.max_page_bytes,
        "ROBOTSTXT_OBEY": config.obey_robots and (source is None or source.robots),
        "PROVWATCH_ALERT_OLD": False,
        "LOG_LEVEL": "DEBUG" if config.log_level == "debug" else "WARNING",
        # provwatch's own handler (crawler.daemon.logs), installed by the child: Scrapy's
        # would write its plain lines and whole tracebacks beside the JSON ones
        "LOG_INSTALL_ROOT_HANDLER": False,
        # close the spider in order before the parent's kill at crawl_timeout: a request
        # still hanging then is cut, and what was stored is counted
        "CLOSESPIDER_TIMEOUT": soft_deadline(config),
    }


def soft_deadline(config: Config) -> float:
    """Seconds after which the spider is closed: early enough that a download in flight
    (up to ``download_timeout``) ends before the parent kills the process."""
    margin = min(config.download_timeout + 5, config.crawl_timeout / 2)
    return max(1.0, config.crawl_timeout - margin)


def log_threshold(config: Config, quiet: bool) -> int:
    """The child logs warnings (every skip and failure, one line each); a quiet run, whose
    caller prints the run's error messages itself, only errors (bugs)."""
    if config.log_level == "debug":
        return logging.DEBUG
    return logging.ERROR if quiet else logging.WARNING


def run(job: dict[str, Any]) -> dict[str, Any]:
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    config = Config(**job["config"])
    source = load_catalog(config.catalog).get(job["source_id"])
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.update(scrapy_settings(config, source), priority="cmdline")
    settings.set("PROVWATCH_PROGRESS_FD", sys.stdout.fileno(), priority="cmdline")
    settings.set("PROVWATCH_ALERT_OLD", bool(job.get("alert_old")), priority="cmdline")
    process = CrawlerProcess(settings)
    spider_cls = SPIDERS[source.kind]
    crawler = process.create_crawler(spider_cls)
    kwargs: dict[str, Any] = {"source": source, "validators": job.get("validators") or {}}
    if job.get("max_pages"):
        kwargs["max_pages"] = job["max_pages"]
    if source.kind == "listing" and job.get("paginate") is not None:
        kwargs["paginate"] = job["paginate"]
    for key in ("since", "until"):
        if job.get(key):
            kwargs[key] = date.fromisoformat(job[key])
    if job.get("start_url"):
        kwargs["start_url"] = job["start_url"]
        kwargs["start_page"] = int(job.get("start_page") or 1)
    if job.get("start_request") and source.kind == "listing":
        kwargs["start_request"] = job["start_request"]
    process.crawl(crawler, **kwargs)
    _running.append(crawler)
    process.start()
    # "shutdown": stopped by a signal (the parent's stop, or its death) before the end
    reason = crawler.stats.get_stats().get("finish_reason")
    if reason == "closespider_timeout":
        assert isinstance(crawler.spider, SourceSpider)  # it ran: one of SPIDERS
        crawler.spider.error("crawl_timeout", f"crawl stopped at its time limit "
                             f"({soft_deadline(config):g}s of crawl_timeout "
                             f"{config.crawl_timeout:g}s); what was stored counts")
    return payload(crawler, reason == "shutdown", timed_out=reason == "closespider_timeout")


def payload(crawler, interrupted: bool, timed_out: bool = False) -> dict[str, Any]:
    """The run's result: Scrapy's stats and what the spider counted."""
    spider = crawler.spider
    stats = crawler.stats.get_stats()
    return {"stats": _jsonable(stats), "dropped": dropped_by_reason(stats), "spider": {
        "interrupted": interrupted, "timed_out": timed_out,
        "entry_ok": spider.entry_ok, "entry_failed": spider.entry_failed,
        "article_failed": spider.article_failed, "not_modified": spider.not_modified,
        "errors": spider.errors[:50],
        # keep validators only when every article was fetched: else the next run must
        # re-read the feed to retry the ones that failed
        "validators": spider.new_validators
        if spider.article_failed == 0 and not (interrupted or timed_out) else {},
    }}


def dropped_by_reason(stats: dict[str, Any]) -> dict[str, int]:
    """Items dropped by the pipeline (counted by exception class) and by the spiders
    (counted by reason), as one {reason: n}. Worked out here, where the pipeline classes
    are loaded anyway, so the daemon never has to import Scrapy."""
    names = {cls.__name__: cls.reason for cls in _subclasses(PipelineDrop)}
    dropped: dict[str, int] = {}
    for key, n in stats.items():
        if key.startswith("item_dropped_reasons_count/"):
            name = key.split("/", 1)[1]
            dropped[names.get(name, name)] = int(n)
        elif key.startswith("provwatch/dropped/"):
            dropped[key.split("/", 2)[2]] = int(n)
    return dropped


def _subclasses(cls: type[PipelineDrop]) -> list[type[PipelineDrop]]:
    out: list[type[PipelineDrop]] = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def _jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if isinstance(v, (int, float, str, bool)) or v is None else str(v))
            for k, v in stats.items()}


_running: list[Any] = []  # the crawler, once it exists
_result_lock = threading.Lock()


def _report(result: dict[str, Any]) -> None:
    """Write the one result line and leave. Not sys.exit: the stdin watcher is blocked in a
    read that interpreter shutdown cannot interrupt; everything is committed by now."""
    with _result_lock:
        try:
            sys.stdout.write(json.dumps({"result": result}) + "\n")
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            pass  # the parent is gone: nobody to tell
        os._exit(0)


def _watch_parent(grace: float) -> None:
    """Stop when stdin closes: the parent closes it to stop us, and it closes by itself
    when the parent dies (even by kill -9), so a crawl never outlives its daemon.

    Stopping is Scrapy's graceful shutdown (SIGTERM to ourselves); a download in flight
    may hold that up, so shortly before the parent's grace runs out the stats so far are
    reported as an interrupted run (every stored item is already committed) and we exit.
    """
    try:
        while sys.stdin.buffer.read(65536):
            pass
    except (OSError, ValueError):
        pass
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(max(0.5, grace - 1.0))
        if _running and getattr(_running[0], "spider", None) is not None:
            _report(payload(_running[0], interrupted=True))
    finally:
        os._exit(3)


def main() -> None:
    job = json.loads(sys.stdin.buffer.readline())
    config = Config(**job["config"])
    configure_logging(config, log_threshold(config, bool(job.get("quiet"))))
    threading.Thread(target=_watch_parent, args=(float(job["config"].get("stop_grace", 5)),),
                     daemon=True, name="watch-parent").start()
    try:
        result = run(job)
    except Exception as e:  # the boundary of a crawl: report, never hang the parent
        logging.getLogger(__name__).error("crawl failed", exc_info=True)
        result = {"fatal": f"{e.__class__.__name__}: {e}"}
    _report(result)


if __name__ == "__main__":
    main()
