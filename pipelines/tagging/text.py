"""Text the tagger reads: traditional characters folded to simplified, English as word n-grams.

OpenCC ("t2s") converts traditional and Hong Kong / Taiwan forms to simplified; the
original is kept as stored. English is matched on word tokens, so a name is never found
inside another word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ahocorasick_rs

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


class Tokens(tuple):
    """Word tokens ``(word, offset)``; ``texts`` and ``lowered`` hold the words as written and
    lower-cased, computed once per text for every phrase table that reads it."""

    texts: tuple[str, ...]
    lowered: tuple[str, ...]


@lru_cache(maxsize=16)  # title, lead and text are each read by several rules
def words(text: str) -> Tokens:
    """Word tokens with their offsets; possessive 's and curly quotes normalised."""
    if "’" in text:
        text = text.replace("’", "'")  # same length: offsets stay true
    out = [(m.group(), m.start()) for m in _WORD.finditer(text)]
    for i, (w, at) in enumerate(out):
        if "'" in w or w[-1] == "-":
            out[i] = ((w[:-2] if w.endswith("'s") else w).strip("-'"), at)
    tokens = Tokens(out)
    tokens.texts = tuple(w for w, _ in out)
    tokens.lowered = tuple(w.lower() for w in tokens.texts)
    return tokens


def leftmost_longest(names: Sequence[str]) -> ahocorasick_rs.AhoCorasick:
    """An automaton giving the leftmost-longest, non-overlapping matches of ``names`` as
    (name index, start, end) in characters, compiled to a DFA (ahocorasick-rs: about ten
    times faster on our texts than pyahocorasick, whose root node with ~1,500 children is
    walked linearly per character, or a Python scan)."""
    return ahocorasick_rs.AhoCorasick(names, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
                                      implementation=ahocorasick_rs.Implementation.DFA)


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
        that begin some phrase are tried: one set test per ordinary word."""
        if not tokens:
            return []
        if isinstance(tokens, Tokens):
            texts, low = tokens.texts, tokens.lowered
        else:
            texts = tuple(w for w, _ in tokens)
            low = tuple(w.lower() for w in texts)
        firsts, exact, folded = self.firsts, self.exact, self.folded
        hits: list[tuple[Any, int, int]] = []
        n, after = len(low), 0
        for i in [i for i, w in enumerate(low) if w in firsts]:
            if i < after:
                continue
            for size in range(min(firsts[low[i]], n - i), 0, -1):
                if size == 1:
                    value = exact.get(texts[i])
                    if value is None:
                        value = folded.get(low[i])
                else:
                    value = exact.get(" ".join(texts[i:i + size]))
                    if value is None:
                        value = folded.get(" ".join(low[i:i + size]))
                if value is not None:
                    hits.append((value, tokens[i][1], size))
                    after = i + size
                    break
        return hits
