"""Platform adapters: each against a fixture site of its platform (tests/_platform_sites.py).

Pure tests hand the adapter the fixture's bytes as a ``ListPage`` and follow its ``then``
and ``next`` requests the way the listing spider does; crawl tests run the real spider
(a child process per crawl) against the same sites on loopback and look at what was
stored and which requests the site saw."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import yaml
from _platform_sites import (
    BUILDERS,
    HANWEB_COLUMN,
    HANWEB_LIST,
    HANWEB_UNIT,
    HUNAN_COLUMN,
    JPAAS_SHELL,
    NEWEST,
    NINGBO_GZW,
    PROXY,
    SEARCH_API,
    TRS_COLUMN,
    UNIT_API,
    PlatformSite,
    gd_site,
    gov_cn_site,
    hanweb_site,
    hanweb_without_datastore,
    jpaas_shell,
    jpaas_site,
    people_site,
    trs_named_pager_site,
    trs_redesigned,
    trs_site,
    xinhua_site,
)
from conftest import make_config

from provwatch.crawler.catalog.sources import load_catalog
from provwatch.crawler.chinatime import china_day
from provwatch.crawler.daemon.runner import Window, run_crawl
from provwatch.crawler.services import articles as articles_service
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database
from provwatch.spiders.platforms import ListPage, ListRequest, ListResult, adapter_for

BASE = "http://127.0.0.1:8000"
# what jpage.js posts for 江苏要闻: the fixed fields, the column and unit, and the site's
# webid and webname as its datastore's <nextgroup> link names them
JIANGSU_FORM = {"col": "1", "appid": "1", "webid": "1", "path": "/", "columnid": HANWEB_COLUMN,
                "sourceContentType": "1", "unitid": HANWEB_UNIT, "webname": "江苏省人民政府",
                "permissiontype": "0"}
PLATFORMS = tuple(BUILDERS)


# --- pure: the adapter on the fixture's bytes ---------------------------------------------


def parse(site: PlatformSite, request: ListRequest | str, *, body: bytes | None = None,
          content_type: str | None = None, **source_changes) -> ListResult:
    request = ListRequest(request) if isinstance(request, str) else request
    if body is None:
        body, content_type = site.fetch(request.url, request.method, request.form,
                                        request.headers)
    source = site.source(**source_changes)
    page = ListPage(request.url, body, request, content_type=content_type,
                    charset=source.charset)
    return adapter_for(source).parse(source, page)


def walk(site: PlatformSite, max_pages: int = 10) -> list[tuple[ListRequest, ListResult]]:
    """Every start URL's walk, the spider's way: ``then`` always, ``next`` up to
    ``max_pages`` list pages."""
    source = site.source()
    adapter = adapter_for(source)
    out = []
    for url in source.urls:
        request: ListRequest | None = adapter.start(source, url)
        while request is not None:
            result = parse(site, request)
            out.append((request, result))
            if result.then is not None:
                request = result.then
            elif result.next is not None and request.page < max_pages:
                request = result.next
            else:
                request = None
    return out


def _path(url: str) -> str:
    return urlsplit(url).path


@pytest.mark.parametrize("name", PLATFORMS)
def test_walking_a_platforms_lists_finds_every_article_and_ends_by_itself(name):
    site = BUILDERS[name](BASE)
    steps = walk(site)

    assert [_path(r.url) for r, _ in steps] == [_path(p) for p in site.list_paths]
    found = [link for _, result in steps for link in result.links]
    assert [link.url for link in found] == [site.url(s.path) for s in site.stories]
    by_url = {site.url(s.path): s for s in site.stories}
    for link in found:
        story = by_url[link.url]
        assert link.title in (None, story.title)  # a list's full title, never a cut one
        if link.published is not None:
            assert china_day(link.published) == story.day, link.url
    assert all(result.problem is None for _, result in steps), [r.problem for _, r in steps]
    last = [result for _, result in steps][-1]
    assert last.next is None and last.then is None


def test_trs_pages_on_as_index_n_and_stops_at_the_pager_scripts_count():
    site = trs_site(BASE)
    first = parse(site, site.url(TRS_COLUMN))
    from_index = parse(site, site.url(TRS_COLUMN + "index.html"))
    second = parse(site, first.next)
    third = parse(site, second.next)

    assert first.next == ListRequest(site.url(TRS_COLUMN + "index_1.html"), page=2)
    assert from_index.next == first.next
    assert second.next == ListRequest(site.url(TRS_COLUMN + "index_2.html"), page=3)
    assert third.next is None
    assert first.total_pages == third.total_pages == 3
    # relative ./YYYYMM/ links, the full a@title, the row's date
    story = site.stories[0]
    assert first.links[0].url == site.url(story.path)
    assert first.links[0].title == story.title and "…" in story.short_title()
    assert china_day(first.links[0].published) == story.day


def test_trs_reads_the_newer_pager_call_that_names_its_element_and_counts_from_one():
    site = trs_named_pager_site(BASE)
    first = parse(site, site.entry["urls"][0])
    second = parse(site, first.next)

    assert first.total_pages == 3
    assert first.next == ListRequest(site.url(f"{HUNAN_COLUMN}gl_fgsjpx_2.html"), page=2)
    assert second.next == ListRequest(site.url(f"{HUNAN_COLUMN}gl_fgsjpx_3.html"), page=3)
    assert parse(site, second.next).next is None


def test_a_trs_column_whose_list_markup_is_gone_is_a_problem_not_an_empty_page():
    result = parse(trs_site(BASE), BASE + TRS_COLUMN, body=trs_redesigned(),
                   content_type="text/html; charset=utf-8")

    assert result.links == [] and result.next is None
    assert result.problem == "no article links found (TRS article rule)"


def test_hanweb_reads_the_text_xml_records_then_posts_to_dataproxy():
    site = hanweb_site(BASE)
    first = parse(site, site.url(HANWEB_LIST))

    assert [link.url for link in first.links] == [site.url(s.path) for s in site.stories[:3]]
    assert [link.title for link in first.links] == [s.title for s in site.stories[:3]]
    nxt = first.next
    assert nxt.method == "POST" and nxt.page == 2
    assert nxt.url == site.url(f"{PROXY}?startrecord=4&endrecord=6&perpage=3")
    assert dict(nxt.form) == JIANGSU_FORM
    assert dict(nxt.headers) == {"Referer": site.url(HANWEB_LIST), "Origin": BASE}

    second = parse(site, nxt)
    third = parse(site, second.next)

    assert [link.url for link in second.links] == [site.url(s.path) for s in site.stories[3:6]]
    assert [china_day(link.published) for link in second.links] == [
        s.day for s in site.stories[3:6]]
    assert second.next.url.endswith("startrecord=7&endrecord=9&perpage=3")
    assert second.next.form == nxt.form and second.next.headers == nxt.headers
    assert len(third.links) == 3 and third.next is None  # totalRecord=9 reached


def test_hanweb_takes_the_proxy_and_the_sites_webid_from_the_datastores_nextgroup():
    # a city department's Hanweb: webid 2431 (not jiangsu.gov.cn's 1), /module/jpage/
    site = hanweb_site(BASE, col=NINGBO_GZW)
    steps = walk(site)

    nxt = steps[0][1].next
    assert nxt.url == site.url("/module/jpage/dataproxy.jsp?startrecord=4&endrecord=6&perpage=3")
    form = dict(nxt.form)
    assert (form["webid"], form["columnid"], form["unitid"]) == (
        NINGBO_GZW.webid, NINGBO_GZW.column, NINGBO_GZW.unit)
    assert form["webname"] == NINGBO_GZW.site_name
    assert [_path(r.url) for r, _ in steps] == [_path(p) for p in site.list_paths]
    assert [link.url for _, r in steps for link in r.links] == [
        site.url(s.path) for s in site.stories]
    assert steps[-1][1].next is None


def test_without_a_nextgroup_link_hanweb_posts_the_default_form_to_the_default_proxy():
    site = hanweb_site(BASE, col=NINGBO_GZW)
    body = re.sub(rb"<nextgroup>.*?</nextgroup>", b"", site.body(NINGBO_GZW.list_path))

    result = parse(site, site.url(NINGBO_GZW.list_path), body=body)

    assert result.next.url == site.url(f"{PROXY}?startrecord=4&endrecord=6&perpage=3")
    assert dict(result.next.form) == {
        "col": "1", "appid": "1", "webid": "1", "path": "/", "columnid": NINGBO_GZW.column,
        "sourceContentType": "1", "unitid": NINGBO_GZW.unit, "permissiontype": "0"}


@pytest.mark.parametrize("answer", [
    # the proxy's XML form of the answer, and double-quoted records with escapes
    "<datastore><recordset>{xml}</recordset></datastore>",
    'totalRecord=9;totalPage=3;dataStore=[{js}];',
])
def test_hanweb_reads_either_form_of_the_proxys_answer(answer):
    site = hanweb_site(BASE)
    batch = site.stories[3:6]
    rows = [f'<li><a href="{s.path}" title="{s.title}">{s.title}</a><span>{s.day}</span></li>'
            for s in batch]
    xml = "".join(f"<record><![CDATA[{r}]]></record>" for r in rows)
    js = ",".join('"' + r.replace('"', '\\"') + '"' for r in rows)
    request = parse(site, site.url(HANWEB_LIST)).next

    result = parse(site, request, body=answer.format(xml=xml, js=js).encode(),
                   content_type="text/html; charset=utf-8")

    assert [link.url for link in result.links] == [site.url(s.path) for s in batch]
    assert [link.title for link in result.links] == [s.title for s in batch]
    assert result.next is not None and result.next.url.endswith("startrecord=7&endrecord=9"
                                                                "&perpage=3")


def test_a_hanweb_page_without_its_xml_block_is_a_problem():
    result = parse(hanweb_site(BASE), BASE + HANWEB_LIST, body=hanweb_without_datastore())

    assert result.links == [] and result.next is None
    assert "no Hanweb records found" in result.problem


def test_dataproxy_refusing_the_form_is_a_problem():
    site = hanweb_site(BASE)
    wrong = ListRequest(site.url(f"{PROXY}?startrecord=4&endrecord=6&perpage=3"), page=2,
                        method="POST", form=(("columnid", "1"), ("unitid", "2")))

    result = parse(site, wrong)

    assert result.links == [] and result.next is None
    assert result.problem == "dataproxy.jsp sent no records"


def test_a_jpaas_shell_leads_to_its_unit_api_with_the_column_page_as_referer():
    site = jpaas_site(BASE)
    shell = parse(site, site.url(JPAAS_SHELL))

    assert shell.links == [] and shell.next is None and shell.problem is None
    then = shell.then
    assert _path(then.url) == UNIT_API and then.page == 1 and then.method == "GET"
    query = dict(p.split("=", 1) for p in urlsplit(then.url).query.split("&"))
    assert {k: query[k] for k in ("webId", "pageId", "pageType")} == {
        "webId": "3096", "pageId": "1554467", "pageType": "column"}
    assert dict(then.headers) == {"Referer": site.url(JPAAS_SHELL)}

    first = parse(site, then)

    # the article URLs carry only the year: each day comes from the list's span.fr
    assert [china_day(link.published) for link in first.links] == [
        s.day for s in site.stories[:3]]
    assert [link.title for link in first.links] == [s.title for s in site.stories[:3]]
    assert first.next.page == 2 and dict(first.next.headers) == dict(then.headers)
    assert '"pageNo":2' in first.next.url.replace("%22", '"').replace("%3A", ":")


def test_a_jpaas_page_without_its_unit_script_or_data_is_a_problem():
    site = jpaas_site(BASE)
    no_script = parse(site, BASE + JPAAS_SHELL, body=jpaas_shell(None).encode())
    refused = parse(site, ListRequest(site.url(UNIT_API + "?pageId=1554467"), page=1))

    assert no_script.then is None and "no jpaas unit script" in no_script.problem
    assert refused.links == [] and refused.next is None
    assert "without data.html" in refused.problem


def test_gov_cn_reads_its_json_array_search_api_and_home_n_pages():
    site = gov_cn_site(BASE)
    yaowen = parse(site, site.entry["urls"][0])
    search = parse(site, site.entry["urls"][1])
    home = parse(site, site.entry["urls"][2])

    assert yaowen.next is None and len(yaowen.links) == 3
    assert [link.title for link in yaowen.links] == [s.title for s in site.stories[:3]]
    assert search.total_pages == 2
    assert search.next == ListRequest(site.url(SEARCH_API + "?t=zhengcelibrary_gw&q=&sort="
                                               "pubtime&sortType=1&p=2&n=20"), page=2)
    assert parse(site, search.next).next is None
    # pubtime is epoch milliseconds: the day in China
    assert [china_day(link.published) for link in search.links] == [
        s.day for s in site.stories[3:6]]
    assert home.next == ListRequest(site.url("/lianbo/difang/home_1.htm"), page=2)
    assert home.links[0].title is None  # h4 > a has no title attribute: the article's own


def test_gov_cn_past_the_last_search_page_and_a_wrong_shape():
    site = gov_cn_site(BASE)
    past = parse(site, ListRequest(site.entry["urls"][1].replace("p=1", "p=9"), page=9))
    wrong = parse(site, BASE + "/x.json", body=b'{"code": 200, "searchVO": {"listVO": {}}}')
    broken = parse(site, BASE + "/x.json", body=b'{"code": 200, "searchVO": ')

    assert past == ListResult()  # code 200, data null: nothing, and no problem
    assert wrong.problem == "searchVO.listVO is not a list"
    assert broken.problem.startswith("not the JSON list expected")


def test_a_json_list_resolves_relative_urls_and_strips_title_markup():
    site = xinhua_site(BASE)
    result = parse(site, site.entry["urls"][0])

    assert [link.url for link in result.links] == [site.url(s.path) for s in site.stories[:4]]
    assert result.links[0].title == site.stories[0].title  # <font color=...> stripped
    assert result.links[0].published.replace(tzinfo=None) == site.stories[0].when
    assert result.next is None  # ds_*.json is a rolling window: no pages


@pytest.mark.parametrize(("body", "problem"), [
    (b'{"datasource": {"publishUrl": "x"}}', "no list of records at datasource"),
    (b'[{"publishUrl": "a/c.html"}]', "not the JSON list expected"),
    (b"<html><body>404 Not Found</body></html>", "not the JSON list expected"),
])
def test_a_json_list_of_the_wrong_shape_is_a_problem(body, problem):
    result = parse(xinhua_site(BASE), BASE + "/local/ds_x.json", body=body,
                   content_type="application/json")

    assert result.links == [] and result.problem.startswith(problem)


def test_gd_postmeta_json_has_titles_but_no_dates_and_its_html_pages_on_as_index_n():
    site = gd_site(BASE)
    postmeta = parse(site, site.entry["urls"][0])
    first = parse(site, site.entry["urls"][1])

    assert [(link.title, link.published) for link in postmeta.links] == [
        (s.title, None) for s in site.stories[:4]]
    assert postmeta.next is None
    assert first.next == ListRequest(site.url("/gdywdt/dsdt/index_2.html"), page=2)
    assert first.links[1].title == site.stories[5].title  # the <br/> title, from a@title
    broken = parse(site, BASE + "/postmeta/i/240.json", body=b'{"articles": null}')
    assert broken.problem == "postmeta JSON without an articles list"


def test_a_gbk_people_list_is_decoded_and_pages_on_by_its_next_link():
    site = people_site(BASE)
    body, content_type = site.fetch(site.entry["urls"][0])
    first = parse(site, site.entry["urls"][0])
    forced = parse(site, site.entry["urls"][0], charset="gbk")

    assert "十六区动态".encode("gbk") in body and content_type == "text/html"
    assert [link.url for link in first.links] == [site.url(s.path) for s in site.stories[:3]]
    assert first.next == ListRequest(site.url("/GB/82838/index2.html"), page=2)
    assert forced.links == first.links
    page = ListPage(site.entry["urls"][0], body, ListRequest(site.entry["urls"][0]),
                    content_type=content_type)
    assert "人民网版权所有" in page.text and site.stories[1].title in page.text


def test_a_generic_list_without_its_selectors_match_is_a_problem():
    site = BUILDERS["generic"](BASE)
    result = parse(site, site.entry["urls"][0], body=b"<html><body><ul class='list'></ul>"
                   b"</body></html>")

    assert result.next is None
    assert result.problem == "no article links found (selector 'ul.news-list li a')"


# --- crawls through the real spider ----------------------------------------------------------


def _setup(tmp_path, database_url, site: PlatformSite):
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"sources": [site.entry]}, allow_unicode=True),
                    encoding="utf-8")
    config = make_config(tmp_path, database_url, catalog=str(path))
    return config, load_catalog(config.catalog).get(site.entry["id"])


def _assert_stored(config, site: PlatformSite, only=None) -> None:
    stories = [s for s in site.stories if only is None or only(s)]
    rows = {r["url"]: r for r in articles_service.list_articles(config)}
    assert set(rows) == {site.url(s.path) for s in stories}
    for s in stories:
        row = rows[site.url(s.path)]
        assert row["title"] == s.title, row  # ArticleTitle, not the list's cut title
        assert (row["published_at"], row["date_source"]) == (s.published_at, "meta:pubdate")
        assert row["charset"] == ("gb18030" if s.charset == "gbk" else "utf-8")


def _list_requests(local_site, site: PlatformSite):
    articles = {s.path for s in site.stories}
    return [r for r in local_site.requests if r.path not in articles]


def _crawl(local_site, tmp_path, database_url, site: PlatformSite, **kw):
    site.serve(local_site)
    config, source = _setup(tmp_path, database_url, site)
    result = run_crawl(config, source, **kw)
    return config, result


def _crawl_all_pages(local_site, tmp_path, database_url, site: PlatformSite):
    """Crawl ``site`` through the spider; check that the articles of every list page were
    stored and that the list requests were the platform's own, each once (no guessed
    URL, no 404)."""
    config, result = _crawl(local_site, tmp_path, database_url, site)
    assert result.outcome == "ok", result.error_messages
    assert result.errors == 0 and not result.dropped, (result.dropped, result.error_messages)
    assert result.new_articles == len(site.stories)
    _assert_stored(config, site)
    assert sorted(_path(r.path) for r in _list_requests(local_site, site)) == sorted(
        _path(p) for p in site.list_paths)
    return config, result


@pytest.mark.parametrize("name", ["trs", "trs_named_pager", "gov_cn", "gd", "people", "json",
                                  "generic"])
def test_a_crawl_stores_the_articles_of_every_list_page(name, local_site, tmp_path,
                                                        sqlite_url):
    site = BUILDERS[name](local_site.url)

    _crawl_all_pages(local_site, tmp_path, sqlite_url, site)

    assert all(r.method == "GET" for r in local_site.requests)
    if name == "gov_cn":  # the search API paged by p, up to its totalpage
        searches = local_site.requests_to(SEARCH_API)
        assert [r.query["p"] for r in searches] == ["1", "2"]
        assert all(r.query["t"] == "zhengcelibrary_gw" for r in searches)


def test_a_jpaas_crawl_sends_the_column_page_as_referer_to_every_api_page(
        local_site, tmp_path, sqlite_url):
    site = jpaas_site(local_site.url)

    _crawl_all_pages(local_site, tmp_path, sqlite_url, site)

    assert local_site.requests[0].path == JPAAS_SHELL
    calls = local_site.requests_to(UNIT_API)
    # three pages of items, then an empty one ends the walk
    assert [json.loads(c.query["paramJson"])["pageNo"] for c in calls] == [1, 2, 3, 4]
    assert {c.header("Referer") for c in calls} == {site.url(JPAAS_SHELL)}
    assert all(c.query["tagId"] == "当页列表" and c.query["webId"] == "3096" for c in calls)


def test_a_hanweb_crawl_posts_its_form_to_dataproxy_and_stores_every_page(
        local_site, tmp_path, database_url):
    site = hanweb_site(local_site.url)

    _crawl_all_pages(local_site, tmp_path, database_url, site)

    assert local_site.requests[0].path == HANWEB_LIST
    posts = local_site.requests_to(PROXY)
    assert [(p.method, p.query) for p in posts] == [
        ("POST", {"startrecord": "4", "endrecord": "6", "perpage": "3"}),
        ("POST", {"startrecord": "7", "endrecord": "9", "perpage": "3"})]
    for post in posts:
        assert post.form == JIANGSU_FORM
        assert post.header("Referer") == site.url(HANWEB_LIST)
        assert post.header("Origin") == local_site.url
        assert post.header("Content-Type") == "application/x-www-form-urlencoded"


def test_a_hanweb_backfill_walks_dataproxy_back_to_since_and_stops_there(
        local_site, tmp_path, sqlite_url):
    # a city department's Hanweb (its own webid, the proxy under /module/jpage/)
    site = hanweb_site(local_site.url, pages=4, col=NINGBO_GZW)
    since, until = NEWEST - timedelta(days=4), NEWEST - timedelta(days=1)
    seen: list[dict] = []

    config, result = _crawl(local_site, tmp_path, sqlite_url, site,
                            window=Window(since=since, until=until), on_progress=seen.append)

    assert result.outcome == "ok", result.error_messages
    _assert_stored(config, site, only=lambda s: since <= s.day <= until)
    assert result.dropped["outside_window"] == 1 + 1 + 3  # k 0; k 5; page 3 (k 6-8)
    # page 3 (records 7-9) is all before since: the walk ends there, page 4 never asked
    posts = local_site.requests_to(NINGBO_GZW.proxy, "POST")
    assert [p.query["startrecord"] for p in posts] == ["4", "7"]
    assert {p.form["webid"] for p in posts} == {NINGBO_GZW.webid}
    assert seen[-1]["end"] == "since_reached"
    for s in site.stories:
        assert (s.path in local_site.hits) == (since <= s.day <= until)
    with open_database(config.database_url)() as session:
        assert repository.source_state(session, site.entry["id"]).backfill is None
