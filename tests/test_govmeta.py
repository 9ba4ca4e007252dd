"""The government meta set and the by-line content source: pipelines/govmeta.py, what
extract() makes of them, the store stage and re-extraction keeping them in Article.meta,
and `provwatch show` / `provwatch extract` printing them. Pages written for the tests.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from conftest import make_config
from sqlalchemy import select

from provwatch.crawler.services import articles as articles_service
from provwatch.crawler.services import extraction as extraction_service
from provwatch.crawler.services import ingest as ingest_service
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.storage.models import Article
from provwatch.pipelines.extraction import extract
from provwatch.pipelines.govmeta import GovMeta, byline_source, read_gov_meta, source_from_byline
from provwatch.pipelines.page import parse_html

NOW = datetime(2026, 5, 1, tzinfo=timezone.utc)
PROSE = ("示范市今年将新建公共充电桩三千个，实现乡镇充电设施全覆盖，进一步方便群众绿色出行。"
         "市发展改革委表示，将统筹电网改造和场站布局，推动充电服务向农村地区延伸。")
MORE = ("下一步，示范市将完善充电设施运营补贴政策，鼓励社会资本参与建设，"
        "确保年底前新增充电设施全部投入使用。")

TRS_PAGE = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>示范市加快新能源汽车充电设施建设_市县动态_示范省人民政府门户网站</title>
<meta name="SiteName" content="示范省人民政府门户网站">
<meta name="SiteDomain" content="www.shifan.gov.cn">
<meta name="SiteIDCode" content="4100000099">
<meta name="ColumnName" content="市县动态">
<meta name="ColumnDescription" content="全省市县政务信息">
<meta name="ColumnKeywords" content="市县动态">
<meta name="ColumnType" content="市县动态">
<meta name="ArticleTitle" content="示范市加快新能源汽车充电设施建设">
<meta name="PubDate" content="2026-04-17 14:46:00">
<meta name="ContentSource" content="示范日报">
<meta name="Keywords" content="新能源汽车，充电设施;示范市 充电设施">
<meta name="Author" content="张明">
<meta name="Description" content="示范市今年将新建公共充电桩三千个。">
<meta name="Image" content="">
<meta name="Url" content="https://www.shifan.gov.cn/sxdt/202604/t20260417_1234.html">
</head><body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/sxdt/">市县动态</a></div>
<div class="main"><h1>示范市加快新能源汽车充电设施建设</h1>
<div class="pages-info"><span>发布时间：2026-04-17 14:46</span> <span>来源：示范市人民政府</span>
<span>【字号 大 中 小】</span></div>
<div class="TRS_Editor"><p>{PROSE}</p><p>{MORE}</p></div></div>
<div class="footer">版权所有 示范省人民政府办公厅 网站标识码4100000099</div>
</body></html>"""

GOVCN_PAGE = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>国务院办公厅部署推进充电基础设施建设_部门政务_中国政府网</title>
<meta name="firstpublishedtime" content="2026-04-16-18:05:12">
<meta name="lastmodifiedtime" content="2026-04-16-18:20:00">
<meta name="lanmu" content="部门政务">
<meta name="manuscriptId" content="5712345">
<meta name="keywords" content="充电基础设施;新能源汽车">
</head><body>
<div class="header"><a href="/">首页</a></div>
<div class="article oneColumn pub_border"><h1>国务院办公厅部署推进充电基础设施建设</h1>
<div class="pages-date">2026-04-16 18:05 <span class="font">来源： 新华社</span></div>
<div id="UCAP-CONTENT" class="pages_content"><p>{PROSE}</p><p>{MORE}</p></div></div>
</body></html>"""

BYLINE_PAGE = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>河南推进充电设施下乡-示范新闻网</title></head><body>
<h1>河南推进充电设施下乡</h1>
<div class="article-info">来源：河南日报  发布时间：2026-04-15 09:30</div>
<div class="article-content"><p>{PROSE}</p><p>{MORE}</p></div>
<div class="footer">凡注明"来源：XXX"的作品，均转载自其他媒体。</div>
</body></html>"""


def _gov(html: str) -> GovMeta:
    return read_gov_meta(parse_html(html))


# --- extract() on whole pages, no selectors -------------------------------------------


