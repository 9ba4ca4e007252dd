"""Date rules: every date form, every URL pattern, and the order of trust, one table each.

Covers pipelines/datetext.py and pipelines/dates.py. No network.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from provwatch.pipelines.dates import find_date
from provwatch.pipelines.datetext import SHANGHAI, parse_date_text, parse_yearless

NOW = datetime(2026, 2, 1, 8, tzinfo=timezone.utc)
TITLE = "河南省印发制造业高质量发展行动方案"
BODY = ("<p>近日，河南省人民政府办公厅印发《河南省制造业高质量发展行动方案》，提出到2027年全省制造业"
        "增加值占生产总值比重保持稳定，重点产业链竞争力明显增强。</p>")


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def day(y: int, m: int, d: int) -> tuple[datetime, str]:
    return sh(y, m, d, 12), "day"


def minute(*args: int) -> tuple[datetime, str]:
    return sh(*args), "minute"


# --- one date string ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("发布时间：2026-01-05 09:30", minute(2026, 1, 5, 9, 30),
                     id="发布时间 with a dash date and minutes"),
        pytest.param("2026年1月5日", day(2026, 1, 5), id="年月日 without a time is a day"),
        pytest.param("2026年01月05日 09时30分", minute(2026, 1, 5, 9, 30), id="时 and 分"),
        pytest.param("2026-01-05 来源：新华网", day(2026, 1, 5), id="a date before 来源"),
        pytest.param("２０２６年１月５日　０９：３０", minute(2026, 1, 5, 9, 30),
                     id="full-width digits and colon"),
        pytest.param("二〇二六年一月五日", day(2026, 1, 5), id="Chinese numerals"),
        pytest.param("二〇二五年十二月三十一日", day(2025, 12, 31), id="Chinese numerals with 十"),
        pytest.param("2026/1/5 09:30:15", minute(2026, 1, 5, 9, 30, 15), id="slashes and seconds"),
        pytest.param("2026.01.05", day(2026, 1, 5), id="dots"),
        pytest.param("2026年1月5日 下午3:30", minute(2026, 1, 5, 15, 30), id="下午 is after noon"),
        pytest.param("（2004-12-30 07:31PM）", minute(2004, 12, 30, 19, 31), id="PM after the time"),
        pytest.param("7/5/2005 9:23:57 PM", minute(2005, 7, 5, 21, 23, 57),
                     id="month first with AM/PM as ASP prints it"),
        pytest.param("20260105", day(2026, 1, 5), id="a bare yyyymmdd that is the whole value"),
        pytest.param("2026-01-05T09:30:00+08:00",
                     (datetime(2026, 1, 5, 1, 30, tzinfo=timezone.utc), "minute"),
                     id="ISO with a zone"),
        pytest.param("2026-01-05 00:00:00", day(2026, 1, 5),
                     id="midnight exactly is a day-only date written by a CMS"),
        pytest.param("2026-02-30", None, id="an impossible day"),
        pytest.param("版本2.2026.01.05", None, id="digits glued to a version number"),
        pytest.param("访问量 20260105123", None, id="a long number is not a compact date"),
        pytest.param("1月5日", None, id="no year is not a full date"),
    ],
)
def test_parse_date_text_reads(text, expected):
    assert parse_date_text(text) == expected


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        pytest.param("1月5日", NOW, day(2026, 1, 5), id="this year when that is past"),
        pytest.param("12月30日", NOW, day(2025, 12, 30), id="last year when this year is ahead"),
        pytest.param("1月5日 09:30", NOW, minute(2026, 1, 5, 9, 30), id="with a time"),
        pytest.param("2月1日", NOW, day(2026, 2, 1), id="today"),
        pytest.param("2026年1月5日", NOW, None, id="a full date is not yearless"),
        pytest.param("2月30日", NOW, None, id="an impossible day"),
    ],
)
def test_parse_yearless_resolves_against_the_crawl_time(text, now, expected):
    assert parse_yearless(text, now) == expected


# --- URL patterns ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("http://www.henan.gov.cn/2026/01-05/3001.html", day(2026, 1, 5),
                     id="chinanews-style 2026/01-05"),
        pytest.param("http://www.hnr.cn/zw/202601/t20260105_123.html", day(2026, 1, 5),
                     id="TRS t20260105_"),
        pytest.param("http://www.news.cn/politics/2026-01/05/c_1130.htm", day(2026, 1, 5),
                     id="xinhuanet 2026-01/05"),
        pytest.param("https://www.gov.cn/zhengce/content/2026-01/05/content_9.htm",
                     day(2026, 1, 5), id="gov.cn content 2026-01/05"),
        pytest.param("http://www.zj.gov.cn/art/2026/1/5/art_1229_5.html", day(2026, 1, 5),
                     id="Hanweb art/2026/1/5"),
        pytest.param("http://henan.people.com.cn/n2/2026/0105/c351638-1.html", day(2026, 1, 5),
                     id="people.com.cn n2/2026/0105"),
        pytest.param("http://business.sohu.com/20260105/n224643115.shtml", day(2026, 1, 5),
                     id="sohu 20260105"),
        pytest.param("https://china.chinadaily.com.cn/a/202601/05/WS6557.html", day(2026, 1, 5),
                     id="chinadaily 202601/05"),
        pytest.param("http://finance.sina.com.cn/sm/2026-01-05/244339.shtml", day(2026, 1, 5),
                     id="sina 2026-01-05"),
        pytest.param("http://auto.qianlong.com/36/2026/01/05/1680.htm", day(2026, 1, 5),
                     id="2026/01/05"),
        pytest.param("http://biz.163.com/26/0105/08/1I606VE6.html", day(2026, 1, 5),
                     id="netease 26/0105/08 on 163.com only"),
        pytest.param("http://example.cn/26/0105/08/1I606VE6.html", None,
                     id="the netease pattern elsewhere is not a date"),
        pytest.param("http://www.news.cn/fortune/c_1129981476.htm", None, id="no date in the URL"),
        pytest.param("http://x.cn/zw/202601/t20261305_1.html", None, id="month 13 is no date"),
    ],
)
def test_url_patterns(url, expected):
    found = find_date("<html><body></body></html>", url, "", NOW)
    if expected is None:
        assert found is None
    else:
        assert (found.value, found.source, found.precision) == (
            expected[0].astimezone(timezone.utc), "url", "day")


# --- order of trust -------------------------------------------------------------------


def page(head: str = "", body: str = "") -> str:
    return (f"<html><head><title>{TITLE}_河南省人民政府门户网站</title>{head}</head>"
            f"<body><div class='nav'><a href='/'>首页</a></div><h1>{TITLE}</h1>{body}</body></html>")


GOV_META = '<meta name="PubDate" content="2026-01-04 10:00">'
JSONLD = ('<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", '
          '"datePublished": "2026-01-03T08:00:00+08:00"}]}</script>')
OG_META = '<meta property="article:published_time" content="2026-01-02">'
BYLINE = "<div>发布时间：2026-01-01 09:00 来源：省政府办公厅</div>"
URL = "http://www.henan.gov.cn/2025/12-30/1.html"


@pytest.mark.parametrize(
    ("html", "url", "selector", "expected", "source"),
    [
        pytest.param(page(GOV_META + JSONLD + OG_META, BYLINE + BODY), URL, None,
                     minute(2026, 1, 4, 10, 0), "meta:pubdate",
                     id="the government PubDate meta is trusted first"),
        pytest.param(page(JSONLD + OG_META, BYLINE + BODY), URL, None,
                     minute(2026, 1, 3, 8, 0), "jsonld", id="then JSON-LD datePublished"),
        pytest.param(page(OG_META, BYLINE + BODY), URL, None, day(2026, 1, 2),
                     "meta:article:published_time", id="then other meta tags"),
        pytest.param(page("", BYLINE + '<span class="pt">2025-12-31</span>' + BODY), URL,
                     "span.pt", day(2025, 12, 31), "selector",
                     id="then the catalog's date selector"),
        pytest.param(page("", BYLINE + BODY), URL, None, minute(2026, 1, 1, 9, 0), "text",
                     id="then the by-line under the headline"),
        pytest.param(page("", BODY), URL, None, day(2025, 12, 30), "url",
                     id="then the URL"),
        pytest.param(page("", "<div>1月20日 来源：本网</div>" + BODY), "http://x.cn/a.html", None,
                     day(2026, 1, 20), "text:noyear",
                     id="a yearless by-line date comes after the URL"),
        pytest.param(page("", "<div>1月20日 来源：本网</div>" + BODY), URL, None,
                     day(2025, 12, 30), "url", id="the URL beats a yearless by-line"),
        pytest.param(page('<meta name="PubDate" content="2026-03-05">', BODY), URL, None,
                     day(2025, 12, 30), "url", id="a future date is rejected and the next rule used"),
        pytest.param(page('<meta name="PubDate" content="1989-06-01">', BODY), URL, None,
                     day(2025, 12, 30), "url", id="a date before 1990 is rejected"),
        pytest.param(page("", BODY), "http://x.cn/a.html", None, None, None,
                     id="no rule finds anything"),
    ],
)
def test_find_date_order_of_trust(html, url, selector, expected, source):
    found = find_date(html, url, TITLE, NOW, selector=selector)
    if expected is None:
        assert found is None
    else:
        assert (found.value, found.source, found.precision) == (
            expected[0].astimezone(timezone.utc), source, expected[1])


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("<p class='info'>2026-01-05 09:30 来源：新华网 作者：张三</p>" + BODY,
                     minute(2026, 1, 5, 9, 30), id="a date right after the headline"),
        pytest.param("<div>2026年1月5日</div>" + BODY, day(2026, 1, 5),
                     id="a Chinese date right after the headline"),
        pytest.param("<div>２０２６年１月５日</div>" + BODY, day(2026, 1, 5),
                     id="full-width digits after the headline"),
        pytest.param("<div>二〇二六年一月五日</div>" + BODY, day(2026, 1, 5),
                     id="Chinese numerals after the headline"),
        pytest.param(BODY + "<p>2026年1月3日，省政府召开常务会议。</p>", None,
                     id="a date inside the body's prose is not the by-line"),
        pytest.param(BODY + "<div class='footer'>发布时间：2026-01-05</div>", None,
                     id="a date in the footer is ignored"),
        pytest.param("<div class='related'><a>旧闻</a> 2025-06-01</div>" + BODY, None,
                     id="a date in related links is ignored"),
        pytest.param("<div>今天是2026年1月30日 星期五</div>" + BODY, None,
                     id="today's date in a header bar is not the publication date"),
        pytest.param(BODY + "<span class='pubtime'>2026-01-05 09:30</span>",
                     minute(2026, 1, 5, 9, 30), id="an element whose class says time"),
        pytest.param(BODY + "<ul><li><span class='time'>2026-01-05</span></li></ul>", None,
                     id="a time element inside a list of links is not used"),
        pytest.param(BODY * 3 + "<p>发布日期：2026-01-05</p>", day(2026, 1, 5),
                     id="a labelled date anywhere outside furniture"),
    ],
)
def test_find_date_text_rule(body, expected):
    found = find_date(page("", body), "http://x.cn/a.html", TITLE, NOW)
    if expected is None:
        assert found is None
    else:
        assert (found.value, found.source, found.precision) == (
            expected[0].astimezone(timezone.utc), "text", expected[1])


def test_find_date_reads_the_by_line_after_a_headline_that_is_only_text():
    html = (f"<html><head><title>{TITLE}</title></head><body><table><tr><td>"
            f"<b>{TITLE}</b><br>2026-01-05 阅读 1034 次</td></tr></table>{BODY}</body></html>")
    found = find_date(html, "http://x.cn/a.html", TITLE, NOW)
    assert (found.value, found.source) == (sh(2026, 1, 5, 12).astimezone(timezone.utc), "text")


# --- pages rendered in the browser: the date lives in a script, or only htmldate sees it --


def _rendered(script: str, head: str = "") -> str:
    """A page laid out as WeChat / QQ / Baijiahao articles are: the by-line's date element is
    empty in the HTML and a script carries the time."""
    return (f"<html><head><title>{TITLE}</title>{head}</head><body><h1>{TITLE}</h1>"
            f"<div class='meta'><span class='nickname'>河南发布</span><em id='publish_time'></em>"
            f"</div>{BODY}<script>{script}</script></body></html>")


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        pytest.param('var nickname = "河南发布"; var ct = "1767616200";',
                     sh(2026, 1, 5, 20, 30), id="WeChat: seconds since the epoch"),
        pytest.param('var publish_time = "2026-01-05" || "";', sh(2026, 1, 5, 12),
                     id="WeChat, older pages: a date variable"),
        pytest.param('window.DATA = {"title": "x", "pubtime": "2026-01-05 20:30:00"};',
                     sh(2026, 1, 5, 20, 30), id="QQ: a JSON field"),
        pytest.param('window.jsonData = {"publishTime": "1767616200000"};',
                     sh(2026, 1, 5, 20, 30), id="milliseconds since the epoch"),
    ],
)
def test_find_date_reads_a_publication_time_variable_in_a_script(script, expected):
    found = find_date(_rendered(script), "https://mp.weixin.qq.com/s/AbCdEf", TITLE, NOW)
    assert (found.value, found.source) == (expected.astimezone(timezone.utc), "script")


@pytest.mark.parametrize(
    "script",
    [
        pytest.param('var ct = "1893456000";', id="an epoch in the future"),
        pytest.param('var select = "2026-01-05"; var product = "2026-01-05";',
                     id="names that merely end in ct"),
        pytest.param('var tracking = {"page": "2026-01-05"};', id="a date under another name"),
    ],
)
def test_find_date_ignores_script_values_that_are_not_a_publication_time(script):
    assert find_date(_rendered(script), "https://x.cn/a", TITLE, NOW) is None


def test_extract_falls_back_to_htmldate_before_the_crawl_time():
    """A CMS stamp in a comment is invisible to our rules; htmldate's markup pass reads it
    (as trafilatura does), and the date says where it came from."""
    from provwatch.pipelines.extraction import extract

    html = _rendered("")
    stamped = html.replace("<h1>", "<!-- published at 2026-01-05 14:01:37 by system --><h1>")
    got = extract(stamped.encode(), "https://x.cn/a", fetched_at=NOW)
    assert (got.published_at.astimezone(SHANGHAI).date().isoformat(), got.date_source,
            got.date_precision) == ("2026-01-05", "htmldate", "day")
    bare = extract(html.encode(), "https://x.cn/a", fetched_at=NOW)
    assert (bare.published_at, bare.date_source) == (NOW, "crawl")


def test_extract_prefers_the_feed_date_to_htmldate():
    from provwatch.pipelines.extraction import extract

    html = _rendered("").replace("<h1>", "<!-- published at 2026-01-05 14:01:37 --><h1>")
    feed = sh(2026, 1, 6, 9, 0).astimezone(timezone.utc)
    got = extract(html.encode(), "https://x.cn/a", fetched_at=NOW, feed_published=feed)
    assert (got.published_at, got.date_source) == (feed, "feed")
