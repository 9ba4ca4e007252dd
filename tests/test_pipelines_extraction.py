"""Titles, furniture, the main block, policy-document metadata and extract() end to end,
on pages written for the tests.

Covers pipelines/headline.py, boilerplate.py, mainblock.py, policydoc.py and extraction.py.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from provwatch.pipelines.boilerplate import clean_lines
from provwatch.pipelines.extraction import extract
from provwatch.pipelines.headline import find_headline, strip_site_suffix
from provwatch.pipelines.page import parse_html
from provwatch.pipelines.policydoc import normalise_number

NOW = datetime(2026, 2, 1, 8, tzinfo=timezone.utc)
P1 = ("为深入贯彻落实党中央、国务院决策部署，加快推进制造业高质量发展，结合我省实际，现提出如下意见。"
      "到2027年，全省制造业增加值占生产总值比重保持基本稳定，重点产业链竞争力明显增强。")
P2 = ("各地各部门要加强组织领导，细化工作措施，压实工作责任，确保各项任务落到实处。"
      "省发展改革委要会同有关部门加强督促指导，及时总结推广典型经验做法。")


# --- titles ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param("河南省召开新春第一会_河南省人民政府门户网站", "河南省召开新春第一会",
                     id="a government portal after an underscore"),
        pytest.param("促进航天技术更好惠及人民――习近平致贺信--时政--人民网", "促进航天技术更好惠及人民――习近平致贺信",
                     id="column and site after double dashes keep a dash inside the headline"),
        pytest.param("宇航员在太空中喝酒会怎么样？后果很严重 _探索者 _光明网", "宇航员在太空中喝酒会怎么样？后果很严重",
                     id="two spaced underscore segments"),
        pytest.param("DeepMind新电脑已可利用记忆自学_科技_腾讯网", "DeepMind新电脑已可利用记忆自学",
                     id="a channel and a site"),
        pytest.param("河南发布2026年一号文件 - 中国政府网", "河南发布2026年一号文件", id="spaced dash"),
        pytest.param("河南发布2026年一号文件｜澎湃新闻", "河南发布2026年一号文件", id="full-width bar"),
        pytest.param("河南省召开新春第一会-新华网", "河南省召开新春第一会", id="bare hyphen before 新华网"),
        pytest.param("新冠-疫情通报", "新冠-疫情通报", id="a bare hyphen before a non-site stays"),
        pytest.param("凝聚发展合力——访河南日报社社长", "凝聚发展合力——访河南日报社社长",
                     id="a subtitle after a double dash stays even when it names a paper"),
        pytest.param("Covid-19 rules eased", "Covid-19 rules eased", id="a hyphen in a word stays"),
        pytest.param("Q&A - Interview with the minister", "Q&A - Interview with the minister",
                     id="a long English tail that names no site stays"),
        pytest.param("要闻_新华网", "要闻_新华网", id="too little would be left so it stays"),
    ],
)
def test_strip_site_suffix(title, expected):
    assert strip_site_suffix(title) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param('<head><title>标题甲_省政府</title><meta name="ArticleTitle" content="关于印发方案的通知">'
                     "</head><body><h1>标题甲</h1></body>", "关于印发方案的通知",
                     id="the government ArticleTitle meta is trusted first"),
        pytest.param("<head><title>河南省推进制造业发展_河南日报</title></head>"
                     "<body><h1>河南日报</h1><h2>河南省推进制造业发展</h2></body>",
                     "河南省推进制造业发展", id="the heading that the title starts with"),
        pytest.param("<head><title>网易娱乐 - 明星参加慈善晚会</title></head>"
                     "<body><div class='title'>明星参加慈善晚会</div></body>", "明星参加慈善晚会",
                     id="the heading that the title ends with"),
        pytest.param("<head><title>河南省推进制造业发展_河南日报</title></head><body><p>正文</p></body>",
                     "河南省推进制造业发展", id="the stripped title when no heading matches"),
        pytest.param('<head><meta property="og:title" content="河南省推进制造业发展 - 新华网"></head>'
                     "<body></body>", "河南省推进制造业发展", id="og:title without a title"),
    ],
)
def test_find_headline(html, expected):
    assert find_headline(parse_html(f"<html>{html}</html>")).text == expected


# --- furniture lines ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "kept"),
    [
        pytest.param([P1, "（责任编辑：张三）"], [P1], id="an editor line"),
        pytest.param([P1, "【编辑:刘欢】", "返回搜狐，查看更多"], [P1], id="what follows the editor"),
        pytest.param(["【字体：大 中 小】", P1], [P1], id="a font size bar"),
        pytest.param([P1, "【打印本页】【关闭窗口】"], [P1], id="print and close"),
        pytest.param([P1, "打印 关闭"], [P1], id="print and close without brackets"),
        pytest.param([P1, "分享到：微信 微博 QQ空间"], [P1], id="a share bar"),
        pytest.param([P1, "扫一扫在手机打开当前页"], [P1], id="a QR code prompt"),
        pytest.param([P1, "第1页/共2页 << 上一页 | 下一页 >>"], [P1], id="a pager"),
        pytest.param([P1, "相关链接：", "河南省召开常务会议", "郑州发布新政策", P2], [P1, P2],
                     id="a related-links list until prose resumes"),
        pytest.param([P1, "·富夫妻望子成龙假离婚（2005-04-03 17:19PM）"], [P1],
                     id="a bullet headline"),
        pytest.param([P1, "·加快推进智能制造，培育领军企业；"], [P1, "·加快推进智能制造，培育领军企业；"],
                     id="a bullet that is a sentence stays"),
        pytest.param([P1, "版权所有：河南省人民政府办公厅", "豫ICP备05018542号"], [P1],
                     id="copyright and ICP lines"),
        pytest.param([P1, "上一篇：郑州发布新政策"], [P1], id="previous and next article"),
    ],
)
def test_clean_lines_drops_furniture(lines, kept):
    assert clean_lines(lines) == kept


# --- the main block -------------------------------------------------------------------

TABLE_LAYOUT = f"""<html><head><title>河南省加快推进制造业高质量发展_某某网</title></head><body>
<table><tr><td><a href="/">首页</a> | <a href="/news">新闻</a> | <a href="/zw">政务</a></td></tr></table>
<table><tr><td width="200">
  <a href="/1">郑州发布新政策</a><br><a href="/2">洛阳召开会议</a><br><a href="/3">开封文旅</a>
