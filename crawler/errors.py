"""Domain errors of the application layer; each names what and where."""

from __future__ import annotations


class ProvwatchError(Exception):
    """A known error: the CLI prints its message on one line and exits 1."""


class ConfigError(ProvwatchError):
    pass


class CatalogError(ProvwatchError):
    """A catalog file or entry is invalid; the message names file, entry id and field."""


class UnknownSource(ProvwatchError):
    pass


class CrawlError(ProvwatchError):
    pass
