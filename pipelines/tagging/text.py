"""Text the tagger reads: traditional characters folded to simplified, English as word n-grams.

OpenCC ("t2s") converts traditional and Hong Kong / Taiwan forms to simplified; the
original is kept as stored. English is matched on word tokens, so a name is never found
inside another word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

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


@dataclass(frozen=True)
class PhraseTable:
    """English phrases to values: ``exact`` is case-sensitive (names, acronyms), ``folded``
    holds lower-cased keys tried when the exact form is absent."""

    exact: dict[str, Any]
    folded: dict[str, Any]
    firsts: dict[str, int]  # lower-cased first word -> longest phrase it starts, in words

    @classmethod
    def build(cls, exact: dict[str, Any], folded: dict[str, Any]) -> PhraseTable:
        firsts: dict[str, int] = {}
        for phrase in [*exact, *folded]:
            parts = phrase.split(" ")
            first = parts[0].lower()
            firsts[first] = max(firsts.get(first, 0), min(MAX_NGRAM, len(parts)))
        return cls(exact, folded, firsts)

    def find(self, tokens: tuple[tuple[str, int], ...]) -> list[tuple[Any, int, int]]:
        """Longest-first lookup: (value, start offset, token count) per hit. Only tokens
        that begin some phrase are tried: one dictionary lookup per ordinary word."""
        hits = []
        i, n = 0, len(tokens)
        while i < n:
            longest = self.firsts.get(tokens[i][0].lower())
            if not longest:
                i += 1
                continue
            for size in range(min(longest, n - i), 0, -1):
                phrase = " ".join(t for t, _ in tokens[i:i + size])
                value = self.exact.get(phrase)
                if value is None:
                    value = self.folded.get(phrase.lower())
                if value is not None:
                    hits.append((value, tokens[i][1], size))
                    i += size
                    break
            else:
                i += 1
        return hits
