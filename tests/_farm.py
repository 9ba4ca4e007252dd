"""A loopback farm of slow news sources on many hosts, for the scale-out test and bench.

Each host is its own HTTP server on 127.0.0.1 (a port each: provwatch tells hosts apart
by ``host:port``). Each source is a feed on one host listing its articles; the feed is
slow: it is held for ``hold`` seconds, or until ``release(source)``, or forever for a
source in ``blocked`` until it is released. The farm records, per host, how many requests
were in flight at once (the most ever), and per source how many times its feed was read.
Used by tests/test_scale_proof.py and bench/scale_workers.py.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from _pages import page, rss

DATE = "Wed, 18 Nov 2026 09:30:00 +0800"
PROVINCES = ["河南", "广西", "江苏", "四川", "湖北", "山东", "浙江", "福建", "安徽", "湖南"]
SUBJECTS = ["新能源汽车", "集成电路", "清洁能源装备", "人工智能", "生物医药", "现代农业",
            "低空经济", "跨境电商", "氢能", "数据要素", "海洋经济", "文旅消费"]


def article_text(n: int, k: int) -> tuple[str, list[str]]:
    """A distinct short article for source ``n``, item ``k`` (no two fold together)."""
    prov, subj = PROVINCES[n % len(PROVINCES)], SUBJECTS[(n * 7 + k) % len(SUBJECTS)]
    title = f"{prov}第{n}号专项推进会部署{subj}第{k}批项目"
    return title, [f"{prov}省召开第{n}号专项推进会，部署{subj}产业第{k}批重点项目{n * 31 + k}个，"
                   f"总投资{n * 13 + k + 100}亿元，编号{n:03d}-{k:02d}。",
                   f"会议要求各地市围绕{subj}补链强链，第{n}号工作专班于{k + 1}月底前完成"
                   f"{n % 9 + 2}项审批事项，并在{prov}各开发区推广第{n}号试点经验。"] * 2


@dataclass
class Farm:
    hosts: list[str] = field(default_factory=list)  # "127.0.0.1:PORT"
    feeds: dict[str, str] = field(default_factory=dict)  # source id -> feed URL
    host_of: dict[str, str] = field(default_factory=dict)  # source id -> host
    hold: float = 0.5
    blocked: set[str] = field(default_factory=set)
    in_flight: Counter = field(default_factory=Counter)
    most: Counter = field(default_factory=Counter)  # host -> most requests in flight at once
    feed_reads: Counter = field(default_factory=Counter)
    held_now: set[str] = field(default_factory=set)  # sources whose feed is being held
    _releases: dict[str, threading.Event] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _servers: list[ThreadingHTTPServer] = field(default_factory=list)

    def release(self, source: str) -> None:
        with self._lock:
            self.blocked.discard(source)
            event = self._releases.setdefault(source, threading.Event())
        event.set()

    def _wait(self, source: str) -> None:
        with self._lock:
            event = self._releases.setdefault(source, threading.Event())
            event.clear()
            forever = source in self.blocked
            self.held_now.add(source)
        try:
            # bounded: a blocked source's feed is held until released, at most 5 minutes
            event.wait(300 if forever else self.hold)
        finally:
            with self._lock:
                self.held_now.discard(source)

    def close(self) -> None:
        for source in list(self._releases):
            self._releases[source].set()
        for server in self._servers:
            server.shutdown()
            server.server_close()


def _handler(farm: Farm, host_index: int, pages: dict[str, tuple[str, bytes]]):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            host = farm.hosts[host_index]
            with farm._lock:
                farm.in_flight[host] += 1
                farm.most[host] = max(farm.most[host], farm.in_flight[host])
            try:
                path = self.path.split("?", 1)[0]
                if path.startswith("/feed/"):
                    source = path[len("/feed/"):-len(".xml")]
                    with farm._lock:
                        farm.feed_reads[source] += 1
                    farm._wait(source)
                answer = pages.get(path)
                if answer is None:
                    self.send_error(404)
                    return
                content_type, body = answer
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                with farm._lock:
                    farm.in_flight[host] -= 1

    return Handler


def start_farm(sources: int, hosts: int, articles: int = 1, hold: float = 0.5,
               prefix: str = "farm") -> Farm:
    """``sources`` feeds spread round-robin over ``hosts`` hosts, ``articles`` each."""
    farm = Farm(hold=hold)
    per_host: list[dict[str, tuple[str, bytes]]] = [{} for _ in range(hosts)]
    servers = []
    for h in range(hosts):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(farm, h, per_host[h]))
        server.daemon_threads = True
        servers.append(server)
        farm.hosts.append(f"127.0.0.1:{server.server_address[1]}")
    for n in range(sources):
        sid, h = f"{prefix}{n:02d}", n % hosts
        base = f"http://{farm.hosts[h]}"
        items = []
        for k in range(articles):
            title, paragraphs = article_text(n, k)
            path = f"/a/{sid}/{k}.html"
            per_host[h][path] = ("text/html; charset=utf-8", page(title, paragraphs).encode())
            items.append((title, base + path, DATE))
        per_host[h][f"/feed/{sid}.xml"] = ("application/rss+xml", rss(items).encode())
        farm.feeds[sid] = f"{base}/feed/{sid}.xml"
        farm.host_of[sid] = farm.hosts[h]
    for server in servers:
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True,
                         name="farm-host").start()
    farm._servers = servers
    return farm


def farm_catalog(farm: Farm, interval: str = "1h") -> dict:
    """The farm's sources as a provwatch catalog (YAML-ready dict)."""
    return {"sources": [{"id": sid, "name": sid, "kind": "feed", "urls": [url],
                         "province": "henan", "language": "zh", "interval": interval}
                        for sid, url in sorted(farm.feeds.items())]}
