"""The default source catalog and the catalog validator's error messages.

No network: the default catalog is only loaded and checked offline; error cases
use small YAML files written to tmp_path.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from provwatch.crawler.catalog.entry import KINDS, parse_duration
from provwatch.crawler.catalog.sources import default_catalog_path, load_catalog
from provwatch.crawler.errors import CatalogError
from provwatch.crawler.taxonomy import NATIONAL, PROVINCES
from provwatch.crawler.urlforms import matches_article
from provwatch.spiders.platforms import ADAPTERS

# The 31 mainland provinces: each needs a portal news and policy entry and a
# people.com.cn channel in the default catalog.
MAINLAND = sorted(set(PROVINCES) - {"hong_kong", "macau", "taiwan"})

# The central sources the catalog must carry, by id, with their platform adapter.
CENTRAL = {
    "cn_gov_yaowen": "YAOWENLIEBIAO.json",
    "cn_gov_zuixin_zhengce": "ZUIXINZHENGCE.json",
    "cn_gov_zhengce_jiedu": "ZCJD_QZ.json",
    "cn_gov_lianbo_difang": "/lianbo/difang/",
    "cn_gov_policy_library": "t=zhengcelibrary_gw",
}
MINISTRIES = ("cn_ndrc", "cn_miit", "cn_sasac", "cn_most")
_PORTAL_ID = re.compile(r"prov_(?P<province>[a-z_]+)_(?P<topic>news|leaders|policy)")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def raw_entries():
    """The default catalog's entries as written (before defaults fill fields in)."""
    return yaml.safe_load(default_catalog_path().read_text(encoding="utf-8"))["sources"]


def _ids(kind=None):
    """Source ids to parametrize over; none when the catalog does not load (the load
    test then fails with the validator's message instead of a collection error)."""
    try:
        catalog = load_catalog()
    except CatalogError:
        return []
    return sorted(s.id for s in catalog if kind is None or s.kind == kind)


# --- the default catalog: schema and fields --------------------------------------


def test_the_default_catalog_loads_with_every_group(catalog):
    assert len(catalog) >= 120
    assert len(MAINLAND) == 31


def test_every_source_id_in_the_default_catalog_is_unique(raw_entries):
    ids = [e["id"] for e in raw_entries]
    assert len(ids) == len(set(ids))


def test_every_province_in_the_default_catalog_is_a_taxonomy_id(catalog):
    bad = [(s.id, s.province) for s in catalog if s.province not in {*PROVINCES, NATIONAL}]
    assert bad == []


def test_the_default_catalog_uses_only_known_kinds(catalog):
    assert {s.kind for s in catalog} <= set(KINDS)


def test_every_listing_source_names_a_registered_adapter(catalog, raw_entries):
    listings = [s for s in catalog if s.kind == "listing"]
    assert listings
    assert [s.id for s in listings if s.adapter not in ADAPTERS] == []
    # written out, not left to the default, so the platform is a decision
    assert [e["id"] for e in raw_entries if e["kind"] == "listing" and "adapter" not in e] == []
    assert [e["id"] for e in raw_entries if e["kind"] != "listing" and "adapter" in e] == []


@pytest.mark.parametrize("field", ["name", "name_en", "confidence", "topic", "notes"])
def test_every_source_writes_out_the_descriptive_fields(raw_entries, field):
    missing = [e["id"] for e in raw_entries if not str(e.get(field) or "").strip()]
    assert missing == []


def test_every_source_has_real_examples_and_every_listing_an_article_pattern(catalog):
    # the loader refuses an entry without them; a column no public material quotes is a
    # coverage gap (gaps.yaml), not an entry
    assert [s.id for s in catalog if not s.examples] == []
    assert [s.id for s in catalog if s.kind == "listing" and not s.article_pattern] == []


def test_no_entry_keeps_an_invented_example_url(raw_entries):
    assert [e["id"] for e in raw_entries if "example_url" in e] == []
    unsourced = [(e["id"], x.get("url")) for e in raw_entries for x in e.get("examples") or []
                 if not str(x.get("seen") or "").strip()]
    assert unsourced == []


def test_an_example_is_quoted_by_one_entry_of_its_own_province(catalog):
    """The same real URL may serve a news and a policy entry of one site, never two
    provinces' entries."""
    seen: dict[str, str] = {}
    clash = []
    for s in catalog:
        for e in s.examples:
            if seen.setdefault(e.url, s.province) != s.province:
                clash.append((s.id, e.url))
    assert clash == []


