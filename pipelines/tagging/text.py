"""Text the tagger reads: traditional characters folded to simplified, English as word n-grams.

OpenCC ("t2s") converts traditional and Hong Kong / Taiwan forms to simplified; the
original is kept as stored. English is matched on word tokens, so a name is never found
inside another word.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
MAX_NGRAM = 6


@lru_cache(maxsize=1)
def _converter():
    import opencc  # a maintained converter beats a hand table of variants

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    if not text or text.isascii():
        return text
    return _converter().convert(text)


def words(text: str) -> list[tuple[str, int]]:
    """Word tokens with their offsets; possessive 's and curly quotes normalised."""
    out = []
    for m in _WORD.finditer(text):
        w = m.group(0).replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        out.append((w.strip("-'"), m.start()))
    return out


def find_ngrams(tokens: list[tuple[str, int]], table: dict[str, object], *,
                fold: dict[str, object] | None = None) -> list[tuple[object, int, int]]:
    """Longest-first n-gram lookup: (value, start offset, token count) per hit.

    ``table`` is case-sensitive; ``fold`` holds lower-cased keys tried when the
    exact form is absent.
    """
    hits = []
    i, n = 0, len(tokens)
    while i < n:
        for size in range(min(MAX_NGRAM, n - i), 0, -1):
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
