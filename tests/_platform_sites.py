"""Fixture sites for the platform adapters: each reproduces one platform's structure.

Written for the tests from the platform facts in ``spiders/platforms/*`` and
``shared/sources.md`` (Notes §1 platform fingerprints, §2 the government meta set); no
real page was copied. Content is fictional provincial news in the style of the sites.

Every builder takes the site's base URL (``http://127.0.0.1:<port>`` when served; any
URL for the pure adapter tests, which read ``body()``/``answer()`` directly) and returns a
``PlatformSite``: its routes (fixed pages and dynamic APIs), the stories its lists hold, the
list pages in walk order, and a catalog entry for it. ``serve(local_site)`` puts it on a
``tests._site.LocalSite``.

=========  ==================================================================
trs        山西 要闻: /ywdt/sxyw/ index.html, index_1.html, index_2.html; 湖南 要闻:
           gl_fgsjpx.html, gl_fgsjpx_2.html, ... (the newer, element-first pager call)
hanweb     江苏 要闻: /col/col60096/index.html (text/xml records) + dataproxy.jsp POST;
           a 宁波 department's column (its own webid, /module/jpage/dataproxy.jsp)
jpaas      浙江 今日浙江: /col/col1554467/index.html shell + build/unit JSON API
gov_cn     YAOWENLIEBIAO.json, the policy library search API, /lianbo/difang/home.htm
gd         广东: /postmeta/i/240.json and /gdywdt/dsdt/ index.html, index_2.html, ...
people     人民网北京频道: /GB/82838/index.html, index2.html, ... in GBK
json       新华网 ds_<hex>.json channel data (relative publishUrl)
generic    河南: /hnyw/index.html with an a.next pager
=========  ==================================================================
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from html import escape
from typing import Any
from urllib.parse import urlencode, urlsplit

from _site import LocalSite, SiteRequest

from provwatch.crawler.catalog.sources import Source, parse_catalog

NEWEST = date(2026, 4, 15)  # story k of a list is dated NEWEST - k days (all in the past)
HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"


# --- content ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Province:
    id: str
    name: str  # 江苏省
    short: str  # 江苏
    abbr: str  # 苏
    capital: str
    city: str


JIANGSU = Province("jiangsu", "江苏省", "江苏", "苏", "南京", "苏州")
ZHEJIANG = Province("zhejiang", "浙江省", "浙江", "浙", "杭州", "宁波")
GUANGDONG = Province("guangdong", "广东省", "广东", "粤", "广州", "深圳")
SHANXI = Province("shanxi", "山西省", "山西", "晋", "太原", "大同")
BEIJING = Province("beijing", "北京市", "北京", "京", "北京", "北京")
HENAN = Province("henan", "河南省", "河南", "豫", "郑州", "洛阳")
SICHUAN = Province("sichuan", "四川省", "四川", "川", "成都", "绵阳")
HUBEI = Province("hubei", "湖北省", "湖北", "鄂", "武汉", "襄阳")
ROTATION = (JIANGSU, SICHUAN, HENAN, HUBEI, GUANGDONG, ZHEJIANG)

COMPANIES = ("宁德时代新能源科技股份有限公司", "比亚迪股份有限公司", "中国商用飞机有限责任公司",
             "科大讯飞股份有限公司", "隆基绿能科技股份有限公司", "中国电子信息产业集团",
             "小米集团", "中国中化控股有限责任公司")
PLANS = ("“人工智能+”制造业行动方案", "推动大规模设备更新和消费品以旧换新行动方案",
         "新能源汽车产业发展规划（2026—2035年）", "加快数字经济发展三年行动计划",
         "关于推进低空经济高质量发展的指导意见", "关于进一步优化外商投资环境的意见",
         "关于加强科技成果转化的实施意见", "关于深化农村集体产权制度改革的若干措施")


def news(p: Province, day: date, n: int) -> tuple[str, list[str]]:
    """A provincial news story; ``n`` makes its figures (and so its text) its own."""
    m, d = day.month, day.day
    kind = n % 8
    if kind == 0:
        return (f"{p.name}政府召开第{40 + n}次常务会议 研究部署人工智能产业发展", [
            f"{m}月{d}日，{p.name}政府召开第{40 + n}次常务会议，研究部署加快人工智能产业创新"
            "发展、推进制造业智能化改造和数字化转型等工作。",
            f"会议提出，到2027年全省智能算力规模达到{12 + n}万PFlops，培育人工智能骨干企业"
            f"{150 + 7 * n}家，带动相关产业规模突破{3000 + 130 * n}亿元。",
            "会议强调，要坚持场景牵引和应用导向，推动大模型在工业制造、政务服务、医疗健康和城市"
            "治理等领域落地见效，加快形成一批可复制推广的典型案例。"])
    if kind == 1:
        company = COMPANIES[(n // 8) % len(COMPANIES)]
        return (f"{p.name}委书记会见{company}董事长一行", [
            f"{m}月{d}日，{p.name}委书记在{p.capital}会见{company}董事长一行，双方就深化新能源、"
            "智能制造等领域合作深入交换意见。",
            f"{p.name}委书记表示，{p.short}正加快构建现代化产业体系，欢迎企业扩大在{p.abbr}投资"
            f"布局。据介绍，双方已合作落地项目{3 + n % 9}个，累计投资{80 + 11 * n}亿元。",
            "企业负责人表示，将充分发挥自身技术和市场优势，持续加大研发投入，与地方携手打造具有"
            "国际竞争力的产业集群。"])
    if kind == 2:
        return (f"{p.name}重大项目集中开工 {60 + 9 * n}个项目总投资{900 + 57 * n}亿元", [
            f"{m}月{d}日，{p.name}重大项目集中开工活动在{p.city}举行，全省{60 + 9 * n}个重大项目"
            f"同步开工，总投资{900 + 57 * n}亿元。",
            f"此次开工项目涵盖先进制造、新能源、新型基础设施和民生保障等领域，其中产业项目"
            f"{30 + 5 * n}个，预计年内完成投资{210 + 13 * n}亿元。",
            "省发展改革委有关负责人表示，将强化用地、用能、资金等要素保障，推动项目早开工、早投产、"
            "早见效，为全年经济稳进提质提供有力支撑。"])
    if kind == 3:
        return (f"{p.short}出台{12 + n}条措施推动新能源汽车产业高质量发展", [
            f"近日，{p.name}人民政府办公厅印发《关于推动新能源汽车产业高质量发展的若干措施》，从"
            f"整车研发、关键零部件、充换电设施等方面提出{12 + n}条具体举措。",
            f"措施提出，到2027年全省新能源汽车产量力争达到{80 + 6 * n}万辆，新建公共充电桩"
            f"{3 + n}万个，县域充换电设施实现全覆盖。",
            "措施明确，支持企业开展固态电池、智能驾驶等前沿技术攻关，对首台套产品给予奖励，并鼓励"
            "金融机构加大对产业链企业的信贷支持。"])
    if kind == 4:
        rate = f"{3 + n % 7}.{n % 10}"
        return (f"一季度{p.short}外贸进出口{4000 + 123 * n}亿元 同比增长{rate}%", [
            f"记者从{p.capital}海关获悉，一季度{p.name}货物贸易进出口总值{4000 + 123 * n}亿元，"
            f"同比增长{rate}%，增速高于全国平均水平。",
            f"其中，出口{2500 + 71 * n}亿元，进口{1500 + 52 * n}亿元。机电产品出口占出口总值的"
            f"{55 + n % 9}%，电动汽车、锂电池和太阳能电池等产品出口保持较快增长。",
            "海关有关负责人表示，将持续优化通关流程，支持企业开拓东盟、中东和共建“一带一路”"
            "国家市场，推动外贸保稳提质。"])
    if kind == 5:
        return (f"{p.city}低空经济产业发展大会签约{20 + 3 * n}个项目", [
            f"{m}月{d}日，{p.city}低空经济产业发展大会开幕，现场签约项目{20 + 3 * n}个，总金额"
            f"{150 + 19 * n}亿元。",
            f"{p.city}已开通低空航线{30 + 2 * n}条，集聚无人机、电动垂直起降飞行器等相关企业"
            f"{200 + 17 * n}家，初步形成研发制造、运营服务和基础设施配套的产业链条。",
            f"{p.name}将加快完善低空飞行服务保障体系，拓展物流配送、应急救援、文化旅游等应用场景，"
            "打造低空经济发展高地。"])
    if kind == 6:
        return (f"{p.short}部署春季农业生产 粮食播种面积稳定在{7000 + 31 * n}万亩以上", [
            f"{m}月{d}日，{p.name}春季农业生产工作会议召开，要求全省粮食播种面积稳定在"
            f"{7000 + 31 * n}万亩以上，确保粮食产量保持在{600 + 3 * n}亿斤以上。",
            f"会议提出，今年将新建高标准农田{200 + 9 * n}万亩，推广良种良法良机，加快补齐农田"
            "水利设施短板。",
            "会议要求各地压实粮食安全党政同责，强化农资供应和技术服务，抓好病虫害防控，为全年"
            "粮食丰收打下坚实基础。"])
    return (f"{p.short}召开优化营商环境大会 推出{20 + n}项改革举措", [
        f"{m}月{d}日，{p.name}优化营商环境大会召开，会上发布{20 + n}项改革举措，涵盖企业开办、"
        "工程建设项目审批、跨境贸易等领域。",
        f"据介绍，去年全省新设经营主体{90 + 4 * n}万户，政务服务事项网上可办率达到"
        f"{95 + n % 5}%，企业开办时间压缩至1个工作日以内。",
        "会议强调，要对标国际一流水平，持续推进“高效办成一件事”改革，营造市场化、法治化、"
        "国际化一流营商环境。"])


def policy(day: date, n: int) -> tuple[str, list[str]]:
    """A State Council document, the policy library's kind of page."""
    plan = PLANS[n % len(PLANS)]
    number = f"国办发〔2026〕{10 + n}号"
    return (f"国务院办公厅关于印发{plan}的通知", [
        f"{number}　各省、自治区、直辖市人民政府，国务院各部委、各直属机构：{plan}已经国务院"
        "同意，现印发给你们，请认真贯彻执行。",
        f"方案提出，到2027年重点行业关键工序数控化率达到{75 + n % 10}%，培育国家级示范项目"
        f"{100 + 13 * n}个，各地区各部门要结合实际抓好落实。",
        f"国务院办公厅　2026年{day.month}月{day.day}日（此件公开发布）"])


