"""A feed's bytes are decoded by what decodes them, not only by what the header claims: a
GB2312 or Big5 feed served as ISO-8859-1 keeps its Chinese titles."""

from __future__ import annotations

import feedparser
import pytest

from provwatch.spiders.feed import feed_content_type

TITLES = ["新年快乐", "河南省委书记会见比亚迪董事长", "广西发布人工智能行动方案"]
TRADITIONAL = ["新年快樂", "河南省委書記會見比亞迪董事長", "廣西發布人工智能行動方案"]


def _titles(encoding: str) -> list[str]:
    return TRADITIONAL if encoding == "big5" else TITLES


def _feed(encoding: str, declare: bool = True) -> bytes:
    head = f'<?xml version="1.0" encoding="{encoding}"?>' if declare else ""
    items = "".join(f"<item><title>{t}</title><link>https://x.example/{n}</link></item>"
                    for n, t in enumerate(_titles(encoding)))
    return (head + f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
            ).encode(encoding)


@pytest.mark.parametrize("encoding, header, declare", [
    ("gb2312", "text/xml; charset=ISO-8859-1", True),
    ("big5", "text/xml; charset=ISO-8859-1", True),
    ("gbk", "application/rss+xml; charset=utf-8", True),  # a header that does not decode
    ("gb18030", "text/xml", False),  # nothing declared at all
    ("utf-8", "text/xml; charset=gb2312", True),  # UTF-8 sent under a GB header
], ids=["gb2312-as-latin1", "big5-as-latin1", "gbk-as-utf8", "gb18030-undeclared",
        "utf8-as-gb2312"])
def test_feed_titles_survive_a_wrong_or_missing_charset(encoding, header, declare):
    body = _feed(encoding, declare)
    parsed = feedparser.parse(body, response_headers={
        "content-type": feed_content_type(body, header)})
    assert [e.title for e in parsed.entries] == _titles(encoding)

