"""Page furniture on Chinese news and government pages: class/id words and text lines.

Furniture is navigation, share bars, related links, comments, editor lines and footers. Two
users: the body rules (prune furniture before trafilatura, drop furniture lines after)
and the date rules (a date inside furniture is never the publication date). Class/id words
are matched as whole tokens of the attribute (``footer_wrap`` -> footer, wrap;
``relatedNews`` -> related, news), or as prefixes for the few listed as such; pinyin
initials common on government templates (xgxw 相关新闻, dqwz 当前位置, bqxx 版权信息)
are included.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

_WORDS = frozenset("""
    nav navbar navi menu menus breadcrumb breadcrumbs crumb crumbs location position dqwz
    footer foot bottom copyright banquan bqxx bq
    share bdshare fenxiang jiathis social toolbar tools tool print dayin gotop backtop
    qrcode ewm erweima
    sidebar side aside
    related relate xgxw xglj xgwz xgyd tuijian recommend recommends hot hotnews rank paihang
    comment comments commentlist pinglun reply replies
    ad ads advert advertisement adv guanggao login search
""".split())
_PREFIXES = ("footer", "copyright", "share", "comment", "breadcrumb", "sidebar", "related",
             "recommend", "navbar", "topnav", "subnav", "advert")
_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")
_TAGS = frozenset({"nav", "footer", "aside"})

_LINE = re.compile(
    r"^\s*(?:"
    r"[（(【\[]?\s*(?:责任编辑|责编|编辑|编审|审核|校对|值班编辑)\s*[:：].{0,30}|"
    r".{0,8}[【\[]?\s*(?:字体|字号)\s*[:：]?\s*[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中.{0,20}|"
    r"(?:[【\[]?\s*(?:打印(?:本页|此页|文章)?|关闭(?:窗口|本页)?|收藏(?:本页)?|我要打印|"
    r"返回顶部|回到顶部|TOP|纠错|加入收藏|保存|复制链接)\s*[】\]]?\s*){1,6}|"
    r"(?:分享到|分享\s*[:：]|转发到|扫一扫|扫描二维码|微信扫一扫|手机扫一扫|用微信扫描).{0,40}|"
    r"(?:上一篇|下一篇|上一条|下一条)\s*[:：].{0,80}|"
    r"(?:网站地图|联系我们|版权所有|(?:主办|承办|主管)(?:单位)?\s*[:：]|技术支持\s*[:：]|"
    r"网站标识码|Copyright|©|\(C\)).{0,120}|"
    r".{0,60}(?:ICP备|ICP证|公网安备|网安备).{0,60}|"
    r"(?:浏览次数|阅读次数|点击数|访问量|浏览量)\s*[:：]?.{0,20}|"
    r"返回搜狐.{0,10}|点击(?:进入|查看).{0,20}|【?\s*(?:相关|热点|推荐)(?:链接|新闻|阅读|文章|"
    r"报道|专题)\s*】?\s*[:：]?"
    r")\s*$", re.I)
_RELATED_HEAD = re.compile(r"^\s*[【\[]?\s*(?:相关|延伸|推荐|热点|热门|更多)"
                           r"(?:链接|新闻|阅读|文章|报道|推荐|专题)\s*[】\]]?\s*[:：]?")
_EDITOR = re.compile(r"^\s*[（(【\[]?\s*(?:责任编辑|责编|编辑)\s*[:：]")
_PAGER = re.compile(r"^\s*第\s*\d+\s*页\s*/\s*共\s*\d+\s*页|上一页.{0,20}下一页")
_BULLET = re.compile(r"^\s*[·•■▪◆●]")
_UI_WORDS = frozenset("""
    打印 打印本文 打印本页 打印此文 关闭 关闭窗口 关闭本页 发送给朋友 推荐给朋友
    发表评论 我要评论 查看评论 收藏 收藏本文 返回页首 返回顶部 返回首页 返回列表
    复制链接 分享 分享到 纠错 我要纠错 字号 字体 大 中 小 默认 推荐 转发 评论 保存
    下载 pdf下载 PDF下载 word下载 WORD下载 附件下载
    微信 微博 新浪微博 腾讯微博 QQ QQ空间 朋友圈 人民微博 豆瓣 人人网 今日头条 抖音 手机版
    | 【 】 [ ] > >> << 顶 踩 X × - · •
""".split())
_UI_SPLIT = re.compile(r"[\s|【】\[\]]+")
_INFO_LINE = re.compile(r"(?:来源|作者|发布时间|发布日期|时间|浏览|点击|字号|编辑)\s*[:：]")


def tokens(value: str | None) -> list[str]:
    return [t.lower() for t in _SPLIT.split(value or "") if t]


@lru_cache(maxsize=4096)  # a page repeats its few class names on every element
def is_furniture_attr(class_: str | None, id_: str | None) -> bool:
    for tok in tokens(class_) + tokens(id_):
        if tok in _WORDS or tok.startswith(_PREFIXES):
            return True
    return False


def is_furniture(el) -> bool:
    """An element that is navigation, a share bar, related links, comments or a footer."""
    if el.tag in _TAGS:
        return True
    return is_furniture_attr(el.get("class"), el.get("id"))


def is_info_line(line: str, has_date: Callable[[str], bool]) -> bool:
    """The by-line under a headline: a date with source/author/views, not body text.
    ``has_date`` is asked last: it is the costly test."""
    return (len(line) <= 120 and "。" not in line and bool(_INFO_LINE.search(line))
            and has_date(line))


def _ui_only(line: str) -> bool:
    words = [w for w in _UI_SPLIT.split(line) if w]
    return bool(words) and all(w in _UI_WORDS for w in words)


def clean_lines(lines: list[str]) -> list[str]:
    """Drop editor, share, print, pager and copyright lines, bullet lists of headlines, and
    what follows a related-links heading or the closing editor line, until prose resumes."""
    out: list[str] = []
    tail = False
    for line in lines:
        prose = len(line) >= 60 or "。" in line
        if _RELATED_HEAD.match(line) or _EDITOR.match(line):
            tail = True
            continue
        if tail and not prose:
            continue
        tail = False
        if _LINE.match(line) or _PAGER.search(line) or _ui_only(line):
            continue
        if _BULLET.match(line) and not re.search(r"[，。；]", line):
            continue
        out.append(line)
    return out
