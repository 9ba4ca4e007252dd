"""Real loopback servers for tests: an SMTP server, a webhook receiver, a silent socket."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

__all__ = ["smtp_server", "webhook_receiver", "silent_server"]

LOOPBACK = "127.0.0.1"


# --- SMTP -----------------------------------------------------------------------------


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes


@dataclass
class SmtpServer:
    """What the ``smtp_server`` fixture yields; set ``reject_with`` to refuse recipients."""

    host: str = LOOPBACK
    port: int = 0
    messages: list[ReceivedMail] = field(default_factory=list)
    reject_with: str | None = None  # e.g. "550 no such user"


class _Handler:
    def __init__(self, state: SmtpServer) -> None:
        self.state = state

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.state.reject_with:
            return self.state.reject_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        self.state.messages.append(
            ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), parsed, raw)
        )
        return "250 Message accepted for delivery"


class _Controller(Controller):
    """aiosmtpd's Controller, but binding port 0 and learning the port the OS chose."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    state = SmtpServer()
    controller = _Controller(_Handler(state), hostname=LOOPBACK, port=0)
    controller.start()
    state.port = controller.port
    try:
        yield state
    finally:
        controller.stop()


# --- webhook receiver -----------------------------------------------------------------


@dataclass
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    body: bytes
    json: Any  # None when the body is not JSON


@dataclass
class WebhookReceiver:
    """What ``webhook_receiver`` yields; ``statuses`` are answered in order, then 200;
    ``on_request`` runs after a request is recorded, before the answer."""

    url: str = ""
    requests: list[ReceivedRequest] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    on_request: Callable[[], None] | None = None


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released): a connection is refused
    at once, the quickest unreachable server there is."""
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def read_body(handler: BaseHTTPRequestHandler) -> tuple[bytes, Any]:
    """A POST's body, and its JSON (None when it is not JSON)."""
    body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
    try:
        return body, json.loads(body)
    except ValueError:
        return body, None


def _handler_for(state: WebhookReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body, parsed = read_body(self)
            state.requests.append(ReceivedRequest(self.path, dict(self.headers), body, parsed))
            status = state.statuses.pop(0) if state.statuses else 200
            if state.on_request is not None:
                state.on_request()
            reply = f"status {status} from test receiver".encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return Handler


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    state = WebhookReceiver()
    server = ThreadingHTTPServer((LOOPBACK, 0), _handler_for(state))
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="webhook-receiver", daemon=True
    )
    thread.start()
    state.url = f"http://{LOOPBACK}:{server.server_address[1]}/hook"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- a server that accepts and never answers ------------------------------------------


@dataclass
class SilentServer:
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/hook"


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    """Accepts connections and holds them open without a byte, for at most 10 seconds."""
    listener = socket.create_server((LOOPBACK, 0))
    listener.settimeout(0.1)
    done = threading.Event()

    def hold() -> None:
        held: list[socket.socket] = []
        try:
            while not done.is_set():
                try:
                    conn, _ = listener.accept()
                except TimeoutError:
                    continue
                held.append(conn)
        finally:
            for conn in held:
                conn.close()

    thread = threading.Thread(target=hold, name="silent-server", daemon=True)
    thread.start()
    timer = threading.Timer(10.0, done.set)
    timer.start()
    try:
        yield SilentServer(LOOPBACK, listener.getsockname()[1])
    finally:
        done.set()
        timer.cancel()
        thread.join(timeout=5)
        listener.close()
