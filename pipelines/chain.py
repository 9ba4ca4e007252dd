"""The same stages, run without Scrapy: for `provwatch ingest` and re-processing."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from typing import Protocol

from provwatch.pipelines.dedupe import DedupeStage
from provwatch.pipelines.errors import PipelineDrop
from provwatch.pipelines.extract import ExtractStage
from provwatch.pipelines.items import ArticleItem
from provwatch.pipelines.normalise import NormaliseStage
from provwatch.pipelines.store import StoreStage
from provwatch.pipelines.tag import TagStage

log = logging.getLogger(__name__)


class Counters(Counter):
    """Stats collector with the two methods the stages use."""

    def inc_value(self, key: str, count: int = 1) -> None:
        self[key] += count


class Stage(Protocol):
    def process_item(self, item: ArticleItem) -> ArticleItem: ...


class Chain:
    def __init__(self, database_url: str, keep_raw_html: bool = True, *,
                 alert_old: bool = False) -> None:
        self.stats = Counters()
        self.stages: list[Stage] = [
            ExtractStage(), NormaliseStage(), DedupeStage(database_url, self.stats),
            TagStage(), StoreStage(database_url, keep_raw_html, self.stats, alert_old=alert_old)]
        self.dropped: Counter[str] = Counter()

    def __enter__(self) -> Chain:
        for stage in self.stages:
            if hasattr(stage, "open_spider"):
                stage.open_spider()
        return self

    def __exit__(self, *exc) -> None:
        for stage in self.stages:  # the store stage indexes what it stored last
            if hasattr(stage, "close_spider"):
                stage.close_spider()

    def process(self, item: ArticleItem) -> ArticleItem | None:
        try:
            for stage in self.stages:
                item = stage.process_item(item)
        except PipelineDrop as e:
            self.dropped[e.reason] += 1
            log.log(logging.INFO if e.reason == "duplicate_url" else logging.WARNING,
                    "dropped (%s): %s", e.reason, e)
            return None
        return item

    def run(self, items: Iterable[ArticleItem]) -> int:
        return sum(1 for item in items if self.process(item) is not None)
