"""Ingest throughput beside bare trafilatura, on the same real pages, in the same run.

    python bench/ingest_throughput.py [--rounds R]

The pages are ../shared/fixtures' Chinese ones (zh_web_extraction's 69, and those of
readability_zh, newspaper4k_zh and fundus_cn). The baseline is ``trafilatura.extract``
on each page's decoded HTML (text only: no dates, no tags, no storage). provwatch's figure
is the whole ingest path, ``pipelines.chain.Chain`` into a fresh SQLite database: charset,
extraction with our date and document rules, normalising, the fingerprint, tagging and
the store transaction (article, story, tags, fingerprint, attention marks; one watchlist
to match), and the search index, which SQLite's store stage writes every 64 articles and
when it closes (migration 0020), timed with the rest. Each round times both over every
page, in CPU time of this process (the issue's measure: "CPU, same run"), which other
processes on a shared machine disturb far less than wall time. The medians of the
rounds' times are printed, and the ratio of throughputs (ours / trafilatura's) as the
median of the rounds' own ratios, each from two timings taken back to back (a slow spell
of the machine then slows both sides of one ratio instead of one side of the medians),
with their range and the wall-clock ratio beside it. The issue's target is at least 0.8.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import trafilatura

from provwatch.alerts.watchlist import validate
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import close_all, open_database, transaction
from provwatch.pipelines.chain import Chain
from provwatch.pipelines.decoding import DecodeError, decode_html
from provwatch.pipelines.items import ArticleItem

HERE = Path(__file__).resolve().parent
NOW = datetime(2026, 12, 6, tzinfo=timezone.utc)


def _pages() -> list[tuple[str, bytes]]:
    """(url, bytes) of every Chinese fixture page, via bench/extraction.py's readers."""
    spec = importlib.util.spec_from_file_location("bench_extraction", HERE / "extraction.py")
    extraction = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = extraction
    spec.loader.exec_module(extraction)
    if not extraction.ZH.exists():
        return []
    pages = [(p.url or f"https://zh.example/{p.id}", p.body) for p in extraction.load_pages()]
    pages += [(url or f"https://{kind}.example/{name}", body)
              for kind, name, body, url, *_ in extraction.other_pages()]
    return pages


def _trafilatura(pages) -> tuple[float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    for _, body in pages:
        try:
            html, _ = decode_html(body)
        except DecodeError:
            html = body.decode("gb18030", "replace")
        trafilatura.extract(html)
    return time.process_time() - cpu, time.perf_counter() - started


def _ingest(pages, round_no: int) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory(prefix="ingest_bench_") as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        with transaction(open_database(url)) as session:
            spec = validate("all", provinces=["henan", "guangdong", "beijing"],
                            channels=["webhook:http://127.0.0.1:9/"])
            repository.add_watchlist(session, **spec.to_row())
        items = [ArticleItem(url=f"{u}#r{round_no}-{n}", source_id="bench", body=body,
                             fetched_at=NOW) for n, (u, body) in enumerate(pages)]
        started, cpu = time.perf_counter(), time.process_time()
        with Chain(url) as chain:  # closing it indexes the last articles for search
            stored = chain.run(items)
        cpu, seconds = time.process_time() - cpu, time.perf_counter() - started
        close_all()
    return cpu, seconds, stored


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    pages = _pages()
    if not pages:
        print("no fixture pages: ../shared/fixtures/zh_web_extraction is missing")
        return 1
    _trafilatura(pages[:5])  # warm both paths: imports, the gazetteer, OpenCC
    _ingest(pages[:5], -1)
    bare, ours, bare_wall, ours_wall, stored = [], [], [], [], 0
    for n in range(args.rounds):
        cpu, wall = _trafilatura(pages)
        bare.append(cpu)
        bare_wall.append(wall)
        cpu, wall, stored = _ingest(pages, n)
        ours.append(cpu)
        ours_wall.append(wall)
    b, o = statistics.median(bare), statistics.median(ours)
    # throughputs over the same pages, (n / o) / (n / b), per round: a round times both
    # back to back, so a slow spell of a shared machine slows both sides of its ratio
    ratios = sorted(x / y for x, y in zip(bare, ours, strict=True))
    ratio = statistics.median(ratios)
    wall_ratio = statistics.median(x / y for x, y in zip(bare_wall, ours_wall, strict=True))
    print(f"{len(pages)} pages, {args.rounds} rounds (medians, CPU time)")
    print(f"  trafilatura.extract: {b:.2f} s, {len(pages) / b:.1f} pages/s")
    print(f"  provwatch ingest:    {o:.2f} s, {len(pages) / o:.1f} pages/s "
          f"({stored} stored, the rest dropped as copies, empty or undecodable)")
    print(f"  ratio of throughputs: {ratio:.2f}, median of the rounds' (from {ratios[0]:.2f} "
          f"to {ratios[-1]:.2f}) (target >= 0.8: {'PASS' if ratio >= 0.8 else 'FAIL'}); "
          f"wall-clock ratio {wall_ratio:.2f}")
    return 0 if ratio >= 0.8 else 1


if __name__ == "__main__":
    sys.exit(main())
