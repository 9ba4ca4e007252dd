"""MinHash signatures, owned rather than borrowed, so a library upgrade cannot change them.

The scheme is datasketch 1.x's, which the stored fingerprints were made with: each
shingle hashed with CRC-32, then per permutation the universal hash (a*h + b) mod
(2**61 - 1) truncated to 32 bits (uint64 arithmetic, wrapping as numpy's does), the
minimum kept; the (a, b) pairs are drawn from numpy's RandomState(seed). datasketch 2.0
changed its default scheme (its signatures match 1.x's on none of 200 texts), which would
have silently stopped every stored article from being found again as a copy.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

SCHEME = "crc32-universal-v1"  # the name of this scheme, for a future migration to act on
_PRIME = np.uint64((1 << 61) - 1)
_MAX = np.uint64((1 << 32) - 1)
_SHIFT = np.uint64(61)
_BLOCK = 256  # shingles per pass of signature()


@lru_cache(maxsize=4)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    draw = np.random.RandomState(seed)
    pairs = np.array([(draw.randint(1, _PRIME, dtype=np.uint64),
                       draw.randint(0, _PRIME, dtype=np.uint64)) for _ in range(num_perm)],
                     dtype=np.uint64)
    return pairs[:, 0], pairs[:, 1]


def signature(shingles: Iterable[bytes], num_perm: int, seed: int) -> np.ndarray:
    """The ``num_perm`` minimum hash values of ``shingles`` (uint64, each below 2**32)."""
    a, b = _permutations(num_perm, seed)
    hashed = np.fromiter(map(zlib.crc32, shingles), dtype=np.uint64)
    out = np.full(num_perm, _MAX, dtype=np.uint64)
    # a block of shingles at a time: a few hundred rows of num_perm values stay in the
    # CPU's cache through the six passes below, where the whole table (thousands of rows)
    # would be read from memory on each (a third less time per article)
    for start in range(0, hashed.size, _BLOCK):
        # (a*h + b) % P, computed in place: numpy's 64-bit modulo is a division per
        # value, and P = 2**61 - 1 is a Mersenne prime, so x % P is (x >> 61) + (x & P),
        # less P once if that reaches P; the same values as the plain expression
        # (tests/test_minhash.py)
        x = np.multiply(hashed[start:start + _BLOCK, None], a)
        x += b
        high = x >> _SHIFT
        x &= _PRIME
        x += high
        x[x >= _PRIME] -= _PRIME
        x &= _MAX
        np.minimum(out, x.min(axis=0), out=out)
    return out
