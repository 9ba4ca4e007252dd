"""Alert latency: from an item appearing in a feed to its alert arriving at a webhook.

Starts a local feed (one new item at random moments, 4 to 12 s apart), a signed-webhook
receiver, and `provwatch run` as a real process polling the feed every ``--interval``
seconds (min = max interval, so adaptive polling does not move it), with the dispatcher's
own tick left at its default of 60 s: a crawl that stores something dispatches at once.
Each item's latency is the time from its publication in the feed to the receiver getting
its alert. Prints every latency, then p50 and p95.

    python bench/alert_latency.py [--items 24] [--interval 10]

Target: p50 within interval + 2 s. Exit status 0 when met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHINA = timezone(timedelta(hours=8))
SECRET = "bench-secret"


class Feed:
    """/feed.xml lists the newest 10 items; /a/<i>.html are their articles."""

    def __init__(self) -> None:
        self.items: list[tuple[int, datetime]] = []
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def publish(self, i: int) -> None:
        with self.lock:
            self.items.append((i, datetime.now(timezone.utc)))

    def article(self, i: int) -> str:
        when = dict(self.items)[i].astimezone(CHINA)
        title = f"河南省召开第{i}次新能源汽车产业推进会"
        paras = "".join(f"<p>河南省新能源汽车产业推进会第{i}次会议第{k}段：会议研究部署"
                        f"重点项目{1000 + i}号，推动电池与整车产业链协同发展。</p>"
                        for k in range(5))
        return (f'<html><head><meta charset="utf-8"><title>{title}</title>'
                f'<meta name="PubDate" content="{when:%Y-%m-%d %H:%M:%S}"></head><body>'
                f'<div class="article"><h1>{title}</h1>{paras}</div></body></html>')

    def feed(self) -> str:
        with self.lock:
            items = self.items[-10:]
        body = "".join(f"<item><title>item {i}</title><link>{self.url}/a/{i}.html</link>"
                       f"<pubDate>{format_datetime(at)}</pubDate></item>" for i, at in items)
        return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>latency</title><link>{self.url}</link><description>d</description>"
                f"{body}</channel></rss>")

    def _handler(self):
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/feed.xml":
                    kind, body, status = "application/rss+xml", feed.feed(), 200
                elif self.path.startswith("/a/"):
                    kind, status = "text/html; charset=utf-8", 200
                    body = feed.article(int(self.path[3:].split(".")[0]))
                else:
                    kind, body, status = "text/plain", "not found", 404
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


class Receiver:
    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}  # article url -> time.time() of arrival
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                now = time.time()
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                items = ([body["article"]] if body.get("type") == "story.matched" else
                         [i["article"] for s in body.get("sections", []) for i in s["items"]])
                for article in items:
                    receiver.arrived.setdefault(article["url"], now)
                self.send_response(204)
                self.end_headers()

        return Handler


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--items", type=int, default=24, help="items to publish (>= 20)")
    ap.add_argument("--interval", type=int, default=10, help="the feed's poll interval, s")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    folder = Path(tempfile.mkdtemp(prefix="provwatch-latency-"))
    feed, receiver = Feed(), Receiver()
    catalog = folder / "catalog.yaml"
    every = f"{args.interval}s"
    catalog.write_text(yaml.safe_dump({"sources": [{
        "id": "latency_feed", "name": "latency feed", "kind": "feed",
        "urls": [f"{feed.url}/feed.xml"], "province": "henan", "language": "zh",
        "interval": every, "min_interval": every, "max_interval": every}]},
        allow_unicode=True), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVWATCH_")}
    env.update({"PROVWATCH_DATABASE_URL": f"sqlite:///{folder / 'latency.db'}",
                "PROVWATCH_CATALOG": str(catalog), "PROVWATCH_DATA_DIR": str(folder),
                "PROVWATCH_DOWNLOAD_DELAY": "0", "PROVWATCH_OBEY_ROBOTS": "false",
                "PROVWATCH_WEBHOOK_SECRET": SECRET, "PROVWATCH_LOG_FORMAT": "json",
                "PROVWATCH_HEARTBEAT": "2"})
    cli = [sys.executable, "-m", "provwatch.crawler.cli"]
    subprocess.run([*cli, "watch", "add", "henan-nev", "--province", "henan",
                    "--webhook", receiver.url], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    log_path = folder / "daemon.log"
    with open(log_path, "wb") as log:
        daemon = subprocess.Popen([*cli, "run"], env=env, stdout=log, stderr=log, cwd=ROOT)
    print(f"alert latency: {args.items} items, poll every {args.interval}s, dispatcher tick "
          f"60s; folder {folder}", flush=True)
    published: dict[str, float] = {}
    try:
        time.sleep(args.interval + 3)  # the daemon's first crawl of the (empty) feed
        for i in range(args.items):
            feed.publish(i)
            published[f"{feed.url}/a/{i}.html"] = time.time()
            time.sleep(rng.uniform(4, 12))
            if daemon.poll() is not None:
                print(f"the daemon exited ({daemon.returncode}); see {log_path}")
                return 1
        deadline = time.time() + 3 * args.interval + 30
        while len(receiver.arrived) < len(published) and time.time() < deadline:
            time.sleep(0.2)
    finally:
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
    latencies = []
    for url, at in published.items():
        got = receiver.arrived.get(url)
        latencies.append(None if got is None else got - at)
        shown = "never arrived" if got is None else f"{got - at:5.1f}s"
        print(f"  {url.rsplit('/', 1)[1]:>9}  {shown}")
    arrived = [x for x in latencies if x is not None]
    missing = len(latencies) - len(arrived)
    if not arrived:
        print(f"no alert arrived; see {log_path}")
        return 1
    p50, p95 = statistics.median(arrived), percentile(arrived, 0.95)
    target = args.interval + 2
    ok = missing == 0 and p50 <= target and len(arrived) >= 20
    print(f"items {len(latencies)}, arrived {len(arrived)}, missing {missing}")
    print(f"latency p50 {p50:.1f}s  p95 {p95:.1f}s  max {max(arrived):.1f}s  "
          f"(target p50 <= {target}s)")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
