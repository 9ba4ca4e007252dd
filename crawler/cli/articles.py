"""`provwatch articles`, `show` and `story`: the stored archive in the terminal."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from provwatch.crawler.chinatime import china_text
from provwatch.crawler.cli.app import app, day_option, out, state
from provwatch.crawler.services import articles as articles_service


@app.command()
def articles(
    province: Annotated[str | None, typer.Option(help="Province id, e.g. henan.")] = None,
    sector: Annotated[str | None, typer.Option(help="Sector id, e.g. nev.")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (YYYY-MM-DD).")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List stored articles, newest first."""
    rows = articles_service.list_articles(state.config, province=province, sector=sector,
                             since=day_option(since, "--since"), limit=limit)
    if as_json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return
    table = Table("id", "published (China time)", "source", "about", "sectors", "event", "title",
                  title=f"{len(rows)} articles")
    for r in rows:
        table.add_row(str(r["id"]), china_text(r["published_at"]),
                      r["source_id"], ",".join(r["provinces_about"]), ",".join(r["sectors"]),
                      r["event"] or "", r["title"][:60])
    out.print(table)


@app.command()
def show(article_id: Annotated[int, typer.Argument(help="Article id.")]) -> None:
    """Print one article with its tags and the outlets that carried its story."""
    a = articles_service.show_article(state.config, article_id)
    out.print(f"[bold]{a['title']}[/bold]")
    out.print(f"{a['url']}")
    precision = f", {a['date_precision']}" if a.get("date_precision") else ""
    out.print(f"published {china_text(a['published_at'])} (from {a['date_source']}{precision})  "
              f"source {a['source_id']}"
              f"  lang {a['lang']}  charset {a['charset']}")
    for line in origin_lines(a):
        out.print(line, markup=False)
    out.print(f"story {a['story_id']}: carried by {', '.join(a['copies'])}")
    score = {(t["kind"], t["value"]): t["score"] for t in a["tags"]}

    def scored(kind: str, values: list[str]) -> str:
        return ", ".join(f"{v} ({score.get((kind, v), 1.0):g})" for v in values) or "-"

    out.print(f"provinces about: {scored('province', a['provinces_about'])}; mentioned: "
              f"{scored('province', a['provinces_mentioned'])}", markup=False)
    out.print(f"sectors: {scored('sector', a['sectors'])}; event: {a['event']}", markup=False)
    out.print(f"people: {', '.join(a['people']) or '-'}; organisations: "
              f"{', '.join(a['orgs']) or '-'}", markup=False)
    for line in document_lines(a.get("document")):
        out.print(line, markup=False)
    out.print("")
    out.print(a["text"], markup=False)


_DOCUMENT_LABELS = (("number", "文号 document number"), ("issuer", "发文机关 issued by"),
                    ("written", "成文日期 written"), ("published", "发布日期 published"),
                    ("index_no", "索引号 index number"), ("subject", "主题分类 subject"))


def document_lines(document: dict | None) -> list[str]:
    if not document:
        return []
    return ["policy document:"] + [f"  {label}: {document[key]}"
                                   for key, label in _DOCUMENT_LABELS if document.get(key)]


def origin_lines(article: dict) -> list[str]:
    """The outlet the page names (ContentSource, by-line 来源) and the site's column."""
    return [f"{label}: {article[key]}" for key, label in
            (("content_source", "source"), ("column", "column")) if article.get(key)]


@app.command()
def story(
    story_id: Annotated[int, typer.Argument(help="Story id (see `articles --json`).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print one story: when it was first seen and every copy, with source and time."""
    s = articles_service.show_story(state.config, story_id)
    if as_json:
        print(json.dumps(s, ensure_ascii=False))
        return
    out.print(f"story {s['id']}: {s['title']}", markup=False)
    out.print(f"first seen {china_text(s['first_seen_at'])} (article {s['first_article_id']}), "
              f"{s['copy_count']} copies")
    table = Table("article", "source", "published (China time)", "fetched (China time)",
                  "title / url")
    for c in s["copies"]:
        table.add_row(str(c["article_id"]), c["source_id"], china_text(c["published_at"]),
                      china_text(c["fetched_at"]), f"{c['title'][:40]}\n{c['url']}")
    out.print(table)
