"""Watchlist keywords against text: one containing Chinese characters matches as a
substring; any other as a whole word (edges are Latin letters and digits), ignoring case."""

from __future__ import annotations

import re
from functools import lru_cache

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=4096)
def _keyword_re(keyword: str) -> re.Pattern[str]:
    if CJK.search(keyword):
        return re.compile(re.escape(keyword))
    # boundaries are Latin letters and digits only: "AI" matches in 推动AI产业
    return re.compile(r"(?<![A-Za-z0-9])" + re.escape(keyword) + r"(?![A-Za-z0-9])", re.I)


def keyword_hit(keyword: str, text: str) -> bool:
    return _keyword_re(keyword).search(text) is not None
