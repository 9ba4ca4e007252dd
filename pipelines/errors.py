"""Reasons an item leaves the pipeline: each a DropItem subclass, so stats count them."""

from __future__ import annotations

from scrapy.exceptions import DropItem


class PipelineDrop(DropItem):
    reason = "dropped"

    def __init__(self, message: str, log_level: str | None = None) -> None:
        super().__init__(message, log_level=log_level)


class Undecodable(PipelineDrop):
    reason = "undecodable"


class NoText(PipelineDrop):
    reason = "no_text"


class DuplicateUrl(PipelineDrop):
    reason = "duplicate_url"

    def __init__(self, message: str) -> None:
        super().__init__(message, log_level="INFO")


class NotHtml(PipelineDrop):
    reason = "not_html"
