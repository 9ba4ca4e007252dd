"""Configuration: the one typed table of settings, read once at the edge.

Sources, lowest precedence first: defaults, the TOML file (``--config`` or
``PROVWATCH_CONFIG``), then ``PROVWATCH_<KEY>`` environment variables. Nothing
else in the code base reads the environment.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import platformdirs

from provwatch.crawler.config_table import (
    BY_KEY,
    REDACTED,
    SETTINGS,
    closest,
    did_you_mean,
    redact_url,
)
from provwatch.crawler.errors import ConfigError
from provwatch.crawler.redact import redact

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ENV_PREFIX = "PROVWATCH_"
# PROVWATCH_* variables that are not settings: the config file's path, the folder of the
# validated catalog's cache (crawler/catalog/cache.py), and the test suite's PostgreSQL
# (tests/conftest.py)
NOT_SETTINGS = frozenset({"PROVWATCH_CONFIG", "PROVWATCH_CACHE_DIR",
                          "PROVWATCH_TEST_DATABASE_URL"})


@dataclass(frozen=True)
class Config:
    database_url: str
    catalog: str | None
    data_dir: str
    log_level: str
    crawl_timeout: float
    download_delay: float
    download_timeout: float
    obey_robots: bool
    user_agent: str
    keep_raw_html: bool
    max_page_bytes: int
    alert_interval: float
    alert_max_attempts: int
    smtp_host: str
    smtp_port: int
    smtp_username: str | None
    smtp_password: str | None
    smtp_security: str
    smtp_from: str
    smtp_pickup_dir: str | None
    webhook_secret: str | None
    webhook_timeout: float
    stop_grace: float = 5.0
    workers: int = 4
    crawls_per_host: int = 1
    crawl_run_days: int = 90
    heartbeat: float = 10.0
    unhealthy_after_no_success: float = 1800.0
    unhealthy_failing_share: float = 0.5
    operator_channels: str | None = None
    metrics_port: int = 0
    metrics_address: str = "127.0.0.1"
    metrics_textfile: str | None = None
    log_format: str = "text"
    alert_rate_limit: int = 30
    smtp_ca_file: str | None = None
    queue_url: str | None = None
    queue_tick: float = 5.0
    worker_stall_timeout: float = 60.0
    host_busy_retry: float = 15.0
    web_token: str | None = None
    source_file: str | None = None  # the TOML file read, if any

    def redacted(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for s in SETTINGS:
            value = getattr(self, s.key)
            if s.secret and value:
                value = redact_url(value) if s.key.endswith("_url") else REDACTED
            elif isinstance(value, str):  # operator_channels: URLs that may hold tokens
                value = redact(value)
            out[s.key] = value
        return out

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def default_data_dir() -> str:
    """provwatch's own data directory (made on first use; one you name must exist)."""
    return platformdirs.user_data_dir("provwatch")


def load_config(
    path: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Config:
    """Defaults < TOML file < environment < explicit overrides (e.g. the demo's)."""
    env = os.environ if env is None else env
    path = path or env.get(ENV_PREFIX + "CONFIG") or None
    raw: dict[str, tuple[Any, str]] = {}
    if path:
        raw.update({k: (v, f"{path}: key {k!r}") for k, v in _read_toml(Path(path)).items()})
    for name in sorted(k for k in env if k.startswith(ENV_PREFIX)):
        key = name[len(ENV_PREFIX):].lower()
        if key in BY_KEY:
            raw[key] = (env[name], f"environment variable {name}")
        elif name not in NOT_SETTINGS:
            close = closest(key, BY_KEY)
            hint = f" (did you mean {ENV_PREFIX}{close.upper()}?)" if close else ""
            raise ConfigError(f"environment variable {name} is not a provwatch setting{hint}; "
                              "unset it, or see `provwatch config` for the settings")
    for k, v in (overrides or {}).items():
        if k not in BY_KEY:
            raise ConfigError(f"setting {k!r} does not exist{did_you_mean(k, BY_KEY)}")
        raw[k] = (v, f"setting {k!r}")
    values: dict[str, Any] = {}
    for s in SETTINGS:
        if s.key in raw:
            value, where = raw[s.key]
            try:
                values[s.key] = s.parse(value)
            except (TypeError, ValueError) as e:  # the value may be a URL with a token
                raise ConfigError(redact(f"{where}: {e}")) from None
        else:
            values[s.key] = s.default
    data_dir = values["data_dir"] or default_data_dir()
    values["data_dir"] = str(data_dir)
    if not values["database_url"]:
        values["database_url"] = "sqlite:///" + str(Path(data_dir) / "provwatch.db")
    _check_queue(values)
    return Config(**values, source_file=str(path) if path else None)


def _check_queue(v: dict[str, Any]) -> None:
    """Workers on other machines share the store and the queue: both on PostgreSQL, and
    a heartbeat well inside the stall timeout (else live workers look dead)."""
    if not v["queue_url"]:
        return
    if v["database_url"].startswith("sqlite"):
        raise ConfigError("queue_url is set but database_url is SQLite: workers on several "
                          "machines need one PostgreSQL store (set database_url to it too)")
    if v["worker_stall_timeout"] < 2 * v["heartbeat"]:
        raise ConfigError(f"worker_stall_timeout {v['worker_stall_timeout']:g}s must be at "
                          f"least twice heartbeat ({v['heartbeat']:g}s): a live worker would "
                          "look dead between two heartbeats")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except OSError as e:
        raise ConfigError(f"{path}: cannot read config file: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text (byte {e.start}): save the config file "
                          "as UTF-8") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    section = data.get("provwatch", data)
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [provwatch] must be a table")
    if section is not data and len(data) > 1:
        stray = sorted(k for k in data if k != "provwatch")[0]
        raise ConfigError(f"{path}: key {stray!r} is outside the [provwatch] table; "
                          "put every setting inside it")
    unknown = sorted(set(section) - set(BY_KEY))
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]!r}"
                          f"{did_you_mean(unknown[0], BY_KEY)} (see `provwatch config` "
                          "for the settings)")
    return section
