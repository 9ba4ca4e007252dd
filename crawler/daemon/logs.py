"""Log lines for the daemon, the crawl child and `provwatch crawl`: one record, one line.

``json``: every line on stderr is one JSON object (what journald, Loki or ELK parse as
is), Scrapy's and Twisted's records included; a traceback is a field, never raw lines,
and anything else written to stderr in the process becomes a record too. ``text``:
``time LEVEL event key=value ...`` (logfmt), a bug's traceback under it.

A known network or HTTP failure (DNS, refused or lost connection, timeout, TLS, an HTTP
error status, a refused response) is not a bug: its record keeps one line with the URL
and the reason (``error``), never the traceback, and Scrapy's own duplicates of what the
spiders already count (retries given up, robots.txt not fetched) drop to INFO.
Matched by class name, so this module never imports Scrapy or Twisted.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from datetime import datetime, timezone
from typing import Any, TextIO

from provwatch.crawler.config import Config
from provwatch.crawler.redact import redact

# exception classes (in twisted, scrapy, OpenSSL, ssl or builtins) that a site or the
# network causes, not a bug
NETWORK_FAILURES = frozenset({
    "DNSLookupError", "CannotResolveHostError", "ConnectionRefusedError",
    "DownloadConnectionRefusedError", "TimeoutError", "TCPTimedOutError",
    "DownloadTimeoutError", "ConnectionLost", "ConnectionDone", "ConnectionClosed",
    "ConnectionAborted", "ConnectionResetError", "ResponseFailed", "ResponseNeverReceived",
    "DownloadFailedError", "ResponseDataLossError", "DownloadCancelledError",
    "CancelledError", "TunnelError", "SSLError", "Error", "HttpError", "IgnoreRequest",
    "NoRouteError", "ConnectError", "UnsupportedURLSchemeError"})
_FAILURE_MODULES = ("twisted", "scrapy", "OpenSSL", "ssl", "builtins")
# Scrapy's records that repeat what a spider's errback counts and logs: a failure (with
# its exception) from these loggers, or a message starting so
_ECHOES = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt",
           "scrapy.core.scraper", "scrapy.downloadermiddlewares.httpcompression",
           "scrapy.core.downloader.handlers")
_ECHO_MESSAGES = ("Gave up retrying", "Ignored response", "Expected to receive", "Received ")


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: Any) -> None:
    """One structured log record: ``name`` plus fields, rendered by the formatters below."""
    logger.log(level, name, extra={"fields": fields})


def network_failure(exc: BaseException | None) -> str | None:
    """``Class: message`` when ``exc`` (or an exception it was raised from) is a known
    network or HTTP failure, else None (a bug)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        for cls in type(exc).__mro__:
            if cls.__name__ in NETWORK_FAILURES and \
                    cls.__module__.split(".")[0] in _FAILURE_MODULES:
                text = str(exc).strip()
                return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
        exc = exc.__cause__ or exc.__context__
    return None


def database_failure(exc: BaseException | None) -> str | None:
    """One line (password hidden) when ``exc``, or one it came from, is the database or
    the crawl queue failing (unreachable, locked, tables gone, ...); None for anything
    else (a bug). Matched by class, as network failures are, so the daemon's modules
    need not import the PostgreSQL driver or the queue engine to ask."""
    chain: list[BaseException] = []
    while exc is not None and all(exc is not e for e in chain):
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    # the driver's own error says what went wrong; the engine's wrapper only "Database error"
    found = next((e for e in chain if _is_a(e, "psycopg", "Error")), None) or next(
        (e for e in chain if _is_a(e, "procrastinate", "ConnectorException")
         or type(e).__module__.startswith("sqlalchemy.exc")), None)
    if found is None:
        return None
    text = str(found).strip() or type(found).__name__
    return redact(f"{type(found).__name__}: {text.splitlines()[0]}")


def _is_a(exc: BaseException, package: str, name: str) -> bool:
    return any(cls.__name__ == name and cls.__module__.split(".")[0] == package
               for cls in type(exc).__mro__)


def failure_line(logger: logging.Logger, exc: BaseException, *, doing: str, name: str,
                 next_seconds: float) -> None:
    """What a boundary that tries again later logs of ``exc``: one ``name`` event line
    with the reason when the database or the queue failed (an outage, not a bug), else
    the traceback of the bug under "<doing> failed"."""
    reason = database_failure(exc)
    if reason is None:
        logger.error("%s failed; next try in %gs", doing, next_seconds, exc_info=exc)
    else:
        event(logger, name, level=logging.ERROR, error=reason, next_try_seconds=next_seconds)


