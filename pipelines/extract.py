"""Extract stage: page bytes -> title, text, date, document and government metadata
(pipelines.extraction)."""

from __future__ import annotations

from dataclasses import replace

from provwatch.pipelines.decoding import DecodeError
from provwatch.pipelines.errors import NoText, Undecodable
from provwatch.pipelines.extraction import extract, has_body
from provwatch.pipelines.items import ArticleItem


class ExtractStage:
    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def process_item(self, item: ArticleItem) -> ArticleItem:
        try:
            got = extract(item.body, item.url, content_type=item.content_type,
                          fetched_at=item.fetched_at, feed_title=item.feed_title,
                          feed_published=item.feed_published,
                          date_selector=item.date_selector, body_selector=item.body_selector)
        except DecodeError as e:
            raise Undecodable(f"{item.url}: {e}") from None
        if not has_body(got.text):
            raise NoText(f"{item.url}: no article text found on the page")
        return replace(item, title=got.title or item.feed_title or "", text=got.text,
                       published_at=got.published_at, date_source=got.date_source,
                       date_precision=got.date_precision,
                       document=got.document.to_dict() if got.document else None,
                       gov=got.gov.to_dict() if got.gov else None,
                       content_source=got.content_source, column=got.column,
                       author=got.author, lang=got.lang, charset=got.charset)
