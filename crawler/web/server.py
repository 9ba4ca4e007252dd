"""Running the app: check the address, open the database, listen, serve until stopped.

uvicorn serves in this one process; the socket is bound here first so that ``--port 0``
prints the port the system chose, and the line with the URL is printed only when the
server can take requests on it.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

import uvicorn

from provwatch.crawler.config import Config, redact_url
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.storage.db import open_database
from provwatch.crawler.web.app import create_app
from provwatch.crawler.web.security import check_bind


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as e:
        sock.close()
        raise ProvwatchError(f"serve: cannot listen on {host}:{port}: "
                             f"{e.strerror or e}") from None
    sock.listen(128)
    return sock


def serve(config: Config, host: str, port: int, say: Callable[[str], None]) -> None:
    """Serve the app on ``host:port`` until SIGINT/SIGTERM."""
    check_bind(host, config.web_token)
    open_database(config.database_url, create=False)  # missing file or schema: say so now
    app = create_app(config, host=host)
    sock = _listen(host, port)
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    url = f"http://{shown}:{sock.getsockname()[1]}/"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           lifespan="off", server_header=False))
    say(f"provwatch serve: {url} over {redact_url(config.database_url)} (Ctrl-C to stop)")
    server.run(sockets=[sock])
