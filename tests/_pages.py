"""Small article pages and feeds written for the tests (fictional content)."""

from __future__ import annotations

from html import escape

HENAN_NEV = (
    "河南省委书记会见比亚迪董事长一行",
    ["11月18日，河南省委书记在郑州会见比亚迪股份有限公司董事长一行，双方就新能源汽车产业"
     "合作深入交换意见。",
     "省委书记表示，河南正加快建设新能源汽车产业基地，欢迎比亚迪扩大在豫投资，推动动力电池、"
     "整车制造和智能网联汽车项目落地见效。",
     "比亚迪董事长介绍了企业在新能源汽车和储能领域的发展情况，表示将持续深化与河南的合作。"],
)
GUANGXI_AI = (
    "广西印发人工智能产业发展行动方案",
    ["近日，广西壮族自治区人民政府办公厅印发人工智能产业发展行动方案，提出到2028年全区人工"
     "智能核心产业规模明显提升。",
     "方案提出，广西将发挥面向东盟的区位优势，建设中国—东盟人工智能合作中心，推动大模型在"
     "制造、农业和跨境贸易中的应用。",
     "南宁市将率先布局算力基础设施，支持人工智能企业开展面向东盟的技术合作。"],
)
ENGLISH_HAINAN = (
    "Hainan free trade port sets out new energy vehicle promotion plan",
    ["HAIKOU, Nov. 12 -- Hainan on Wednesday released a plan to promote new energy vehicles "
     "across the free trade port, aiming for clean-energy vehicles to make up most new sales.",
     "The plan adds charging stations in Haikou and Sanya and offers subsidies for new energy "
     "vehicle purchases, officials said at a press conference.",
     "Hainan has been the first province to set a date for ending sales of fuel cars."],
)


def page(title: str, paragraphs: list[str], *, date: str = "2026-11-18 09:30",
         charset: str = "utf-8", meta_charset: bool = True) -> str:
    head = f'<meta charset="{charset}">' if meta_charset else ""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html><head>{head}
<title>{escape(title)}_示范省人民政府门户网站</title>
<meta name="PubDate" content="{date}"></head>
<body><div class="nav"><a href="/">首页</a> <a href="/news/">要闻</a></div>
<h1>{escape(title)}</h1><div class="info">发布时间：{date} 来源：示范日报</div>
<div class="article">{body}</div>
<div class="footer">版权所有 示范省人民政府办公厅</div></body></html>"""


def policy_page(number: str = "桂政办发〔2026〕7号") -> str:
    """A fictional 信息公开 page: metadata table, document number, sign-off."""
    title = "广西壮族自治区人民政府办公厅关于印发人工智能产业发展行动方案的通知"
    body = "\n".join(f"<p>{escape(p)}</p>" for p in GUANGXI_AI[1])
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{title}_示范省人民政府门户网站</title></head><body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>
<table class="xxgk">
<tr><td>索引号：</td><td>000014349/2026-00031</td><td>主题分类：</td><td>科技</td></tr>
<tr><td>发文机关：</td><td>广西壮族自治区人民政府办公厅</td><td>成文日期：</td><td>2026年11月16日</td></tr>
<tr><td>文号：</td><td>{number}</td><td>发布日期：</td><td>2026年11月18日</td></tr></table>
<h1>{title}</h1><div class="TRS_Editor"><p>{number}</p>{body}
<p>广西壮族自治区人民政府办公厅</p><p>2026年11月16日</p></div>
<div class="footer">版权所有 示范省人民政府办公厅</div></body></html>"""


def rss(items: list[tuple[str, str | None, str]]) -> str:
    """items: (title, link or None, pubDate)."""
    out = []
    for title, link, date in items:
        link_xml = f"<link>{escape(link)}</link>" if link else ""
        out.append(f"<item><title>{escape(title)}</title>{link_xml}"
                   f"<pubDate>{date}</pubDate></item>")
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title>demo</title><link>http://example.test/</link>"
            f"<description>d</description>{''.join(out)}</channel></rss>")