def _examples(kind=None):
    """(source id, example URL) pairs to parametrize over, with readable ids."""
    try:
        catalog = load_catalog()
    except CatalogError:
        return []
    return [pytest.param(s.id, e.url, id=f"{s.id}-{n}") for s in catalog
            if kind is None or s.kind == kind for n, e in enumerate(s.examples, 1)]


@pytest.mark.parametrize("source_id, url", _examples())
def test_the_article_pattern_accepts_every_real_example(catalog, source_id, url):
    pattern = catalog.get(source_id).article_pattern
    assert matches_article(pattern, url), f"{source_id}: {pattern!r} misses {url}"


@pytest.mark.parametrize("source_id", _ids())
def test_the_article_pattern_does_not_match_the_sources_own_list_pages(catalog, source_id):
    source = catalog.get(source_id)
    assert [u for u in source.urls if matches_article(source.article_pattern, u)] == []


@pytest.mark.parametrize("source_id, url", _examples("listing"))
def test_the_adapter_keeps_every_real_example_as_an_article(catalog, source_id, url):
    source = catalog.get(source_id)
    adapter = ADAPTERS[source.adapter]()
    assert adapter.wanted(source, url, source.urls[0], selected=False), (
        f"{source_id}: adapter {source.adapter} drops {url}")
    assert adapter.wanted(source, url, source.urls[0], selected=True)


@pytest.mark.parametrize("source_id, url", _examples("listing"))
def test_a_listing_example_is_on_the_site_of_its_list_pages(catalog, source_id, url):
    from provwatch.pipelines.urls import site_of

    source = catalog.get(source_id)
    sites = {site_of(urlsplit(u).hostname or "") for u in source.urls}
    assert site_of(urlsplit(url).hostname or "") in sites


def test_json_lists_in_the_default_catalog_name_their_url_field(catalog):
    json_sources = [s for s in catalog if s.kind == "listing" and s.adapter == "json"]
    assert json_sources
    for s in json_sources:
        assert s.json_fields.get("url"), s.id


def test_xinhua_data_files_are_read_with_their_field_names(catalog):
    xinhua = [s for s in catalog if s.id.startswith("xinhua_")]
    assert "xinhua_local" in {s.id for s in xinhua}
    for s in xinhua:
        assert all(re.search(r"/ds_[0-9a-f]{32}\.json$", u) for u in s.urls), s.id
        assert s.json_fields == {"items": "datasource", "url": "publishUrl",
                                 "title": "title", "published": "publishTime"}, s.id


def test_people_channels_in_the_default_catalog_are_decoded_as_gbk(catalog):
    people = [s for s in catalog if s.id.startswith("people_")]
    assert len(people) == 31
    assert {s.charset for s in people} == {"gbk"}
    assert {s.adapter for s in people} == {"people"}


def test_every_robots_exception_has_a_reason(catalog):
    assert [s.id for s in catalog if not s.robots and not s.robots_reason.strip()] == []


def test_every_disabled_source_says_why(catalog):
    disabled = [s for s in catalog if not s.enabled]
    unexplained = [s.id for s in disabled
                   if not s.access and "disabled" not in s.notes.lower()]
    assert unexplained == []


def _expected_interval(source) -> int:
    """English feeds and people.com.cn hourly, policy lists and party papers' daily
    editions every 2 h, ministries hourly, everything else (portal news and leaders, gov.cn, Xinhua) every 30 min."""
    if source.id.startswith(("en_", "people_")):
        return 3600
    if source.id.startswith("paper_") and not source.id.endswith("_web"):  # a daily edition
        return 7200
    if source.topic == "policy":
        return 7200
    if source.id.startswith((*MINISTRIES, "cn_cac")):
        return 3600
    return 1800


def test_intervals_follow_the_catalog_convention(catalog):
    off = [(s.id, s.interval, _expected_interval(s)) for s in catalog
           if s.interval != _expected_interval(s)]
    assert off == []


# --- the default catalog: coverage ------------------------------------------------


def test_every_portal_entry_id_names_its_province_and_topic(catalog):
    bad = []
    for s in catalog:
        if not s.id.startswith("prov_"):
            continue
        m = _PORTAL_ID.fullmatch(s.id)
        if not m or m["province"] != s.province or m["topic"] != s.topic:
            bad.append(s.id)
    assert bad == []