@dataclass
class Story:
    """One article: where it lives, what its government metas say, and its text."""

    path: str
    title: str
    when: datetime  # China time (naive), as PubDate writes it
    source: str  # ContentSource
    column: str  # ColumnName
    paragraphs: list[str]
    charset: str = "utf-8"

    @property
    def day(self) -> date:
        return self.when.date()

    @property
    def published_at(self) -> str:
        """As the API shows it: UTC, Z."""
        return (self.when - timedelta(hours=8)).isoformat() + "Z"

    @property
    def epoch_ms(self) -> int:
        utc = (self.when - timedelta(hours=8)).replace(tzinfo=timezone.utc)
        return int(utc.timestamp() * 1000)

    def short_title(self, limit: int = 16) -> str:
        """The title as a list shows it: long ones cut, the full one left to a@title."""
        return self.title if len(self.title) <= limit else self.title[:limit] + "…"


def story(path: str, text: tuple[str, list[str]], k: int, *, source: str, column: str,
          charset: str = "utf-8") -> Story:
    day = NEWEST - timedelta(days=k)
    when = datetime(day.year, day.month, day.day, 8 + k % 9, (7 * k) % 60)
    return Story(path, text[0], when, source, column, text[1], charset)


def article_page(s: Story, *, site: str, body: str = 'div class="TRS_Editor"',
                 extra_meta: str = "", byline: str | None = None) -> str:
    """An article page with the 政府网站发展指引 meta set (ArticleTitle, PubDate,
    ContentSource, ColumnName, ...), site furniture around the body."""
    tag = body.split()[0]
    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in s.paragraphs)
    shown = s.when.strftime("%Y-%m-%d %H:%M")
    byline = byline or f"发布时间：{shown}　来源：{s.source}"
    charset = {"gbk": "gb2312"}.get(s.charset, s.charset)
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{escape(s.title)}_{site}</title>
<meta name="SiteName" content="{site}">
<meta name="ColumnName" content="{s.column}">
<meta name="ColumnType" content="新闻">
<meta name="ArticleTitle" content="{escape(s.title)}">
<meta name="PubDate" content="{s.when.strftime('%Y-%m-%d %H:%M:%S')}">
<meta name="ContentSource" content="{s.source}">
<meta name="Keywords" content="{s.column}">
{extra_meta}</head>
<body><div class="header"><a href="/">首页</a> <a href="/zwgk/">政务公开</a>
<a href="/hdjl/">互动交流</a></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="../">{s.column}</a></div>
<div class="article"><h1>{escape(s.title)}</h1>
<div class="info">{byline}</div>
<{body}>
{paragraphs}
</{tag}>
<div class="share">分享到：<a href="javascript:void(0)">微信</a> 【打印本页】【关闭窗口】</div></div>
<div class="footer">主办：{site}　版权所有　网站标识码3200000001</div>
</body></html>"""


def column_head(title: str, column: str, site: str, charset: str = "utf-8") -> str:
    return (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; '
            f'charset={charset}"><title>{title}</title><meta name="SiteName" content="{site}">'
            f'<meta name="ColumnName" content="{column}"><meta name="ColumnType" content="列表">'
            "</head>")


NAV = ('<div class="header"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> '
       '<a href="/zwfw/">政务服务</a> <a href="/hdjl/">互动交流</a> '
       '<a href="http://www.gov.cn/">中国政府网</a></div>')
FOOT = '<div class="footer"><a href="/wzdt/">网站地图</a> <a href="/lxwm/">联系我们</a></div>'


# --- the site object -------------------------------------------------------------------


Handler = Callable[[SiteRequest], tuple[int, str, str | bytes]]


@dataclass
class PlatformSite:
    adapter: str
    base: str
    entry: dict[str, Any]
    stories: list[Story]
    list_paths: list[str]  # the list pages (fixed or API), in walk order
    routes: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    handlers: dict[str, tuple[Handler, tuple[str, ...]]] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: str | bytes, content_type: str = HTML) -> None:
        self.routes[path] = (body.encode() if isinstance(body, str) else body, content_type)

    def add_story(self, s: Story, html: str) -> None:
        encoded = html.encode(s.charset)
        self.add(s.path, encoded, HTML if s.charset == "utf-8" else "text/html")

    def body(self, path: str) -> bytes:
        return self.routes[path][0]

    def content_type(self, path: str) -> str:
        return self.routes[path][1]

    def fetch(self, url: str, method: str = "GET", form: tuple[tuple[str, str], ...] = (),
              headers: tuple[tuple[str, str], ...] = ()) -> tuple[bytes, str]:
        """(body, content type) the site answers to a request, without a server: what the
        pure adapter tests read. A fixed route answers GET only, as when served."""
        path = url[len(self.base):] if url.startswith(self.base) else url
        if path in self.routes and method == "GET":
            return self.routes[path]
        handler, methods = self.handlers[urlsplit(path).path]
        assert method in methods, f"{method} {path}: not allowed"
        _, content_type, out = handler(SiteRequest(method, path, dict(headers),
                                                   urlencode(form).encode()))
        return (out.encode() if isinstance(out, str) else out), content_type

    def source(self, **changes: Any) -> Source:
        return parse_catalog({"sources": [{**self.entry, **changes}]}, "fixture").sources[0]

    def serve(self, site: LocalSite) -> PlatformSite:
        for path, (body, content_type) in self.routes.items():
            site.add(path, body, content_type=content_type)
        for path, (handler, methods) in self.handlers.items():
            site.add(path, handler, methods=methods)
        return self

    def story_urls(self) -> set[str]:
        return {self.url(s.path) for s in self.stories}


def _entry(sid: str, name: str, adapter: str, province: str, urls: list[str], pattern: str,
           example: str, **more: Any) -> dict[str, Any]:
    return {"id": sid, "name": name, "kind": "listing", "province": province,
            "language": "zh", "interval": "30m", "adapter": adapter, "urls": urls,
            "article_pattern": pattern, "paginate": True,
            "examples": [{"url": example, "seen": "this fixture site"}],
            "max_pages": 5, "topic": "news", **more}


# --- TRS WCM -----------------------------------------------------------------------------

TRS_COLUMN = "/ywdt/sxyw/"


def trs_site(base: str, pages: int = 3, per_page: int = 3) -> PlatformSite:
    """山西省人民政府 要闻 on TRS WCM: the column directory (= index.html), index_1.html,
    index_2.html; rows ``<li><a href="./YYYYMM/tYYYYMMDD_id.html">`` with the date in a
    span; the page count in ``createPageHTML(3, n, "index", "html")``."""
    site_name = "山西省人民政府"
    stories = []
    for k in range(pages * per_page):
        day = NEWEST - timedelta(days=k)
        path = f"{TRS_COLUMN}{day:%Y%m}/t{day:%Y%m%d}_{5123400 + k}.html"
        stories.append(story(path, news(SHANXI, day, k), k, source="山西日报",
                             column="山西要闻"))
    lists = [TRS_COLUMN + ("index.html" if p == 0 else f"index_{p}.html") for p in range(pages)]
    walked = [TRS_COLUMN] + lists[1:]  # the catalog names the column directory
    out = PlatformSite("trs", base, _entry(
        "test_trs", "山西省人民政府·山西要闻", "trs", "shanxi", [base + TRS_COLUMN],
        r"/ywdt/sxyw/\d{6}/t\d{8}_\d+\.html$", base + stories[0].path), stories, walked)
    for p in range(pages):
        rows = []
        for s in stories[p * per_page:(p + 1) * per_page]:
            href = "./" + s.path[len(TRS_COLUMN):]
            rows.append(f'<li><a href="{href}" target="_blank" title="{escape(s.title)}">'
                        f"{escape(s.short_title())}</a><span>{s.day.isoformat()}</span></li>")
        body = (column_head(f"山西要闻_{site_name}", "山西要闻", site_name) + f"<body>{NAV}"
                '<div class="crumb">当前位置：<a href="../../">首页</a> &gt; <a href="../">要闻动态'
                '</a> &gt; 山西要闻</div><div class="list-box"><ul class="u-list">'
                + "".join(rows) + '</ul><div class="page"><script type="text/javascript">'
                f'createPageHTML({pages}, {p}, "index", "html");</script></div></div>'
                f"{FOOT}</body></html>")
        out.add(lists[p], body)
        if p == 0:
            out.add(TRS_COLUMN, body)
    for s in stories:
        out.add_story(s, article_page(s, site=site_name, body='div class="view TRS_UEDITOR '
                                      'trs_paper_default trs_web"'))
    return out


HUNAN = Province("hunan", "湖南省", "湖南", "湘", "长沙", "株洲")
HUNAN_COLUMN, HUNAN_STEM = "/hnszf/hnyw/sy/hnyw1/", "gl_fgsjpx"


def trs_named_pager_site(base: str, pages: int = 3, per_page: int = 3) -> PlatformSite:
    """湖南省人民政府 湖南要闻 on TRS with the newer pager call, which names its element
    first and counts pages from 1: ``createPageHTML('page_div', 3, 1, 'gl_fgsjpx', 'html',
    9)``; the pages are gl_fgsjpx.html, gl_fgsjpx_2.html, gl_fgsjpx_3.html."""
    site_name = "湖南省人民政府"
    stories = []
    for k in range(pages * per_page):
        day = NEWEST - timedelta(days=k)
        path = f"{HUNAN_COLUMN}{day:%Y%m}/t{day:%Y%m%d}_{33123400 + k}.html"
        stories.append(story(path, news(HUNAN, day, 100 + k), k, source="湖南日报",
                             column="湖南要闻"))
    lists = [f"{HUNAN_COLUMN}{HUNAN_STEM}{'' if p == 0 else f'_{p + 1}'}.html"
             for p in range(pages)]
    out = PlatformSite("trs", base, _entry(
        "test_trs_hunan", "湖南省人民政府·湖南要闻", "trs", "hunan", [base + lists[0]],
        r"/hnszf/hnyw/[\w/]+/\d{6}/t\d{8}_\d+\.html$", base + stories[0].path,
        selectors={"links": ".yl-listbox li a[title]"}), stories, lists)
    for p in range(pages):
        rows = "".join(
            f'<li><a href="./{s.path[len(HUNAN_COLUMN):]}" target="_blank" '
            f'title="{escape(s.title)}">{escape(s.short_title())}</a>'
            f"<span>{s.day.isoformat()}</span></li>"
            for s in stories[p * per_page:(p + 1) * per_page])
        out.add(lists[p], column_head(f"湖南要闻_{site_name}", "湖南要闻", site_name)
                + f'<body>{NAV}<div class="yl-listbox"><ul>{rows}</ul></div>'
                '<div class="page" id="page_div"></div><script type="text/javascript">'
                f"createPageHTML('page_div',{pages}, {p + 1},'{HUNAN_STEM}','html',"
                f"{len(stories)});</script>{FOOT}</body></html>")
    for s in stories:
        out.add_story(s, article_page(s, site=site_name, body='div class="TRS_UEDITOR"'))
    return out


def trs_redesigned() -> bytes:
    """The TRS column after a redesign: the list is rendered by a script, not in the page."""
    return (column_head("山西要闻_山西省人民政府", "山西要闻", "山西省人民政府")
            + f'<body>{NAV}<div id="app" data-column="sxyw"></div>'
            '<script src="/dist/js/list.8f3a1c.js"></script>' + FOOT + "</body></html>").encode()


# --- Hanweb JCMS classic ----------------------------------------------------------------


@dataclass(frozen=True)
class HanwebColumn:
    """One Hanweb column: sites differ in their webid and in where their proxy lives."""

    sid: str
    site_name: str
    province: Province
    column: str  # columnid
    unit: str  # unitid: the id of the element holding the datastore
    webid: str
    proxy: str  # dataproxy.jsp's path
    column_name: str
    source: str

    @property
    def list_path(self) -> str:
        return f"/col/col{self.column}/index.html"


PROXY = "/module/web/jpage/dataproxy.jsp"
JIANGSU_YAOWEN = HanwebColumn("test_hanweb", "江苏省人民政府", JIANGSU, "60096", "4567", "1", PROXY,
                              "江苏要闻", "新华日报")
# a city department's site: its own webid, and the proxy under /module/jpage/
NINGBO_GZW = HanwebColumn("test_hanweb_nb", "宁波市人民政府国有资产监督管理委员会", ZHEJIANG,
                          "1229563402", "6128495", "2431", "/module/jpage/dataproxy.jsp",
                          "国资动态", "宁波日报")
HANWEB_COLUMN, HANWEB_UNIT = JIANGSU_YAOWEN.column, JIANGSU_YAOWEN.unit
HANWEB_LIST = JIANGSU_YAOWEN.list_path


def _hanweb_record(s: Story) -> str:
    return (f'<li><a href="{s.path}" title="{escape(s.title)}" target="_blank">'
            f"{escape(s.short_title(18))}</a><span>{s.day.isoformat()}</span></li>")


def hanweb_site(base: str, pages: int = 3, per_page: int = 3,
                col: HanwebColumn = JIANGSU_YAOWEN) -> PlatformSite:
    """A column on Hanweb JCMS (江苏要闻 by default): the first page's records in a
    ``<script type="text/xml">`` datastore inside ``<div id="<unitid>">``, whose
    ``<nextgroup>`` link names the proxy and the site's form fields; the rest from
    ``POST dataproxy.jsp?startrecord=&endrecord=&perpage=`` as JavaScript
    ``dataStore=[...]``. A form naming another column, unit or web gets an empty answer."""
    stories = []
    for k in range(pages * per_page):
        day = NEWEST - timedelta(days=k)
        path = f"/art/{day.year}/{day.month}/{day.day}/art_{col.column}_{4012345 + k}.html"
        stories.append(story(path, news(col.province, day, 10 + k), k, source=col.source,
                             column=col.column_name))
    total = len(stories)
    lists = [col.list_path] + [
        f"{col.proxy}?startrecord={p * per_page + 1}&endrecord={(p + 1) * per_page}"
        f"&perpage={per_page}" for p in range(1, pages)]
    out = PlatformSite("hanweb", base, _entry(
        col.sid, f"{col.site_name}·{col.column_name}", "hanweb", col.province.id,
        [base + col.list_path], rf"/art/\d{{4}}/\d{{1,2}}/\d{{1,2}}/art_{col.column}_\d+\.html$",
        base + stories[0].path), stories, lists)
    records = "".join(f"<record><![CDATA[\n{_hanweb_record(s)}\n]]></record>"
                      for s in stories[:per_page])
    nextgroup = (f"{col.proxy}?page=1&appid=1&webid={col.webid}&path=/&columnid={col.column}"
                 f"&unitid={col.unit}&webname={col.site_name}&permissiontype=0")
    title = f"{col.column_name}_{col.site_name}"
    out.add(col.list_path, column_head(title, col.column_name, col.site_name)
            + f"<body>{NAV}<div class=\"main\"><div class=\"bt-rig-cen-01\">"
            f'<div id="{col.unit}"><script type="text/xml"><datastore>'
            f'<nextgroup><![CDATA[<a href="{nextgroup}"></a>]]></nextgroup>'
            f"<totalrecord>{total}</totalrecord><totalpage>{pages}</totalpage>"
            f"<recordset>{records}</recordset></datastore></script>"
            f'<script type="text/javascript" src="{col.proxy.rsplit("/", 1)[0]}/jpage.js">'
            "</script><script>new Jpage({ perPage: " + str(per_page) + ", totalRecord: "
            + str(total) + ", groupSize: 1 });</script></div></div></div>" + FOOT
            + "</body></html>")

    def dataproxy(request: SiteRequest) -> tuple[int, str, str]:
        query, form = request.query, request.form
        named = (form.get("columnid"), form.get("unitid"), form.get("webid"))
        if named != (col.column, col.unit, col.webid):
            return 200, "text/html; charset=utf-8", "totalRecord=0;totalPage=0;dataStore=[];"
        start, end = int(query.get("startrecord") or 1), int(query.get("endrecord") or 1)
        batch = ",\n".join(f"'{_hanweb_record(s)}'" for s in stories[start - 1:end])
        return (200, "text/html; charset=utf-8",
                f"totalRecord={total};totalPage={pages};dataStore=[\n{batch}\n];")

    out.handlers[col.proxy] = (dataproxy, ("POST",))
    for s in stories:
        out.add_story(s, article_page(s, site=col.site_name, body='div id="zoom"'))
    return out


def hanweb_without_datastore() -> bytes:
    """A Hanweb column whose records are no longer embedded: an iframe-loaded list."""
    return (column_head("江苏要闻_江苏省人民政府", "江苏要闻", "江苏省人民政府")
            + f'<body>{NAV}<div class="main"><iframe src="/jrobot/list.do?columnid=60096">'
            "</iframe></div>" + FOOT + "</body></html>").encode()


# --- Hanweb jpaas -------------------------------------------------------------------------

JPAAS_SHELL = "/col/col1554467/index.html"
UNIT_API = "/api-gateway/jpaas-publish-server/front/page/build/unit"
JPAAS_QUERY = ("{webId:'3096',pageId:'1554467',pageType:'column',parseType:'bulidstatic',"
               "tplSetId:'abc',tagId:'当页列表',editType:'null'}")


def jpaas_shell(querydata: str | None = JPAAS_QUERY) -> str:
    script = ("" if querydata is None else
              f'<script type="text/javascript" parseType="bulidstatic" id="bulidstatic_list" '
              f'url="{UNIT_API}" queryData="{querydata}"></script>')
    return (column_head("今日浙江_浙江省人民政府", "今日浙江", "浙江省人民政府")
            + f'<body>{NAV}<div class="main"><div class="list-box" id="list">{script}'
            '<div class="loading">正在加载…</div></div></div>' + FOOT + "</body></html>")


def jpaas_site(base: str, pages: int = 3, per_page: int = 3) -> PlatformSite:
    """浙江省人民政府 今日浙江 on jpaas: the column page is a shell whose script names the
    build/unit API and its ``queryData`` (written so on real pages; HTML attribute names
    are case-blind); the API answers ``{"success": true, "data":
    {"html": "<ul><li>…"}}`` for ``paramJson.pageNo`` (an empty list past the last page),
    and refuses a request without the column page as Referer. Articles are
    ``/art/YYYY/art_<32 hex>.html``: only the list's span.fr gives their day."""
    site_name = "浙江省人民政府"
    stories = []
    for k in range(pages * per_page):
        day = NEWEST - timedelta(days=k)
        path = f"/art/{day.year}/art_{(0x5e1c0a9d7f3b4c2e8a6d1f0b9c7e3a50 + k):032x}.html"
        stories.append(story(path, news(ZHEJIANG, day, 20 + k), k, source="浙江日报",
                             column="今日浙江"))
    lists = [JPAAS_SHELL] + [UNIT_API] * (pages + 1)
    out = PlatformSite("jpaas", base, _entry(
        "test_jpaas", "浙江省人民政府·今日浙江", "jpaas", "zhejiang", [base + JPAAS_SHELL],
        r"/art/\d{4}/art_[0-9a-f]{32}\.html$", base + stories[0].path), stories, lists)
    out.add(JPAAS_SHELL, jpaas_shell())

    def unit(request: SiteRequest) -> tuple[int, str, str]:
        query = request.query
        referer = request.header("Referer") or ""
        if query.get("pageId") != "1554467" or not referer.endswith(JPAAS_SHELL):
            return 200, JSON, json.dumps({"success": False, "message": "非法请求"},
                                         ensure_ascii=False)
        number = int(json.loads(query.get("paramJson") or "{}").get("pageNo") or 1)
        rows = "".join(
            f'<li><a href="{s.path}" title="{escape(s.title)}" target="_blank">'
            f"{escape(s.short_title(18))}</a><span class='fr'>{s.day.isoformat()}</span></li>"
            for s in stories[(number - 1) * per_page:number * per_page])
        return 200, JSON, json.dumps({"success": True, "message": "操作成功", "data": {
            "html": f"<div class='page-content'><ul>{rows}</ul></div>"}}, ensure_ascii=False)

    out.handlers[UNIT_API] = (unit, ("GET",))
    for s in stories:
        out.add_story(s, article_page(s, site=site_name, body='div id="zoom"'))
    return out


