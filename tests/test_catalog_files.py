"""The bundled catalog is catalog.yaml plus every catalog_*.yaml beside it, as one catalog;
and what catalog_local.yaml promises: a party paper for every province, cities by id."""

from __future__ import annotations

import re

import pytest
import yaml

from provwatch.crawler.catalog import sources
from provwatch.crawler.catalog.coverage import MAINLAND
from provwatch.crawler.catalog.gaps import load_gaps
from provwatch.crawler.catalog.sources import default_catalog_paths, load_catalog
from provwatch.crawler.errors import CatalogError

_LOCAL_ID = re.compile(r"paper_(?P<p>[a-z_]+?)(?:_web)?|prov_(?P<q>[a-z_]+)_leaders"
                       r"|city_(?P<city>[a-z]+)_(?:news|secretary|mayor)")


def _entry(sid: str) -> dict:
    return {"id": sid, "name": "测试", "kind": "listing", "adapter": "generic",
            "urls": ["http://a.test/list/"], "province": "henan", "language": "zh",
            "interval": "30m", "article_pattern": r"/\d+\.html$"}


@pytest.fixture
def bundle(tmp_path, monkeypatch):
    """A copy of the bundle's layout: catalog.yaml and a catalog_*.yaml beside it."""
    main = tmp_path / "catalog.yaml"
    monkeypatch.setattr(sources, "default_catalog_path", lambda: main)
    return tmp_path


def _write(path, *ids):
    path.write_text(yaml.safe_dump({"sources": [_entry(i) for i in ids]}), encoding="utf-8")


def test_the_default_catalog_joins_every_catalog_file_beside_catalog_yaml(bundle):
    _write(bundle / "catalog.yaml", "a", "b")
    _write(bundle / "catalog_local.yaml", "c")
    _write(bundle / "catalog_more.yaml", "d")
    _write(bundle / "other.yaml", "e")  # not a catalog_*.yaml: not read

    catalog = load_catalog()

    assert [s.id for s in catalog] == ["a", "b", "c", "d"]
    assert catalog.path == str(bundle / "catalog.yaml")
    # a path given names one file, read alone
    assert [s.id for s in load_catalog(bundle / "catalog_local.yaml")] == ["c"]


def test_an_id_in_two_catalog_files_names_both(bundle):
    _write(bundle / "catalog.yaml", "a", "b")
    _write(bundle / "catalog_local.yaml", "b")

    with pytest.raises(CatalogError) as e:
        load_catalog()

    assert str(e.value) == (f"{bundle / 'catalog_local.yaml'}: source 'b': field 'id': "
                            f"duplicate id (already in {bundle / 'catalog.yaml'})")


def test_a_bad_entry_in_the_second_file_is_reported_with_that_file(bundle):
    _write(bundle / "catalog.yaml", "a")
    (bundle / "catalog_local.yaml").write_text(
        yaml.safe_dump({"sources": [{**_entry("c"), "interval": "soon"}]}), encoding="utf-8")

    with pytest.raises(CatalogError, match=r"catalog_local\.yaml: source 'c': field "
                                           r"'interval': not a duration"):
        load_catalog()


def test_the_bundle_is_catalog_yaml_and_catalog_local_yaml():
    # tests/test_wheel.py checks that the wheel carries both
    paths = default_catalog_paths()
    assert [p.name for p in paths] == ["catalog.yaml", "catalog_local.yaml"]
    assert len(load_catalog()) == sum(len(load_catalog(p)) for p in paths)


def test_every_mainland_province_has_its_party_paper_and_web_sites_stand_in_for_off_ones():
    catalog = load_catalog()
    papers = {s.province: s for s in catalog
              if s.id.startswith("paper_") and not s.id.endswith("_web")}
    gaps = {g.province: g for g in load_gaps() if g.id.startswith("paper_")}
    # every province's paper is an entry, or a coverage gap saying why it is not one
    assert sorted([*papers, *gaps]) == sorted(MAINLAND)
    for province, s in papers.items():
        assert s.id == f"paper_{province}" and s.adapter == "epaper", s.id
        assert s.enabled or s.access.startswith("disabled:"), s.id
    web = [s for s in catalog if s.id.endswith("_web") and s.id.startswith("paper_")]
    off = {p for p, s in papers.items() if not s.enabled} | set(gaps)
    assert web and all(s.province in off for s in web)


def test_local_entries_follow_the_id_conventions_and_say_why_they_are_off():
    catalog = load_catalog(default_catalog_paths()[1])
    for s in catalog:
        m = _LOCAL_ID.fullmatch(s.id)
        assert m, s.id
        if m["p"] or m["q"]:
            assert (m["p"] or m["q"]) == s.province, s.id
        if not s.enabled:
            assert s.access.startswith("disabled:"), s.id