def test_a_provincial_page_with_the_full_meta_set_gives_title_date_source_and_column():
    got = extract(TRS_PAGE.encode(), "https://www.shifan.gov.cn/sxdt/202604/t20260417_1234.html",
                  fetched_at=NOW)

    assert got.title == "示范市加快新能源汽车充电设施建设"
    assert got.published_at == datetime(2026, 4, 17, 6, 46, tzinfo=timezone.utc)
    assert (got.date_source, got.date_precision) == ("meta:pubdate", "minute")
    assert got.content_source == "示范日报"  # the meta beats the by-line's 示范市人民政府
    assert got.column == "市县动态"
    assert got.gov.keywords == ("新能源汽车", "充电设施", "示范市")
    assert got.gov.to_dict() == {
        "site_name": "示范省人民政府门户网站", "site_domain": "www.shifan.gov.cn",
        "site_id_code": "4100000099", "column": "市县动态", "column_type": "市县动态",
        "title": "示范市加快新能源汽车充电设施建设", "published": "2026-04-17 14:46:00",
        "content_source": "示范日报", "keywords": ["新能源汽车", "充电设施", "示范市"],
        "author": "张明", "description": "示范市今年将新建公共充电桩三千个。",
        "url": "https://www.shifan.gov.cn/sxdt/202604/t20260417_1234.html"}
    assert got.text.startswith("示范市今年将新建公共充电桩三千个") and "来源" not in got.text


def test_a_gov_cn_page_reads_firstpublishedtime_to_the_minute_and_lanmu_as_the_column():
    got = extract(GOVCN_PAGE.encode(), "https://www.gov.cn/lianbo/bumen/202604/content_5712345.htm",
                  fetched_at=NOW)

    assert got.title == "国务院办公厅部署推进充电基础设施建设"
    assert got.published_at == datetime(2026, 4, 16, 10, 5, 12, tzinfo=timezone.utc)
    assert (got.date_source, got.date_precision) == ("meta:firstpublishedtime", "minute")
    assert got.column == "部门政务"
    assert got.content_source == "新华社"  # no ContentSource meta: the by-line's
    assert (got.gov.published, got.gov.modified) == ("2026-04-16-18:05:12", "2026-04-16-18:20:00")
    assert got.gov.manuscript_id == "5712345"
    assert got.gov.keywords == ("充电基础设施", "新能源汽车")


def test_a_page_without_metas_takes_its_content_source_from_the_by_line():
    got = extract(BYLINE_PAGE.encode(), "https://news.example/a/1.html", fetched_at=NOW)

    assert got.content_source == "河南日报"  # not the footer's "来源：XXX" notice
    assert got.gov is None and got.column is None
    assert got.published_at == datetime(2026, 4, 15, 1, 30, tzinfo=timezone.utc)
    assert (got.date_source, got.date_precision) == ("text", "minute")


def test_a_by_line_whose_outlet_sits_in_a_link_of_its_own():
    html = BYLINE_PAGE.replace(
        '<div class="article-info">来源：河南日报  发布时间：2026-04-15 09:30</div>',
        '<div class="article-info"><span>发布时间：2026-04-15 09:30</span>'
        '<span>来源：</span><a href="https://paper.example/">示范晚报</a>'
        '<span>作者：王芳</span></div>')

    assert extract(html.encode(), "", fetched_at=NOW).content_source == "示范晚报"


def test_meta_names_match_in_any_case():
    html = TRS_PAGE
    for name in ("ArticleTitle", "PubDate", "ContentSource", "ColumnName", "SiteIDCode"):
        html = html.replace(f'name="{name}"', f'name="{name.lower()}"')
    html = html.replace('name="Keywords"', 'name="KEYWORDS"')
    gov = _gov(html)
    got = extract(html.encode(), "", fetched_at=NOW)

    assert (gov.title, gov.published, gov.site_id_code) == (
        "示范市加快新能源汽车充电设施建设", "2026-04-17 14:46:00", "4100000099")
    assert gov.keywords == ("新能源汽车", "充电设施", "示范市")
    assert (got.content_source, got.column, got.date_source) == ("示范日报", "市县动态",
                                                                 "meta:pubdate")


def test_empty_metas_are_absent_and_a_later_non_empty_one_counts():
    html = """<html><head><meta name="ContentSource" content="">
<meta name="ColumnName" content="   "><meta name="columnname" content="政务要闻">
<meta name="ArticleTitle" content="<div></div>"><meta name="Keywords" content=" ，; ">
<meta name="SiteName"></head><body><h1>示范省召开全省春耕生产工作会议</h1>
<div class="info">来源：示范省农业农村厅 发布时间：2026-03-02</div>
<div class="content"><p>""" + PROSE + "</p></div></body></html>"
    gov = _gov(html)
    got = extract(html.encode(), "", fetched_at=NOW)

    assert gov == GovMeta(column="政务要闻")
    assert gov.to_dict() == {"column": "政务要闻"}
    assert got.title == "示范省召开全省春耕生产工作会议"
    assert got.content_source == "示范省农业农村厅"  # the empty ContentSource is no answer


