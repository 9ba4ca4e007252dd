"""Who met whom as an SVG drawn on the server: posts in a column on the left, organisations
on the right, a curve per pair that met, as thick as the square root of its meetings.

Two columns keep every label readable at any size without a layout engine in the page
(a force layout of a few dozen nodes is a tangle of labels). Every label is escaped, and
each node and curve carries a <title> for its tooltip; an organisation links to its page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

ROW = 24  # pixels between two nodes of a column
LEFT, RIGHT, WIDTH = 230, 590, 820  # the posts' and organisations' x, the drawing's width
KIND_COLOURS = {  # the colour of an organisation's dot, by its kind
    "private_company": "#1f77b4", "soe_central": "#d62728", "soe_local": "#ff7f0e",
    "foreign_company": "#9467bd", "foreign_government": "#8c564b", "university": "#2ca02c",
    "research_institute": "#17becf", "financial_institution": "#e377c2",
    "industry_association": "#bcbd22",
}


def graph_svg(graph: dict[str, Any]) -> Markup:
    """The ``meeting_views.who_met_whom`` graph as an inline <svg>."""
    posts, orgs = graph["posts"], graph["orgs"]
    if not posts or not orgs:
        return Markup('<p class="empty">No meeting with a known organisation matches.</p>')
    y_post = {n["key"]: 30 + i * ROW for i, n in enumerate(posts)}
    y_org = {n["key"]: 30 + i * ROW for i, n in enumerate(orgs)}
    height = 30 + max(len(posts), len(orgs)) * ROW
    top = max((e["meetings"] for e in graph["edges"]), default=1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" role="img" '
             f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" font-size="12" '
             f'aria-label="who met whom: {len(posts)} posts, {len(orgs)} organisations">']
    for e in graph["edges"]:
        y1, y2 = y_post[e["post"]], y_org[e["org"]]
        width = 1 + 5 * (e["meetings"] / top) ** 0.5
        mid = (LEFT + RIGHT) / 2
        parts.append(
            f'<path class="edge" d="M{LEFT + 6},{y1} C{mid},{y1} {mid},{y2} {RIGHT - 6},{y2}"'
            f' fill="none" stroke="#8899aa" stroke-opacity="0.6" stroke-width="{width:.1f}">'
            f'<title>{escape(e["post"])} – {escape(e["org"])}: '
            f'{e["meetings"]} meeting(s)</title></path>')
    for n in posts:
        y = y_post[n["key"]]
        parts.append(
            f'<g class="post"><circle cx="{LEFT}" cy="{y}" r="5" fill="#333"/>'
            f'<text x="{LEFT - 10}" y="{y + 4}" text-anchor="end">{escape(n["label"])}</text>'
            f'<title>{escape(n["label"])}: {n["meetings"]} meeting(s)</title></g>')
    for n in orgs:
        y = y_org[n["key"]]
        colour = KIND_COLOURS.get(n["kind"], "#7f7f7f")
        label = n["label"] + (f" ({n['label_en']})" if n["label_en"] else "")
        href = "/meetings/org/" + quote(n["key"], safe="")
        parts.append(
            f'<a href="{escape(href)}"><g class="org"><circle cx="{RIGHT}" cy="{y}" r="5" '
            f'fill="{colour}"/><text x="{RIGHT + 10}" y="{y + 4}">{escape(label)}</text>'
            f'<title>{escape(label)}, {escape(n["kind"] or "kind unknown")}: '
            f'{n["meetings"]} meeting(s)</title></g></a>')
    parts.append("</svg>")
    return Markup("".join(parts))
