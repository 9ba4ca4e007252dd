"""A programmable local website for spider tests: real HTTP on 127.0.0.1, port 0.

``site.add(path, body)`` serves a fixed answer to GET (``methods=("GET", "POST")`` to
accept POST too). ``body`` may instead be a callable: a dynamic route, called with the
``SiteRequest`` and answering ``(status, content_type, body)``; a dynamic route also
answers any query string on its path (a fixed route answers its exact path only).

Every request is recorded: ``site.hits`` lists the paths (query included) in order, and
``site.requests`` the full requests (method, path, headers, body).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest


@dataclass(frozen=True)
class SiteRequest:
    """One request the site received."""

    method: str
    path: str  # with its query string, as sent
    headers: dict[str, str]
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """A request header by name, in any case."""
        lower = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lower), None)

    @property
    def route(self) -> str:
        return urlsplit(self.path).path

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))

    @property
    def form(self) -> dict[str, str]:
        """The body as a urlencoded form (empty when it is none)."""
        return dict(parse_qsl(self.body.decode("latin-1"), keep_blank_values=True))


Answer = tuple[int, str, str | bytes]
Handler = Callable[[SiteRequest], Answer]


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    methods: tuple[str, ...] = ("GET",)
    handler: Handler | None = None  # a dynamic route: the answer depends on the request


@dataclass
class LocalSite:
    url: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    requests: list[SiteRequest] = field(default_factory=list)

    def add(self, path: str, body: str | bytes | Handler = b"", **kw) -> str:
        if callable(body):
            kw.setdefault("methods", ("GET", "POST"))
            route = Route(handler=body, **kw)
        else:
            route = Route(body.encode() if isinstance(body, str) else body, **kw)
        self.routes[path] = route
        return self.url + path

    def route_for(self, path: str) -> Route | None:
        route = self.routes.get(path)
        if route is None:
            route = self.routes.get(urlsplit(path).path)
            if route is not None and route.handler is None:
                return None  # a fixed route answers its exact path only
        return route

    def requests_to(self, route: str, method: str | None = None) -> list[SiteRequest]:
        """The requests made to ``route`` (a path without query), in order."""
        return [r for r in self.requests
                if r.route == route and (method is None or r.method == method)]


def _handler(site: LocalSite):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            self._answer("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._answer("POST")

        def _answer(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = SiteRequest(method, self.path, dict(self.headers.items()), body)
            site.hits.append(self.path)
            site.requests.append(request)
            route = site.route_for(self.path)
            if route is None:
                self.send_error(404)
                return
            if method not in route.methods:
                self.send_error(405)
                return
            if route.delay:
                time.sleep(route.delay)
            etag = route.headers.get("ETag")
            if etag and method == "GET" and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            status, content_type, payload = route.status, route.content_type, route.body
            if route.handler is not None:
                status, content_type, answer = route.handler(request)
                payload = answer.encode() if isinstance(answer, str) else answer
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                for k, v in route.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

    return Handler


@pytest.fixture
def local_site() -> Iterator[LocalSite]:
    site = LocalSite()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    httpd.daemon_threads = True
    site.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield site
    httpd.shutdown()
    httpd.server_close()
    thread.join()
