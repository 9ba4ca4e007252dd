"""`provwatch articles`, `show` and `story`: the stored archive in the terminal."""

from __future__ import annotations

import csv
import json
import sys
from enum import Enum
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from provwatch.crawler.chinatime import china_text
from provwatch.crawler.cli.app import app, day_option, out, state, until_option

CSV_COLUMNS = ("id", "published_at", "source_id", "provinces_about", "provinces_mentioned",
               "sectors", "event", "people", "orgs", "story_id", "title", "url")


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def _service():
    # lazy: SQLAlchemy and the migrations load only when a command reads the database
    from provwatch.crawler.services import articles as articles_service

    return articles_service


@app.command()
def articles(
    province: Annotated[list[str] | None, typer.Option(
        help="Province id or name: henan, Henan, 河南 (repeatable; any of them).")] = None,
    sector: Annotated[list[str] | None, typer.Option(
        help="Sector id or name: nev, 新能源汽车 (repeatable; any of them).")] = None,
    event: Annotated[list[str] | None, typer.Option(
        help="Event kind, e.g. policy_document (repeatable; any of them).")] = None,
    source: Annotated[list[str] | None, typer.Option(
        help="Source id (repeatable; any of them).")] = None,
    since: Annotated[str | None, typer.Option(
        help="Published on or after this China day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(
        help="Published on or before this China day, the whole day (YYYY-MM-DD).")] = None,
    q: Annotated[list[str] | None, typer.Option(
        "--q", help="Text in the title or body (Chinese as written, Latin in any case; "
                    "repeatable: each must occur).")] = None,
    org: Annotated[list[str] | None, typer.Option(
        help="Organisation named in the tags, part of the name will do (repeatable).")] = None,
    person: Annotated[list[str] | None, typer.Option(
        help="Person named in the tags, part of the name will do (repeatable).")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 50,
    fmt: Annotated[Format, typer.Option(
        "--format", help="table, json (one object per line) or csv.")] = Format.table,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
) -> None:
    """List stored articles, newest first. Filters combine: any value within one option,
    every option given (`--province henan --province hubei --sector nev`)."""
    rows = _service().list_articles(
        state.stored_config, provinces=province or (), sectors=sector or (), events=event or (),
        sources=source or (), since=day_option(since, "--since"),
        until=until_option(until, "--until"), text=q or (), orgs=org or (),
        people=person or (), limit=limit)
    if as_json or fmt is Format.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    elif fmt is Format.csv:
        write_csv(rows)
    else:
        out.print(articles_table(rows))


def write_csv(rows: list[dict]) -> None:
    """One header line, then one line per article; lists joined with ';'."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow([";".join(v) if isinstance(v, list) else ("" if v is None else v)
                         for v in (r[c] for c in CSV_COLUMNS)])


def articles_table(rows: list[dict]) -> Table:
    table = Table(title=f"{len(rows)} articles")
    table.add_column("id", no_wrap=True)
    table.add_column("published (China time)", no_wrap=True)
    for name in ("source", "about", "sectors", "event", "title"):
        table.add_column(name)
    for r in rows:
        table.add_row(str(r["id"]), china_text(r["published_at"]), r["source_id"],
                      ",".join(r["provinces_about"]), ",".join(r["sectors"]), r["event"] or "",
                      escape(cut(r["title"], 60)))
    return table


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, ending in … when it was cut."""
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


@app.command()
def show(article_id: Annotated[int, typer.Argument(help="Article id.")]) -> None:
    """Print one article with its tags and the outlets that carried its story."""
    a = _service().show_article(state.stored_config, article_id)
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
    for line in org_lines(a.get("org_refs") or []):
        out.print(line, markup=False)
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


def org_lines(refs: list[dict]) -> list[str]:
    """One line per known organisation: id, kind, tickers, role (比亚迪股份有限公司: byd,
    private_company, 002594.SZ 1211.HK, subject)."""
    return ["known organisations:"] + [
        f"  {r.get('name')}: {r.get('id')}, {r.get('kind')}"
        + (f", {' '.join(r['tickers'])}" if r.get("tickers") else "") + f", {r.get('role')}"
        for r in refs] if refs else []


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
    s = _service().show_story(state.stored_config, story_id)
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
                      china_text(c["fetched_at"]), f"{cut(c['title'], 40)}\n{c['url']}")
    out.print(table)
