"""Text normalisation for exact-duplicate hashing: copies that differ only in width,
whitespace or punctuation hash alike."""

from __future__ import annotations

import hashlib
import unicodedata

_KEEP = {"L", "N"}  # letters and numbers survive; punctuation, symbols and spaces do not


def normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()  # full-width -> half-width
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in _KEEP)


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def language_of(text: str) -> str:
    """'zh' when CJK characters dominate the letters, else 'en'."""
    sample = text[:2000]
    cjk = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in sample if ch.isascii() and ch.isalpha())
    return "zh" if cjk * 3 >= latin else "en"
