"""The web app's pure helpers, table-style: query values, periods, China time, the CSV
twin, the bind rule, links to scraped URLs, and search snippets."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.services.search import snippet
from provwatch.crawler.web import params
from provwatch.crawler.web.errors import WebInputError
from provwatch.crawler.web.render import china, href
from provwatch.crawler.web.security import check_bind, is_loopback, session_value
from provwatch.crawler.web.tables import Table, csv_text

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize("kind,value,expected", [
    ("province", "河南", "henan"), ("province", "Henan", "henan"), ("province", "河南省", "henan"),
    ("sector", "新能源汽车", "nev"), ("sector", " nev ", "nev"), ("event", "", None),
    ("province", None, None),
])
def test_a_label_is_taken_by_id_or_name(kind, value, expected):
    assert params.label(kind, kind, value) == expected


@pytest.mark.parametrize("call,message", [
    (lambda: params.label("province", "province", "henna"),
     "province: no province 'henna' (did you mean henan?)"),
    (lambda: params.day("since", "2026-02-30"), "since: '2026-02-30' is not a day (use YYYY-MM-DD)"),
    (lambda: params.whole("limit", "9999", 50, 1, 500), "limit: 9999 is not between 1 and 500"),
    (lambda: params.whole("limit", "x", 50, 1, 500), "limit: 'x' is not a whole number"),
    (lambda: params.choice("view", "pie", ("counts", "change"), "counts"),
     "view: 'pie' is not one of counts, change"),
    (lambda: params.period("2026-12-01", "2026-11-01", TODAY),
     "since: 2026-12-01 is after until 2026-11-01"),
    (lambda: params.period("2000-01-01", None, TODAY), "since: a period of 9831 days is over "
                                                       "ten years: choose a shorter one"),
])
def test_a_bad_value_is_one_line_naming_the_parameter(call, message):
    with pytest.raises(WebInputError) as caught:
        call()
    assert str(caught.value) == message


@pytest.mark.parametrize("since,until,expected,previous", [
    (None, None, (date(2026, 9, 2), TODAY), (date(2026, 6, 4), date(2026, 9, 1))),
    ("2026-11-01", "2026-11-30", (date(2026, 11, 1), TODAY),
     (date(2026, 10, 2), date(2026, 10, 31))),
    ("2026-11-30", None, (TODAY, TODAY), (date(2026, 11, 29), date(2026, 11, 29))),
])
def test_a_period_defaults_to_90_days_and_its_previous_has_its_length(since, until, expected,
                                                                      previous):
    p = params.period(since, until, TODAY)
    assert (p.since, p.until) == expected
    assert (p.previous.since, p.previous.until) == previous
    assert p.start.isoformat() == f"{expected[0].isoformat()}T00:00:00+08:00"


@pytest.mark.parametrize("value,expected", [
    ("2026-11-18T01:30:00Z", "2026-11-18 09:30 +08:00"),
    (datetime(2026, 11, 17, 18, 5, tzinfo=timezone.utc), "2026-11-18 02:05 +08:00"),
    (date(2026, 11, 18), "2026-11-18"), (None, ""), ("2026-11-18", "2026-11-18"),
])
def test_times_are_shown_in_china_time_with_the_offset(value, expected):
    assert china(value) == expected


def test_the_csv_twin_quotes_lists_and_chinese():
    table = Table("t", ("id", "title", "sectors"),
                  [[1, '他说："你好", 再见', ["nev", "ai"]], [2, None, []]])
    assert csv_text(table) == 'id,title,sectors\r\n1,"他说：""你好"", 再见",nev;ai\r\n2,,\r\n'


@pytest.mark.parametrize("host,loopback", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True),
    ("localhost", True), ("0.0.0.0", False), ("::", False), ("192.168.1.5", False),
    ("example.com", False),
])
def test_only_loopback_addresses_need_no_token(host, loopback):
    assert is_loopback(host) is loopback
    if loopback:
        check_bind(host, None)
    else:
        with pytest.raises(ProvwatchError, match="refusing to listen"):
            check_bind(host, None)
        check_bind(host, "a-long-enough-token")


def test_the_session_cookie_is_not_the_token():
    token = "a-long-enough-token"
    assert token not in session_value(token) and session_value(token) != session_value("other")


@pytest.mark.parametrize("url,shown", [
    ("https://gov.example/a.html", "https://gov.example/a.html"), ("HTTP://x.example/", "HTTP://x.example/"),
    ("javascript:alert(1)", ""), (" data:text/html,x", ""), (None, ""),
])
def test_only_http_urls_become_links(url, shown):
    assert href(url) == shown


def test_a_snippet_marks_every_hit_without_markup():
    text = "开头。" * 30 + "新能源汽车动力电池项目落户许昌，动力电池产能20GWh。" + "结尾。" * 60
    parts = snippet(text, ("动力电池", "许昌"))
    assert [p["text"] for p in parts if p["hit"]] == ["动力电池", "许昌", "动力电池"]
    assert parts[0]["text"] == "…" and parts[-1]["text"] == "…"
    assert snippet("<b>x</b>", ("b",))[1] == {"text": "b", "hit": True}
