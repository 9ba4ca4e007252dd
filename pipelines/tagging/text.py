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


class Tokens(Sequence):
    """Word tokens of one text, read as ``(word, offset)`` pairs. ``texts`` and ``lowered``
    hold the words as written and lower-cased, made once per text for every phrase table
    that reads it; offsets are found only when a rule asks for one (most words match
    nothing)."""

    __slots__ = ("_offsets", "_text", "lowered", "texts")
    _offsets: list[int] | None

    def __init__(self, text: str, texts: list[str]) -> None:
        self._text, self.texts, self._offsets = text, texts, None
        # one lower() over the joined words instead of one per word; "\0" never changes
        self.lowered = "\0".join(texts).lower().split("\0") if texts else []

    @property
    def offsets(self) -> list[int]:
        if self._offsets is None:
            self._offsets = [m.start() for m in _WORD.finditer(self._text)]
        return self._offsets

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return list(zip(self.texts[i], self.offsets[i], strict=True))
        return self.texts[i], self.offsets[i]


@lru_cache(maxsize=16)  # title, lead and text are each read by several rules
def words(text: str) -> Tokens:
    """Word tokens with their offsets; possessive 's and curly quotes normalised."""
    if "’" in text:
        text = text.replace("’", "'")  # same length: offsets stay true
    texts = _WORD.findall(text)
    if "'" in text or "-" in text:
        texts = [(w[:-2] if w.endswith("'s") else w).strip("-'")
                 if "'" in w or w[-1] == "-" else w for w in texts]
    return Tokens(text, texts)


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
    # first word -> the lengths in words of the phrases it starts, longest first (at most
    # MAX_NGRAM): only those lengths are tried. ``firsts`` is keyed lower-cased (every
    # phrase); ``exact_firsts`` as written (exact phrases) and ``folded_firsts`` lower-cased
    # (folded phrases): a table of exact phrases only tries words as written
    firsts: dict[str, tuple[int, ...]]
    exact_firsts: frozenset[str] = frozenset()
    folded_firsts: frozenset[str] = frozenset()

    @classmethod
    def build(cls, exact: dict[str, Any], folded: dict[str, Any]) -> PhraseTable:
        sizes: dict[str, set[int]] = {}
        starts: tuple[set[str], set[str]] = (set(), set())
        for table, phrases in enumerate((exact, folded)):
            for phrase in phrases:
                parts = phrase.split(" ")
                if len(parts) <= MAX_NGRAM:
                    sizes.setdefault(parts[0].lower(), set()).add(len(parts))
                    starts[table].add(parts[0] if table == 0 else parts[0].lower())
        return cls(exact, folded, {w: tuple(sorted(s, reverse=True)) for w, s in sizes.items()},
                   frozenset(starts[0]), frozenset(starts[1]))

    def find(self, tokens: Sequence[tuple[str, int]]) -> list[tuple[Any, int, int]]:
        """Longest-first lookup: (value, start offset, token count) per hit."""
        hits = self.find_tokens(tokens)
        if not hits:
            return []
        offsets = tokens.offsets if isinstance(tokens, Tokens) else [at for _, at in tokens]
        return [(value, offsets[i], size) for value, i, size in hits]

    def find_tokens(self, tokens: Sequence[tuple[str, int]]) -> list[tuple[Any, int, int]]:
        """(value, token index, token count) per hit. Only tokens that begin some phrase
        are tried: one set test per ordinary word."""
        if not tokens:
            return []
        if isinstance(tokens, Tokens):
            texts, low = tokens.texts, tokens.lowered
        else:
            texts = [w for w, _ in tokens]
            low = [w.lower() for w in texts]
        firsts, exact, folded = self.firsts, self.exact, self.folded
        hits: list[tuple[Any, int, int]] = []
        n, after = len(low), 0
        if not self.folded_firsts:  # exact phrases only: a word starts one as written
            as_written = self.exact_firsts
            starts = [i for i, w in enumerate(texts) if w in as_written]
        else:  # one set test per word (``firsts`` is keyed lower-cased)
            starts = [i for i, w in enumerate(low) if w in firsts]
        for i in starts:
            if i < after:
                continue
            for size in firsts[low[i]]:
                if size > n - i:
                    continue
                if size == 1:
                    value = exact.get(texts[i])
                    if value is None:
                        value = folded.get(low[i])
                else:
                    value = exact.get(" ".join(texts[i:i + size]))
                    if value is None:
                        value = folded.get(" ".join(low[i:i + size]))
                if value is not None:
                    hits.append((value, i, size))
                    after = i + size
                    break
        return hits
