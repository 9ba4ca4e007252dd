"""`provwatch demo`: the whole job offline on the bundled demo site."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from provwatch.crawler.cli.app import app, err, out, state
from provwatch.crawler.cli.serve import run_server


@app.command()
def demo(
    directory: Annotated[Path | None, typer.Option(
        "--dir", help="Where the demo keeps its database and outbox.")] = None,
    serve: Annotated[bool, typer.Option(
        "--serve", help="Then open the demo's archive in the web app on 127.0.0.1.")
    ] = False,
    port: Annotated[int, typer.Option(
        min=0, max=65535, help="With --serve: the port (0: any free port, printed).")] = 8080,
) -> None:
    """Run the whole job offline on the bundled demo site, and show what it found."""
    # lazy: the demo loads the whole pipeline, which `run` and `status` never need
    from provwatch.crawler.demo.run import run_demo

    database_url = run_demo(directory, out, err)
    if serve:
        run_server(replace(state.config, database_url=database_url), "127.0.0.1", port)
