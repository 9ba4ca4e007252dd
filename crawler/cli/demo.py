"""`provwatch demo`: the whole job offline on the bundled demo site."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from provwatch.crawler.cli.app import app, err, out


@app.command()
def demo(
    directory: Annotated[Path | None, typer.Option(
        "--dir", help="Where the demo keeps its database and outbox.")] = None,
) -> None:
    """Run the whole job offline on the bundled demo site, and show what it found."""
    # lazy: the demo loads the whole pipeline, which `run` and `status` never need
    from provwatch.crawler.demo.run import run_demo

    run_demo(directory, out, err)
