"""Speed of `provwatch serve`: every page and API route, at archive scale, on SQLite and
PostgreSQL.

    python bench/web_pages.py [--backend sqlite|postgresql|both] [--calls N] [--small]
                              [--route PREFIX]

Fills a scratch database (bench/scratch.py) with 100,000 articles (80,000 stories: every
fifth article a syndicated copy), 1,000,000 tag rows (ten per article), 10,000 meetings
with their hosts and guests, 20 watchlists, 20,000 deliveries and 20,000 crawl runs
(bench/web_fill.py; ``--small``: a twentieth of each, for a quick run). Then it builds the
app ``provwatch serve`` serves and requests every GET route the app has (discovered from
its routes, so every view of every branch is timed; path parameters take a sample value
by name), each ``N`` times (default 20) after one warm-up call, plus the filtered variants
in ``VARIANTS``. Server time is the time the ASGI app takes from the request to the last
byte of its answer, in this process (no socket, no client). Printed per route: status,
p50 and p95 in ms, and whether p95 is under the issue's 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from scratch import scratch_database  # bench/scratch.py
from web_fill import fill  # bench/web_fill.py

from provwatch.crawler.config import load_config
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.web.app import build_app

TARGET_MS = 300.0
PARAM = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")  # {name} or {name:type}
SKIP = ("/static",)  # files, not views
SAMPLES = {  # a path parameter's sample value, by its name
    "story_id": "40", "story": "40", "province": "henan", "key": "byd", "org": "byd",
    "name": "watch-01", "watchlist": "watch-01", "source": "demo_gov", "source_id": "demo_gov",
}
VARIANTS = {  # filtered requests worth timing beside each route's bare one
    "/meetings": ("province=henan", "sector=nev&since=2026-01-01",
                  "guest_kind=private_company&period=week", "org=BYD", "host=王建国"),
    "/api/meetings": ("province=guangdong&limit=500",),
    "/meetings/graph": ("province=henan", "top=100"),
    "/alerts": ("status=failed",),
    "/sources": ("state=bad", "runs=failed"),
    "/attention": ("since=2025-01-01&until=2026-12-06",),
    "/search": ("q=新能源汽车", "q=招商引资&province=henan"),
    "/api/search": ("q=产业链",),
}


async def call(app: Any, target: str) -> tuple[int, bytes, float]:
    """One GET through the ASGI app: (status, body, server milliseconds)."""
    path, _, query = target.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": query.encode(), "root_path": "",
             "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 40000),
             "server": ("127.0.0.1", 8080)}
    answer: dict[str, Any] = {"status": 0, "body": b""}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    started = time.perf_counter()
    await app(scope, receive, send)
    return answer["status"], answer["body"], (time.perf_counter() - started) * 1000


def targets(app: Any, prefix: str = "") -> tuple[list[str], list[str]]:
    """(every GET target to time, routes skipped and why)."""
    out, skipped = [], []
    for route in _walk(app.routes):
        path = getattr(route, "path", "")
        methods = getattr(route, "methods", None) or set()
        if "GET" not in methods or path.startswith(SKIP) or not path.startswith(prefix):
            continue
        params = list(dict.fromkeys(PARAM.findall(path)))
        missing = [p for p in params if p not in SAMPLES]
        if missing:
            skipped.append(f"{path} (no sample for {', '.join(missing)})")
            continue
        target = PARAM.sub(lambda m: SAMPLES[m.group(1)], path)
        out.append(target)
        out += [f"{target}?{q}" for q in VARIANTS.get(path, ())]
    return out, skipped


def _walk(routes: list[Any]) -> Any:
    """Every route, those of included routers too (FastAPI keeps an included router whole
    in ``original_router``; the views' routers have no prefix)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _walk(inner.routes)
        else:
            yield route


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] \
        if len(values) > 1 else values[0]


async def time_all(app: Any, wanted: list[str], calls: int) -> list[tuple]:
    rows = []
    for target in wanted:
        status, body, _ = await call(app, target)  # warm: templates, first query plans
        times = []
        for _ in range(calls):
            status, body, ms = await call(app, target)
            times.append(ms)
        why = body.decode("utf-8", "replace").strip().splitlines()[0][:100] \
            if status >= 400 and body else ""
        rows.append((target, status, percentile(times, 50), percentile(times, 95), why))
    return rows


def run(backend: str, args: argparse.Namespace) -> bool:
    scale = 20 if args.small else 1
    with scratch_database(backend, "web") as (url, _):
        started = time.perf_counter()
        counts = fill(open_database(url)().get_bind(), 100_000 // scale, 10_000 // scale)
        filled = time.perf_counter() - started
        config = load_config(env={}, overrides={"database_url": url,
                                                "data_dir": str(Path(tempfile.gettempdir()))})
        app = build_app(config)
        wanted, skipped = targets(app, args.route)
        rows = asyncio.run(time_all(app, wanted, args.calls))
    print(f"\n{backend}: " + ", ".join(f"{n:,} {t}" for t, n in counts.items())
          + f" (filled in {filled:.0f} s); {args.calls} calls per route")
    print(f"{'route':<58} {'status':>6} {'p50 ms':>8} {'p95 ms':>8}  p95 < {TARGET_MS:.0f} ms")
    ok = True
    for target, status, p50, p95, why in rows:
        good = status < 400 and p95 < TARGET_MS
        ok &= good
        print(f"{target[:58]:<58} {status:>6} {p50:>8.1f} {p95:>8.1f}  "
              f"{'yes' if good else 'NO'}{'  ' + why if why else ''}")
    for s in skipped:
        print(f"skipped: {s}")
    slowest = max(rows, key=lambda r: r[3])
    print(f"{backend}: {sum(1 for r in rows if r[1] < 400 and r[3] < TARGET_MS)} of "
          f"{len(rows)} routes under {TARGET_MS:.0f} ms at p95; slowest {slowest[0]} "
          f"{slowest[3]:.0f} ms")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--small", action="store_true",
                        help="a twentieth of the rows, for a quick run")
    parser.add_argument("--route", default="", help="only routes starting with this")
    args = parser.parse_args(argv)
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    return 0 if all([run(b, args) for b in backends]) else 1


if __name__ == "__main__":
    sys.exit(main())
