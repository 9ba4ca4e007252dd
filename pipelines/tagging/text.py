"""Text the tagger reads: traditional characters folded to simplified, English as word n-grams.

OpenCC ("t2s") converts traditional and Hong Kong / Taiwan forms to simplified; the
original is kept as stored. English is matched on word tokens, so a name is never found
inside another word.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'\-]*")  # no phrase starts with a digit
MAX_NGRAM = 6


@lru_cache(maxsize=1)
def _converter():
    import opencc  # a maintained converter beats a hand table of variants

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    if not text or text.isascii():
        return text
    return _converter().convert(text)


@lru_cache(maxsize=16)  # title, lead and text are each read by several rules
def words(text: str) -> tuple[tuple[str, int], ...]:
    """Word tokens with their offsets; possessive 's and curly quotes normalised."""
    if "’" in text:
        text = text.replace("’", "'")  # same length: offsets stay true
    out = []
    for m in _WORD.finditer(text):
        w = m.group()
        if "'" in w or w[-1] == "-":
            w = (w[:-2] if w.endswith("'s") else w).strip("-'")
        out.append((w, m.start()))
    return tuple(out)


def _first_words(table: dict[str, object], fold: dict[str, object] | None) -> dict[str, int]:
    """Lower-cased first word of every phrase -> the longest phrase it starts (in words)."""
    firsts: dict[str, int] = {}
    for phrase in [*table, *(fold or {})]:
        parts = phrase.split(" ")
        first = parts[0].lower()
        firsts[first] = max(firsts.get(first, 0), min(MAX_NGRAM, len(parts)))
    return firsts


_FIRSTS: dict[int, dict[str, int]] = {}


def find_ngrams(tokens: tuple[tuple[str, int], ...], table: dict[str, object], *,
                fold: dict[str, object] | None = None) -> list[tuple[object, int, int]]:
    """Longest-first n-gram lookup: (value, start offset, token count) per hit.

    ``table`` is case-sensitive; ``fold`` holds lower-cased keys tried when the
    exact form is absent. Only tokens that begin some phrase are tried, so the cost
    is one dictionary lookup per ordinary word.
    """
    key = id(table)
    firsts = _FIRSTS.get(key)
    if firsts is None:
        firsts = _FIRSTS[key] = _first_words(table, fold)
    hits = []
    i, n = 0, len(tokens)
    while i < n:
        longest = firsts.get(tokens[i][0].lower())
        if not longest:
            i += 1
            continue
        for size in range(min(longest, n - i), 0, -1):
            phrase = " ".join(t for t, _ in tokens[i:i + size])
            value = table.get(phrase)
            if value is None and fold is not None:
                value = fold.get(phrase.lower())
            if value is not None:
                hits.append((value, tokens[i][1], size))
                i += size
                break
        else:
            i += 1
    return hits
