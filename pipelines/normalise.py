"""Normalise stage: canonical URL, content hash, published time in UTC."""

from __future__ import annotations

from dataclasses import replace
from datetime import timezone

from provwatch.pipelines.dates import SHANGHAI
from provwatch.pipelines.items import ArticleItem
from provwatch.pipelines.textnorm import content_hash
from provwatch.pipelines.urls import canonical_url


class NormaliseStage:
    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def process_item(self, item: ArticleItem) -> ArticleItem:
        published = item.published_at
        if published is not None and published.tzinfo is None:
            published = published.replace(tzinfo=SHANGHAI)  # a naive Chinese time
        return replace(
            item, canonical_url=canonical_url(item.url), content_hash=content_hash(item.text),
            published_at=published.astimezone(timezone.utc) if published else None,
        )
