"""`provwatch serve`: the web app over the archive (crawler/web)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from provwatch.crawler.cli.app import app, out, state
from provwatch.crawler.config import Config
from provwatch.crawler.config_table import check_database_url
from provwatch.crawler.errors import ProvwatchError


def database_of(value: str) -> str:
    """``--db``: a database URL as given, or a SQLite file's path made into one."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def run_server(config: Config, host: str, port: int) -> None:
    # lazy: FastAPI, uvicorn and Jinja2 load only for the web app
    from provwatch.crawler.web.server import serve as serve_app

    serve_app(config, host, port, lambda line: out.print(line, markup=False, highlight=False))


@app.command()
def serve(
    host: Annotated[str, typer.Option(
        help="Address to listen on; anything but loopback needs web_token set.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(
        min=0, max=65535, help="Port to listen on (0: any free port, printed).")] = 8080,
    db: Annotated[str | None, typer.Option(
        "--db", help="Serve this SQLite file or database URL instead of database_url.")] = None,
) -> None:
    """Serve the web app over the archive: attention heatmaps, provinces, stories, search,
    meetings, watchlists — each view with a CSV download and JSON under /api."""
    config = state.config
    if db is not None:
        url = database_of(db)
        try:
            check_database_url(url)
        except ValueError as e:
            raise ProvwatchError(f"--db: {e}") from None
        config = replace(config, database_url=url)
    run_server(config, host, port)
