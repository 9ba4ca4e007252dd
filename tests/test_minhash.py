"""Fingerprints cannot drift: the MinHash scheme is provwatch's own, and its band keys
for a given text are the ones databases already hold (made with datasketch 1.x)."""

from __future__ import annotations

import numpy as np

from provwatch.pipelines.fingerprint import NUM_PERM, SEED, fingerprint
from provwatch.pipelines.minhash import signature

# band keys recorded with datasketch 1.10.0's MinHash (num_perm 64, CRC-32, seed 20261122)
RECORDED = {
    ("河南省委书记会见比亚迪董事长",
     "河南省委书记在郑州会见比亚迪股份有限公司董事长王传福一行，双方就加快新能源汽车产业发展深入交流。"):
        (-1343729915486911845, 622476101628544558, -2900197897476732535, 2316930070192384981),
    ("Henan meets BYD",
     "Henan party secretary met BYD chairman Wang Chuanfu in Zhengzhou on new energy vehicles."):
        (163220827946209866, 3012156573574172941, -2584643420039011918, -3259862874025820572),
}


def test_band_keys_are_the_ones_stored_databases_hold():
    for (title, text), bands in RECORDED.items():
        assert fingerprint(title, text).bands[:4] == bands


def test_an_empty_set_of_shingles_has_the_maximal_signature():
    assert (signature([], NUM_PERM, SEED) == np.uint64(2**32 - 1)).all()


def test_the_signature_depends_on_the_set_not_the_order():
    shingles = [b"abcd", b"bcde", b"cdef"]
    assert (signature(shingles, NUM_PERM, SEED)
            == signature(list(reversed(shingles)), NUM_PERM, SEED)).all()
