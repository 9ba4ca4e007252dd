"""The settings provwatch reads: each one's key, how its value is read and checked (one
clear error naming what is wrong), its default and its help line. crawler/config.py
reads them from the file, the environment and overrides."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from provwatch.crawler.taxonomy import CHAT_SCHEMES

REDACTED = "<redacted>"


def _bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    s = str(v).strip().lower()
    if s in ("1", "true", "yes", "on"):
        return True
    if s in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"not a boolean: {v!r}")


def _choice(*allowed: str) -> Callable[[Any], str]:
    def parse(v: Any) -> str:
        s = str(v).strip().lower()
        if s not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}, got {v!r}"
                             f"{did_you_mean(s, allowed)}")
        return s

    return parse


def _number(v: Any, kind: Callable[[Any], Any]) -> Any:
    """``v`` as an int or float: a clear message for a word, a boolean, inf or NaN."""
    if isinstance(v, bool) or isinstance(v, (list, dict)):
        raise ValueError(f"not a number: {v!r}")
    whole = kind is _int or kind is int
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise ValueError(f"must be a {'whole ' if whole else ''}number, got {v!r}") from None
    if not math.isfinite(x):
        raise ValueError(f"must be a finite number, got {v!r}")
    if whole:
        if not x.is_integer():
            raise ValueError(f"must be a whole number, got {v!r}")
        return int(x)
    return x


def _positive(kind: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def parse(v: Any) -> Any:
        x = _number(v, kind)
        if x <= 0:
            raise ValueError(f"must be > 0, got {v!r}")
        return x

    return parse


def _str(v: Any) -> str:
    if isinstance(v, (list, dict, bool)):
        raise ValueError(f"must be a string, got {type(v).__name__}")
    return str(v)


def _opt_str(v: Any) -> str | None:
    return _str(v).strip() or None


def _int(v: Any) -> int:
    return _number(v, _int)


def _port(lowest: int) -> Callable[[Any], int]:
    def parse(v: Any) -> int:
        n = _number(v, _int)
        if not lowest <= n <= 65535:
            raise ValueError(f"must be a port number {lowest}-65535, got {v!r}")
        return n

    return parse


def _non_negative(v: Any) -> float:
    x = _number(v, float)
    if x < 0:
        raise ValueError(f"must be >= 0, got {v!r}")
    return x


def _share(v: Any) -> float:
    x = _number(v, float)
    if not 0 < x <= 1:
        raise ValueError(f"must be a share above 0 and at most 1 (e.g. 0.5), got {v!r}")
    return x


DATABASE_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")


def _database_url(v: Any) -> str:
    """A SQLite or PostgreSQL (psycopg) URL; the message never shows its password."""
    url = _str(v).strip()
    if not url:
        return ""
    check_database_url(url)
    return url


def check_database_url(url: str) -> None:
    """Raise ValueError, naming the URL with its password hidden, unless ``url`` is one
    provwatch can store into (storage.db checks URLs given to it the same way)."""
    # lazy: SQLAlchemy's URL parser costs an import only when a URL is set
    from sqlalchemy.engine import make_url

    shown = redact_url(url)
    usage = "use sqlite:///PATH or postgresql://USER@HOST/DATABASE (postgresql+psycopg)"
    try:
        parsed = make_url(url)
        port = parsed.port
    except Exception:
        raise ValueError(f"{shown} is not a database URL: {usage}") from None
    if parsed.drivername not in (*DATABASE_SCHEMES, "sqlite+pysqlite"):
        hint = did_you_mean(parsed.drivername, DATABASE_SCHEMES)
        raise ValueError(f"database {parsed.drivername!r} in {shown} is not supported{hint}: "
                         f"{usage}")
    if port is not None and not 0 < port <= 65535:
        raise ValueError(f"{shown}: port {port} is not a port number 1-65535")


def _queue_url(v: Any) -> str | None:
    """Procrastinate keeps its queue in PostgreSQL only."""
    url = _database_url(v)
    if url and url.startswith("sqlite"):
        raise ValueError(f"{redact_url(url)}: the crawl queue (Procrastinate) needs "
                         "PostgreSQL: use postgresql://USER@HOST/DATABASE")
    return url or None


_CHANNEL_KINDS = ("email", "webhook")
_EMAIL = re.compile(r"[^@\s,;:<>()\[\]\"]+@[^@\s,;:<>()\[\]\".][^@\s,;:<>()\[\]\"]*")


def _channels(v: Any) -> str | None:
    """Channel targets separated by commas, each email:ADDRESS, webhook:URL or a chat URL
    (the channel itself checks a chat URL's details when it is made)."""
    text = _opt_str(v)
    for target in (t.strip() for t in (text or "").split(",")):
        if not target:
            continue
        scheme, sep, _ = target.partition("://")
        if sep and scheme.lower() in CHAT_SCHEMES:
            continue
        kind, sep, rest = target.partition(":")
        kind, rest = kind.strip().lower(), rest.strip()
        valid = ("email:ADDRESS, webhook:https://HOST/PATH or a chat URL "
                 f"({', '.join(s + '://' for s in CHAT_SCHEMES[:-1])})")
        if not sep or kind not in _CHANNEL_KINDS:
            hint = did_you_mean(kind, _CHANNEL_KINDS + CHAT_SCHEMES)
            raise ValueError(f"{target!r} is not a channel target{hint}: use {valid}")
        if kind == "email" and not _EMAIL.fullmatch(rest):
            raise ValueError(f"{target!r}: {rest!r} is not an email address")
        if kind == "webhook":
            parts = urlsplit(rest)
            if parts.scheme not in ("http", "https") or not parts.netloc or " " in rest:
                raise ValueError(f"{target!r}: a webhook needs an http(s) URL with a host")
    return text


def closest(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = closest(word, choices)
    return f" (did you mean {close!r}?)" if close else ""


@dataclass(frozen=True)
class Setting:
    key: str
    parse: Callable[[Any], Any]
    default: Any
    help: str
    secret: bool = False



SETTINGS: tuple[Setting, ...] = (
    Setting("database_url", _database_url, None,
            "SQLAlchemy URL; default a SQLite file in the user data dir", secret=True),
    Setting("catalog", _opt_str, None, "source catalog YAML; default the bundled catalog"),
    Setting("data_dir", _opt_str, None, "where provwatch keeps files; default the user data dir"),
    Setting("log_level", _choice("debug", "info", "warning", "error"), "info", "log level"),
    Setting("crawl_timeout", _positive(float), 600.0, "seconds before a crawl run is killed"),
    Setting("download_delay", _non_negative, 1.0, "seconds between requests to one host"),
    Setting("download_timeout", _positive(float), 30.0, "seconds before a request times out"),
    Setting("obey_robots", _bool, True, "obey robots.txt"),
    Setting("user_agent", _str,
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0 Safari/537.36 provwatch/0.1", "User-Agent header sent to sources"),
    Setting("keep_raw_html", _bool, True, "store the fetched bytes compressed for re-extraction"),
    Setting("max_page_bytes", _positive(_int), 8 * 1024 * 1024, "largest response accepted"),
    Setting("alert_interval", _positive(float), 60.0, "seconds between alert dispatches"),
    Setting("alert_max_attempts", _positive(_int), 5, "attempts before a delivery is failed"),
    Setting("alert_rate_limit", _positive(_int), 30,
            "messages a minute per channel; the overflow is folded into one summary"),
    Setting("smtp_host", _str, "localhost", "SMTP server"),
    Setting("smtp_port", _port(1), 25, "SMTP port"),
    Setting("smtp_username", _opt_str, None, "SMTP user"),
    Setting("smtp_password", _opt_str, None, "SMTP password", secret=True),
    Setting("smtp_security", _choice("none", "starttls", "ssl"), "none", "SMTP transport security"),
    Setting("smtp_from", _str, "provwatch@localhost", "From address of alert emails"),
    Setting("smtp_ca_file", _opt_str, None,
            "CA certificates (PEM) that sign the SMTP server's certificate, for a private "
            "relay; default: the system's trust store"),
    Setting("smtp_pickup_dir", _opt_str, None, "write emails as .eml files here instead of SMTP"),
    Setting("webhook_secret", _opt_str, None, "HMAC-SHA256 key for webhook signatures",
            secret=True),
    Setting("webhook_timeout", _positive(float), 10.0, "seconds before a webhook call fails"),
    Setting("stop_grace", _positive(float), 5.0,
            "seconds a stopping crawl gets to close before it is killed"),
    Setting("workers", _positive(_int), 4, "crawls the daemon runs at the same time"),
    Setting("crawl_run_days", _positive(_int), 90,
            "days of crawl runs the daemon keeps (older ones are pruned every 6 hours)"),
    Setting("crawls_per_host", _positive(_int), 1,
            "crawls of one host the daemon runs at the same time (politeness across sources)"),
    Setting("heartbeat", _positive(float), 10.0,
            "seconds between the daemon's heartbeats (lock, status, metrics)"),
    Setting("unhealthy_after_no_success", _positive(float), 1800.0,
            "seconds of crawls without one success before the daemon is unhealthy"),
    Setting("unhealthy_failing_share", _share, 0.5,
            "the daemon is unhealthy when more than this share of enabled sources fail"),
    Setting("operator_channels", _channels, None,
            "where source-health alerts go: channel targets separated by commas, "
            "e.g. email:ops@example.com,webhook:https://..."),
    Setting("metrics_port", _port(0), 0,
            "serve Prometheus metrics and /healthz on this port (0: off)"),
    Setting("metrics_address", _str, "127.0.0.1", "address the metrics port listens on"),
    Setting("metrics_textfile", _opt_str, None,
            "write Prometheus metrics to this file (node_exporter textfile collector)"),
    Setting("log_format", _choice("text", "json"), "text",
            "daemon log lines: text, or one JSON object per line"),
    # scale-out (crawler.daemon.engine): unset, `provwatch run` crawls by itself as before
    Setting("queue_url", _queue_url, None,
            "PostgreSQL URL of the Procrastinate crawl queue (usually database_url): "
            "`provwatch run` enqueues, `provwatch worker` crawls; empty: run crawls itself",
            secret=True),
    Setting("queue_tick", _positive(float), 5.0,
            "seconds between the scheduler's passes that enqueue due sources"),
    Setting("worker_stall_timeout", _positive(float), 60.0,
            "seconds without a worker's heartbeat before its crawls are run by another"),
    Setting("host_busy_retry", _positive(float), 15.0,
            "seconds a queued crawl waits before trying again when its host is busy"),
    Setting("web_token", _opt_str, None,
            "access token (or password, 12+ characters) `provwatch serve` requires to "
            "listen on a non-loopback address; clients send it as a Bearer token or sign "
            "in at /login", secret=True),
)
BY_KEY = {s.key: s for s in SETTINGS}


def redact_url(url: str) -> str:
    """Hide only the password of a database URL: the rest is useful to see."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:
        return REDACTED
    query = {k: (REDACTED if "pass" in k.lower() else v) for k, v in parsed.query.items()}
    shown = parsed.set(query=query).render_as_string(hide_password=True)
    return shown.replace("%3Credacted%3E", REDACTED)  # the query part comes out quoted