@pytest.mark.parametrize("province", MAINLAND)
def test_every_mainland_province_has_portal_news_and_policy_and_a_people_channel(
        catalog, province):
    ids = {s.id: s for s in catalog}
    news, policy = ids.get(f"prov_{province}_news"), ids.get(f"prov_{province}_policy")
    assert news is not None and news.topic == "news" and news.province == province
    assert policy is not None and policy.topic == "policy" and policy.province == province
    people = [s for s in catalog if s.id.startswith("people_") and s.province == province]
    assert len(people) == 1 and people[0].enabled


def test_provinces_whose_portal_is_disabled_keep_enabled_fallbacks(catalog):
    blocked = {s.province for s in catalog if s.id.startswith("prov_") and not s.enabled}
    assert blocked  # Hubei, Gansu, Hainan and Ningxia, per the research
    assert catalog.get("cn_gov_lianbo_difang").enabled
    for province in blocked:
        assert any(s.enabled and s.province == province and s.id.startswith("people_")
                   for s in catalog), province


def test_leaders_columns_are_portal_ministry_or_city_entries(catalog):
    leaders = [s for s in catalog if s.topic == "leaders"]
    assert {"prov_beijing_leaders", "prov_liaoning_leaders", "prov_fujian_leaders"} <= {
        s.id for s in leaders}
    assert all(s.id.startswith(("prov_", "cn_", "city_")) for s in leaders)


@pytest.mark.parametrize("source_id, url_part", sorted(CENTRAL.items()))
def test_the_central_portal_sources_exist(catalog, source_id, url_part):
    source = catalog.get(source_id)
    assert source.enabled and source.province == NATIONAL and source.adapter == "gov_cn"
    assert any(url_part in u for u in source.urls)


@pytest.mark.parametrize("prefix", MINISTRIES)
def test_the_ministry_sources_exist(catalog, prefix):
    found = [s for s in catalog if s.id.startswith(prefix + "_") and s.enabled]
    assert found and all(s.province == NATIONAL for s in found)


def test_english_sources_are_english_and_national(catalog):
    english = [s for s in catalog if s.id.startswith("en_")]
    assert any(s.enabled and s.kind == "feed" for s in english)
    assert {(s.language, s.province) for s in english} == {("en", NATIONAL)}


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
        "examples": [{"url": "https://example.org/news/1.html", "seen": "a/b c.py"}],
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
    ("example not a URL", [_entry(examples=[{"url": "www.example.org/1.html", "seen": "x"}])],
     "demo_source", "examples[1].url"),
    ("example without seen", [_entry(examples=[{"url": "https://example.org/a/1.html"}])],
     "demo_source", "examples[1].seen"),
    ("example the pattern rejects",
     [_entry(article_pattern=r"/t\d{8}_\d+\.html$",
             examples=[{"url": "https://example.org/t20260101_1.html", "seen": "a/b c.py"},
                       {"url": "https://example.org/news/1.html", "seen": "a/b c.py"}])],
     "demo_source", "examples[2].url"),
    ("example on another site",
     [_entry(examples=[{"url": "https://other.example.net/a/1.html", "seen": "a/b c.py"}])],
     "demo_source", "examples[1].url"),
    ("examples not a list", [_entry(examples="https://example.org/a/1.html")], "demo_source",
     "examples"),
    ("four examples", [_entry(examples=[{"url": f"https://example.org/a/{n}.html",
                                         "seen": "a/b c.py"} for n in range(4)])],
     "demo_source", "examples"),
    ("a reason instead of examples (a coverage gap, not an entry)",
     [_entry(no_example="never quoted", confidence="low", examples=_DROP)],
     "demo_source", "no_example"),
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


def test_examples_load_with_where_each_was_seen(tmp_path):
    examples = [{"url": "https://www.example.org/t20260101_1.html", "seen": "a/b docs/x.md"},
                {"url": "https://example.org/t20260102_2.html", "seen": "https://x.test/p"}]
    path = _write(tmp_path, [_entry(article_pattern=r"/t\d{8}_\d+\.html$",
                                    examples=examples),
                             ])
    catalog = load_catalog(path)
    assert [(e.url, e.seen) for e in catalog.get("demo_source").examples] == [
        (x["url"], x["seen"]) for x in examples]


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