# --- gov.cn -------------------------------------------------------------------------------

YAOWEN_JSON = "/yaowen/liebiao/YAOWENLIEBIAO.json"
SEARCH_API = "/search-gov/data"
SEARCH_FIRST = f"{SEARCH_API}?t=zhengcelibrary_gw&q=&sort=pubtime&sortType=1&p=1&n=20"
DIFANG = "/lianbo/difang/"


def gov_cn_site(base: str, per_page: int = 3) -> PlatformSite:
    """中国政府网: YAOWENLIEBIAO.json (a bare array of URL/TITLE/DOCRELPUBTIME), the policy
    library search API (``searchVO.listVO``, ``pubtime`` in epoch ms, ``totalpage`` 2;
    ``data: null`` past the end), and 地方动态's home.htm -> home_1.htm HTML list
    (``div.list li h4 > a``, the date in ``h4 > span``)."""
    site_name = "中国政府网"
    yaowen, library, difang = [], [], []
    for k in range(per_page):
        day = NEWEST - timedelta(days=k)
        yaowen.append(story(f"/yaowen/liebiao/{day:%Y%m}/content_{7012300 + k}.htm",
                            news(ROTATION[k % len(ROTATION)], day, 30 + k), k,
                            source="新华社", column="要闻"))
    for k in range(2 * per_page):
        day = NEWEST - timedelta(days=k)
        library.append(story(f"/zhengce/content/{day:%Y%m}/content_{7012400 + k}.htm",
                             policy(day, k), k, source="中国政府网", column="国务院文件"))
        difang.append(story(f"{DIFANG}{day:%Y%m}/content_{7012500 + k}.htm",
                            news(ROTATION[(k + 3) % len(ROTATION)], day, 40 + k), k,
                            source="地方政府网站", column="地方动态"))
    stories = yaowen + library + difang
    lists = [YAOWEN_JSON, SEARCH_FIRST, SEARCH_FIRST.replace("p=1", "p=2"),
             DIFANG, DIFANG + "home_1.htm"]
    out = PlatformSite("gov_cn", base, _entry(
        "test_gov_cn", "中国政府网·要闻、政策、地方", "gov_cn", "national",
        [base + YAOWEN_JSON, base + SEARCH_FIRST, base + DIFANG],
        r"/content_\d{7}\.htm$", base + yaowen[0].path), stories, lists)
    out.add(YAOWEN_JSON, json.dumps([
        {"DOCRELPUBTIME": s.when.strftime("%Y-%m-%d %H:%M:%S"), "TITLE": s.title,
         "URL": base + s.path, "SUB_TITLE": "", "DOCID": 7012300 + i}
        for i, s in enumerate(yaowen)], ensure_ascii=False), JSON)

    def search(request: SiteRequest) -> tuple[int, str, str]:
        number = int(request.query.get("p") or 1)
        batch = library[(number - 1) * per_page:number * per_page]
        if request.query.get("t") != "zhengcelibrary_gw" or not batch:
            return 200, JSON, json.dumps({"code": 200, "msg": "操作成功", "data": None})
        rows = [{"id": 7012400 + library.index(s), "title": s.title, "url": base + s.path,
                 "summary": s.paragraphs[1][:40], "pcode": f"国办发〔2026〕{10 + i}号",
                 "puborg": "国务院办公厅", "childtype": "综合政务", "pubtime": s.epoch_ms,
                 "pubtimeStr": s.when.strftime("%Y.%m.%d")} for i, s in enumerate(batch)]
        return 200, JSON, json.dumps({"code": 200, "msg": "操作成功", "searchVO": {
            "listVO": rows, "totalpage": 2, "totalCount": len(library)}}, ensure_ascii=False)

    out.handlers[SEARCH_API] = (search, ("GET",))
    for p, name in enumerate(("home.htm", "home_1.htm")):
        rows = "".join(
            f'<li><h4><a href="./{s.path[len(DIFANG):]}" target="_blank">{escape(s.title)}</a>'
            f'<span class="date">{s.day.isoformat()}</span></h4></li>'
            for s in difang[p * per_page:(p + 1) * per_page])
        pager = ('<a href="home_1.htm">下一页</a>' if p == 0 else '<a href="home.htm">上一页</a>')
        body = (column_head(f"地方动态 - {site_name}", "地方动态", site_name) + f"<body>{NAV}"
                f'<div class="list list_1 list_2"><ul>{rows}</ul></div>'
                f'<div class="pages">共<span class="red">2</span>页 {pager}</div>{FOOT}'
                "</body></html>")
        out.add(DIFANG + name, body)
        if p == 0:
            out.add(DIFANG, body)
    meta = '<meta name="firstpublishedtime" content="{}">\n<meta name="lanmu" content="{}">\n'
    for s in stories:
        out.add_story(s, article_page(
            s, site=site_name, body='div id="UCAP-CONTENT"',
            extra_meta=meta.format(s.when.strftime("%Y-%m-%d-%H:%M:%S"), s.column)))
    return out