def test_a_page_with_only_empty_metas_has_no_gov_meta():
    html = BYLINE_PAGE.replace("</title>", '</title><meta name="ColumnName" content="">'
                               '<meta name="ContentSource" content=" ">')
    assert extract(html.encode(), "", fetched_at=NOW).gov is None


# --- hostile and oversized values -----------------------------------------------------


def _meta_page(**metas: str) -> str:
    tags = "".join(f'<meta name="{k}" content="{v}">' for k, v in metas.items())
    return f"<html><head>{tags}</head><body></body></html>"


@pytest.mark.parametrize(
    ("metas", "field", "expected"),
    [
        pytest.param({"ArticleTitle": "示范市召开会议&lt;div&gt;——部署春耕生产&lt;/div&gt;"}, "title",
                     "示范市召开会议——部署春耕生产", id="markup leaked into the title is dropped"),
        pytest.param({"ArticleTitle": "${ArticleTitle}"}, "title", None,
                     id="an unrendered template placeholder is no title"),
        pytest.param({"ContentSource": "&lt;script&gt;alert(1)&lt;/script&gt;新华社"},
                     "content_source", "新华社", id="a script goes with its content"),
        pytest.param({"ContentSource": "示范\u200b日报\t\n"}, "content_source", "示范日报",
                     id="invisible characters and spaces go"),
        pytest.param({"ColumnName": "政务\n\n  要闻"}, "column", "政务 要闻",
                     id="runs of spaces are squashed"),
        pytest.param({"ArticleTitle": "长" * 2000}, "title", "长" * 300,
                     id="a title is cut to 300 characters"),
        pytest.param({"Description": "述" * 5000}, "description", "述" * 500,
                     id="a description is cut to 500 characters"),
        pytest.param({"ContentSource": "源" * 1000}, "content_source", "源" * 100,
                     id="other fields are cut to 100 characters"),
        pytest.param({"Url": "javascript:alert(1)"}, "url", None, id="a script link is no url"),
        pytest.param({"Image": "//img.shifan.gov.cn/a.png"}, "image", "//img.shifan.gov.cn/a.png",
                     id="a protocol-relative image link is kept"),
        pytest.param({"Url": "/sxdt/202604/t20260417_1234.html"}, "url",
                     "/sxdt/202604/t20260417_1234.html", id="a root-relative url is kept"),
    ],
)
def test_meta_values_are_cleaned_and_cut(metas, field, expected):
    assert getattr(_gov(_meta_page(**metas)), field) == expected


def test_keywords_are_deduplicated_cut_and_capped():
    words = [f"词{n}" for n in range(100)] + ["词1", "长" * 200]
    gov = _gov(_meta_page(Keywords="，".join(["长" * 200] + words)))

    assert len(gov.keywords) == 20 and gov.keywords[0] == "长" * 40
    assert len(set(gov.keywords)) == 20


def test_a_hostile_article_title_still_gives_a_clean_headline():
    html = TRS_PAGE.replace('content="示范市加快新能源汽车充电设施建设"',
                            'content="示范市加快新能源汽车充电设施建设&lt;div&gt;&lt;/div&gt;"')
    assert extract(html.encode(), "", fetched_at=NOW).title == "示范市加快新能源汽车充电设施建设"


# --- by-lines -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("来源：河南日报  发布时间：2026-04-15 09:30", "河南日报", id="two spaces end it"),
        pytest.param("发布时间：2026-04-15 09:30 来源：示范日报", "示范日报", id="after the date"),
        pytest.param("来源:新华网 2026/4/15 09:30:15", "新华网", id="an ASCII colon, a date ends it"),
        pytest.param("2026-04-15 来源：新华网 作者：张三", "新华网", id="the next label ends it"),
        pytest.param("作者：张三来源：河南日报", "河南日报", id="a label right after another value"),
        pytest.param("信息来源：省发展改革委|浏览次数：12", "省发展改革委", id="信息来源 and a bar"),
        pytest.param("稿源：人民网-人民日报 【字号 大 中 小】", "人民网-人民日报", id="稿源 and 【"),
        pytest.param("来 源：省政府办公厅 字号：大 中 小", "省政府办公厅", id="a spaced label, 字号"),
        pytest.param("（来源：新华社）", "新华社", id="a closing bracket ends it"),
        pytest.param("来源：新华社（记者 张三）", "新华社", id="an open bracket and what follows go"),
        pytest.param("来源：河南发布", "河南发布", id="a 发布 account name is kept"),
        pytest.param("来源：《示范日报》 浏览：1024", "《示范日报》", id="book-title marks are kept"),
        pytest.param("来源：中共示范省委网络安全和信息化委员会办公室 示范省互联网信息办公室",
                     "中共示范省委网络安全和信息化委员会办公室", id="over 30 characters: cut at a space"),
        pytest.param("来源：据统计全省新能源汽车产量增长迅速并且呈现出良好的发展势头说明产业",
                     None, id="over 30 characters without a space: prose, no outlet"),
        pytest.param("图片来源：视觉中国", None, id="a picture credit is no content source"),
        pytest.param("资金来源：省级财政专项资金", None, id="a funding source is no content source"),
        pytest.param("来源：", None, id="an empty value"),
        pytest.param("来源：2026-04-15 09:30", None, id="only a date"),
        pytest.param('作者： size="20" 来源： size="20" 发布日期：7/5/2005', None,
                     id="an unfilled template slot"),
        pytest.param("", None, id="nothing"),
    ],
)
def test_source_from_byline(line, expected):
    assert source_from_byline(line) == expected


