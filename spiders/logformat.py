"""Scrapy log formatter that names a dropped or scraped item by URL, never dumps its bytes."""

from __future__ import annotations

import logging

from scrapy.logformatter import LogFormatter


class ItemSafeLogFormatter(LogFormatter):
    def dropped(self, item, exception, response, spider=None):
        level = getattr(logging, (getattr(exception, "log_level", None) or "WARNING").upper(),
                        logging.WARNING)
        return {"level": level, "msg": "Dropped (%(reason)s): %(exception)s",
                "args": {"reason": getattr(exception, "reason", type(exception).__name__),
                         "exception": exception}}

    def scraped(self, item, response, spider=None):
        return {"level": logging.DEBUG, "msg": "Stored %(url)s",
                "args": {"url": getattr(item, "url", "?")}}