# --- Guangdong ------------------------------------------------------------------------------

GD_JSON = "/postmeta/i/240.json"
GD_COLUMN = "/gdywdt/dsdt/"


def gd_site(base: str, pages: int = 3, per_page: int = 3) -> PlatformSite:
    """广东省人民政府: 广东要闻's JSON twin /postmeta/i/240.json (``articles[]`` with id, title,
    url, abstract; no date) and 地市动态's HTML list (``li > span.til > a``, the date in
    span.time) paging index.html -> index_2.html -> index_3.html by its pager's links."""
    site_name = "广东省人民政府"
    yaowen, dsdt = [], []
    for k in range(4):
        yaowen.append(story(f"/gdywdt/gdyw/content/post_{4512300 + k}.html",
                            news(GUANGDONG, NEWEST - timedelta(days=k), 50 + k), k,
                            source="南方日报", column="广东要闻"))
    for k in range(pages * per_page):
        dsdt.append(story(f"{GD_COLUMN}content/post_{4512400 + k}.html",
                          news(GUANGDONG, NEWEST - timedelta(days=k), 60 + k), k,
                          source="南方+", column="地市动态"))
    lists = [GD_JSON, GD_COLUMN + "index.html"] + [
        f"{GD_COLUMN}index_{p + 1}.html" for p in range(1, pages)]
    out = PlatformSite("gd", base, _entry(
        "test_gd", "广东省人民政府·广东要闻、地市动态", "gd", "guangdong",
        [base + GD_JSON, base + GD_COLUMN + "index.html"], r"/content/post_\d{7}\.html$",
        base + yaowen[0].path), yaowen + dsdt, lists)
    out.add(GD_JSON, json.dumps({"articles": [
        {"id": 4512300 + i, "title": s.title, "url": base + s.path,
         "abstract": s.paragraphs[0][:60], "pub_time_str": None}
        for i, s in enumerate(yaowen)], "total": len(yaowen)}, ensure_ascii=False), JSON)
    for p in range(pages):
        rows = []
        for i, s in enumerate(dsdt[p * per_page:(p + 1) * per_page]):
            shown = escape(s.title)
            if i == 1 and len(s.title) > 12:  # titles may carry a <br/>
                shown = escape(s.title[:12]) + "<br/>" + escape(s.title[12:])
            rows.append(f'<li><span class="dot"></span><span class="til"><a href="{base}{s.path}"'
                        f' target="_blank" title="{escape(s.title)}">{shown}</a></span>'
                        f'<span class="time">{s.day.isoformat()}</span></li>')
        links = " ".join(f'<a href="index{"" if q == 0 else f"_{q + 1}"}.html">{q + 1}</a>'
                         for q in range(pages))
        if p + 1 < pages:
            links += f' <a class="next" href="index_{p + 2}.html">下一页</a>'
        out.add(lists[p + 1], column_head(f"地市动态_{site_name}", "地市动态", site_name)
                + f'<body>{NAV}<div class="viewList"><ul>{"".join(rows)}</ul></div>'
                f'<div class="page">{links}</div>{FOOT}</body></html>')
    for s in yaowen + dsdt:
        out.add_story(s, article_page(
            s, site=site_name, body='div class="zw"',
            byline=f'<span class="ly">来源：{s.source}</span>　<span class="time">'
                   f'{s.when:%Y-%m-%d %H:%M}</span>'))
    return out