</td><td>
  <b>河南省加快推进制造业高质量发展</b><br>2026-01-05 09:30 来源：某某网<br>
  {P1}<br><br>{P2}<br>
  <div>相关新闻：<a href="/4">河南省召开常务会议</a> <a href="/5">郑州发布新政策</a></div>
</td></tr></table>
<table><tr><td>版权所有 某某网 豫ICP备000000号 联系我们 网站地图</td></tr></table>
</body></html>"""


def test_a_table_layout_page_gives_the_article_without_navigation():
    got = extract(TABLE_LAYOUT.encode("utf-8"), "http://x.cn/a.html", fetched_at=NOW)
    assert got.text == P1 + "\n" + P2
    assert got.title == "河南省加快推进制造业高质量发展"
    assert (got.date_source, got.date_precision) == ("text", "minute")


def test_a_body_selector_from_the_catalog_picks_the_container():
    html = (f"<html><head><title>标题</title></head><body><div class='a'><p>{P1}</p></div>"
            f"<div class='b'><p>{P2}</p><p>{P2}</p></div></body></html>")
    got = extract(html.encode("utf-8"), "http://x.cn/a.html", fetched_at=NOW,
                  body_selector="div.a")
    assert got.text == P1


# --- policy documents -----------------------------------------------------------------

POLICY = f"""<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>河南省人民政府关于印发河南省制造业高质量发展行动方案的通知_河南省人民政府门户网站</title>
<meta name="ArticleTitle" content="河南省人民政府关于印发河南省制造业高质量发展行动方案的通知">
<meta name="PubDate" content="2026-01-06 10:00:00">
<meta name="ContentSource" content="河南省人民政府办公厅">
<meta name="ColumnName" content="省政府文件">
</head><body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a></div>
<div class="xxgk"><table>
<tr><td>索引号：</td><td>11410000005184361T/2026-00012</td><td>主题分类：</td><td>工业、交通</td></tr>
<tr><td>发文机关：</td><td>河南省人民政府</td><td>成文日期：</td><td>2026年01月05日</td></tr>
<tr><td>标　　题：</td><td colspan="3">河南省人民政府关于印发河南省制造业高质量发展行动方案的通知</td></tr>
<tr><td>发文字号：</td><td>豫政[2026]3号</td><td>发布日期：</td><td>2026年01月06日</td></tr>
</table></div>
<div class="article"><h1>河南省人民政府关于印发河南省制造业高质量发展行动方案的通知</h1>
<div class="TRS_Editor"><p>豫政〔2026〕3号</p><p>各省辖市人民政府，省人民政府各部门：</p>
<p>{P1}</p><p>{P2}</p><p>河南省人民政府</p><p>2026年1月5日</p></div>
<div class="share">分享到：<a>微信</a></div></div>
<div class="footer">版权所有：河南省人民政府办公厅</div>
</body></html>"""

SIGNED = f"""<html><head><title>河南省人民政府关于加快推进制造业发展的实施意见</title></head><body>
<h1>河南省人民政府关于加快推进制造业发展的实施意见</h1><div class="info">发布时间：2026-01-08</div>
<div id="zoom"><p>豫政〔2026〕4号</p><p>{P1}</p><p>{P2}</p>
<p>河南省人民政府</p><p>2026年1月7日</p></div></body></html>"""

NEWS = f"""<html><head><title>河南省召开新春第一会_河南日报</title></head><body>
<h1>河南省召开新春第一会</h1><div>2026-01-05 来源：河南日报</div><p>{P1}</p><p>{P2}</p></body></html>"""


@pytest.mark.parametrize(
    ("html", "encoding", "document"),
    [
        pytest.param(POLICY, "gbk", {
            "number": "豫政〔2026〕3号", "issuer": "河南省人民政府", "written": "2026-01-05",
            "published": "2026-01-06", "index_no": "11410000005184361T/2026-00012",
            "subject": "工业、交通"}, id="a 信息公开 table on a TRS page"),
        pytest.param(SIGNED, "utf-8", {
            "number": "豫政〔2026〕4号", "issuer": "河南省人民政府", "written": "2026-01-07",
            "published": "2026-01-08"}, id="a number under the headline and a sign-off"),
        pytest.param(NEWS, "utf-8", None, id="a news article is no policy document"),
    ],
)
def test_policy_document_fields(html, encoding, document):
    got = extract(html.encode(encoding), "http://www.henan.gov.cn/a.html", fetched_at=NOW)
    assert (got.document.to_dict() if got.document else None) == document


def test_a_policy_page_keeps_its_metadata_out_of_the_body_text():
    got = extract(POLICY.encode("gbk"), "http://www.henan.gov.cn/a.html", fetched_at=NOW)
    assert got.title == "河南省人民政府关于印发河南省制造业高质量发展行动方案的通知"
    assert (got.date_source, got.charset) == ("meta:pubdate", "gb18030")
    assert P1 in got.text and P2 in got.text
    assert "索引号" not in got.text and "分享到" not in got.text and "版权所有" not in got.text


@pytest.mark.parametrize(
    ("text", "number"),
    [
        pytest.param("豫政〔2026〕3号", "豫政〔2026〕3号", id="hexagonal brackets"),
        pytest.param("豫政[2026]3号", "豫政〔2026〕3号", id="square brackets"),
        pytest.param("国办发（2026）12号", "国办发〔2026〕12号", id="full-width parentheses"),
        pytest.param("京政发【2026】1 号", "京政发〔2026〕1号", id="black lenticular brackets"),
        pytest.param("2026年3号文件", None, id="no brackets is no number"),
    ],
)
def test_normalise_number(text, number):
    assert normalise_number(text) == number


# --- extract(): charset, fallbacks ----------------------------------------------------


def test_a_utf8_page_declaring_gb2312_is_not_mojibake():
    html = NEWS.replace("<head>", '<head><meta charset="gb2312">')
    got = extract(html.encode("utf-8"), "http://x.cn/a.html", fetched_at=NOW)
    assert (got.charset, got.title) == ("utf-8", "河南省召开新春第一会")


def test_a_date_selector_is_used_before_the_text_rules():
    html = NEWS.replace("</h1>", "</h1><span id='pt'>2026-01-04 08:00</span>")
    got = extract(html.encode("utf-8"), "http://x.cn/a.html", fetched_at=NOW,
                  date_selector="#pt")
    assert (got.date_source, got.published_at) == (
        "selector", datetime(2026, 1, 4, 0, tzinfo=timezone.utc))


def test_a_page_with_no_date_falls_back_to_the_crawl_time_flagged():
    html = NEWS.replace("<div>2026-01-05 来源：河南日报</div>", "")
    got = extract(html.encode("utf-8"), "http://x.cn/a.html", fetched_at=NOW)
    assert (got.published_at, got.date_source, got.date_precision) == (NOW, "crawl", "minute")
