"""Text normalisation for exact-duplicate hashing: copies that differ only in width,
whitespace or punctuation hash alike."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

# letters and numbers survive; punctuation, symbols, marks and spaces do not. [^\W_] is
# exactly the Unicode categories L* and N* (checked over every code point), and one regex
# pass is several times faster than a category lookup per character
_NOT_LETTER_OR_NUMBER = re.compile(r"[\W_]+")
_CJK_CHAR = re.compile("[\u4e00-\u9fff]")
_ASCII_LETTER = re.compile("[A-Za-z]")  # what isascii() and isalpha() both accept


@lru_cache(maxsize=8)
def nfkc(text: str) -> str:
    """``text`` in NFKC (full-width -> half-width), remembered for the last few texts: the
    content hash, the figures and the shingles of one article each ask for it, and a text
    with no traditional characters comes back from OpenCC equal to itself."""
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=8)
def folded(text: str) -> str:
    """``nfkc(text)`` in lower case, remembered as ``nfkc`` is."""
    return nfkc(text).lower()


@lru_cache(maxsize=8)
def normalise_text(text: str) -> str:
    """Letters and numbers only, folded; remembered as ``nfkc`` is: the content hash and
    the fingerprint's shingles read it for the same text."""
    return _NOT_LETTER_OR_NUMBER.sub("", folded(text))


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def language_of(text: str) -> str:
    """'zh' when CJK characters dominate the letters, else 'en'."""
    sample = text[:2000]
    cjk = len(_CJK_CHAR.findall(sample))  # counted in C, not a Python loop per character
    latin = len(_ASCII_LETTER.findall(sample))
    return "zh" if cjk * 3 >= latin else "en"