# --- people.com.cn ------------------------------------------------------------------------

PEOPLE_COLUMN = "/GB/82838/"


def people_site(base: str, pages: int = 3, per_page: int = 3) -> PlatformSite:
    """人民网北京频道 十六区动态: GBK list pages (a gb2312 meta, no charset in the header)
    /GB/82838/index.html -> index2.html -> index3.html by a 下一页 link; articles
    /n2/YYYY/MMDD/c82838-<8 digits>.html in GBK, but the newest one in UTF-8."""
    site_name = "人民网"
    stories = []
    for k in range(pages * per_page):
        day = NEWEST - timedelta(days=k)
        path = f"/n2/{day.year}/{day:%m%d}/c82838-{41234567 + k}.html"
        stories.append(story(path, news(BEIJING, day, 70 + k), k, source="人民网－北京频道",
                             column="十六区动态", charset="utf-8" if k == 0 else "gbk"))
    lists = [PEOPLE_COLUMN + ("index.html" if p == 0 else f"index{p + 1}.html")
             for p in range(pages)]
    out = PlatformSite("people", base, _entry(
        "test_people", "人民网北京频道·十六区动态", "people", "beijing",
        [base + lists[0]], r"/n2/\d{4}/\d{4}/c82838-\d{8}\.html$", base + stories[0].path),
        stories, lists)
    for p in range(pages):
        rows = "".join(f'<li><a href="{s.path}" target="_blank">{escape(s.title)}</a>'
                       f"<em>{s.day.isoformat()}</em></li>"
                       for s in stories[p * per_page:(p + 1) * per_page])
        pager = " ".join(f'<a href="{lists[q].rsplit("/", 1)[1]}">{q + 1}</a>'
                         for q in range(pages))
        if p + 1 < pages:
            pager += f' <a href="{lists[p + 1].rsplit("/", 1)[1]}" class="abl2">下一页</a>'
        html = (column_head("十六区动态--北京频道--人民网", "十六区动态", site_name, "GB2312")
                + '<body><div class="w1000 nav"><a href="http://www.people.com.cn/">人民网</a>'
                ' &gt;&gt; <a href="/">北京频道</a> &gt;&gt; 十六区动态</div>'
                f'<div class="w1000 ej_list_box clear"><ul class="list_16">{rows}</ul>'
                f'<div class="page_n clearfix">{pager}</div></div>'
                '<div class="footer">人民网版权所有，未经书面授权禁止使用</div></body></html>')
        out.add(lists[p], html.encode("gbk"), "text/html")
    for s in stories:
        out.add_story(s, article_page(
            s, site=site_name, body='div class="rm_txt_con cf"',
            byline=f"{s.when:%Y年%m月%d日%H:%M} | 来源：{s.source}"))
    return out


