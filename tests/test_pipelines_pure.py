"""The pure modules behind the pipeline and alert stages, one table per function.

Covers pipelines/urls.py, decoding.py, dates.py, textnorm.py, extraction.py and
tagging/, and alerts/matcher.py, watchlist.py and outbox.py. No network, no database.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from provwatch.alerts.errors import WatchlistError
from provwatch.alerts.matcher import MatchView, keyword_hit, matches
from provwatch.alerts.outbox import BASE_DELAY, MAX_DELAY, after_failure, backoff
from provwatch.alerts.watchlist import WatchlistSpec, validate
from provwatch.pipelines.dates import SHANGHAI, find_date, parse_date_text
from provwatch.pipelines.decoding import DecodeError, decode_html
from provwatch.pipelines.extraction import extract, has_body, strip_site_suffix
from provwatch.pipelines.textnorm import content_hash, language_of
from provwatch.pipelines.urls import canonical_url

NOW = datetime(2026, 2, 1, tzinfo=timezone.utc)

PARA_ZH = (
    "近日，河南省人民政府办公厅印发《河南省制造业高质量发展行动方案》，提出到2027年"
    "全省制造业增加值占生产总值比重保持稳定，重点产业链竞争力明显增强。"
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def page(charset: str | None, body: str, title: str = "河南省印发行动方案") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return (f"<html><head>{meta}<title>{title}</title></head>"
            f"<body><h1>{title}</h1><p>{body}</p></body></html>")


# --- pipelines/urls.py: canonical_url -------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("http://m.people.com.cn/n2/2026/0105/c1-2.html",
                     "https://people.com.cn/n2/2026/0105/c1-2.html",
                     id="a mobile host names the desktop page"),
        pytest.param("https://wap.xinhuanet.com/a.htm", "https://xinhuanet.com/a.htm",
                     id="wap host too"),
        pytest.param("http://www.henan.gov.cn/a.html", "https://henan.gov.cn/a.html",
                     id="www and http fold into one spelling"),
        pytest.param("https://m.cn/a", "https://m.cn/a",
                     id="a two-label host keeps its first label"),
        pytest.param("HTTP://Example.COM/News/a.html", "https://example.com/News/a.html",
                     id="scheme and host are lowercased, the path is not"),
        pytest.param("http://example.com:80/a", "https://example.com/a",
                     id="http default port 80 is dropped"),
        pytest.param("https://example.com:443/a", "https://example.com/a",
                     id="https default port 443 is dropped"),
        pytest.param("http://example.com:8080/a", "http://example.com:8080/a",
                     id="a non-default port is kept"),
        pytest.param("http://example.com/a#comments", "https://example.com/a",
                     id="the fragment is dropped"),
        pytest.param(
            "http://example.com/a?utm_source=rss&utm_Medium=feed&spm=1.2&from=timeline"
            "&share_token=x&wxfrom=5&id=7",
            "https://example.com/a?id=7",
            id="tracking params are dropped and real ones kept"),
        pytest.param("http://example.com/a?page=2&id=7", "https://example.com/a?id=7&page=2",
                     id="the query is sorted"),
        pytest.param("http://example.com/news/index.html", "https://example.com/news/",
                     id="a trailing index.html is dropped"),
        pytest.param("http://example.com/news/default.htm", "https://example.com/news/",
                     id="a trailing default.htm is dropped"),
        pytest.param("http://example.com/news/index.shtml", "https://example.com/news/",
                     id="a trailing index.shtml is dropped"),
        pytest.param("http://example.com/a.jsp;jsessionid=ABC123?id=1",
                     "https://example.com/a.jsp?id=1",
                     id="a jsessionid path parameter is dropped"),
        pytest.param("http://example.com/%7euser/a%2fb?q=%e4%b8%ad",
                     "https://example.com/~user/a%2Fb?q=%E4%B8%AD",
                     id="percent-encoding is normalised"),
        pytest.param("http://example.com/新闻?q=中", "https://example.com/%E6%96%B0%E9%97%BB?q=%E4%B8%AD",
                     id="non-ASCII path and query are percent-encoded"),
        pytest.param("http://example.com", "https://example.com/",
                     id="an empty path becomes a slash"),
        pytest.param("  http://Example.com./a  ", "https://example.com/a",
                     id="surrounding spaces and a trailing host dot are removed"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent():
    url = "HTTP://Example.com:80/a/index.html;jsessionid=1?b=2&utm_source=x&a=%e4%b8%ad#top"
    once = canonical_url(url)
    assert canonical_url(once) == once


def test_canonical_url_keeps_gbk_encoded_query_values_apart():
    zhong = canonical_url("http://www.example.gov.cn/show.asp?lm=%D6%D0&id=1")  # 中 in GBK
    guo = canonical_url("http://www.example.gov.cn/show.asp?lm=%B9%FA&id=1")  # 国 in GBK
    assert zhong != guo


# --- pipelines/decoding.py: decode_html ---------------------------------------------

_UTF8_PAGE = page("utf-8", PARA_ZH).encode("utf-8")
_GBK_META_PAGE = page("gbk", PARA_ZH).encode("gbk")
_GBK_BARE_PAGE = page(None, PARA_ZH).encode("gbk")
_GB2312_SAYS_UTF8_IS = page("gb2312", PARA_ZH).encode("utf-8")
_i = _UTF8_PAGE.index("印".encode())
_UTF8_ONE_BROKEN = _UTF8_PAGE[:_i] + b"\xff" + _UTF8_PAGE[_i:]


@pytest.mark.parametrize(
    ("body", "content_type", "expected_text", "expected_charset"),
    [
        pytest.param(_UTF8_PAGE, "text/html; charset=UTF-8", page("utf-8", PARA_ZH), "utf-8",
                     id="UTF-8 declared in the header"),
        pytest.param(_GBK_META_PAGE, "text/html", page("gbk", PARA_ZH), "gb18030",
                     id="GBK declared only in meta"),
        pytest.param(_GBK_BARE_PAGE, None, page(None, PARA_ZH), "gb18030",
                     id="GBK with no declaration at all is detected"),
        pytest.param(_GBK_META_PAGE, "text/html; charset=utf-8", page("gbk", PARA_ZH), "gb18030",
                     id="a wrong utf-8 header loses to a gbk meta that decodes"),
        pytest.param(_GB2312_SAYS_UTF8_IS, None, page("gb2312", PARA_ZH), "utf-8",
                     id="a page declaring gb2312 but written in UTF-8"),
        pytest.param(_UTF8_ONE_BROKEN, "text/html; charset=utf-8", page("utf-8", PARA_ZH),
                     "utf-8", id="UTF-8 with one broken byte is decoded and the byte removed"),
        pytest.param(b"\xef\xbb\xbf" + _UTF8_PAGE, "text/html; charset=gbk",
                     page("utf-8", PARA_ZH), "utf-8", id="a UTF-8 BOM beats the header"),
    ],
)
def test_decode_html(body, content_type, expected_text, expected_charset):
    assert decode_html(body, content_type) == (expected_text, expected_charset)


def test_decode_html_refuses_bytes_no_charset_decodes():
    junk = b"\x80\xff" * 200
    for enc in ("utf-8", "gb18030", "big5hkscs"):  # the premise: strictly, nothing fits
        with pytest.raises(UnicodeDecodeError):
            junk.decode(enc)
    with pytest.raises(DecodeError, match="tried utf-8, gb18030, big5hkscs"):
        decode_html(junk, "text/html")


def test_decode_html_reads_utf8_declared_gb2312_even_when_gb18030_also_fits():
    html = ('<html><head><meta charset="gb2312"><title>新闻</title></head>'
            "<body><p>河南发布</p><p>郑州</p></body></html>")
    assert decode_html(html.encode("utf-8")) == (html, "utf-8")


# --- pipelines/dates.py: find_date and parse_date_text ------------------------------

_TITLE = "河南省印发制造业行动方案"


@pytest.mark.parametrize(
    ("html", "url", "title", "value", "source", "precision"),
    [
        pytest.param('<head><meta name="PubDate" content="2026-01-05 09:30"></head>',
                     "http://x.cn/a.html", "", utc(2026, 1, 5, 1, 30), "meta:pubdate", "minute",
                     id="meta PubDate is Shanghai time"),
        pytest.param('<head><meta content="2026-01-05" name="pubdate"></head>',
                     "http://x.cn/a.html", "", utc(2026, 1, 5, 4), "meta:pubdate", "day",
                     id="meta with content before name"),
        pytest.param('<head><meta property="article:published_time" '
                     'content="2026-01-05T09:30:00+08:00"></head>',
                     "http://x.cn/a.html", "", utc(2026, 1, 5, 1, 30),
                     "meta:article:published_time", "minute",
                     id="article:published_time with +08:00"),
        pytest.param(f"<body><h1>{_TITLE}</h1><div>发布时间：2026-01-05 09:30</div></body>",
                     "http://x.cn/a.html", _TITLE, utc(2026, 1, 5, 1, 30), "text", "minute",
                     id="发布时间 near the title has minute precision"),
        pytest.param(f"<body><h1>{_TITLE}</h1><span>2026年1月5日</span></body>",
                     "http://x.cn/a.html", _TITLE, utc(2026, 1, 5, 4), "text", "day",
                     id="a Chinese date near the title has day precision"),
        pytest.param("<body>2026年1月5日</body>", "http://x.cn/a.html", _TITLE, None, None, None,
                     id="a date far from any title is not used"),
        pytest.param("<html></html>", "http://x.cn/zw/202601/t20260105_123.html", "",
                     utc(2026, 1, 5, 4), "url", "day", id="url t20260105_"),
        pytest.param("<html></html>", "http://x.cn/2026-01/05/c_123.htm", "",
                     utc(2026, 1, 5, 4), "url", "day", id="url 2026-01/05"),
        pytest.param("<html></html>", "http://x.cn/art/2026/1/5/art_1_2.html", "",
                     utc(2026, 1, 5, 4), "url", "day", id="url art/2026/1/5"),
        pytest.param("<html></html>", "http://bj.people.com.cn/n2/2026/0105/c82838-1.html", "",
                     utc(2026, 1, 5, 4), "url", "day", id="url n2/2026/0105"),
        pytest.param('<head><meta name="PubDate" content="2026-03-05"></head>',
                     "http://x.cn/a.html", "", None, None, None,
                     id="a future date is rejected"),
        pytest.param('<head><meta name="PubDate" content="1989-12-31"></head>',
                     "http://x.cn/a.html", "", None, None, None,
                     id="a date before 1990 is rejected"),
        pytest.param('<head><meta name="PubDate" content="2027-01-05"></head>',
                     "http://x.cn/t20260105_1.html", "", utc(2026, 1, 5, 4), "url", "day",
                     id="a rejected meta date falls through to the url"),
        pytest.param('<head><meta name="PubDate" content="2026-01-04"></head>'
                     f"<body><h1>{_TITLE}</h1>2026年1月3日</body>",
                     "http://x.cn/t20260102_1.html", _TITLE, utc(2026, 1, 4, 4),
                     "meta:pubdate", "day", id="meta is trusted before text and url"),
        pytest.param("<html></html>", "http://x.cn/a.html", "", None, None, None,
                     id="nothing found is None"),
    ],
)
def test_find_date(html, url, title, value, source, precision):
    found = find_date(html, url, title, NOW)
    if value is None:
        assert found is None
    else:
        assert (found.value, found.source, found.precision) == (value, source, precision)
        assert found.value.tzinfo == timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2026-01-05T09:30:00Z", (utc(2026, 1, 5, 9, 30), "minute"), id="ISO with Z"),
        pytest.param("2026-01-05T09:30+08:00", (utc(2026, 1, 5, 1, 30), "minute"),
                     id="ISO with offset"),
        pytest.param("2026年1月5日", (datetime(2026, 1, 5, 12, tzinfo=SHANGHAI), "day"),
                     id="Chinese date is noon Shanghai"),
        pytest.param("2026年01月05日 09时30分",
                     (datetime(2026, 1, 5, 9, 30, tzinfo=SHANGHAI), "minute"),
                     id="Chinese date with 时 and 分"),
        pytest.param("来源：新华网 2026/1/5 09:30:15",
                     (datetime(2026, 1, 5, 9, 30, 15, tzinfo=SHANGHAI), "minute"),
                     id="slashes and seconds inside other text"),
        pytest.param("2026-02-30", None, id="an impossible day is None"),
        pytest.param("no date here", None, id="no date is None"),
    ],
)
def test_parse_date_text(text, expected):
    assert parse_date_text(text) == expected


# --- pipelines/textnorm.py ----------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("２０２６年ＧＤＰ增长５％", "2026年GDP增长5%", id="full-width vs half-width"),
        pytest.param("河南省  印发\n\t行动方案", "河南省印发行动方案", id="extra whitespace"),
        pytest.param("河南省，印发“行动方案”。", "河南省印发行动方案!", id="punctuation changes"),
        pytest.param("Henan Releases Plan", "henan releases plan", id="letter case"),
    ],
)
def test_content_hash_is_equal_for_copies_differing_only_in_form(a, b):
    assert content_hash(a) == content_hash(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("河南省印发行动方案", "海南省印发行动方案", id="one character differs"),
        pytest.param("增长5%", "增长6%", id="one digit differs"),
    ],
)
def test_content_hash_differs_for_different_texts(a, b):
    assert content_hash(a) != content_hash(b)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        pytest.param(PARA_ZH, "zh", id="Chinese prose"),
        pytest.param("Henan releases a plan for advanced manufacturing.", "en", id="English prose"),
        pytest.param("河南省AI产业发展", "zh", id="Chinese with an English acronym"),
        pytest.param("", "zh", id="empty text counts as zh"),
    ],
)
def test_language_of(text, lang):
    assert language_of(text) == lang


# --- pipelines/extraction.py --------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param("河南省召开新春第一会_河南省人民政府门户网站", "河南省召开新春第一会",
                     id="underscore and a government portal name"),
        pytest.param("Henan unveils AI plan - Xinhua", "Henan unveils AI plan",
                     id="spaced dash and Xinhua"),
        pytest.param("河南省召开新春第一会 - 新华网", "河南省召开新春第一会",
                     id="spaced dash and 新华网"),
        pytest.param("Henan unveils AI plan | South China Morning Post", "Henan unveils AI plan",
                     id="pipe and a Post"),
        pytest.param("河南省召开新春第一会", "河南省召开新春第一会", id="no suffix is unchanged"),
        pytest.param("Covid-19 rules eased", "Covid-19 rules eased",
                     id="a hyphen inside a word is not a suffix"),
        pytest.param("新华网", "新华网", id="a title that is only a site name stays"),
        pytest.param("要闻_新华网", "要闻_新华网", id="too little would be left so it stays"),
        pytest.param("  河南&amp;海南   合作_河南日报 ", "河南&海南 合作",
                     id="entities unescaped and spaces collapsed"),
    ],
)
def test_strip_site_suffix(title, expected):
    assert strip_site_suffix(title) == expected


def test_strip_site_suffix_removes_an_unspaced_xinhua_suffix():
    assert strip_site_suffix("河南省召开新春第一会-新华网") == "河南省召开新春第一会"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(PARA_ZH, True, id="a Chinese prose paragraph"),
        pytest.param("Menu\n" + "Henan unveils a plan to grow its manufacturing base, officials "
                     "said on Monday.", True, id="an English sentence after a menu line"),
        pytest.param("首页\n政务公开\n新闻中心\n互动交流\n联系我们", False,
                     id="menu-like short lines"),
        pytest.param("首页 政务公开 新闻中心 互动交流 办事服务 数据开放 "
                     "联系我们 网站地图 无障碍", False, id="a long menu line without punctuation"),
        pytest.param("", False, id="empty text"),
    ],
)
def test_has_body(text, expected):
    assert has_body(text) == expected


def test_extract_reads_a_gbk_government_page():
    second = ("方案明确，要加快推进智能制造和绿色制造，培育一批具有核心竞争力的领军企业，"
              "推动产业集群发展壮大，持续优化营商环境。")
    html = (
        '<!DOCTYPE html><html><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<title>河南省印发制造业高质量发展行动方案_河南省人民政府门户网站</title>"
        '<meta name="PubDate" content="2026-01-05 09:30">'
        "</head><body>"
        '<div class="nav"><a href="/">首页</a> <a href="/zw">政务</a></div>'
        '<div class="article"><h1>河南省印发制造业高质量发展行动方案</h1>'
        f"<p>{PARA_ZH}</p><p>{second}</p><p>【字体：大 中 小】</p>"
        "</div></body></html>"
    )
    got = extract(html.encode("gbk"), "http://www.henan.gov.cn/2026/01-05/123.html",
                  content_type="text/html", fetched_at=NOW)
    assert got.title == "河南省印发制造业高质量发展行动方案"
    assert got.text == PARA_ZH + "\n" + second
    assert got.charset == "gb18030"
    assert got.lang == "zh"
    assert (got.published_at, got.date_source, got.date_precision) == (
        utc(2026, 1, 5, 1, 30), "meta:pubdate", "minute")


def test_extract_falls_back_to_the_feed_then_the_crawl_time():
    html = b"<html><body><p>Nothing dated here at all.</p></body></html>"
    feed = utc(2026, 1, 20, 8)
    with_feed = extract(html, "http://x.cn/a.html", fetched_at=NOW, feed_title="Feed title",
                        feed_published=feed)
    bare = extract(html, "http://x.cn/a.html", fetched_at=NOW)
    assert (with_feed.published_at, with_feed.date_source) == (feed, "feed")
    assert (bare.published_at, bare.date_source) == (NOW, "crawl")


# --- alerts/matcher.py --------------------------------------------------------------


@pytest.mark.parametrize(
    ("keyword", "text", "hit"),
    [
        pytest.param("机器人", "河南人形机器人产业加快发展", True, id="Chinese is a substring"),
        pytest.param("AI", "a new ai policy", True, id="English ignores case"),
        pytest.param("AI", "AI-driven plan", True, id="English word before a hyphen"),
        pytest.param("AI", "officials said", False, id="English is a whole word: not in said"),
        pytest.param("EV", "every city", False, id="EV is not in every"),
        pytest.param("EV", "EV sales rose", True, id="EV as a word"),
        pytest.param("low-altitude", "the Low-Altitude economy", True,
                     id="a hyphenated English keyword"),
    ],
)
def test_keyword_hit(keyword, text, hit):
    assert keyword_hit(keyword, text) is hit


def test_keyword_hit_finds_an_english_keyword_inside_chinese_text():
    assert keyword_hit("AI", "河南推动AI产业发展")


_VIEW = MatchView(
    title="河南省印发人工智能行动方案",
    text="方案提出加快人工智能产业发展。海南代表团来访。\nThe plan backs AI and chips.",
    provinces_about=("henan",),
    sectors=("ai", "digital_economy"),
)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param(WatchlistSpec("w"), True, id="empty fields match anything"),
        pytest.param(WatchlistSpec("w", provinces=("henan",)), True, id="an about province"),
        pytest.param(WatchlistSpec("w", provinces=("hainan",)), False,
                     id="a province only mentioned does not match"),
        pytest.param(WatchlistSpec("w", provinces=("hainan", "henan")), True,
                     id="any listed province may match"),
        pytest.param(WatchlistSpec("w", sectors=("ai",)), True, id="a tagged sector"),
        pytest.param(WatchlistSpec("w", sectors=("nev",)), False, id="an untagged sector"),
        pytest.param(WatchlistSpec("w", keywords_any=("人工智能",)), True, id="a keyword in the title"),
        pytest.param(WatchlistSpec("w", keywords_any=("ai",)), True, id="a keyword in the text"),
        pytest.param(WatchlistSpec("w", keywords_any=("EV", "芯片")), False, id="no keyword occurs"),
        pytest.param(WatchlistSpec("w", provinces=("henan",), sectors=("ai",), keywords_any=("AI",)),
                     True, id="all fields match"),
        pytest.param(WatchlistSpec("w", provinces=("henan",), sectors=("nev",), keywords_any=("AI",)),
                     False, id="one failing field fails the whole AND"),
        pytest.param(WatchlistSpec("w", provinces=("hainan",), sectors=("ai",)), False,
                     id="a failing province fails despite a matching sector"),
    ],
)
def test_matches(spec, expected):
    assert matches(spec, _VIEW) is expected


# --- alerts/watchlist.py: validate --------------------------------------------------


def test_validate_returns_a_clean_spec_without_duplicates():
    spec = validate("henan-ai", provinces=["henan", " Henan ", "hainan"], sectors=["AI", "ai"],
                    keywords=["机器人", " 机器人 ", "", "  "],
                    channels=["email:ops@example.com", "email:ops@example.com",
                              "webhook:https://hooks.example.com/x"])
    assert spec == WatchlistSpec(
        "henan-ai", provinces=("henan", "hainan"), sectors=("ai",), keywords_any=("机器人",),
        channels=("email:ops@example.com", "webhook:https://hooks.example.com/x"))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        pytest.param({"provinces": ["atlantis"]}, "provinces", id="unknown province"),
        pytest.param({"sectors": ["crypto"]}, "sectors", id="unknown sector"),
        pytest.param({"channels": []}, "channels", id="no channels"),
        pytest.param({"channels": ["email:not-an-address"]}, "channels", id="bad email"),
        pytest.param({"channels": ["webhook:ftp://hooks.example.com/x"]}, "channels",
                     id="webhook that is not http"),
        pytest.param({"channels": ["webhook:https://"]}, "channels", id="webhook without host"),
        pytest.param({"channels": ["sms:+8613800000000"]}, "channels", id="unknown channel kind"),
        pytest.param({"channels": ["ops@example.com"]}, "channels", id="spec without a kind"),
    ],
)
def test_validate_refuses_a_bad_field_naming_watchlist_and_field(kwargs, field):
    args = {"channels": ["email:ops@example.com"], **kwargs}
    with pytest.raises(WatchlistError) as err:
        validate("my-list", **args)
    assert "'my-list'" in str(err.value)
    assert f"field '{field}'" in str(err.value)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("", id="empty"),
        pytest.param("has space", id="with a space"),
        pytest.param("-leading-dash", id="leading dash"),
        pytest.param("a/b", id="with a slash"),
        pytest.param("x" * 101, id="too long"),
    ],
)
def test_validate_refuses_a_bad_name(name):
    with pytest.raises(WatchlistError, match="field 'name'"):
        validate(name, channels=["email:ops@example.com"])


@pytest.mark.parametrize("name", ["henan_ai", "v1.2-test", "河南观察"])
def test_validate_accepts_a_good_name(name):
    assert validate(name, channels=["email:ops@example.com"]).name == name


# --- alerts/outbox.py ---------------------------------------------------------------


class _NoJitter(random.Random):
    def uniform(self, a: float, b: float) -> float:
        return (a + b) / 2


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [
        pytest.param(0, BASE_DELAY, id="before any failure one base delay"),
        pytest.param(1, 60, id="1 failure 1 min"),
        pytest.param(2, 120, id="2 failures 2 min"),
        pytest.param(3, 240, id="3 failures 4 min"),
        pytest.param(9, 15360, id="9 failures 256 min"),
        pytest.param(10, MAX_DELAY, id="10 failures capped at 6 h"),
        pytest.param(40, MAX_DELAY, id="40 failures still 6 h"),
    ],
)
def test_backoff_grows_and_is_capped(attempts, seconds):
    assert backoff(attempts, _NoJitter()) == timedelta(seconds=seconds)


def test_backoff_jitter_stays_within_a_fifth():
    rng = random.Random(7)
    for attempts in range(1, 12):
        base = min(MAX_DELAY, BASE_DELAY * 2 ** (attempts - 1))
        got = backoff(attempts, rng).total_seconds()
        assert 0.8 * base <= got <= 1.2 * base


def test_backoff_is_capped_even_after_thousands_of_attempts():
    assert backoff(2000, _NoJitter()) == timedelta(seconds=MAX_DELAY)


@pytest.mark.parametrize(
    ("attempts", "max_attempts", "permanent", "status", "later"),
    [
        pytest.param(1, 5, False, "pending", True, id="a first transient failure is retried"),
        pytest.param(4, 5, False, "pending", True, id="one attempt left is retried"),
        pytest.param(5, 5, False, "failed", False, id="the last allowed attempt fails"),
        pytest.param(7, 5, False, "failed", False, id="beyond the maximum fails"),
        pytest.param(1, 5, True, "failed", False, id="a permanent error fails at once"),
    ],
)
def test_after_failure(attempts, max_attempts, permanent, status, later):
    got_status, when = after_failure(attempts, max_attempts, permanent, NOW, random.Random(1))
    assert got_status == status
    assert (when > NOW) is later
    if not later:
        assert when == NOW


# --- pipelines/tagging: default_tagger().tag ----------------------------------------


@pytest.mark.parametrize(
    ("title", "text", "source_province", "about", "mentioned"),
    [
        pytest.param("河南省召开新春第一会", "会议强调，要抓好经济工作。", None,
                     ("henan",), ("henan",), id="a Chinese title naming 河南 is about henan"),
        pytest.param("海南自贸港建设取得新进展", "海南自贸港封关运作顺利。", None,
                     ("hainan",), ("hainan",), id="海南 is hainan not henan"),
        pytest.param("郑州与海口签署合作协议", "双方将加强合作。", None,
                     ("hainan", "henan"), ("hainan", "henan"), id="city names map to provinces"),
        pytest.param("Economy grows in central China",
                     "Henan's output rose 5 percent.\nHenan's officials said more is coming.", None,
                     ("henan",), ("henan",), id="English Henan's counts in the lead and body"),
        pytest.param("Economy grows in central China",
                     "Output rose 5 percent.\nHenan officials said more is coming.", None,
                     (), ("henan",), id="a province once outside the lead is only mentioned"),
        pytest.param("Delegation visits Xi'an", "The delegation toured Xi'an, Shanxi province.",
                     None, ("shaanxi",), ("shaanxi",),
                     id="Shanxi next to Xi'an is read as Shaanxi"),
        pytest.param("Delegation visits Shanxi", "The delegation toured Taiyuan and Datong.", None,
                     ("shanxi",), ("shanxi",), id="Shanxi with Shanxi cities stays Shanxi"),
        pytest.param("全力推进高质量发展", "我省经济运行稳中向好。", "henan",
                     ("henan",), ("henan",),
                     id="我省 in the lead makes the source province the subject"),
        pytest.param("全力推进高质量发展", "会议强调抓好经济工作。\n我省经济运行稳中向好。", "henan",
                     (), ("henan",), id="我省 after the lead only mentions the source province"),
        pytest.param("全省经济运行稳中向好", "经济运行稳中向好。", "henan",
                     ("henan",), ("henan",), id="全省 in the title makes it about the source"),
        pytest.param("全力推进高质量发展", "我省经济运行稳中向好。", None,
                     (), (), id="我省 without a source province names nothing"),
        pytest.param("全力推进高质量发展", "我省经济运行稳中向好。", "national",
                     (), (), id="我省 on a national source names nothing"),
    ],
)
def test_tagger_provinces(tagger, title, text, source_province, about, mentioned):
    tags = tagger.tag(title, text, source_province=source_province)
    assert (tags.provinces_about, tags.provinces_mentioned) == (about, mentioned)


@pytest.mark.parametrize(
    ("title", "text", "sectors"),
    [
        pytest.param("经济运行稳中向好", "全省经济稳中向好，其中机器人产业也有发展，总体良好。"
                     + "各项指标稳中有进，经济运行总体平稳。" * 30, (),
                     id="a sector cue once in passing in a long body is not tagged"),
        pytest.param("机器人产业加快发展", "经济运行稳中向好。", ("robotics",),
                     id="a sector cue in the title is tagged"),
        pytest.param("经济运行稳中向好", "机器人产业加快发展。人形机器人订单增长。", ("robotics",),
                     id="a sector cue twice in the body is tagged"),
        pytest.param("New EV plant opens", "Every worker is ready.", ("nev",),
                     id="EV in an English title but every is not EV"),
    ],
)
def test_tagger_sectors(tagger, title, text, sectors):
    assert tagger.tag(title, text).sectors == sectors


@pytest.mark.parametrize(
    ("title", "text", "event"),
    [
        pytest.param("省长会见新加坡客人", "双方进行了交流。", "leader_meeting",
                     id="会见 in the title is a leader meeting"),
        pytest.param("省政府印发推进制造业发展实施方案", "为推进制造业发展。", "policy_document",
                     id="印发 a 方案 is a policy document"),
        pytest.param("经济运行稳中向好", "省长会见了来访客人。\n后续报道。", "leader_meeting",
                     id="no title cue falls back to the first paragraph"),
        pytest.param("经济运行稳中向好", "稳中向好。\n省长会见了来访客人。", "other",
                     id="a cue after the first paragraph is not used"),
    ],
)
def test_tagger_event(tagger, title, text, event):
    assert tagger.tag(title, text).event == event
