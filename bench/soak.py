"""Soak benchmark: hundreds of scheduled crawls in one daemon, with its memory over time.

Starts a local news site (feeds that gain an article every few seconds, one feed that
never answers, one that fails every other time), runs `provwatch run` on it as a real
process until it has finished ``--crawls`` crawl runs, samples the daemon's resident
memory (RSS, the daemon process only: crawls run in child processes) after every
``--every`` runs, then stops it with SIGTERM and reports:

- RSS across the runs, and its growth over the last 200 (target: under 10%);
- outcomes (the hanging feed is killed at crawl_timeout each time and its schedule goes
  on), and how long the SIGTERM stop took (target: under 10 s, exit status 0).

    python bench/soak.py [--crawls 320] [--sources 6] [--workers 4]

Exit status 0 when both targets are met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psutil
import yaml
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
TOPICS = ["新能源汽车", "人工智能", "集成电路", "生物医药", "低空经济", "清洁能源", "数字经济",
          "先进制造"]
PROVINCES = ["河南", "湖北", "广西", "四川", "江苏", "浙江", "广东", "海南"]


class NewsSite:
    """Feeds /feed/<n>.xml whose newest item appears every ``every`` seconds; articles
    /a/<n>/<i>.html; /hang.xml never answers in time; /flaky.xml fails every other call."""

    def __init__(self, feeds: int, every: float) -> None:
        self.feeds, self.every, self.started = feeds, every, time.monotonic()
        self.flaky_calls = 0
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def newest(self) -> int:
        return int((time.monotonic() - self.started) / self.every)

    def article(self, feed: int, i: int) -> str:
        province, topic = PROVINCES[(feed + i) % 8], TOPICS[(feed * 3 + i) % 8]
        title = f"{province}召开第{i}次{topic}产业推进会（{feed}号频道）"
        paras = "".join(
            f"<p>{province}第{i}次{topic}产业推进会第{k}段：会议研究部署{topic}"
            f"重点项目{feed * 1000 + i}号，推动产业链协同发展，落实年度目标任务。</p>"
            for k in range(6))
        return (f'<html><head><meta charset="utf-8"><title>{title}</title>'
                f'<meta name="PubDate" content="2026-11-20 09:{i % 60:02d}"></head><body>'
                f'<div class="article"><h1>{title}</h1>{paras}</div></body></html>')

    def feed(self, feed: int) -> str:
        newest = self.newest()
        items = "".join(
            f"<item><title>{feed}-{i}</title><link>{self.url}/a/{feed}/{i}.html</link>"
            f"<pubDate>Fri, 20 Nov 2026 09:30:00 +0800</pubDate></item>"
            for i in range(max(0, newest - 9), newest + 1))
        return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>soak {feed}</title><link>{self.url}</link><description>d</description>"
                f"{items}</channel></rss>")

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                status, kind, body = 200, "text/html; charset=utf-8", ""
                parts = self.path.strip("/").split("/")
                if self.path == "/hang.xml":
                    time.sleep(3600)
                    return
                if self.path == "/flaky.xml":
                    site.flaky_calls += 1
                    if site.flaky_calls % 2:
                        status, body = 500, "busy"
                    else:
                        kind, body = "application/rss+xml", site.feed(99)
                elif parts[0] == "feed":
                    kind, body = "application/rss+xml", site.feed(int(parts[1].split(".")[0]))
                elif parts[0] == "a" and len(parts) == 3:
                    body = site.article(int(parts[1]), int(parts[2].split(".")[0]))
                else:
                    status, body = 404, "not found"
                data = body.encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

        return Handler


def catalog(site: NewsSite, sources: int, folder: Path) -> Path:
    entries = [{"id": f"feed_{n}", "name": f"soak {n}", "kind": "feed",
                "urls": [f"{site.url}/feed/{n}.xml"], "province": "henan", "language": "zh",
                "interval": "1s", "min_interval": "1s", "max_interval": "4s"}
               for n in range(sources)]
    entries.append({"id": "hang", "name": "hangs", "kind": "feed",
                    "urls": [f"{site.url}/hang.xml"], "province": "henan", "language": "zh",
                    "interval": "1s", "max_backoff": "2s"})
    entries.append({"id": "flaky", "name": "flaky", "kind": "feed",
                    "urls": [f"{site.url}/flaky.xml"], "province": "henan", "language": "zh",
                    "interval": "1s", "max_backoff": "2s"})
    path = folder / "catalog.yaml"
    path.write_text(yaml.safe_dump({"sources": entries}, allow_unicode=True), encoding="utf-8")
    return path


def count_runs(engine) -> tuple[int, Counter]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT outcome, count(*) FROM crawl_runs GROUP BY outcome"))
        outcomes = Counter({outcome: n for outcome, n in rows})
    return sum(outcomes.values()), outcomes


def rss_mb(proc: psutil.Process) -> float:
    return proc.memory_info().rss / 2**20


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--crawls", type=int, default=320, help="crawl runs to wait for")
    ap.add_argument("--sources", type=int, default=6, help="growing feeds")
    ap.add_argument("--workers", type=int, default=4, help="concurrent crawls")
    ap.add_argument("--every", type=int, default=10, help="sample RSS every N runs")
    args = ap.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="provwatch-soak-"))
    site = NewsSite(args.sources, every=2.0)
    db = folder / "soak.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update({"PROVWATCH_DATABASE_URL": f"sqlite:///{db}",
                "PROVWATCH_CATALOG": str(catalog(site, args.sources, folder)),
                "PROVWATCH_DATA_DIR": str(folder), "PROVWATCH_DOWNLOAD_DELAY": "0",
                "PROVWATCH_OBEY_ROBOTS": "false", "PROVWATCH_CRAWL_TIMEOUT": "15",
                "PROVWATCH_DOWNLOAD_TIMEOUT": "30", "PROVWATCH_WORKERS": str(args.workers),
                "PROVWATCH_HEARTBEAT": "1", "PROVWATCH_ALERT_INTERVAL": "2",
                "PROVWATCH_STOP_GRACE": "3", "PROVWATCH_LOG_FORMAT": "json"})
    log_path = folder / "daemon.log"
    print(f"soak: {args.sources} growing feeds + 1 hanging + 1 flaky, {args.workers} workers, "
          f"until {args.crawls} crawl runs; folder {folder}", flush=True)
    with open(log_path, "wb") as log:
        daemon = subprocess.Popen([sys.executable, "-m", "provwatch.crawler.cli", "run"], env=env,
                                  stdout=log, stderr=log, cwd=ROOT)
    proc = psutil.Process(daemon.pid)
    engine = None
    samples: list[tuple[int, float]] = []  # (runs done, RSS MB)
    started = time.monotonic()
    next_mark = 1  # the first sample once the daemon has settled after its first run
    try:
        while True:
            if daemon.poll() is not None:
                print(f"the daemon exited early ({daemon.returncode}); see {log_path}")
                return 1
            if engine is None and db.exists():
                engine = create_engine(f"sqlite:///{db}")
            done = 0
            if engine is not None:
                try:
                    done, _ = count_runs(engine)
                except Exception:  # the schema is being created
                    done = 0
            if done >= next_mark:
                samples.append((done, rss_mb(proc)))
                print(f"  {done:4d} runs  RSS {samples[-1][1]:6.1f} MB  "
                      f"{time.monotonic() - started:6.0f}s", flush=True)
                next_mark = done - done % args.every + args.every
            if done >= args.crawls:
                break
            time.sleep(0.2)
    finally:
        t0 = time.monotonic()
        daemon.send_signal(signal.SIGTERM)
        try:
            code = daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
            code = daemon.wait()
        stop_seconds = time.monotonic() - t0
    elapsed = time.monotonic() - started
    total, outcomes = count_runs(engine)
    with engine.connect() as conn:
        articles = conn.execute(text("SELECT count(*) FROM articles")).scalar()
        killed = conn.execute(text("SELECT count(*) FROM crawl_runs WHERE source_id='hang' "
                                   "AND outcome='timeout'")).scalar()
    end_runs = samples[-1][0]
    start_runs = end_runs - 200

    def around(runs: int) -> float:
        near = sorted(samples, key=lambda s: abs(s[0] - runs))[:3]
        return statistics.median(s[1] for s in near)

    rss_start, rss_end = around(start_runs), around(end_runs)
    growth = (rss_end - rss_start) / rss_start * 100
    print()
    print(f"crawl runs: {total} in {elapsed:.0f}s "
          f"({', '.join(f'{k} {v}' for k, v in sorted(outcomes.items()))}); "
          f"articles stored: {articles}; hung crawls killed: {killed}")
    print(f"daemon RSS: first sample {samples[0][1]:.1f} MB, max {max(s[1] for s in samples):.1f}"
          f" MB; at run {start_runs}: {rss_start:.1f} MB, at run {end_runs}: {rss_end:.1f} MB"
          f" -> growth over the last 200 runs {growth:+.1f}% (target < 10%)")
    print(f"SIGTERM to exit: {stop_seconds:.1f}s, exit status {code} (target < 10 s, 0)")
    ok = growth < 10 and stop_seconds < 10 and code == 0 and killed > 0 and total >= args.crawls
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
