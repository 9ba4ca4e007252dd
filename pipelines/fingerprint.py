"""Near-duplicate fingerprints: is this text another copy of a story already seen?

Rules, in order:
1. Text is normalised (OpenCC to simplified, NFKC, lower case, punctuation and spaces
   dropped) and cut into shingles: Chinese as overlapping 4-character runs, English as
   overlapping 3-word runs. Syndicated copies in traditional script fold with the original.
2. A MinHash of 64 permutations (pipelines.minhash; shingles hashed with CRC-32, plenty for a
   few thousand shingles and several times cheaper than SHA-1) summarises the shingles;
   16 bands of 4 rows give the lookup keys, so any earlier article sharing one band is a
   candidate (pairs at Jaccard 0.5 are found with probability ~0.65, at 0.7 ~0.98).
3. A candidate is the same story when the estimated Jaccard is >= SAME (0.55), or >= 0.35
   with the same headline once outlets' decorations are stripped, and the two texts do
   not disagree on what makes an event itself: their figures (multi-digit numbers other
   than dates, times, years and phone numbers: when both carry some, at least half of the
   smaller set, and at least one, must appear in the other) and their provinces (when
   both name some, they must share one). Different events cut from one template (two
   provinces' "first meeting of the new year", two executive meetings a week apart)
   share phrasing but not their figures, dates and places.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from provwatch.pipelines.headline import strip_site_suffix
from provwatch.pipelines.minhash import SCHEME, signature
from provwatch.pipelines.tagging import gazetteer
from provwatch.pipelines.tagging.text import simplified, words
from provwatch.pipelines.textnorm import folded, nfkc, normalise_text

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SAME = 0.55
SAME_WITH_TITLE = 0.35
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# dates, times, years and phone numbers are not what tells two events apart: a reprint
# adds "来源：云南日报 2025-02-06 08:30", a bulletin repeats its hotline
_NOT_FIGURES = re.compile(
    r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}:\d{2}(?::\d{2})?|(?:19|20)\d{2}\s*年?"
    r"|\(?0\d{2,3}\)?[-\s]?\d{7,8}|\d{3,4}-\d{7,8}|1[3-9]\d{9}")
_TITLE_DECORATION = re.compile(r"^\s*(?:【[^】]{1,12}】|\[[^\]]{1,12}\]|[^：:]{1,6}[：:])")
_NOT_WORD = re.compile(r"[\W_]+")  # punctuation, symbols, spaces
_CJK = re.compile(r"[\u3400-\u9fff]")
SEED = 20261122  # fixed: signatures stored in the database must stay comparable


@dataclass(frozen=True)
class Fingerprint:
    signature: bytes  # NUM_PERM little-endian uint32
    bands: tuple[int, ...]  # BANDS signed 63-bit keys, band number folded in
    numbers: frozenset[str]
    places: frozenset[str]  # province ids named in the text
    title_key: str
    scheme: str = SCHEME  # the MinHash scheme of the signature (pipelines.minhash)


def _normal(plain: str) -> str:
    """``plain`` already in simplified characters: width, case and punctuation folded."""
    return _NOT_WORD.sub(" ", folded(plain))


def shingles(plain: str) -> set[bytes]:
    """Shingles of a text already in simplified characters."""
    # the letters and numbers in one run: what the content hash reads too (cached), and
    # what the text is with its punctuation and spaces cut out
    run = normalise_text(plain)
    if _CJK.subn("", run)[1] * 2 >= len(run):  # mostly Chinese
        return {run[i:i + 4].encode() for i in range(max(1, len(run) - 3))}
    tokens = _normal(plain).split()
    return {" ".join(tokens[i:i + 3]).encode() for i in range(max(1, len(tokens) - 2))}


def _band_key(band: int, rows: np.ndarray) -> int:
    digest = hashlib.blake2b(struct.pack("<B", band) + rows.tobytes(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True) >> 1  # fits a signed BIGINT


def fingerprint(title: str, text: str) -> Fingerprint:
    body = text or title
    plain = simplified(body)  # one OpenCC pass serves the shingles and the places
    values = signature(shingles(plain), NUM_PERM, SEED).astype("<u4")
    bands = tuple(_band_key(b, values[b * ROWS:(b + 1) * ROWS]) for b in range(BANDS))
    return Fingerprint(values.tobytes(), bands, figures(body), places_of(plain),
                       title_key(title))


def figures(text: str) -> frozenset[str]:
    """Multi-digit numbers of the text, leaving out dates, times, years and phones."""
    plain = _NOT_FIGURES.sub(" ", nfkc(text))
    return frozenset(n for n in _NUMBER.findall(plain) if len(n.replace(".", "")) >= 2)


def title_key(title: str) -> str:
    """The headline without an outlet's decorations (【要闻】, 转载：, _河南日报)."""
    headline = strip_site_suffix(_TITLE_DECORATION.sub("", title))
    return "".join(_normal(simplified(headline)).split())


def places_of(plain: str) -> frozenset[str]:
    """Province ids named in a text already in simplified characters."""
    gaz = gazetteer.load()
    found = {p for place, _, _ in gaz.find_zh(plain) if place.kind != "grouping"
             for p in place.provinces}
    found |= {p for place, _, _ in gaz.en.find(words(plain))
              if place.kind != "grouping" for p in place.provinces}
    return frozenset(found)


def jaccard(a: bytes, b: bytes) -> float:
    va, vb = np.frombuffer(a, dtype="<u4"), np.frombuffer(b, dtype="<u4")
    return float(np.count_nonzero(va == vb)) / NUM_PERM


def figures_agree(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return True
    shared = len(a & b)
    return shared >= 1 and shared * 2 >= min(len(a), len(b))


def places_agree(a: frozenset[str], b: frozenset[str]) -> bool:
    return not a or not b or bool(a & b)


def same_story(a: Fingerprint, b: Fingerprint) -> bool:
    sim = jaccard(a.signature, b.signature)
    if sim < SAME and not (sim >= SAME_WITH_TITLE and a.title_key and a.title_key == b.title_key):
        return False
    return figures_agree(a.numbers, b.numbers) and places_agree(a.places, b.places)


def closest_story(fp: Fingerprint, candidates: Iterable) -> int | None:
    """The story of the most similar candidate (storage's near_duplicate_candidates) that
    ``same_story`` accepts, else None."""
    best: tuple[float, int] | None = None
    for c in candidates:
        stored = Fingerprint(c.signature, (), c.numbers, c.places, c.title_key)
        if same_story(fp, stored):
            sim = jaccard(fp.signature, c.signature)
            if best is None or sim > best[0]:
                best = (sim, c.story_id)
    return best[1] if best else None


def same_story_texts(title_a: str, text_a: str, title_b: str, text_b: str) -> bool:
    """The pairwise decision on raw texts, for the labelled-pairs benchmark and tests."""
    return same_story(fingerprint(title_a, text_a), fingerprint(title_b, text_b))