# --- Xinhua ds JSON (the json adapter) --------------------------------------------------------

XINHUA_LOCAL = "/local/ds_5c5939c2f07b4d9c96de44dad32eadc8.json"
XINHUA_POLITICS = "/politics/ds_a6d618872de143bdafa2556915a7ae12.json"
XINHUA_FIELDS = {"items": "datasource", "url": "publishUrl", "title": "title",
                 "published": "publishTime"}


def xinhua_site(base: str, per_file: int = 4) -> PlatformSite:
    """新华网: two channels' ``ds_<hex>.json`` data (``datasource[]`` with publishUrl, title
    wrapped in <font>, publishTime), publishUrl relative to the channel or to the root."""
    site_name = "新华网"
    stories = []
    for c, channel in enumerate(("local", "politics")):
        for k in range(per_file):
            day = NEWEST - timedelta(days=k)
            hex_id = f"{(0x3f2a9c1be47d4e05a1c6b8d9e0f2a7c4 + 16 * c + k):032x}"
            stories.append(story(f"/{channel}/{day:%Y%m%d}/{hex_id}/c.html",
                                 news(ROTATION[(k + c) % len(ROTATION)], day, 80 + 8 * c + k),
                                 k, source="新华网", column="地方" if c == 0 else "时政"))
    out = PlatformSite("json", base, _entry(
        "test_xinhua", "新华网·地方、时政", "json", "national",
        [base + XINHUA_LOCAL, base + XINHUA_POLITICS], r"/\d{8}/[0-9a-f]{32}/c\.html$",
        base + stories[0].path, list_format="json", json_fields=dict(XINHUA_FIELDS)),
        stories, [XINHUA_LOCAL, XINHUA_POLITICS])
    for c, path in enumerate((XINHUA_LOCAL, XINHUA_POLITICS)):
        records = []
        for i, s in enumerate(stories[c * per_file:(c + 1) * per_file]):
            # relative to the channel folder, or to the site root
            url = s.path.split("/", 2)[2] if i % 2 == 0 else s.path
            title = f"<font color='#cc0000'>{escape(s.title)}</font>" if i == 0 else s.title
            records.append({"contentId": s.path.split("/")[3], "title": title,
                            "showTitle": title, "contentType": "MultiMedia", "publishUrl": url,
                            "publishTime": s.when.strftime("%Y-%m-%d %H:%M:%S"),
                            "summary": s.paragraphs[0][:50], "author": "新华网",
                            "linkUrls": [], "titleImages": []})
        out.add(path, json.dumps({"categoryName": "地方" if c == 0 else "时政",
                                  "datasource": records}, ensure_ascii=False), JSON)
    for s in stories:
        out.add_story(s, article_page(s, site=site_name, body='div id="detail"'))
    return out