def tame(record: logging.LogRecord) -> logging.LogRecord:
    """A known failure keeps its reason as the ``error`` field, not its traceback; one
    that Scrapy logs besides the spider's own count is INFO."""
    exc = record.exc_info[1] if record.exc_info else None
    reason = network_failure(exc)
    if reason is not None:
        record.exc_info = None
        record.exc_text = None
        record.fields = {**(getattr(record, "fields", None) or {}), "error": reason}
    echo = reason is not None or (exc is None and str(record.msg).startswith(_ECHO_MESSAGES))
    if echo and record.levelno > logging.INFO and record.name.startswith(_ECHOES):
        record.levelno, record.levelname = logging.INFO, "INFO"
    return record


class JsonFormatter(logging.Formatter):
    """One JSON object per line, whatever the message holds."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name,
            "event": record.getMessage()}
        out.update(getattr(record, "fields", {}) or {})
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``time LEVEL event key=value ...`` (logfmt): greppable, and still one line a run."""

    def format(self, record: logging.LogRecord) -> str:
        ts = datetime.fromtimestamp(record.created, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        parts = [ts, record.levelname, record.getMessage()]
        for key, value in (getattr(record, "fields", {}) or {}).items():
            if value in (None, {}, [], ""):
                continue
            if isinstance(value, (dict, list)):
                value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            value = str(value)
            if not value or any(c in value for c in ' "='):
                value = json.dumps(value, ensure_ascii=False)
            parts.append(f"{key}={value}")
        line = " ".join(parts)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class LineHandler(logging.StreamHandler):
    """Writes tamed records at ``threshold`` or above; the level is checked after taming,
    so a known failure Scrapy logs as ERROR can fall below it."""

    def __init__(self, stream: TextIO, formatter: logging.Formatter, threshold: int) -> None:
        super().__init__(stream)
        self.setFormatter(formatter)
        self.threshold = threshold

    def handle(self, record: logging.LogRecord) -> bool:
        if tame(record).levelno < self.threshold:
            return False
        return bool(super().handle(record))

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))  # no token of a channel URL in a log line


class StderrToLog:
    """``sys.stderr`` in JSON mode: what code writes there (a thread's traceback, a
    library's print) leaves as records, one per line; a write made while one is being
    logged (logging's own error report) goes to the real stream unchanged."""

    def __init__(self, real: TextIO, logger: logging.Logger) -> None:
        self.real = real
        self.logger = logger
        self.pending = ""
        self.busy = threading.local()

    def write(self, text: str) -> int:
        if getattr(self.busy, "on", False):
            return self.real.write(text)
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        self.busy.on = True
        try:
            for line in lines:
                if line.strip():
                    self.logger.warning(line)
        finally:
            self.busy.on = False
        return len(text)

    def flush(self) -> None:
        if self.pending.strip():
            self.write("\n")
        self.real.flush()

    def fileno(self) -> int:
        return self.real.fileno()

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:
        if name == "real":  # not set yet (a copy): no endless lookup
            raise AttributeError(name)
        return getattr(self.real, name)  # buffer, errors ...: the real stream's

    @property
    def encoding(self) -> str:
        return getattr(self.real, "encoding", "utf-8")


def level_of(config: Config) -> int:
    return getattr(logging, config.log_level.upper())


def configure_logging(config: Config, threshold: int | None = None) -> None:
    """Route every record of this process through one handler on stderr, in the
    configured format; in JSON mode also uncaught exceptions and stray stderr writes."""
    json_mode = config.log_format == "json"
    real = sys.__stderr__ or sys.stderr
    level = level_of(config) if threshold is None else threshold
    handler = LineHandler(real, JsonFormatter() if json_mode else TextFormatter(), level)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("apscheduler").setLevel(
        logging.INFO if config.log_level == "debug" else logging.WARNING)
    if not json_mode:
        return
    crash = logging.getLogger("provwatch.crash")

    def uncaught(kind, value, tb) -> None:
        crash.critical("uncaught exception", exc_info=(kind, value, tb))

    def uncaught_in_thread(args) -> None:
        if args.exc_type is not SystemExit:
            crash.critical("uncaught exception in thread %s",
                           getattr(args.thread, "name", "?"),
                           exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

    logging.captureWarnings(True)  # a warning is one record, not two raw lines
    sys.excepthook = uncaught
    threading.excepthook = uncaught_in_thread
    sys.stderr = StderrToLog(real, logging.getLogger("stderr"))
