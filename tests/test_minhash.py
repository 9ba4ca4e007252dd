"""Fingerprints cannot drift: the MinHash scheme is provwatch's own, and its band keys
for a given text are the ones databases already hold (made with datasketch 1.x)."""

from __future__ import annotations

import numpy as np

from provwatch.pipelines.fingerprint import NUM_PERM, SEED, fingerprint
from provwatch.pipelines.minhash import _permutations, signature

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


def test_the_in_place_reduction_gives_the_plain_expressions_values():
    """(a*h + b) % P by Mersenne folding equals numpy's modulo, shingle sets of every size
    (CRC-32 values up to 2**32 - 1, products wrapping past 2**64)."""
    import zlib

    a, b = _permutations(NUM_PERM, SEED)
    draw = np.random.default_rng(7)
    for size in (1, 2, 17, 300, 2500):
        shingles = {draw.bytes(12) for _ in range(size)}
        hashed = np.fromiter(map(zlib.crc32, shingles), dtype=np.uint64)
        plain = np.bitwise_and((hashed[:, None] * a + b) % ((1 << 61) - 1),
                               (1 << 32) - 1).min(axis=0)
        assert (signature(shingles, NUM_PERM, SEED) == plain).all(), size


def test_an_empty_set_of_shingles_has_the_maximal_signature():
    assert (signature([], NUM_PERM, SEED) == np.uint64(2**32 - 1)).all()


def test_the_signature_depends_on_the_set_not_the_order():
    shingles = [b"abcd", b"bcde", b"cdef"]
    assert (signature(shingles, NUM_PERM, SEED)
            == signature(list(reversed(shingles)), NUM_PERM, SEED)).all()


def test_a_fingerprint_of_another_scheme_is_never_a_candidate(tmp_path, database_url):
    """Signatures of two schemes cannot be compared: an edited copy of a story whose
    stored fingerprint was made with another scheme starts a story of its own."""
    import io
    import json

    from _pages import HENAN_NEV, page
    from conftest import make_config
    from sqlalchemy import select, update

    from provwatch.crawler.services import ingest as ingest_service
    from provwatch.crawler.storage.db import open_database, transaction
    from provwatch.crawler.storage.models import Article, Fingerprint
    from provwatch.pipelines.minhash import SCHEME

    config = make_config(tmp_path, database_url)
    title, paras = HENAN_NEV

    def ingest(url: str, html: str) -> None:
        line = json.dumps({"url": url, "html": html, "source_id": "x"}) + "\n"
        assert ingest_service.ingest(config, io.StringIO(line), "t").stored == 1

    ingest("https://gov.example/a/1.html", page(title, paras))
    sessions = open_database(config.database_url)
    with sessions() as session:
        assert session.scalars(select(Fingerprint.scheme)).all() == [SCHEME]
    with transaction(sessions) as session:
        session.execute(update(Fingerprint).values(scheme="another-scheme"))
    ingest("https://paper.example/c/2.htm", page(title, ["（记者 王某）" + paras[0], paras[1]]))
    with sessions() as session:
        stories = session.scalars(select(Article.story_id)).all()
    assert len(set(stories)) == 2