# --- generic (an HTML list on no known platform) -------------------------------------------

GENERIC_COLUMN = "/hnyw/"


def generic_site(base: str, pages: int = 3, per_page: int = 3) -> PlatformSite:
    """河南省人民政府 要闻 as a plain HTML list: ``ul.news-list li a`` rows, a ``a.next``
    pager (index.html -> index_2.html -> index_3.html), articles /YYYY/MM-DD/<id>.html."""
    site_name = "河南省人民政府"
    stories = []
    for k in range(pages * per_page):
        day = NEWEST - timedelta(days=k)
        stories.append(story(f"/{day.year}/{day:%m-%d}/{3123400 + k}.html",
                             news(HENAN, day, 90 + k), k, source="河南日报", column="河南要闻"))
    lists = [GENERIC_COLUMN + ("index.html" if p == 0 else f"index_{p + 1}.html")
             for p in range(pages)]
    out = PlatformSite("generic", base, _entry(
        "test_generic", "河南省人民政府·河南要闻", "generic", "henan", [base + lists[0]],
        r"/\d{4}/\d{2}-\d{2}/\d+\.html$", base + stories[0].path,
        selectors={"links": "ul.news-list li a", "next_page": "div.pager a.next"}),
        stories, lists)
    for p in range(pages):
        rows = "".join(f'<li><a href="{s.path}">{escape(s.title)}</a>'
                       f'<span class="date">{s.day:%Y年%m月%d日}</span></li>'
                       for s in stories[p * per_page:(p + 1) * per_page])
        nxt = (f'<a class="next" href="{lists[p + 1].rsplit("/", 1)[1]}">下一页</a>'
               if p + 1 < pages else '<span class="next disabled">下一页</span>')
        out.add(lists[p], column_head(f"河南要闻_{site_name}", "河南要闻", site_name)
                + f'<body>{NAV}<ul class="news-list">{rows}</ul><div class="pager">{nxt}</div>'
                f'<a href="/2026/01-01/zt.html">专题</a>{FOOT}</body></html>')
    for s in stories:
        out.add_story(s, article_page(s, site=site_name, body='div class="content"'))
    return out


BUILDERS: dict[str, Callable[..., PlatformSite]] = {
    "trs": trs_site, "trs_named_pager": trs_named_pager_site, "hanweb": hanweb_site, "jpaas": jpaas_site, "gov_cn": gov_cn_site,
    "gd": gd_site, "people": people_site, "json": xinhua_site, "generic": generic_site,
}