def test_byline_source_reads_the_short_lines_after_the_headline_only():
    root = parse_html("<html><body><div class='top'>来源：导航栏</div><h1>标题标题标题</h1>"
                      f"<p>{PROSE}</p><p>（来源：示范日报）</p></body></html>")

    assert byline_source(root, root.find(".//h1")) == "示范日报"
    assert byline_source(root) == "导航栏"


# --- storage, re-extraction and the CLI -----------------------------------------------


def _ingest(config, html: str, url: str = "https://www.shifan.gov.cn/sxdt/1.html") -> None:
    line = json.dumps({"url": url, "html": html, "source_id": "shifan"}) + "\n"
    report = ingest_service.ingest(config, io.StringIO(line), "test")
    assert report.stored == 1, report


def _stored_meta(config) -> dict:
    with open_database(config.database_url)() as session:
        return session.scalars(select(Article.meta)).one()


def test_the_store_stage_keeps_the_gov_meta_the_source_and_the_column(tmp_path, sqlite_url):
    config = make_config(tmp_path, sqlite_url)
    _ingest(config, TRS_PAGE)

    meta = _stored_meta(config)
    row = articles_service.list_articles(config)[0]

    assert meta["gov"]["site_id_code"] == "4100000099"
    assert meta["gov"]["keywords"] == ["新能源汽车", "充电设施", "示范市"]
    assert (meta["content_source"], meta["column"]) == ("示范日报", "市县动态")
    assert (row["content_source"], row["column"]) == ("示范日报", "市县动态")
    assert row["gov"] == meta["gov"]


def test_a_page_without_metas_stores_its_source_and_no_gov_meta(tmp_path, sqlite_url):
    config = make_config(tmp_path, sqlite_url)
    _ingest(config, BYLINE_PAGE)

    meta = _stored_meta(config)

    assert meta["content_source"] == "河南日报"
    assert "gov" not in meta and "column" not in meta


def test_reextract_writes_the_gov_meta_of_an_older_extraction_then_leaves_it(tmp_path,
                                                                            sqlite_url):
    config = make_config(tmp_path, sqlite_url)
    _ingest(config, TRS_PAGE)
    stored = _stored_meta(config)
    factory = open_database(config.database_url)
    with factory() as session:
        article = session.scalars(select(Article)).one()
        article.meta = {"content_type": "text/html; charset=utf-8", "column": "旧栏目"}
        session.commit()

    first = extraction_service.reextract(config)
    second = extraction_service.reextract(config)

    assert (first.seen, first.changed, second.changed) == (1, 1, 0)
    older = {k: v for k, v in stored.items() if k != "tagged_from"}  # not invented later
    assert _stored_meta(config) == {**older, "content_type": "text/html; charset=utf-8"}


def _run(args, env_extra, stdin=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", *args], capture_output=True,
                          text=True, env=env, input=stdin, timeout=300)


def test_show_prints_the_source_and_column_and_extract_has_them(tmp_path):
    env = {"PROVWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
           "PROVWATCH_DATA_DIR": str(tmp_path)}
    line = json.dumps({"url": "https://www.shifan.gov.cn/sxdt/1.html", "html": TRS_PAGE,
                       "source_id": "shifan"})
    (tmp_path / "page.html").write_text(BYLINE_PAGE, encoding="utf-8")

    ingested = _run(["ingest"], env, stdin=line + "\n")
    row = json.loads(_run(["articles", "--json"], env).stdout.splitlines()[0])
    shown = _run(["show", str(row["id"])], env)
    extracted = json.loads(_run(["extract", str(tmp_path / "page.html")], env).stdout)

    assert "stored 1" in ingested.stdout, ingested.stderr
    assert shown.returncode == 0, shown.stderr
    assert "source: 示范日报" in shown.stdout.splitlines()
    assert "column: 市县动态" in shown.stdout.splitlines()
    assert (extracted["content_source"], extracted["column"], extracted["gov"]) == (
        "河南日报", None, None)
