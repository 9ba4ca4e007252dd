"""The validated catalog is read back from the cache directory when its text is unchanged,
parsed again when the text changes or the cached file is unreadable, and a cache that
cannot be written changes nothing but the time."""

from __future__ import annotations

import pytest

from provwatch.crawler.catalog import sources
from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.errors import CatalogError

ENTRY = """\
sources:
  - id: {id}
    name: {{zh: 河南要闻, en: Henan news}}
    kind: feed
    urls: [https://www.henan.gov.cn/rss.xml]
    province: henan
    language: zh
    interval: 1h
"""


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("PROVWATCH_CACHE_DIR", str(folder))
    sources._PARSED.clear()  # the in-process memo would hide the disk
    yield folder
    sources._PARSED.clear()


def _write(tmp_path, source_id="henan_rss"):
    path = tmp_path / "catalog.yaml"
    path.write_text(ENTRY.format(id=source_id), encoding="utf-8")
    return path


def _refuse_to_parse(monkeypatch):
    def parse(*_):
        raise AssertionError("parsed again")
    monkeypatch.setattr(sources, "parse_catalog", parse)


def test_an_unchanged_catalog_is_read_back_not_parsed(tmp_path, cache_dir, monkeypatch):
    path = _write(tmp_path)
    first = load_catalog(path)
    sources._PARSED.clear()
    _refuse_to_parse(monkeypatch)

    again = load_catalog(path)

    assert again == first and again.get("henan_rss").province == "henan"
    assert len(list(cache_dir.glob("catalog-*.pickle"))) == 1


def test_an_edited_catalog_is_parsed_again(tmp_path, cache_dir):
    load_catalog(_write(tmp_path))
    sources._PARSED.clear()

    edited = load_catalog(_write(tmp_path, "henan_feed"))

    assert [s.id for s in edited] == ["henan_feed"]


def test_an_unreadable_cached_file_is_parsed_again(tmp_path, cache_dir):
    path = _write(tmp_path)
    first = load_catalog(path)
    for cached in cache_dir.glob("catalog-*.pickle"):
        cached.write_bytes(b"cut short")
    sources._PARSED.clear()

    assert load_catalog(path) == first


def test_a_cache_that_cannot_be_written_changes_nothing(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("PROVWATCH_CACHE_DIR", str(blocker / "cache"))
    sources._PARSED.clear()

    assert [s.id for s in load_catalog(_write(tmp_path))] == ["henan_rss"]


def test_an_invalid_catalog_is_never_cached(tmp_path, cache_dir):
    path = tmp_path / "catalog.yaml"
    path.write_text(ENTRY.format(id="Bad Id"), encoding="utf-8")

    with pytest.raises(CatalogError):
        load_catalog(path)
    assert not list(cache_dir.glob("catalog-*.pickle"))
