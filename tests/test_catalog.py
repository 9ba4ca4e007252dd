"""The default source catalog and the catalog validator's error messages.

No network: the default catalog is only loaded and checked offline; error cases
use small YAML files written to tmp_path.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from crawler.errors import CatalogError
from crawler.sources import KINDS, load_catalog, parse_duration
from crawler.taxonomy import NATIONAL, PROVINCES

# One article URL per source, built from the URL scheme documented for it in
# ../shared/sources.md. Every source in the default catalog must be listed here.
EXAMPLE_ARTICLES: dict[str, str] = {
    "cn_gov_yaowen": "https://www.gov.cn/yaowen/liebiao/202604/content_7012345.htm",
    "cn_gov_zuixin_zhengce": "https://www.gov.cn/zhengce/content/202604/content_7012346.htm",
    "cn_gov_zhengce_jiedu": "https://www.gov.cn/zhengce/202604/content_7012347.htm",
    "cn_gov_lianbo_difang": "https://www.gov.cn/lianbo/difang/202604/content_7012348.htm",
    "prov_beijing": "https://www.beijing.gov.cn/ywdt/yaowen/202604/t20260415_4123456.html",
    "prov_tianjin": "https://www.tj.gov.cn/sy/tjxw/202604/t20260415_6912345.html",
    "prov_liaoning": "https://www.ln.gov.cn/web/ywdt/jrln/wzxx2018/2026041420543435133/index.shtml",
    "prov_shanghai": (
        "https://www.shanghai.gov.cn/nw4411/20260415/0123456789abcdef0123456789abcdef.html"
    ),
    "prov_fujian": "https://www.fujian.gov.cn/xwdt/fjyw/202604/t20260415_6912345.htm",
    "prov_henan": "https://www.henan.gov.cn/2026/04-15/3123456.html",
    "prov_hunan": "https://www.hunan.gov.cn/hnszf/hnyw/sy/hnyw1/202604/t20260415_33123456.html",
    "prov_guangdong": "https://www.gd.gov.cn/gdywdt/gdyw/content/post_4712345.html",
    "prov_guangxi": "http://www.gxzf.gov.cn/gxyw/t20123456.shtml",
    "prov_chongqing": "https://www.cq.gov.cn/ywdt/jrcq/202604/t20260415_14512345.html",
    "prov_guizhou": "https://www.guizhou.gov.cn/home/tt/202604/t20260415_88123456.html",
    "prov_shaanxi": "https://www.shaanxi.gov.cn/xw/sxyw/202604/t20260415_2412345.html",
    "people_bj": "http://bj.people.com.cn/n2/2026/0415/c82838-41234567.html",
    "people_sc": "http://sc.people.com.cn/n2/2026/0415/c379470-41234568.html",
    "en_scmp_china": (
        "https://www.scmp.com/news/china/politics/article/3312345/"
        "provincial-leaders-pledge-ai-push?utm_source=rss_feed"
    ),
    "en_economist_china": "https://www.economist.com/china/2026/03/12/a-provincial-growth-race",
    "en_diplomat": "https://thediplomat.com/2026/03/chinas-provinces-and-the-new-plan/",
}


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


# --- the default catalog -----------------------------------------------------


def test_the_default_catalog_loads_with_at_least_15_sources(catalog):
    assert len(catalog) >= 15


def test_every_source_id_in_the_default_catalog_is_unique(catalog):
    ids = [s.id for s in catalog]
    assert len(ids) == len(set(ids))


def test_every_province_in_the_default_catalog_is_a_taxonomy_id(catalog):
    bad = [(s.id, s.province) for s in catalog if s.province not in {*PROVINCES, NATIONAL}]
    assert bad == []


def test_every_source_in_the_default_catalog_has_an_example_article(catalog):
    assert sorted(s.id for s in catalog) == sorted(EXAMPLE_ARTICLES)


def test_every_source_in_the_default_catalog_has_an_article_pattern(catalog):
    assert [s.id for s in catalog if not s.article_pattern] == []


@pytest.mark.parametrize("source_id, url", sorted(EXAMPLE_ARTICLES.items()))
def test_the_article_pattern_compiles_and_matches_the_example_article(catalog, source_id, url):
    pattern = re.compile(catalog.get(source_id).article_pattern)
    assert pattern.search(url), f"{source_id}: {pattern.pattern!r} misses {url}"


@pytest.mark.parametrize("source_id", sorted(EXAMPLE_ARTICLES))
def test_the_article_pattern_does_not_match_the_sources_own_list_pages(catalog, source_id):
    source = catalog.get(source_id)
    pattern = re.compile(source.article_pattern)
    assert [u for u in source.urls if pattern.search(u)] == []


def test_json_lists_in_the_default_catalog_name_their_url_field(catalog):
    json_sources = [s for s in catalog if s.list_format == "json"]
    assert json_sources
    for s in json_sources:
        assert s.kind == "listing"
        assert s.json_fields.get("url"), s.id


def test_people_channels_in_the_default_catalog_are_decoded_as_gbk(catalog):
    people = [s for s in catalog if s.id.startswith("people_")]
    assert people
    assert {s.charset for s in people} == {"gbk"}


def test_every_source_in_the_default_catalog_is_enabled_and_has_notes(catalog):
    assert [s.id for s in catalog if not s.enabled or not s.notes.strip()] == []


def test_the_default_catalog_uses_only_known_kinds(catalog):
    assert {s.kind for s in catalog} <= set(KINDS)


# --- error messages name file, entry id and field ------------------------------


def _entry(**overrides):
    entry = {
        "id": "demo_source",
        "name": "示例",
        "kind": "listing",
        "urls": ["https://example.org/news/"],
        "province": "henan",
        "language": "zh",
        "interval": "30m",
    }
    for key, value in overrides.items():
        if value is _DROP:
            entry.pop(key)
        else:
            entry[key] = value
    return entry


_DROP = object()


def _write(tmp_path: Path, sources: list[dict]) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True), encoding="utf-8")
    return path


BAD_ENTRIES = [
    # (case, entries, id named, field named)
    ("unknown kind", [_entry(kind="podcast")], "demo_source", "kind"),
    ("bad province", [_entry(province="atlantis")], "demo_source", "province"),
    ("bad interval", [_entry(interval="soon")], "demo_source", "interval"),
    ("zero interval", [_entry(interval="0s")], "demo_source", "interval"),
    ("bad selector", [_entry(selectors={"links": "a[[["})], "demo_source", "selectors.links"),
    ("bad date selector", [_entry(selectors={"date": "span[[["})], "demo_source",
     "selectors.date"),
    ("bad body selector", [_entry(selectors={"body": "//div[@"})], "demo_source",
     "selectors.body"),
    ("unknown selector key", [_entry(selectors={"author": "span.by"})], "demo_source",
     "selectors"),
    ("links selector on a feed", [_entry(kind="feed", selectors={"links": "a"})], "demo_source",
     "selectors.links"),
    ("bad regex", [_entry(article_pattern="/t(\\d{8}_")], "demo_source", "article_pattern"),
    ("duplicate id", [_entry(), _entry(name="again")], "demo_source", "id"),
    ("unknown field", [_entry(colour="red")], "demo_source", "colour"),
    ("missing urls", [_entry(urls=_DROP)], "demo_source", "urls"),
    ("empty urls", [_entry(urls=[])], "demo_source", "urls"),
    ("non-http URL", [_entry(urls=["ftp://example.org/news/"])], "demo_source", "urls"),
    ("bad language", [_entry(language="fr")], "demo_source", "language"),
    ("json list without url field", [_entry(list_format="json")], "demo_source", "json_fields"),
]


@pytest.mark.parametrize(
    "entries, source_id, field", [c[1:] for c in BAD_ENTRIES], ids=[c[0] for c in BAD_ENTRIES]
)
def test_a_bad_entry_is_reported_with_file_id_and_field(tmp_path, entries, source_id, field):
    path = _write(tmp_path, entries)
    with pytest.raises(CatalogError) as err:
        load_catalog(path)
    message = str(err.value)
    assert str(path) in message
    assert f"'{source_id}'" in message
    assert f"field '{field}'" in message


def test_a_valid_small_catalog_loads(tmp_path):
    path = _write(tmp_path, [_entry()])
    catalog = load_catalog(path)
    assert [s.id for s in catalog] == ["demo_source"]
    assert catalog.get("demo_source").interval == 1800


def test_date_and_body_selectors_are_allowed_on_every_kind(tmp_path):
    selectors = {"date": "div.info span.time", "body": "//div[@id='zoom']"}
    path = _write(tmp_path, [_entry(kind="feed", selectors=selectors)])
    assert load_catalog(path).get("demo_source").selectors == selectors


def test_defaults_fill_in_fields_an_entry_leaves_out(tmp_path):
    path = tmp_path / "catalog.yaml"
    data = {"defaults": {"interval": "2h"}, "sources": [_entry(interval=_DROP)]}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_catalog(path).get("demo_source").interval == 7200


def test_a_missing_catalog_file_is_reported_with_its_path(tmp_path):
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(CatalogError, match=re.escape(str(path))):
        load_catalog(path)


# --- parse_duration --------------------------------------------------------------


@pytest.mark.parametrize(
    "value, seconds",
    [
        ("90s", 90),
        ("30m", 1800),
        ("2h", 7200),
        ("1d", 86400),
        (15, 900),
        ("15", 900),
        (" 45 m ", 2700),
        ("1.5h", 5400),
    ],
)
def test_parse_duration_reads_units_and_bare_minutes(value, seconds):
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["", "soon", "10x", "-5m", "1h30m", "0s", 0, True, None])
def test_parse_duration_rejects_bad_values(value):
    with pytest.raises(ValueError):
        parse_duration(value)
