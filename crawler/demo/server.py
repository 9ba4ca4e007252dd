"""Local servers for the demo: the demo site as an HTTP proxy, and a webhook receiver.

The site answers as a forward proxy: crawls ask it for ``http://gov.provwatch.test/...``
and it serves ``site/gov.provwatch.test/...``. Article URLs therefore stay the same
from one run to the next, whatever free port the server gets.
"""

from __future__ import annotations

import json
import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

SITE = Path(__file__).parent / "site"
_TYPES = {".html": "text/html", ".htm": "text/html", ".xml": "application/rss+xml",
          ".json": "application/json", ".txt": "text/plain"}


class _Quiet(BaseHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002 - stdlib signature
        pass


class SiteHandler(_Quiet):
    root: Path = SITE

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        parts = urlsplit(self.path)
        host = (parts.hostname or self.headers.get("Host") or "").split(":")[0].lower()
        path = parts.path if parts.scheme else self.path.split("?", 1)[0]
        base = (self.root / host).resolve()
        target = (base / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not host or base not in target.parents or not target.is_file():
            self.send_error(404)
            return
        body = target.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", _TYPES.get(target.suffix) or
                         mimetypes.guess_type(target.name)[0] or "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server:
    """A ThreadingHTTPServer on 127.0.0.1, port 0, in a daemon thread; a context manager."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        assert isinstance(host, str)  # an AF_INET server's address (bytes only for AF_UNIX)
        return f"http://{host}:{port}"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


def site_server(root: Path = SITE) -> Server:
    handler = type("DemoSite", (SiteHandler,), {"root": root})
    return Server(handler)


def webhook_receiver(folder: Path) -> Server:
    """Writes each POSTed JSON body to ``folder/<n>.json`` and answers 204."""
    folder.mkdir(parents=True, exist_ok=True)
    lock = threading.Lock()

    class Receiver(_Quiet):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                payload = json.loads(body)
            except ValueError:
                self.send_error(400, "not JSON")
                return
            with lock:
                n = len(list(folder.glob("*.json"))) + 1
                record = {"path": self.path, "headers": dict(self.headers), "payload": payload}
                (folder / f"{n:04d}.json").write_text(
                    json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
            self.send_response(204)
            self.end_headers()

    return Server(Receiver)
