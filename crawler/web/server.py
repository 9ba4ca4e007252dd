"""Running the app: check the address, open the database, listen, serve until stopped.

uvicorn serves in this one process; the socket is bound here first so that ``--port 0``
prints the port the system chose, and the line with the URL is printed only when the
server can take requests on it.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

import uvicorn
from sqlalchemy.exc import SQLAlchemyError

from provwatch.crawler.config import Config, redact_url
from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.redact import redact
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import driver_line, open_database, transaction
from provwatch.crawler.web.app import create_app
from provwatch.crawler.web.security import check_bind


def refresh_statistics(sessions, say: Callable[[str], None]) -> None:
    """The query planner's statistics, gathered once as the app starts (SQLite gathers
    none itself; the daemon refreshes them every few hours): the views' queries were shaped
    for indexes the planner picks only when it knows the tables. A database it may not
    write to (a read-only copy) is served all the same, with one line saying so."""
    try:
        with transaction(sessions) as session:
            repository.refresh_statistics(session)
    except SQLAlchemyError as e:
        say(f"provwatch serve: planner statistics not refreshed ({redact(driver_line(e))}); "
            "serving anyway")


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
    sessions = open_database(config.database_url, create=False)  # missing: say so now
    refresh_statistics(sessions, say)
    app = create_app(config, host=host)
    sock = _listen(host, port)
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    url = f"http://{shown}:{sock.getsockname()[1]}/"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           lifespan="off", server_header=False))
    say(f"provwatch serve: {url} over {redact_url(config.database_url)} (Ctrl-C to stop)")
    server.run(sockets=[sock])
