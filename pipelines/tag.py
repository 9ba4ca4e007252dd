"""Tag stage: provinces, sectors and event from title and text (pipelines.tagging)."""

from __future__ import annotations

from dataclasses import replace

from provwatch.pipelines.items import ArticleItem
from provwatch.pipelines.tagging import default_tagger


class TagStage:
    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def __init__(self) -> None:
        self.tagger = default_tagger()

    def process_item(self, item: ArticleItem) -> ArticleItem:
        tags = self.tagger.tag(item.title, item.text, source_province=item.source_province,
                               url=item.url)
        return replace(item, tags=tags)
