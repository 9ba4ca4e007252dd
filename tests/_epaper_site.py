"""A fixture e-paper for the epaper adapter: a party daily's editions, day by day.

Written for the tests from the e-paper layout in ``shared/sources.md`` (Group D, Notes
§1h: Founder's classic system as 河南日报 runs it); no real page was copied, the content
is fictional. ``/hnrb/paperindex.htm`` sends the browser on to the newest edition with a
meta refresh (relative, as the real ones are); each day has ``pages`` 版面 pages
``/hnrb/html/YYYY-MM/DD/node_N.htm``, each with the day's 版面 navigation (after a 上一版 /
下一版 pair, so page order is not link order), a link to the archive calendar, and the
articles on it, ``content_<版面>_<id>.htm``. Everything is GBK, declared in the pages.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from html import escape

from _platform_sites import HENAN, PlatformSite, Story, _entry, article_page, news

PAPER = "/hnrb"
INDEX = f"{PAPER}/paperindex.htm"
CALENDAR = f"{PAPER}/period.htm"
GBK = "text/html"  # no charset in the header: the pages declare theirs


def node_path(day: date, n: int) -> str:
    return f"{PAPER}/html/{day:%Y-%m}/{day:%d}/node_{n}.htm"


def epaper_site(base: str, newest: date = date(2026, 4, 15), days: int = 3, pages: int = 3,
                per_page: int = 2) -> PlatformSite:
    """河南日报 (fictional editions): ``days`` editions back from ``newest``; stories in
    walk order (newest day first, 版面 1 first)."""
    paper = "河南日报"
    stories: list[Story] = []
    walked: list[str] = [INDEX]
    by_node: dict[str, list[Story]] = {}
    for d in range(days):
        day = newest - timedelta(days=d)
        for n in range(1, pages + 1):
            node = node_path(day, n)
            walked.append(node)
            for _ in range(per_page):
                k = len(stories)
                path = f"{PAPER}/html/{day:%Y-%m}/{day:%d}/content_{n}_{880100 + k}.htm"
                when = datetime(day.year, day.month, day.day, 5, 30)
                title, paragraphs = news(HENAN, day, 200 + k)
                s = Story(path, title, when, paper, f"第{n:02d}版", paragraphs, "gbk")
                stories.append(s)
                by_node.setdefault(node, []).append(s)
    out = PlatformSite("epaper", base, _entry(
        "test_epaper", "河南日报·数字报", "epaper", "henan", [base + INDEX],
        r"/hnrb/html/\d{4}-\d{2}/\d{2}/content_\d+_\d+\.htm$", base + stories[0].path,
        charset="gbk", max_pages=40), stories, walked)
    out.add(INDEX, (f'<html><head><meta http-equiv="Content-Type" content="text/html; '
                    f'charset=gb2312"><meta http-equiv="refresh" content="0; URL=html/'
                    f'{newest:%Y-%m}/{newest:%d}/node_1.htm"><title>{paper}</title></head>'
                    '<body></body></html>').encode("gbk"), GBK)
    out.add(CALENDAR, f"<html><body>{paper} 往期回顾</body></html>".encode("gbk"), GBK)
    for d in range(days):
        day = newest - timedelta(days=d)
        for n in range(1, pages + 1):
            out.add(node_path(day, n), _node_page(paper, day, n, pages, by_node[
                node_path(day, n)]).encode("gbk"), GBK)
    for s in stories:
        out.add_story(s, article_page(s, site=paper, body='div id="ozoom"',
                                      byline=f"{s.when:%Y年%m月%d日} 第{s.column[1:3]}版"))
    return out


def _node_page(paper: str, day: date, n: int, pages: int, here: list[Story]) -> str:
    """One 版面 page: 上一版/下一版 first, then the navigation of every 版面, then its
    articles (relative links, as Founder writes them)."""
    step = []
    if n > 1:
        step.append(f'<a href="node_{n - 1}.htm">上一版</a>')
    if n < pages:
        step.append(f'<a href="node_{n + 1}.htm">下一版</a>')
    nav = "".join(f'<li><a href="node_{m}.htm">第{m:02d}版：{"要闻" if m == 1 else "经济"}'
                  "</a></li>" for m in range(1, pages + 1))
    rows = "".join(f'<li><a href="{s.path.rsplit("/", 1)[1]}">{escape(s.title)}</a></li>'
                   for s in here)
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            f"<title>{paper}-{day:%Y年%m月%d日}-第{n:02d}版</title></head><body>"
            f'<div class="top">{day:%Y年%m月%d日} 星期{"一二三四五六日"[day.weekday()]} '
            f'<a href="../../../period.htm">往期回顾</a> {"".join(step)}</div>'
            f'<ul class="bmname">{nav}</ul><map name="PagePicMap"></map>'
            f'<ul class="title-list">{rows}</ul></body></html>')
